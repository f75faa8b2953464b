// Limits under concurrent load through the real proxy: server maxconn queueing, minconn/fullconn dynamic limit,
// timeout queue -> 503 (sQ), frontend maxconn (connections wait, none refused), retries + redispatch.
import test from 'ava';
import http from 'node:http';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startHttpBackend, closedPort } from '../../helpers/proxy-servers.js';
import { request, rawExchange } from '../../helpers/proxy-client.js';

const slow = (ms: number) => (_req: http.IncomingMessage, res: http.ServerResponse) => {
  setTimeout(() => res.end('slow'), ms);
};

const cfg = (be: string, servers: string, fe = '') => `
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  ${fe}
  default_backend app
backend app
  ${be}
${servers}
`;

async function concurrent(port: number, n: number): Promise<number[]> {
  return Promise.all(Array.from({ length: n }, (_v, i) => request(port, `/c${i}`).then((r) => r.status)));
}

test('server maxconn: never more than maxconn in flight, the rest queue and succeed', async (t) => {
  const b = await startHttpBackend('b', slow(150));
  const px = await startInProcess(cfg('timeout queue 5s', `  server s1 127.0.0.1:${b.port} maxconn 2`));
  try {
    const statuses = await concurrent(px.port('fe'), 8);
    t.deepEqual(statuses, Array(8).fill(200));
    t.is(b.maxActive, 2);
    const waited = trafficLogs(px.logs).filter((l) => Number(l.Tw) >= 100);
    t.true(waited.length >= 4, 'queued requests show their wait in Tw');
  } finally {
    await px.close();
    await b.close();
  }
});

test('minconn/fullconn: low load uses the low limit, high load the full maxconn (haproxy.md §4.2)', async (t) => {
  const b = await startHttpBackend('b', slow(200));
  // limit = max(minconn, floor(beconn * maxconn / fullconn)) below fullconn. With 6 streams the first is served
  // alone (beconn 1 -> limit 1), the rest queue; when it ends beconn is 5 -> limit 2, and stays <= 2 afterwards.
  const px = await startInProcess(cfg('fullconn 8\n  timeout queue 5s', `  server s1 127.0.0.1:${b.port} minconn 1 maxconn 4`));
  try {
    await concurrent(px.port('fe'), 6);
    t.is(b.maxActive, 2, 'below fullconn the dynamic limit stays at 2');
    b.maxActive = 0;
    await concurrent(px.port('fe'), 12);
    t.is(b.maxActive, 4, 'at beconn >= fullconn the limit is maxconn');
  } finally {
    await px.close();
    await b.close();
  }
});

test('timeout queue: queued requests get 503 after the queue timeout (sQ)', async (t) => {
  const b = await startHttpBackend('b', slow(1500));
  const px = await startInProcess(cfg('timeout queue 300ms', `  server s1 127.0.0.1:${b.port} maxconn 1`));
  try {
    const t0 = Date.now();
    const statuses = await concurrent(px.port('fe'), 3);
    t.deepEqual([...statuses].sort(), [200, 503, 503]);
    t.true(Date.now() - t0 >= 1400);
    const rejected = trafficLogs(px.logs).filter((l) => l.status === 503);
    t.is(rejected.length, 2);
    for (const l of rejected) {
      t.is(String(l.termination_state).slice(0, 2), 'sQ');
      t.true(Number(l.Tw) >= 250 && Number(l.Tw) < 1000, `Tw ${String(l.Tw)}`);
    }
  } finally {
    await px.close();
    await b.close();
  }
});

test('frontend maxconn: extra connections wait (not refused) and are served when slots free', async (t) => {
  const b = await startHttpBackend('b', slow(200));
  const px = await startInProcess(cfg('', `  server s1 127.0.0.1:${b.port}`, 'maxconn 2'));
  try {
    const fe = px.rt.frontends.get('fe')!;
    const all = Array.from({ length: 6 }, (_v, i) => rawExchange(px.port('fe'), `GET /m${i} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { waitMs: 5000 }));
    await new Promise((r) => setTimeout(r, 80));
    t.is(fe.feconn, 2, 'only maxconn sessions are active');
    t.is(fe.status, 'FULL');
    const rs = await Promise.all(all);
    for (const r of rs) t.regex(r.text, /^HTTP\/1\.1 200 OK/);
    t.is(b.maxActive, 2);
    await until(() => fe.feconn === 0, 2000, 'sessions closed');
  } finally {
    await px.close();
    await b.close();
  }
});

test('retries + option redispatch: a refusing server is skipped, nothing fails, wretr/wredis counted', async (t) => {
  const good = await startHttpBackend('good');
  const dead = await closedPort();
  const px = await startInProcess(cfg('retries 2\n  option redispatch\n  balance roundrobin', `  server bad 127.0.0.1:${dead}\n  server ok 127.0.0.1:${good.port}`));
  try {
    const statuses: number[] = [];
    for (let i = 0; i < 6; i++) statuses.push((await request(px.port('fe'), '/r')).status);
    t.deepEqual(statuses, Array(6).fill(200));
    const be = px.rt.backends.get('app')!;
    t.true(be.counters.redispatches >= 1, `wredis ${be.counters.redispatches}`);
    t.true(be.findServer('bad')!.counters.connErrors + be.counters.retries + be.counters.redispatches > 0);
    const redispatched = trafficLogs(px.logs).filter((l) => l.redispatched === true);
    t.true(redispatched.length >= 1);
    t.regex(String(redispatched[0]!.msg), /\/\+\d /, 'retries shown with + when redispatched');
  } finally {
    await px.close();
    await good.close();
  }
});

test('retries without redispatch: a refusing only server gives 503 after retries+1 attempts (SC)', async (t) => {
  const dead = await closedPort();
  const px = await startInProcess(cfg('retries 2', `  server bad 127.0.0.1:${dead}`));
  try {
    const r = await request(px.port('fe'), '/x');
    t.is(r.status, 503);
    const l = trafficLogs(px.logs)[0]!;
    t.is(String(l.termination_state).slice(0, 2), 'SC');
    t.is(l.retries, 2);
  } finally {
    await px.close();
  }
});
