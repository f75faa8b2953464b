// Limits and queues on a manual clock (haproxy.md §4.2-4.3): FIFO, timeout queue (default timeout connect),
// maxqueue, older-first between server and backend queues, dequeue on release / maxconn / server up,
// redistribution on DOWN only with option redispatch, aborts, dynamic limit with fullconn.
import test from 'ava';
import { Backend } from '../../../src/proxy/backend/backend.js';
import type { AssignResult, ServerTransitionCause } from '../../../src/proxy/types.js';
import { ManualClock, logSink, section, srvCfg, stream } from '../../helpers/backend-fixtures.js';

const DOWN: ServerTransitionCause = { source: 'check', reason: 'Layer4 timeout', checkStatus: 'L4TOUT' };
const UP: ServerTransitionCause = { source: 'check', reason: 'Layer4 check passed', checkStatus: 'L4OK' };

function setup(servers = [srvCfg('a1', 1, { maxconn: 2, minconn: 2 })], extra: Parameters<typeof section>[1] = {}, fullconn = 1000) {
  const clock = new ManualClock();
  const be = new Backend(section(servers, extra), fullconn, { logger: logSink().logger, clock });
  return { clock, be };
}

/** Starts an assignment and records its settlement order. */
function track(be: Backend, order: string[], id: string, extra: { persistServer?: string; signal?: AbortSignal } = {}) {
  const s = stream();
  const p = be.assign({ clientIp: '198.18.0.2', clientPort: 1, dstPort: 80, stream: s, ...extra }).then((r) => {
    order.push(id);
    return r;
  });
  return { s, p };
}

const tick = (): Promise<void> => new Promise((r) => setImmediate(r));

test('backend queue is FIFO: releases serve waiting streams in arrival order, queuedMs measured', async (t) => {
  const { be, clock } = setup();
  const order: string[] = [];
  const first = [track(be, order, 'r1'), track(be, order, 'r2')];
  const waiting = ['w1', 'w2', 'w3'].map((id) => {
    clock.advance(10);
    return track(be, order, id);
  });
  await tick();
  t.deepEqual(order, ['r1', 'r2']);
  t.is(be.queueLength, 3);
  t.is(be.beconn, 5);
  t.is(be.counters.queueMax, 3);
  clock.advance(100);
  const a1 = be.servers[0]!;
  be.release(a1, first[0]!.s);
  await tick();
  t.deepEqual(order, ['r1', 'r2', 'w1']);
  be.release(a1, first[1]!.s);
  be.release(a1, (await waiting[0]!.p as Extract<AssignResult, { ok: true }>) && waiting[0]!.s);
  await tick();
  t.deepEqual(order, ['r1', 'r2', 'w1', 'w2', 'w3']);
  const w1 = (await waiting[0]!.p) as Extract<AssignResult, { ok: true }>;
  t.is(w1.queuedMs, 120);
  t.is(a1.served, 2);
  t.is(be.queueLength, 0);
});

test('timeout queue expires with queue-timeout; unset it defaults to timeout connect', async (t) => {
  for (const [timeouts, expect] of [[{ connect: 500, queue: 1500 }, 1500], [{ connect: 700 }, 700]] as const) {
    const { be, clock } = setup(undefined, { timeouts });
    const order: string[] = [];
    track(be, order, 'a');
    track(be, order, 'b');
    const w = track(be, order, 'w');
    clock.advance(expect - 1);
    await tick();
    t.is(order.length, 2);
    clock.advance(1);
    const r = await w.p;
    t.deepEqual(r, { ok: false, why: 'queue-timeout', queuedMs: expect });
    t.is(be.queueLength, 0, 'removed from the queue');
  }
});

test('client abort while queued -> aborted, slot never taken', async (t) => {
  const { be } = setup();
  const order: string[] = [];
  track(be, order, 'a');
  track(be, order, 'b');
  const ac = new AbortController();
  const w = track(be, order, 'w', { signal: ac.signal });
  ac.abort();
  t.like(await w.p, { ok: false, why: 'aborted' });
  t.is(be.queueLength, 0);
});

test('no usable server -> immediate no-server', async (t) => {
  const { be } = setup();
  be.servers[0]!.setOperational('down', DOWN);
  t.like(await be.assign({ clientIp: '1.2.3.4', clientPort: 1, dstPort: 80, stream: stream() }), { ok: false, why: 'no-server' });
  t.is(be.counters.connErrors, 1);
});

test('persistence to a full server queues on it; maxqueue full -> queue-full, or redispatch with option redispatch', async (t) => {
  for (const redispatch of [undefined, { interval: -1 }]) {
    const { be } = setup([srvCfg('a1', 1, { maxconn: 1, minconn: 1, maxqueue: 1 }), srvCfg('a2', 2)], { options: { redispatch } });
    const order: string[] = [];
    const p1 = track(be, order, 'p1', { persistServer: 'a1' });
    const q = track(be, order, 'p2', { persistServer: 'a1' });
    const over = track(be, order, 'p3', { persistServer: 'a1' });
    const r = await over.p;
    if (redispatch) t.like(r, { ok: true, persisted: false }, 'redispatched to another server');
    else t.like(r, { ok: false, why: 'queue-full' });
    if (r.ok) t.is(r.server.name, 'a2');
    t.is(be.servers[0]!.queueLength, 1);
    be.release(be.servers[0]!, p1.s);
    t.like(await q.p, { ok: true, persisted: true }, 'the directed waiter gets a1 when its slot frees');
    t.is((await q.p as Extract<AssignResult, { ok: true }>).server.name, 'a1');
  }
});

test('older-first between the server queue and the backend queue', async (t) => {
  const { be, clock } = setup([srvCfg('a1', 1, { maxconn: 1, minconn: 1 })]);
  const order: string[] = [];
  const holder = track(be, order, 'hold');
  clock.advance(1);
  track(be, order, 'lb-1'); // backend queue (LB found no free server)
  clock.advance(1);
  track(be, order, 'direct-2', { persistServer: 'a1' }); // a1's own queue
  clock.advance(1);
  track(be, order, 'lb-3');
  await tick();
  const a1 = be.servers[0]!;
  be.release(a1, holder.s);
  await tick();
  t.deepEqual(order, ['hold', 'lb-1']);
  t.is(a1.queueLength, 1);
  t.is(be.queueLength, 1);
});

test('server coming UP grabs the backend queue; maxconn raise dequeues', async (t) => {
  const { be } = setup([srvCfg('a1', 1, { maxconn: 1, minconn: 1 }), srvCfg('a2', 2, { maxconn: 1, minconn: 1 })]);
  const a2 = be.servers[1]!;
  a2.setOperational('down', DOWN);
  const order: string[] = [];
  for (const id of ['r1', 'w1', 'w2', 'w3']) track(be, order, id);
  await tick();
  t.deepEqual(order, ['r1']);
  a2.setOperational('up', UP);
  await tick();
  t.deepEqual(order, ['r1', 'w1']);
  be.servers[0]!.setMaxconn(3);
  await tick();
  t.deepEqual(order, ['r1', 'w1', 'w2', 'w3']);
});

test('server DOWN: its queue is redistributed only with option redispatch (and not with option persist)', async (t) => {
  const cases: [Parameters<typeof section>[1], boolean][] = [
    [{}, false],
    [{ options: { redispatch: { interval: -1 } } }, true],
    [{ options: { redispatch: { interval: -1 }, persist: true } }, false],
  ];
  for (const [extra, moves] of cases) {
    const { be } = setup([srvCfg('a1', 1, { maxconn: 1, minconn: 1 }), srvCfg('a2', 2)], extra);
    const order: string[] = [];
    track(be, order, 'hold', { persistServer: 'a1' });
    const w = track(be, order, 'waiter', { persistServer: 'a1' });
    await tick();
    t.is(be.servers[0]!.queueLength, 1);
    be.servers[0]!.setOperational('down', DOWN);
    await tick();
    t.is(order.includes('waiter'), moves, JSON.stringify(extra));
    if (moves) t.like(await w.p, { ok: true, persisted: false });
  }
});

test('dynamic limit: minconn while the backend is far from fullconn, growing with beconn', async (t) => {
  const { be } = setup([srvCfg('a1', 1, { maxconn: 10, minconn: 2 })], {}, 100);
  const order: string[] = [];
  const all = Array.from({ length: 40 }, (_, i) => track(be, order, `s${i}`));
  await tick();
  const a1 = be.servers[0]!;
  t.is(a1.served, 2, 'limit = max(minconn, beconn*maxconn/fullconn) = max(2, 40*10/100 = 4)? no: evaluated per arrival');
  be.release(a1, all[0]!.s);
  await tick();
  // beconn is now 39: limit floor(39*10/100) = 3.
  t.is(a1.served, 3);
  t.is(a1.dynamicMaxconn(), 3);
});
