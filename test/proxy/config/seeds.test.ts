// The haproxy fragments of the ops blog posts (test/fixtures/seeds) load through the real file API and
// yield exactly the model the posts describe.
import test from 'ava';
import { computeFullconn, loadProxyConfig, loadProxyConfigOrThrow } from '../../../src/proxy/config/load.js';
import type { CheckRule } from '../../../src/proxy/types.js';
import { fixture } from '../../helpers/paths.js';
import { codes, proxy } from '../../helpers/pxconf.js';

const seed = (name: string): string => fixture('seeds', name);

test('seed 002: global, defaults, 1.x `frontend main *:5000`, ACL routing, two backends', (t) => {
  const file = seed('haproxy-002-main.cfg');
  const { config, warnings } = loadProxyConfigOrThrow([file]);
  // chroot/user/group/daemon: the systemd unit's job, each says so at its line.
  t.deepEqual(codes(warnings), ['no-effect-keyword@32', 'no-effect-keyword@36', 'no-effect-keyword@38', 'no-effect-keyword@40', 'legacy-section-address@80']);
  const g = config.global;
  t.is(g.maxconn, 4000);
  t.deepEqual(g.statsSockets.map((s) => [s.path, s.level]), [['/var/lib/haproxy/stats', 'operator']]);
  t.deepEqual(g.logs.map((l) => [l.address, l.facility]), [['127.0.0.1:514', 'local2']]);
  t.like(g, { chroot: '/var/lib/haproxy', pidfile: '/var/run/haproxy.pid', user: 'haproxy', group: 'haproxy', daemon: true });
  t.deepEqual(config.proxies.map((p) => [p.kind, p.name, p.id]), [['frontend', 'main', 1], ['backend', 'static', 2], ['backend', 'app', 3]]);
  const fe = proxy(config, 'main');
  t.deepEqual(fe.binds.map((b) => [b.host, b.port]), [['0.0.0.0', 5000]]);
  t.is(fe.mode, 'http');
  t.is(fe.maxconn, 3000);
  t.like(fe.options, { httplog: true, dontlognull: true, httpConnMode: 'server-close', redispatch: { interval: -1 } });
  t.deepEqual(fe.options.forwardfor?.except, { network: '127.0.0.0', prefix: 8 });
  t.is(fe.options.forwardfor?.header, 'X-Forwarded-For');
  t.deepEqual(fe.timeouts, { client: 60_000, httpRequest: 10_000, httpKeepAlive: 10_000 });
  t.deepEqual(fe.logs.map((l) => l.address), ['127.0.0.1:514'], '`log global` resolved to the global log target');
  // Two `acl url_static` lines: OR-ed at evaluation, each case-insensitive (-i).
  t.deepEqual(fe.acls.map((a) => [a.name, a.criterion, a.ignoreCase, a.patterns]), [
    ['url_static', 'path_beg', true, ['/static', '/images', '/javascript', '/stylesheets']],
    ['url_static', 'path_end', true, ['.jpg', '.gif', '.png', '.css', '.js']],
  ]);
  t.deepEqual(fe.useBackends.map((u) => [u.backend, u.cond?.polarity, u.cond?.anyOf]), [['static', 'if', [[{ negate: false, acl: 'url_static' }]]]]);
  t.is(fe.defaultBackend, 'app');
  const st = proxy(config, 'static');
  t.deepEqual(st.servers.map((s) => [s.name, s.address, s.port, s.check, s.id]), [['static', '127.0.0.1', 4331, true, 1]]);
  t.deepEqual(st.timeouts, { connect: 10_000, server: 60_000, check: 10_000, queue: 60_000, httpRequest: 10_000, httpKeepAlive: 10_000 });
  t.is(st.retries, 3);
  const app = proxy(config, 'app');
  t.deepEqual(app.servers.map((s) => `${s.name}=${s.address}:${s.port}`), ['app1=127.0.0.1:5001', 'app2=127.0.0.1:5002', 'app3=127.0.0.1:5003', 'app4=127.0.0.1:5004']);
  t.deepEqual(app.balance, { kind: 'roundrobin' });
  t.is(app.healthCheck.type, 'tcp');
});

test('seed 000: listen p80 with the agent-check server line', (t) => {
  const { config } = loadProxyConfigOrThrow([seed('haproxy-000-p80.cfg')]);
  const p = proxy(config, 'p80');
  t.is(p.kind, 'listen');
  t.is(p.mode, 'tcp');
  t.true(p.options.tcplog);
  t.deepEqual(p.binds.map((b) => `${b.host}:${b.port}`), ['0.0.0.0:80']);
  const s = p.servers[0]!;
  t.like(s, {
    name: 'app1', address: '10.200.60.42', port: 80, check: true, agentCheck: true, checkAddr: '127.0.0.1', agentPort: 3333,
    inter: 2000, rise: 2, fall: 3, minconn: 0, maxconn: 0, onMarkedDown: 'shutdown-sessions', weight: 1, agentInter: 2000,
  });
  t.is(s.agentAddr, undefined, 'agent address falls back to `addr` at run time (haproxy.md §1.5)');
});

const hex = (r: CheckRule): string => (r.kind === 'send' ? `send:${r.data.toString('hex')}` : r.kind === 'expect' ? `expect:${r.match}:${r.pattern}` : r.kind);

test('seed 003: the socks5 tcp-check sequence, byte for byte', (t) => {
  const { config, warnings } = loadProxyConfigOrThrow([seed('haproxy-003-health.cfg')]);
  t.deepEqual(codes(warnings, 'warning').filter((c) => !c.startsWith('missing-timeouts')), ['httpchk-hidden-headers@27']);
  const p = proxy(config, 'ha-socks5');
  t.deepEqual(p.binds.map((b) => `${b.host}:${b.port}`), ['127.0.0.1:1080']);
  t.is(p.healthCheck.type, 'tcp-check');
  const http = (s: string): string => `send:${Buffer.from(s, 'latin1').toString('hex')}`;
  t.deepEqual(p.healthCheck.rules.map(hex), [
    'connect',
    'send:05020001',
    'expect:binary:0500',
    'send:0501000312636c69656e74332e676f6f676c652e636f6d0050',
    'expect:binary:050000010000000006b5',
    http('GET /generate_204 HTTP/1.1\r\n'),
    http('Host: client3.google.com\r\n'),
    http('User-Agent: curl/7.54.0\r\n'),
    http('Accept: */*\r\n'),
    http('\r\n'),
    'expect:rstring:^HTTP/1.1 204',
  ]);
  t.deepEqual(p.balance, { kind: 'source' });
  t.deepEqual(p.hashType, { method: 'consistent', fn: 'sdbm', avalanche: true });
  t.deepEqual(p.servers.map((s) => [s.name, s.port, s.check, s.backup]), [['xxx1', 11110, true, false], ['xxx2', 11111, true, true]]);
});

test('seed 003: option httpchk with escaped headers splits into method/uri/version + headers', (t) => {
  const { config } = loadProxyConfigOrThrow([seed('haproxy-003-health.cfg')]);
  const p = proxy(config, 'ha-http');
  t.deepEqual(p.binds.map((b) => [b.host, b.port, b.v4v6]), [['::', 3128, true]]);
  t.is(p.healthCheck.type, 'http');
  const expected = {
    method: 'GET', uri: 'http://client3.google.com/generate_204', version: 'HTTP/1.1',
    headers: [['Host', 'client3.google.com'], ['Proxy-Authorization', 'Basic xxxx'], ['Proxy-Connection', 'Keep-Alive']],
  };
  t.deepEqual(p.healthCheck.httpRequest, expected);
  const [send, expect, ...rest] = p.healthCheck.rules;
  t.like(send, { kind: 'http-send', ...expected });
  t.like(expect, { kind: 'expect', match: 'status', pattern: '200-399', negate: false }, 'implicit expect after a final send');
  t.deepEqual(rest, []);
});

test('seed 004: admin stats page with the blog `//` annotations, and the log_server backend', (t) => {
  const { config, warnings } = loadProxyConfigOrThrow([seed('haproxy-004-admin-stats.cfg')]);
  t.deepEqual(warnings.filter((w) => w.code === 'slash-comment').map((w) => w.line), [7, 9, 10, 11, 12, 13, 14]);
  const p = proxy(config, 'admin_stats');
  t.is(p.mode, 'http');
  t.deepEqual(p.binds.map((b) => `${b.host}:${b.port}`), ['0.0.0.0:8080']);
  const s = p.stats!;
  t.like(s, { enabled: true, uri: '/admin', realm: 'haproxy_admin', refreshSec: 30, hideVersion: true });
  t.deepEqual(s.auth, [{ user: 'admin', pass: 'admin' }]);
  t.deepEqual(s.adminRules.map((r) => [r.polarity, r.anyOf]), [['if', [[{ negate: false, acl: 'TRUE' }]]]]);
  const be = proxy(config, 'log_server');
  t.deepEqual(be.servers.map((x) => [x.name, x.address, x.port, x.cookie, x.check, x.inter, x.rise, x.fall, x.weight]), [
    ['node1', '192.168.1.1', 8087, 'server1', true, 2000, 3, 3, 3],
    ['node2', '192.168.1.2', 8087, 'server2', true, 2000, 3, 3, 3],
  ]);
  // haproxy warns that server cookies are ignored in mode tcp; so do we.
  t.is(warnings.filter((w) => w.code === 'needs-http-mode').length, 2);
});

test('seed 001: connection limits, the three check methods, agent and slowstart', (t) => {
  const { config } = loadProxyConfigOrThrow([seed('haproxy-001-backends.cfg')]);
  t.is(config.global.maxconn, 81920);
  t.is(config.global.maxSpreadChecks, 2000);
  t.true(config.global.externalCheck);
  const be = proxy(config, 'be');
  t.is(be.fullconn, 1024);
  t.deepEqual(be.servers.map((s) => [s.name, s.minconn, s.maxconn]), [['server-1', 10, 100], ['server-2', 1000, 10000]]);
  t.deepEqual(['fe1', 'fe2'].map((n) => [proxy(config, n).maxconn, proxy(config, n).useBackends.map((u) => u.backend)]), [[1024, ['be']], [1000, ['be']]]);
  const h = proxy(config, 'be_httpchk').healthCheck;
  t.like(h, { type: 'http', sendState: true, disableOn404: true });
  t.deepEqual(h.rules.map((r) => (r.kind === 'http-send' ? `${r.method} ${r.uri} ${r.version}` : hex(r))), ['GET / HTTP/1.0', 'expect:rstatus:^[23]']);
  const tc = proxy(config, 'be_tcpcheck');
  t.deepEqual(tc.healthCheck.rules.map((r) => (r.kind === 'connect' ? `connect:${r.port}` : r.kind === 'send' ? `send:${r.data.toString()}` : hex(r))), [
    'connect:110', 'expect:string:+OK POP3 ready', 'connect:143', 'send:test', 'expect:string:* OK IMAP4 ready',
  ]);
  t.like(tc.servers[0], { name: 'mail', address: '10.0.0.1', port: undefined, check: true });
  t.deepEqual(proxy(config, 'be_extcheck').healthCheck.external, { command: '/bin/true', path: '/usr/bin:/bin' });
  const ag = proxy(config, 'be_agent').servers;
  t.like(ag[0], { name: 'server1', check: true, inter: 5000, agentCheck: true, agentInter: 10_000, agentPort: 18080 });
  t.like(ag[1], { name: 'slowstart-server', slowstart: 10_000, check: false });
});

test('seed 001: fullconn defaults to ceil(sum of the referencing frontends maxconn / 10)', (t) => {
  const { config } = loadProxyConfigOrThrow([seed('haproxy-001-backends.cfg')]);
  const fc = computeFullconn(config);
  t.is(fc.get('be'), 1024, 'explicit fullconn wins');
  // The post's comment: without `fullconn`, (1024 + 1000 + 9) / 10 = 203.
  const auto = computeFullconn({ ...config, proxies: config.proxies.map((p) => (p.name === 'be' ? { ...p, fullconn: undefined } : p)) });
  t.is(auto.get('be'), 203);
  // Backends no frontend reaches still get the minimum of 1.
  t.is(fc.get('be_agent'), 1);
});

test('seed 001 http modes: last connection mode wins, legacy options mapped with warnings', (t) => {
  const r = loadProxyConfig([seed('haproxy-001-http-modes.cfg')]);
  const p = proxy(r.config, 'http_modes');
  t.is(p.options.httpConnMode, 'close');
  t.true(p.options.httpTunnel);
  t.is(p.httpReuse, 'always');
  t.deepEqual(codes(r.diagnostics).filter((c) => c.startsWith('legacy')), ['legacy-keyword@12', 'legacy-keyword@13']);
});
