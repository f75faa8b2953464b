// Misbehaving servers behind the real `hapair proxy` child: reset -> 502, hang -> 504, garbage -> 502, close without
// answer -> 502, refused -> 503, truncated body -> client connection cut; the proxy's fd count returns to baseline.
import test from 'ava';
import { startChild, until, type ChildProxy } from '../../helpers/proxy-harness.js';
import { startRawServer, misbehave, closedPort, type RawServer } from '../../helpers/proxy-servers.js';
import { rawExchange } from '../../helpers/proxy-client.js';

let px: ChildProxy;
const servers: RawServer[] = [];

test.before(async () => {
  const reset = await startRawServer(misbehave.reset);
  const hang = await startRawServer(misbehave.hang);
  const garbage = await startRawServer(misbehave.garbage);
  const silent = await startRawServer(misbehave.closeNoAnswer);
  const truncated = await startRawServer(misbehave.truncated);
  servers.push(reset, hang, garbage, silent, truncated);
  const refused = await closedPort();
  px = await startChild(`
global
  maxconn 500
defaults
  mode http
  retries 1
  timeout connect 1s
  timeout client 5s
  timeout server 700ms
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  use_backend reset if { path_beg /reset }
  use_backend hang if { path_beg /hang }
  use_backend garbage if { path_beg /garbage }
  use_backend silent if { path_beg /silent }
  use_backend truncated if { path_beg /truncated }
  default_backend refused
backend reset
  server s 127.0.0.1:${reset.port}
backend hang
  server s 127.0.0.1:${hang.port}
backend garbage
  server s 127.0.0.1:${garbage.port}
backend silent
  server s 127.0.0.1:${silent.port}
backend truncated
  server s 127.0.0.1:${truncated.port}
backend refused
  server s 127.0.0.1:${refused}
`);
});

test.after.always(async () => {
  await px?.stop();
  for (const s of servers) await s.close();
});

const cases: [string, RegExp, string][] = [
  ['/reset', /^HTTP\/1\.1 502 Bad Gateway\r\n/, 'SH'],
  ['/hang', /^HTTP\/1\.1 504 Gateway Time-out\r\n/, 'sH'],
  ['/garbage', /^HTTP\/1\.1 502 Bad Gateway\r\n/, 'PH'],
  ['/silent', /^HTTP\/1\.1 502 Bad Gateway\r\n/, 'SH'],
  ['/refused', /^HTTP\/1\.1 503 Service Unavailable\r\n/, 'SC'],
];

test.serial('each misbehaving server maps to haproxy status and termination state', async (t) => {
  for (const [path, re, term] of cases) {
    const seen = px.daemon.lines.length;
    const r = await rawExchange(px.port('fe'), `GET ${path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`, { waitMs: 2500 });
    t.regex(r.text, re, path);
    const line = await px.daemon.waitFor((l) => px.daemon.lines.indexOf(l) >= seen && l.event === 'http-request', 3000, path);
    t.is(String(line.termination_state).slice(0, 2), term, path);
  }
});

test.serial('truncated response body: the client connection is cut (never a hang)', async (t) => {
  const r = await rawExchange(px.port('fe'), 'GET /truncated HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 3000 });
  t.true(r.closed);
  t.regex(r.text, /^HTTP\/1\.1 200 OK\r\n/);
  t.true(r.text.endsWith('only part'));
});

test.serial('under concurrent abuse no socket leaks: fd count back to baseline', async (t) => {
  await rawExchange(px.port('fe'), 'GET /refused HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  await new Promise((r) => setTimeout(r, 200));
  const baseline = px.fdCount();
  const all: Promise<unknown>[] = [];
  for (let i = 0; i < 15; i++) {
    for (const [path] of cases) all.push(rawExchange(px.port('fe'), `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, { waitMs: 2500 }));
    all.push(rawExchange(px.port('fe'), 'GET /truncated HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 2500 }));
    all.push(rawExchange(px.port('fe'), 'GARBAGE\r\n\r\n', { waitMs: 1000 }));
  }
  await new Promise((r) => setTimeout(r, 150));
  const during = px.fdCount();
  await Promise.all(all);
  await until(() => px.fdCount() <= baseline, 5000, `fd count back to ${baseline} (now ${px.fdCount()})`);
  t.true(during > baseline, `fds grew during the run (${baseline} -> ${during})`);
  t.true(px.fdCount() <= baseline);
});
