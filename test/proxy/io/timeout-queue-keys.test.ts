// The timeout queue's keys: fractional durations (computed from a deadline) share the whole-millisecond queue, and
// a queue that went idle is dropped, so 1000s of connects a second never grow the set of queues or Node timers.
import test from 'ava';
import { queuedTimeouts, startTimeout, timeoutQueueCount, type Timed } from '../../../src/proxy/io/timeout-queue.js';

class Op implements Timed {
  done = false;
  expired = 0;
  expire(): void {
    this.expired++;
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('fractional durations round up to one queue per whole millisecond, idle queues are dropped', async (t) => {
  const before = timeoutQueueCount();
  const ops: Op[] = [];
  for (let i = 0; i < 200; i++) {
    const op = new Op();
    // 49.005 .. 49.995 ms, as `deadline - performance.now()` gives: all in the 50 ms queue.
    startTimeout(op, 49 + (i + 1) / 201);
    ops.push(op);
  }
  t.is(queuedTimeouts(50), 200);
  t.is(timeoutQueueCount(), before + 1);
  const t0 = performance.now();
  await sleep(150);
  t.true(ops.every((o) => o.expired === 1), 'every entry expired exactly once');
  t.true(performance.now() - t0 >= 49);
  t.is(queuedTimeouts(50), 0);
  t.is(timeoutQueueCount(), before, 'the idle 50 ms queue is gone');
});

test.serial('a duration below one millisecond still waits at least 1 ms and fires', async (t) => {
  const op = new Op();
  startTimeout(op, 0.2);
  t.is(queuedTimeouts(1), 1);
  await sleep(30);
  t.is(op.expired, 1);
});
