// A fake Clock (core/clock.ts interface) on @sinonjs/fake-timers: scheduling is virtual, sockets stay real.
import FakeTimers from '@sinonjs/fake-timers';
import type { Clock, TimerHandle } from '../../src/core/clock.js';

export interface FakeClock extends Clock {
  /** Advances virtual time, firing due timers in order. */
  tick(ms: number): void;
  readonly virtualNow: number;
}

export function fakeClock(): FakeClock {
  const fc = FakeTimers.createClock(0);
  return {
    now: () => fc.now,
    wallNow: () => 1_700_000_000_000 + fc.now,
    setTimeout: (fn, ms) => fc.setTimeout(fn, ms) as unknown as TimerHandle,
    clearTimeout: (h) => {
      if (h !== undefined) fc.clearTimeout(h as unknown as FakeTimers.TimerId);
    },
    tick: (ms) => void fc.tick(ms),
    get virtualNow() {
      return fc.now;
    },
  };
}
