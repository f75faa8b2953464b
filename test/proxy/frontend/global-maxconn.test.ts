// Connection limits above the frontend: global maxconn is shared by every frontend (haproxy stops accepting on all
// listeners when actconn reaches it) and a defaults maxconn is inherited by the frontends that follow it.
// Connections over the limit wait (held, unread) and are served when a slot frees, none is refused.
import test from 'ava';
import http from 'node:http';
import { startInProcess } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';

const slow = (_req: http.IncomingMessage, res: http.ServerResponse): void => void setTimeout(() => res.end('ok'), 250);

test('global maxconn 2 is shared by two frontends: at most 2 streams at once, the rest wait and succeed', async (t) => {
  const b = await startHttpBackend('b', slow);
  const px = await startInProcess(`
global
  maxconn 2
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend a
  bind 127.0.0.1:@PORT
  default_backend app
frontend b
  bind 127.0.0.1:@PORT2
  default_backend app
backend app
  server s1 127.0.0.1:${b.port}
`);
  try {
    const t0 = Date.now();
    const all = await Promise.all([
      ...Array.from({ length: 3 }, () => request(px.port('a'), '/a', { agent: false })),
      ...Array.from({ length: 3 }, () => request(px.port('b'), '/b', { agent: false })),
    ]);
    const ms = Date.now() - t0;
    t.deepEqual(all.map((r) => r.status), Array(6).fill(200));
    t.is(b.maxActive, 2, 'never more than the global maxconn in flight, over both frontends');
    t.true(ms >= 600, `6 requests of 250 ms, 2 at a time, took ${ms} ms`);
  } finally {
    await px.close();
    await b.close();
  }
});

test('defaults maxconn is inherited by a frontend without its own, and its own maxconn wins', async (t) => {
  const b = await startHttpBackend('b', slow);
  const px = await startInProcess(`
defaults
  mode http
  maxconn 1
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend inherits
  bind 127.0.0.1:@PORT
  default_backend app
frontend own
  bind 127.0.0.1:@PORT2
  maxconn 3
  default_backend app
backend app
  server s1 127.0.0.1:${b.port}
`);
  try {
    t.is(px.rt.frontends.get('inherits')!.maxconn, 1);
    const a = await Promise.all(Array.from({ length: 3 }, () => request(px.port('inherits'), '/', { agent: false })));
    t.deepEqual(a.map((r) => r.status), [200, 200, 200]);
    t.is(b.maxActive, 1, 'defaults maxconn 1: one stream at a time');
    b.maxActive = 0;
    const o = await Promise.all(Array.from({ length: 3 }, () => request(px.port('own'), '/', { agent: false })));
    t.deepEqual(o.map((r) => r.status), [200, 200, 200]);
    t.is(b.maxActive, 3, 'the frontend maxconn 3 lets three through');
  } finally {
    await px.close();
    await b.close();
  }
});
