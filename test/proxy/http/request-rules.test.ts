// `http-request deny [deny_status N] | allow | use-service prometheus-exporter [if|unless cond]` on the real proxy:
// the first matching rule decides, in file order; a denied request gets the error page on a connection that stays
// open (pipelined requests after it are served), is counted in dreq and logged as PR--.
import test from 'ava';
import { startChild, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';
import { parseResponses, rawExchange } from '../../helpers/proxy-client.js';

test('http-request rules: first match decides (allow before deny), deny_status, exporter, keep-alive after a deny, dreq and PR--', async (t) => {
  const app = await startHttpBackend('app');
  const px = await startChild(`defaults
  mode http
  log stdout local0
  option httplog
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  acl admin path_beg /admin
  acl office hdr(x-office) -m str yes
  http-request allow if admin office
  http-request deny deny_status 503 if { path /maintenance }
  http-request use-service prometheus-exporter if { path /metrics }
  http-request deny if admin
  default_backend be
backend be
  server app 127.0.0.1:${app.port}
`);
  t.teardown(async () => {
    await px.stop();
    await app.close();
  });
  const port = px.port('fe');
  const ask = (path: string, extra = '') => `GET ${path} HTTP/1.1\r\nHost: x\r\n${extra}\r\n`;
  // One connection, pipelined: denied, allowed by the earlier rule, 503 page, exporter, plain traffic.
  const r = await rawExchange(port, [ask('/admin/x'), ask('/admin/y', 'x-office: yes\r\n'), ask('/maintenance'), ask('/metrics'), ask('/ok')].join(''), { waitMs: 500 });
  const got = parseResponses(r.text);
  t.deepEqual(got.map((x) => x.status), [403, 200, 503, 200, 200], r.text.slice(0, 400));
  t.is(got[1]!.body, 'app GET /admin/y 0\n', 'allow: the request reaches the server');
  t.regex(got[3]!.body, /^# HELP /m, 'exporter answered by the proxy');
  t.is(got[4]!.body, 'app GET /ok 0\n', 'the connection stays usable after a deny');
  t.is(app.requests, 2, 'denied requests never reach the server');
  const metrics = parseResponses((await rawExchange(port, ask('/metrics'), { waitMs: 300 })).text)[0]!.body;
  t.regex(metrics, /^haproxy_frontend_requests_denied_total\{proxy="fe"\} 2$/m, 'dreq counts both denies');
  await until(() => trafficLogs(px.daemon.lines).length >= 6, 3000, 'six log lines');
  const terms = trafficLogs(px.daemon.lines).map((l) => `${String(l.status)} ${String(l.termination_state)}`);
  t.deepEqual(terms.filter((x) => x.endsWith('PR--')), ['403 PR--', '503 PR--'], terms.join(' | '));
});
