// Traffic logs: httplog/tcplog JSON fields and haproxy text line, 4-char termination states with cookie flags,
// <NOSRV>/<BADREQ> lines, dontlognull, no log without a `log` target; plus the pure text formatter.
import test from 'ava';
import net from 'node:net';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startHttpBackend, startRawServer, misbehave } from '../../helpers/proxy-servers.js';
import { request, rawExchange } from '../../helpers/proxy-client.js';
import { logText, logFields, haproxyDate, type StreamLog } from '../../../src/proxy/log.js';

const HTTP_FIELDS = ['event', 'client_ip', 'client_port', 'accept_date', 'frontend', 'backend', 'server', 'Ti', 'TR', 'Tq', 'Tw', 'Tc', 'Tr', 'Ta', 'Tt',
  'status', 'bytes_read', 'bytes_uploaded', 'termination_state', 'actconn', 'feconn', 'beconn', 'srv_conn', 'retries', 'redispatched',
  'srv_queue', 'backend_queue', 'request', 'msg'];

test('httplog: every documented field, haproxy text line, cookie flags in the termination state', async (t) => {
  const be = await startHttpBackend('b1');
  const px = await startInProcess(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  default_backend app
backend app
  cookie SRV insert indirect
  server s1 127.0.0.1:${be.port} cookie c1
`);
  try {
    await request(px.port('fe'), '/first?x=1', { method: 'POST', body: 'hello' });
    await request(px.port('fe'), '/second', { headers: { cookie: 'SRV=c1' } });
    await until(() => trafficLogs(px.logs).length === 2, 2000);
    const [a, b] = trafficLogs(px.logs) as [Record<string, unknown>, Record<string, unknown>];
    for (const f of HTTP_FIELDS) t.true(f in a, `field ${f}`);
    t.is(a.event, 'http-request');
    t.is(a.request, 'POST /first?x=1 HTTP/1.1');
    t.is(a.bytes_uploaded, Number(a.bytes_uploaded));
    t.true(Number(a.bytes_uploaded) > 5);
    t.is(a.termination_state, '--NI', 'no cookie from the client, one inserted');
    t.is(b.termination_state, '--VN', 'valid cookie presented, nothing set');
    t.regex(String(a.msg), /^127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\] fe app\/s1 \d+\/\d+\/\d+\/\d+\/\d+ 200 \d+ - - --NI \d+\/\d+\/\d+\/\d+\/0 0\/0 "POST \/first\?x=1 HTTP\/1\.1"$/);
    t.true(Number(a.Tq) >= Number(a.TR));
  } finally {
    await px.close();
    await be.close();
  }
});

test('empty connections: <BADREQ> 400 CR-- logged unless dontlognull; no log without a log target', async (t) => {
  const cfg = (opts: string, log = 'log stdout local0') => `
defaults
  mode http
  timeout client 5s
frontend fe
  bind 127.0.0.1:@PORT
  ${log}
  option httplog
  ${opts}
  default_backend app
backend app
  timeout connect 1s
  timeout server 1s
  server s1 127.0.0.1:1
`;
  const plain = await startInProcess(cfg(''));
  const nulls = await startInProcess(cfg('option dontlognull'));
  const silent = await startInProcess(cfg('', ''));
  try {
    for (const px of [plain, nulls, silent]) await rawExchange(px.port('fe'), [], { halfClose: true, waitMs: 500 });
    await new Promise((r) => setTimeout(r, 100));
    const l = trafficLogs(plain.logs);
    t.is(l.length, 1);
    t.is(l[0]!.status, 400);
    t.is(l[0]!.termination_state, 'CR--');
    t.is(l[0]!.server, '<NOSRV>');
    t.is(l[0]!.backend, 'fe');
    t.regex(String(l[0]!.msg), / fe fe\/<NOSRV> -1\/-1\/-1\/-1\/\d+ 400 0 - - CR-- .* "<BADREQ>"$/);
    t.is(trafficLogs(nulls.logs).length, 0, 'dontlognull');
    t.is(trafficLogs(silent.logs).length, 0, 'no log target, no traffic log');
  } finally {
    await plain.close();
    await nulls.close();
    await silent.close();
  }
});

test('tcplog: fields and dontlognull for a connection that sends nothing', async (t) => {
  const echo = await startRawServer(misbehave.echo);
  const px = await startInProcess(`
defaults
  mode tcp
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen p
  bind 127.0.0.1:@PORT
  log stdout local0
  option tcplog
  option dontlognull
  server app1 127.0.0.1:${echo.port}
`);
  try {
    await new Promise<void>((resolve) => {
      const s = net.connect(px.port('p'), '127.0.0.1', () => s.end());
      s.on('close', () => resolve());
      s.resume();
    });
    await new Promise<void>((resolve) => {
      const s = net.connect(px.port('p'), '127.0.0.1', () => s.end('data'));
      s.on('close', () => resolve());
      s.resume();
    });
    await until(() => trafficLogs(px.logs).length >= 1, 2000);
    await new Promise((r) => setTimeout(r, 100));
    const l = trafficLogs(px.logs);
    t.is(l.length, 1, 'the empty connection is not logged');
    for (const f of ['client_ip', 'frontend', 'backend', 'server', 'Tw', 'Tc', 'Tt', 'bytes_read', 'termination_state', 'actconn', 'srv_queue']) t.true(f in l[0]!, f);
    t.is(l[0]!.bytes_uploaded, 4);
    t.is(l[0]!.bytes_read, 4);
  } finally {
    await px.close();
    await echo.close();
  }
});

test('text formatter: haproxy layouts for both modes', (t) => {
  const base: StreamLog = {
    mode: 'http', clientIp: '10.0.0.1', clientPort: 4242, acceptWall: new Date(2025, 10, 21, 7, 6, 5, 9).getTime(), frontend: 'fe',
    backend: 'be', server: '<NOSRV>', Ti: 0, TR: 1.4, Tw: 1002, Tc: -1, Tr: -1, Ta: 1003.2, Tt: 1003, status: 503, bytesOut: 217,
    bytesIn: 80, term: 'sQ--', actconn: 3, feconn: 3, beconn: 2, srvConn: 0, retries: 0, redispatched: false, srvQueue: 0, beQueue: 1,
    request: 'GET / HTTP/1.1',
  };
  t.is(haproxyDate(base.acceptWall), '21/Nov/2025:07:06:05.009');
  t.is(logText(base), '10.0.0.1:4242 [21/Nov/2025:07:06:05.009] fe be/<NOSRV> 1/1002/-1/-1/1003 503 217 - - sQ-- 3/3/2/0/0 0/1 "GET / HTTP/1.1"');
  t.is(logText({ ...base, mode: 'tcp', server: 'app1', Tw: 0, Tc: 1, Tt: 52, term: '--', redispatched: true, retries: 1 }),
    '10.0.0.1:4242 [21/Nov/2025:07:06:05.009] fe be/app1 0/1/52 217 -- 3/3/2/0/+1 0/1');
  const f = logFields(base);
  t.is(f.termination_state, 'sQ--');
  t.is(f.Tc, -1);
  t.is(f.Tq, 1);
});
