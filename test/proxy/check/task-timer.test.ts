// TaskTimer on the real clock (refresh() re-arming, including after the timer fired) and on an injected clock.
import test from 'ava';
import { realClock, type Clock, type TimerHandle } from '../../../src/core/clock.js';
import { TaskTimer } from '../../../src/proxy/check/task-timer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('real clock: re-arming with the same delay restarts it, after firing too; clear() cancels; a new delay replaces', async (t) => {
  const fired: number[] = [];
  const t0 = performance.now();
  const timer = new TaskTimer(realClock, () => fired.push(Math.round(performance.now() - t0)));
  timer.set(60);
  await sleep(30);
  timer.set(60); // pending: restarts from now (fires ~90 ms after t0, once)
  await sleep(100);
  t.is(fired.length, 1);
  t.true(fired[0]! >= 85 && fired[0]! < 250, `fired at ${fired[0]} ms`);
  timer.set(60); // already fired: refresh() arms it again
  await sleep(110);
  t.is(fired.length, 2);
  timer.set(60);
  timer.clear();
  await sleep(100);
  t.is(fired.length, 2, 'cleared');
  timer.set(20); // another delay: a new timer
  await sleep(80);
  t.is(fired.length, 3);
});

test('injected clock: set/clear go through it', (t) => {
  const calls: string[] = [];
  let n = 0;
  const clock: Clock = {
    now: () => 0,
    wallNow: () => 0,
    setTimeout: (_fn, ms) => {
      calls.push(`set ${ms}`);
      return ++n as unknown as TimerHandle;
    },
    clearTimeout: (h) => {
      calls.push(`clear ${String(h)}`);
    },
  };
  const timer = new TaskTimer(clock, () => undefined);
  timer.set(2000);
  timer.set(2000);
  timer.clear();
  t.deepEqual(calls, ['clear undefined', 'set 2000', 'clear 1', 'set 2000', 'clear 2']);
});
