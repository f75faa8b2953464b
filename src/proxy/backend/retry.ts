// Pure retry/redispatch decisions after a failed connection attempt (haproxy backend.c back_handle_st_cer,
// stream.h stream_choose_redispatch; haproxy.md §4.4).
import type { BalanceAlgo, ServerOpState } from '../types.js';

/** Algorithms of haproxy's "round-robin kind" (BE_LB_KIND_RR): any retry may go to another server. */
const RR_KIND: ReadonlySet<BalanceAlgo['kind']> = new Set(['roundrobin', 'static-rr', 'random']);

export interface RetryInput {
  /** `retries N` of the backend (default 3): at most N+1 attempts. */
  readonly retries: number;
  /** Retries already done, counting the one about to happen (1 after the first failure). */
  readonly retriesDone: number;
  /** `option redispatch [n]` interval; undefined = option off; 0 = disabled. */
  readonly redispatch?: number;
  /** Operational state of the server that failed: anything but RUNNING ('up') allows leaving it at once. */
  readonly serverOp: ServerOpState;
  /** The stream was directed to the server by persistence (cookie / persist). */
  readonly persisted: boolean;
  readonly algo: BalanceAlgo['kind'];
  /** Usable active servers in the backend (haproxy srv_act). */
  readonly activeServers: number;
}

/** True when attempts are exhausted: attempt number retriesDone+1 would exceed N+1 (fixed counting, 2.6.x). */
export function retriesExhausted(retries: number, failedAttempts: number): boolean {
  return failedAttempts > retries;
}

/** Should the next attempt go through load balancing again (dropping persistence) instead of the same server? */
export function shouldRedispatch(r: RetryInput): boolean {
  const n = r.redispatch;
  if (n === undefined || n === 0) return false;
  if (r.serverOp !== 'up') return true;
  if (n > 0 && r.retriesDone % n === 0) return true;
  if (n < 0) {
    const every = r.retries + 1 + n;
    if (every > 0 && r.retriesDone % every === 0) return true;
  }
  return !r.persisted && r.activeServers > 1 && RR_KIND.has(r.algo);
}

/**
 * Delay before the next attempt: after an asynchronous connect error (refused, reset — not a timeout) on a fresh
 * connection, wait min(timeout connect, 1 s), unless the retry goes to another server through a round-robin-kind
 * algorithm with more than one active server.
 */
export function retryDelayMs(p: {
  readonly timedOut: boolean;
  readonly reused: boolean;
  readonly redispatch: boolean;
  readonly algo: BalanceAlgo['kind'];
  readonly activeServers: number;
  readonly connectTimeoutMs?: number;
}): number {
  if (p.timedOut || p.reused) return 0;
  const sameServerLikely = !p.redispatch || !RR_KIND.has(p.algo) || p.activeServers <= 1;
  if (!sameServerLikely) return 0;
  return p.connectTimeoutMs && p.connectTimeoutMs < 1000 ? p.connectTimeoutMs : 1000;
}
