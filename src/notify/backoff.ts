// Retry delays (pure): exponential backoff with bounded jitter, and the relay-probe schedule.

export interface BackoffPolicy {
  readonly baseMs: number; // first retry delay
  readonly maxMs: number; // cap
  readonly jitter: number; // 0.2 = up to +20 %, so many queues do not retry in lockstep
}

export const DEFAULT_BACKOFF: BackoffPolicy = { baseMs: 1_000, maxMs: 300_000, jitter: 0.2 };

/** Probing an unreachable relay with a TCP connect is cheap, so it is capped low: delivery resumes fast. */
export const PROBE_MAX_MS = 2_000;

/** Delay before attempt `attempt + 1` after `attempt` consecutive failures (attempt >= 1). */
export function backoffMs(attempt: number, policy: BackoffPolicy = DEFAULT_BACKOFF, rand: () => number = Math.random): number {
  const n = Math.max(1, Math.floor(attempt));
  const raw = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(n - 1, 30));
  return Math.round(raw * (1 + policy.jitter * rand()));
}

/** Relay probe delay after `failures` consecutive relay-level failures. */
export function probeDelayMs(failures: number, policy: BackoffPolicy = DEFAULT_BACKOFF): number {
  return Math.min(PROBE_MAX_MS, backoffMs(failures, { ...policy, jitter: 0 }));
}
