// The check tick wheel on real timers: due times rounded up to the 10 ms grid (never early), one wake-up for a slot,
// clear/re-arm semantics (fires once, at the latest arming), due tasks run SLICE per loop turn so other callbacks
// get in between, and TaskTimer's choice between the wheel (long delays) and exact Node timers (short ones).
import test from 'ava';
import { realClock } from '../../../src/core/clock.js';
import { COALESCE_FROM_MS, SLICE, TICK_MS, wheelArmed, wheelClear, wheelSet, wheelSlots, type WheelEntry } from '../../../src/proxy/check/tick-wheel.js';
import { TaskTimer } from '../../../src/proxy/check/task-timer.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function entry(log: string[], name: string, times?: Map<string, number>): WheelEntry {
  return {
    tick: -1,
    fire: () => {
      log.push(name);
      times?.set(name, performance.now());
    },
  };
}

test.serial('entries fire once, never early, rounded up to the grid; those sharing a slot fire in one wake-up', async (t) => {
  const log: string[] = [];
  const times = new Map<string, number>();
  const armed = new Map<string, number>();
  const names = ['a', 'b', 'c', 'd'];
  for (const n of names) {
    armed.set(n, performance.now());
    wheelSet(entry(log, n, times), COALESCE_FROM_MS);
  }
  await sleep(COALESCE_FROM_MS + 300);
  t.deepEqual([...log].sort(), names, 'each fired exactly once');
  for (const n of names) {
    const late = times.get(n)! - armed.get(n)! - COALESCE_FROM_MS;
    t.true(late >= -1 && late < TICK_MS + 250, `${n} fired ${late.toFixed(1)} ms after its due time`);
  }
  // Armed within microseconds of each other: the same or adjacent slot, so within one tick (plus a loop turn).
  const spread = Math.max(...times.values()) - Math.min(...times.values());
  t.true(spread <= TICK_MS + 5, `spread ${spread.toFixed(1)} ms`);
  t.is(wheelSlots(), 0, 'fired slots are removed');
});

test.serial('a cleared entry never fires; a re-armed one fires once, at its latest arming', async (t) => {
  const log: string[] = [];
  const times = new Map<string, number>();
  const gone = entry(log, 'gone');
  const moved = entry(log, 'moved', times);
  const t0 = performance.now();
  wheelSet(gone, 1000);
  wheelClear(gone);
  wheelSet(moved, 1000);
  wheelSet(moved, 1200); // replaces the first arming; the stale slot entry is skipped
  await sleep(1500);
  t.deepEqual(log, ['moved']);
  t.true(times.get('moved')! - t0 >= 1199, `fired after ${times.get('moved')! - t0} ms`);
});

test.serial(`due entries run ${SLICE} per loop turn: an immediate queued by the first one runs before the rest`, async (t) => {
  const log: string[] = [];
  const n = SLICE * 3;
  const first: WheelEntry = {
    tick: -1,
    fire: () => {
      log.push('e0');
      setImmediate(() => log.push('traffic'));
    },
  };
  wheelSet(first, 1000);
  for (let i = 1; i < n; i++) wheelSet(entry(log, `e${i}`), 1000);
  await sleep(1400);
  t.is(log.length, n + 1);
  const at = log.indexOf('traffic');
  t.true(at > 0 && at <= SLICE, `the immediate ran at position ${at} of ${log.join(',')}`);
});

test.serial('TaskTimer: long delays go on the wheel, short ones on a Node timer; switching leaves the other', async (t) => {
  let fired = 0;
  const timer = new TaskTimer(realClock, () => fired++);
  const before = wheelSlots();
  timer.set(1500);
  t.is(wheelSlots(), before + 1, 'on the wheel');
  timer.set(40); // now a short delay: off the wheel (its slot entry is skipped), exact Node timer
  await sleep(150);
  t.is(fired, 1);
  timer.set(1100);
  timer.clear();
  await sleep(1700);
  t.is(fired, 1, 'neither the cleared nor the replaced arming fired');
  t.is(wheelSlots(), before, 'stale slots expired without firing');
});

test.serial('clearing the last armed entry drops every slot and the timer (stopped checks do not hold the process)', (t) => {
  const log: string[] = [];
  const a = entry(log, 'a');
  const b = entry(log, 'b');
  wheelSet(a, 5000);
  wheelSet(b, 7000);
  wheelSet(b, 9000);
  t.is(wheelArmed(), 2);
  t.is(wheelSlots(), 3);
  wheelClear(a);
  t.is(wheelSlots(), 3, 'b is still armed');
  wheelClear(b);
  wheelClear(b); // twice: no effect
  t.is(wheelArmed(), 0);
  t.is(wheelSlots(), 0);
});
