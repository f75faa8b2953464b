// Injectable clock: production uses the monotonic clock and real timers; tests substitute a fake one.

export interface TimerHandle {
  readonly __timer: unique symbol;
}

export interface Clock {
  /** Monotonic milliseconds (fractional), unrelated to wall time. Use for every interval computation. */
  now(): number;
  /** Wall-clock milliseconds since the epoch, only for display and timestamps in alerts/logs. */
  wallNow(): number;
  setTimeout(fn: () => void, ms: number): TimerHandle;
  clearTimeout(handle: TimerHandle | undefined): void;
}

export const realClock: Clock = {
  now: () => performance.now(),
  wallNow: () => Date.now(),
  setTimeout(fn, ms) {
    const t = setTimeout(fn, Math.max(0, ms));
    return t as unknown as TimerHandle;
  },
  clearTimeout(handle) {
    if (handle !== undefined) clearTimeout(handle as unknown as NodeJS.Timeout);
  },
};
