// Retry / redispatch decision table (haproxy.md §4.4; stream.h stream_choose_redispatch, back_handle_st_cer).
import test from 'ava';
import { retriesExhausted, retryDelayMs, shouldRedispatch, type RetryInput } from '../../../src/proxy/backend/retry.js';

const base: RetryInput = { retries: 3, retriesDone: 1, redispatch: -1, serverOp: 'up', persisted: true, algo: 'leastconn', activeServers: 2 };

const TABLE: [string, Partial<RetryInput>, boolean][] = [
  ['option off: never', { redispatch: undefined, serverOp: 'down' }, false],
  ['redispatch 0 disables it', { redispatch: 0, serverOp: 'down' }, false],
  ['server DOWN: leave at once', { serverOp: 'down' }, true],
  ['server slow-starting counts as not RUNNING', { serverOp: 'starting' }, true],
  ['default -1: not on the first retry', { retriesDone: 1 }, false],
  ['default -1: not on the second', { retriesDone: 2 }, false],
  ['default -1: on the last retry (3 % (3+1-1) == 0)', { retriesDone: 3 }, true],
  ['redispatch 1: every retry', { redispatch: 1, retriesDone: 1 }, true],
  ['redispatch 2: every second retry (1)', { redispatch: 2, retriesDone: 1 }, false],
  ['redispatch 2: every second retry (2)', { redispatch: 2, retriesDone: 2 }, true],
  ['-2 with retries 3: every 2nd', { redispatch: -2, retriesDone: 2 }, true],
  ['not persistent, roundrobin, 2 active: any retry', { persisted: false, algo: 'roundrobin' }, true],
  ['not persistent, static-rr: any retry', { persisted: false, algo: 'static-rr' }, true],
  ['not persistent, random: any retry', { persisted: false, algo: 'random' }, true],
  ['not persistent, leastconn: waits for the interval', { persisted: false, algo: 'leastconn' }, false],
  ['not persistent, first: waits for the interval', { persisted: false, algo: 'first' }, false],
  ['not persistent, roundrobin, single active server', { persisted: false, algo: 'roundrobin', activeServers: 1 }, false],
  ['persistent, roundrobin: waits for the interval', { persisted: true, algo: 'roundrobin' }, false],
];
for (const [title, patch, want] of TABLE) {
  test(`redispatch: ${title}`, (t) => t.is(shouldRedispatch({ ...base, ...patch }), want));
}

test('retries N allows N+1 attempts', (t) => {
  t.false(retriesExhausted(3, 1));
  t.false(retriesExhausted(3, 3));
  t.true(retriesExhausted(3, 4));
  t.true(retriesExhausted(0, 1));
});

const D = { timedOut: false, reused: false, redispatch: false, algo: 'roundrobin' as const, activeServers: 2, connectTimeoutMs: 5000 };
const DELAYS: [string, Partial<typeof D>, number][] = [
  ['refused, same server: 1 s', {}, 1000],
  ['capped by a shorter timeout connect', { connectTimeoutMs: 300 }, 300],
  ['no timeout connect: 1 s', { connectTimeoutMs: undefined }, 1000],
  ['after a timeout: immediately', { timedOut: true }, 0],
  ['reused connection: immediately', { reused: true }, 0],
  ['redispatch with roundrobin and 2 active: immediately', { redispatch: true }, 0],
  ['redispatch with leastconn: still waits', { redispatch: true, algo: 'leastconn' as never }, 1000],
  ['redispatch with one active server: waits', { redispatch: true, activeServers: 1 }, 1000],
];
for (const [title, patch, want] of DELAYS) test(`retry delay: ${title}`, (t) => t.is(retryDelayMs({ ...D, ...patch }), want));
