// Interception of internal services: the stats URI (GET/HEAD/POST whose path starts with `stats uri`; other
// methods and paths go to the servers) and `http-request use-service prometheus-exporter [if cond]`; request bodies
// are read (bounded, chunked decoded) into the ServiceRequest; the answer keeps the connection alive.
import test from 'ava';
import type { ServiceRequest, ServiceResponse } from '../../../src/proxy/types.js';
import { startInProcess, trafficLogs } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';
import { rawExchange, parseResponses } from '../../helpers/proxy-client.js';
import { SERVICE_BODY_LIMIT } from '../../../src/proxy/http/service.js';

test('stats URI and prometheus exporter are answered by the services, everything else by the servers', async (t) => {
  const be = await startHttpBackend('srv');
  const seen: { kind: string; req: ServiceRequest; section?: string }[] = [];
  const reply = (kind: string) => (req: ServiceRequest, section?: string): Promise<ServiceResponse> => {
    seen.push({ kind, req, section });
    return Promise.resolve({ status: 200, headers: [['content-type', 'text/plain'], ['x-service', kind]], body: `${kind}:${req.method}:${req.body.length}` });
  };
  const px = await startInProcess(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  stats enable
  stats uri /admin
  http-request use-service prometheus-exporter if { path /metrics }
  server s1 127.0.0.1:${be.port}
`, { services: { stats: (section, req) => reply('stats')(req, section.name), metrics: (req) => reply('metrics')(req) } });
  try {
    const port = px.port('web');
    const big = 'x'.repeat(30_000);
    const r = await rawExchange(port, [
      'GET /admin HTTP/1.1\r\nHost: x\r\n\r\n',
      'HEAD /admin;csv HTTP/1.1\r\nHost: x\r\n\r\n',
      'POST /admin HTTP/1.1\r\nHost: x\r\nContent-Length: 25\r\n\r\ns=node1&b=be&action=maint',
      'PUT /admin HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n',
      'GET /administrator HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /other HTTP/1.1\r\nHost: x\r\n\r\n',
      'GET /metrics HTTP/1.1\r\nHost: x\r\nAccept: text/plain\r\n\r\n',
      `POST /admin HTTP/1.1\r\nHost: x\r\nContent-Length: ${big.length}\r\n\r\n${big}`,
      'POST /admin HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n',
      'GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    ], { gapMs: 20, waitMs: 2000 });
    const rs = parseResponses(r.text, 0);
    // HEAD has no body; parseResponses honours content-length, so split it by hand.
    t.is(rs[0]!.body, 'stats:GET:0');
    t.is(rs[0]!.headers['x-service'], 'stats');
    t.is(rs[1]!.headers['x-service'], 'stats', 'HEAD intercepted');
    t.true(r.closed);
    t.deepEqual(seen.map((s) => `${s.kind}:${s.req.method}:${s.req.body.length}`), [
      'stats:GET:0', 'stats:HEAD:0', 'stats:POST:25', 'stats:GET:0', 'metrics:GET:0', `stats:POST:${SERVICE_BODY_LIMIT}`, 'stats:POST:5',
    ]);
    t.is(seen[2]!.req.body.toString(), 's=node1&b=be&action=maint');
    t.is(seen[2]!.section, 'web');
    t.is(seen[4]!.req.header('Accept'), 'text/plain');
    t.is(seen[6]!.req.body.toString(), 'abcde', 'chunked body decoded');
    t.deepEqual(be.seen.map((q) => `${q.method} ${q.url}`), ['PUT /admin', 'GET /other', 'GET /last']);
    const statsLog = trafficLogs(px.logs).find((l) => l.request === 'GET /admin HTTP/1.1')!;
    t.is(statsLog.server, '<STATS>');
    t.is(String(statsLog.termination_state).slice(0, 2), 'LR');
  } finally {
    await px.close();
    await be.close();
  }
});

test('the real Prometheus exporter answers through `hapair proxy` (control plane wired by the daemon)', async (t) => {
  const { startChild } = await import('../../helpers/proxy-harness.js');
  const { request } = await import('../../helpers/proxy-client.js');
  const be = await startHttpBackend('srv');
  const px = await startChild(`
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  http-request use-service prometheus-exporter if { path /metrics }
  default_backend app
backend app
  server s1 127.0.0.1:${be.port}
`);
  try {
    t.is((await request(px.port('fe'), '/x')).status, 200);
    const m = await request(px.port('fe'), '/metrics');
    t.is(m.status, 200);
    t.regex(m.body, /haproxy_backend_/);
    t.regex(m.body, /haproxy_server_/);
  } finally {
    await px.stop();
    await be.close();
  }
});
