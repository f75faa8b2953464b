// Client-side outage from the probe samples, and the bound it is judged against (pure).
import { skewTimeMs } from '../vrrp/timers.js';

export interface ProbeSample {
  readonly t: number; // epoch ms when the request was started
  readonly ok: boolean;
  readonly ms: number; // request duration
  readonly by?: string; // backend that answered
  readonly err?: string; // ECONNREFUSED, timeout, ...
}

export interface Outage {
  /** Longest gap between the starts of two consecutive served requests (includes one probe period). */
  readonly outageMs: number;
  /** Start of the last served request before the gap, and of the first one after it. */
  readonly lastOkBefore?: number;
  readonly firstOkAfter?: number;
  readonly failed: number; // failed requests inside the gap
  readonly total: number;
  /** False when no request was served after the last failure (the service never came back in the window). */
  readonly recovered: boolean;
  /** Failure kinds inside the gap, most frequent first: what the client saw (refused, then timeouts...). */
  readonly errors: readonly { readonly err: string; readonly count: number }[];
}

/**
 * Measures what the client lived through: with one request started every few ms on a fresh connection, the
 * longest gap between two served requests is the outage (upper bound, at most one probe period too long).
 */
export function measureOutage(samples: readonly ProbeSample[]): Outage {
  const sorted = [...samples].sort((a, b) => a.t - b.t);
  const oks = sorted.filter((s) => s.ok);
  const lastFail = sorted.filter((s) => !s.ok).at(-1);
  const recovered = lastFail === undefined || oks.some((s) => s.t > lastFail.t);
  let best: { from: number; to: number } | undefined;
  for (let i = 1; i < oks.length; i++) {
    const gap = oks[i]!.t - oks[i - 1]!.t;
    if (!best || gap > best.to - best.from) best = { from: oks[i - 1]!.t, to: oks[i]!.t };
  }
  if (!recovered && lastFail) {
    // Never served again: the outage runs at least to the end of the window.
    const from = oks.filter((s) => s.t < lastFail.t).at(-1)?.t ?? sorted[0]!.t;
    best = { from, to: lastFail.t + lastFail.ms };
  }
  if (!best) return { outageMs: 0, failed: sorted.filter((s) => !s.ok).length, total: sorted.length, recovered, errors: [] };
  const inside = sorted.filter((s) => !s.ok && s.t > best!.from && s.t < best!.to);
  const counts = new Map<string, number>();
  for (const s of inside) counts.set(s.err ?? 'error', (counts.get(s.err ?? 'error') ?? 0) + 1);
  return {
    outageMs: best.to - best.from,
    lastOkBefore: best.from,
    firstOkAfter: best.to,
    failed: inside.length,
    total: sorted.length,
    recovered,
    errors: [...counts].map(([err, count]) => ({ err, count })).sort((a, b) => b.count - a.count),
  };
}

export interface BoundInput {
  readonly fall: number; // vrrp_script fall
  readonly intervalSec: number; // vrrp_script interval
  readonly version: 2 | 3;
  readonly priority: number; // effective priority of the node taking over
  readonly advertIntMs: number;
  readonly slackMs?: number; // default 300 ms: script run time, GARP, probe granularity
}

export interface Bound {
  readonly boundMs: number;
  readonly detectMs: number; // fall x interval: the failing checks it takes to reach FAULT
  readonly skewMs: number; // the backup waits Skew_Time after the priority-0 advert (keepalived.md §2.4, §2.6)
  readonly slackMs: number;
}

/**
 * Expected worst case: the proxy dies just after a passing check, so `fall` more runs (one interval apart) must
 * fail before FAULT; the FAULT node sends priority 0 and the backup takes over after its Skew_Time; then GARP.
 */
export function outageBound(b: BoundInput): Bound {
  const detectMs = b.fall * b.intervalSec * 1000;
  const skewMs = skewTimeMs(b.version, b.priority, b.advertIntMs);
  const slackMs = b.slackMs ?? 300;
  return { boundMs: Math.round(detectMs + skewMs + slackMs), detectMs, skewMs, slackMs };
}
