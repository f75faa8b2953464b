// The shared timeout queue behind outgoing connects: expiry in deadline order per duration, finished entries never
// expire and are dropped from the head at once, expire runs exactly once; real timers, generous bounds.
import test from 'ava';
import { queuedTimeouts, startTimeout, type Timed } from '../../../src/proxy/io/timeout-queue.js';

class Op implements Timed {
  done = false;
  expired = 0;
  at = 0;
  constructor(readonly name: string, readonly log: string[]) {}
  expire(): void {
    this.expired++;
    this.at = performance.now();
    this.log.push(this.name);
  }
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test('entries expire once, in order, after their duration; finished ones never expire', async (t) => {
  const log: string[] = [];
  const t0 = performance.now();
  const a = new Op('a', log);
  const b = new Op('b', log);
  const c = new Op('c', log);
  startTimeout(a, 80);
  startTimeout(b, 80);
  startTimeout(c, 40); // another duration: its own queue, fires first
  b.done = true; // finished before its deadline
  await sleep(200);
  t.deepEqual(log, ['c', 'a']);
  t.is(a.expired, 1);
  t.is(b.expired, 0);
  t.true(c.at - t0 >= 38 && c.at - t0 < 150, `c after ${c.at - t0} ms`);
  t.true(a.at - t0 >= 78 && a.at - t0 < 190, `a after ${a.at - t0} ms`);
  t.is(queuedTimeouts(80), 0);
  t.is(queuedTimeouts(40), 0);
});

test('operations that all finish keep the queue short (finished heads dropped on the next start)', (t) => {
  const log: string[] = [];
  const ops: Op[] = [];
  for (let i = 0; i < 5000; i++) {
    const op = new Op(`o${i}`, log);
    startTimeout(op, 61_000);
    ops.push(op);
    op.done = true; // e.g. the connect completed at once
  }
  t.true(queuedTimeouts(61_000) <= 1, `${queuedTimeouts(61_000)} entries kept`);
  const late = new Op('late', log);
  startTimeout(late, 61_000);
  late.done = true;
  t.deepEqual(log, []);
});
