// Flap damping (pure): more than N transitions of one target within M minutes -> hold alerts, send one summary.

export interface DampingConfig {
  readonly maxTransitions: number; // N: this many alerts in the window go out individually
  readonly windowMs: number; // M minutes
  /** A storm that has calmed down for this long gets its summary early (never later than the window). */
  readonly settleMs: number;
}

export type DampDecision =
  | { readonly action: 'send' }
  | { readonly action: 'hold'; readonly summaryAt: number }; // (re)arm the summary timer for this key

interface KeyState {
  times: number[]; // transition times inside the window
  holdingSince?: number; // first held transition of the current summary period
}

/**
 * Per target (instance/group): `record` each mail-worthy transition. While the count inside the sliding
 * window is <= N, alerts go out; the (N+1)th starts a holding period whose transitions are collected by the
 * caller and mailed as one summary at `summaryAt` = min(start + window, last + settle). `summarySent`
 * ends the period; if the target keeps flapping the next transition opens a new one, so a continuous storm
 * yields at most N individual mails and then one summary per window.
 */
export class FlapDamper {
  private readonly keys = new Map<string, KeyState>();

  constructor(private readonly cfg: DampingConfig) {}

  record(key: string, now: number): DampDecision {
    let s = this.keys.get(key);
    if (!s) {
      s = { times: [] };
      this.keys.set(key, s);
    }
    s.times = s.times.filter((t) => t > now - this.cfg.windowMs);
    s.times.push(now);
    if (s.holdingSince === undefined && s.times.length <= this.cfg.maxTransitions) return { action: 'send' };
    if (s.holdingSince === undefined) s.holdingSince = now;
    return { action: 'hold', summaryAt: Math.min(s.holdingSince + this.cfg.windowMs, now + this.cfg.settleMs) };
  }

  /** The summary for `key` went out: the holding period is over. */
  summarySent(key: string): void {
    const s = this.keys.get(key);
    if (s) s.holdingSince = undefined;
  }

  holding(key: string): boolean {
    return this.keys.get(key)?.holdingSince !== undefined;
  }
}

/** alert_flap_damping N MIN -> DampingConfig (settle: a quiet minute, at most the window). */
export function dampingConfig(d: { maxTransitions: number; windowMin: number }): DampingConfig {
  const windowMs = d.windowMin * 60_000;
  return { maxTransitions: d.maxTransitions, windowMs, settleMs: Math.min(60_000, windowMs) };
}
