// One lazily re-armed timer per session: activity only updates timestamps; the timer fires at the earliest
// deadline known when it was armed, and the owner re-arms it for whatever deadline is current then. A deadline
// that moves earlier (a shorter timeout phase starts) re-arms at once. This keeps per-I/O work to a field store.

export class Deadline {
  private timer: NodeJS.Timeout | undefined;
  private at = Infinity;
  private readonly onTimer = (): void => {
    this.timer = undefined;
    this.at = Infinity;
    this.fire();
  };

  constructor(private readonly fire: () => void) {}

  /** Makes sure the owner is called back no later than `when` (performance.now() ms). Infinity = nothing. */
  ensure(when: number): void {
    if (when >= this.at) return;
    if (this.timer) clearTimeout(this.timer);
    this.at = when;
    this.timer = setTimeout(this.onTimer, Math.max(1, Math.ceil(when - performance.now())));
  }

  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.at = Infinity;
  }
}

/** Milliseconds as a deadline from `now`, Infinity when the timeout is unset or 0. */
export function deadlineAfter(now: number, ms: number | undefined): number {
  return ms === undefined || ms <= 0 ? Infinity : now + ms;
}
