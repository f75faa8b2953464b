// Sections: defaults inheritance (last one, `from`, capability split), proxy ids, name clashes, skipped
// sections, legacy section addresses, misplaced keywords.
import test from 'ava';
import { codes, notable, parseLines, proxy } from '../../helpers/pxconf.js';

test('a proxy inherits from the LAST defaults before it; a plain defaults section starts fresh', (t) => {
  const r = parseLines([
    'defaults', '  mode http', '  retries 5', '  timeout client 7s',
    'backend b1', '  server s 127.0.0.1:80',
    'defaults', '  timeout connect 3s',
    'backend b2', '  server s 127.0.0.1:80',
    'listen l', '  bind :8000',
  ]);
  t.deepEqual(notable(r.errors), []);
  const b1 = proxy(r.config, 'b1');
  t.is(b1.mode, 'http');
  t.is(b1.retries, 5);
  t.is(b1.timeouts.client, undefined, 'client timeout is frontend-side: not copied into a backend');
  const b2 = proxy(r.config, 'b2');
  t.is(b2.mode, 'tcp', 'second defaults did not inherit the first');
  t.is(b2.retries, 3);
  t.is(b2.timeouts.connect, 3000);
  t.is(proxy(r.config, 'l').timeouts.connect, 3000);
});

test('`from <name>` picks a named defaults section; `defaults x from y` chains', (t) => {
  const r = parseLines([
    'defaults web', '  mode http', '  balance leastconn', '  maxconn 77',
    'defaults tcp', '  mode tcp',
    'defaults child from web', '  retries 9',
    'frontend f from web', '  bind :8000', '  default_backend b',
    'backend b from child', '  server s 127.0.0.1:80',
    'backend c', '  server s 127.0.0.1:80',
  ]);
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('ambiguous')), ['ambiguous-defaults-use@14']);
  t.is(proxy(r.config, 'f').mode, 'http');
  t.is(proxy(r.config, 'f').maxconn, 77);
  const b = proxy(r.config, 'b');
  t.like(b, { mode: 'http', retries: 9, balance: { kind: 'leastconn' } });
  t.is(b.maxconn, undefined, 'maxconn is frontend-side');
  // Without `from`: the last defaults section (child, itself from web) applies; haproxy warns because
  // `child` is also referenced explicitly by b.
  t.is(proxy(r.config, 'c').mode, 'http');
  t.is(proxy(r.config, 'c').retries, 9);
});

test('capabilities decide what is copied from defaults', (t) => {
  const r = parseLines([
    'defaults', '  mode http', '  maxconn 100', '  fullconn 50', '  balance source', '  default_backend b',
    '  timeout client 1s', '  timeout server 2s', '  timeout http-request 3s', '  option httplog', '  option abortonclose',
    '  cookie SRV insert', '  default-server inter 9s', '  log 127.0.0.1 local0', '  stats enable',
    'frontend f', '  bind :8000',
    'backend b', '  server s 127.0.0.1:80',
  ]);
  t.deepEqual(r.errors, []);
  const f = proxy(r.config, 'f');
  const b = proxy(r.config, 'b');
  t.like(f, { maxconn: 100, defaultBackend: 'b', fullconn: undefined, cookie: undefined });
  t.deepEqual(f.timeouts, { client: 1000, httpRequest: 3000 });
  t.true(f.options.httplog);
  t.like(b, { maxconn: undefined, defaultBackend: undefined, fullconn: 50, balance: { kind: 'source' } });
  t.deepEqual(b.timeouts, { server: 2000, httpRequest: 3000 });
  t.is(b.cookie?.name, 'SRV');
  t.is(b.servers[0]!.inter, 9000, 'default-server settings reach the servers');
  t.true(b.options.abortonclose);
  for (const p of [f, b]) {
    t.is(p.logs[0]?.address, '127.0.0.1:514');
    t.is(p.stats?.uri, '/haproxy?stats', 'stats in defaults apply to every proxy (shared like haproxy uri_auth)');
  }
});

test('a proxy overriding inherited stats does not change its siblings', (t) => {
  const r = parseLines(['defaults', '  mode http', '  stats enable', 'listen a', '  bind :8000', '  stats uri /a', 'listen b', '  bind :8001']);
  t.is(proxy(r.config, 'a').stats?.uri, '/a');
  t.is(proxy(r.config, 'b').stats?.uri, '/haproxy?stats');
});

test('`no option` and `default option` override what defaults set', (t) => {
  const r = parseLines([
    'defaults', '  option dontlognull', '  option redispatch', '  option http-server-close', '  option persist',
    'listen a', '  bind :8000', '  no option dontlognull', '  no option redispatch', '  no option http-server-close', '  default option persist',
    'listen b', '  bind :8001', '  no option httpclose',
  ]);
  t.deepEqual(r.errors, []);
  t.like(proxy(r.config, 'a').options, { dontlognull: false, redispatch: undefined, httpConnMode: 'keep-alive', persist: false });
  t.like(proxy(r.config, 'b').options, { dontlognull: true, httpConnMode: 'server-close' }, '`no option X` only clears X when X is the current mode');
});

test('proxy ids: declaration order, explicit `id` kept, others take the next free id (haproxy get_next_id)', (t) => {
  const r = parseLines(['listen a', '  bind :8000', '  id 2', 'backend b', 'frontend c', '  bind :8001', 'backend d', '  id 1']);
  t.deepEqual(r.config?.proxies.map((p) => [p.name, p.id]), [['a', 2], ['b', 3], ['c', 4], ['d', 1]]);
  const plain = parseLines(['frontend f', '  bind :80', 'backend b', 'listen l', '  bind :81']);
  t.deepEqual(plain.config?.proxies.map((p) => p.id), [1, 2, 3]);
});

test('names: frontend and backend may share a name, listen clashes with both; bad characters refused', (t) => {
  t.deepEqual(parseLines(['frontend x', '  bind :80', '  default_backend x', 'backend x']).errors, []);
  t.deepEqual(codes(parseLines(['frontend x', '  bind :80', 'listen x', '  bind :81']).errors), ['duplicate-proxy@3']);
  t.deepEqual(codes(parseLines(['backend x', 'backend x']).errors), ['duplicate-proxy@2']);
  t.deepEqual(codes(parseLines(['backend a/b']).errors), ['bad-name@1']);
  t.deepEqual(codes(parseLines(['backend']).errors), ['missing-name@1']);
});

test('unsupported sections are skipped with one warning, their keywords ignored', (t) => {
  const r = parseLines(['userlist admins', '  user admin password xyz', 'peers p', '  peer lb1 127.0.0.1:1024', 'listen a', '  bind :8000']);
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('unsupported')), ['unsupported-section@1', 'unsupported-section@3']);
});

test('1.x `listen name addr` becomes a bind with a warning; a backend cannot take one', (t) => {
  const r = parseLines(['listen old 127.0.0.1:8000', '  server s 127.0.0.1:80']);
  t.deepEqual(proxy(r.config, 'old').binds.map((b) => `${b.host}:${b.port}`), ['127.0.0.1:8000']);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('legacy')), ['legacy-section-address@1']);
  t.deepEqual(codes(parseLines(['backend b 127.0.0.1:80']).errors), ['too-many-args@1']);
});

test('misplaced keywords: haproxy warns and ignores, or refuses, exactly like 2.6', (t) => {
  const r = parseLines([
    'frontend f', '  bind :8000', '  balance source', '  timeout server 5s', '  retries 4', '  option allbackups',
    'backend b', '  bind :9000', '  maxconn 10', '  timeout client 5s', '  use_backend x', '  option dontlognull',
  ]);
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('keyword-ignored')), [
    'keyword-ignored@3', 'keyword-ignored@4', 'keyword-ignored@5', 'keyword-ignored@6',
    'keyword-ignored@8', 'keyword-ignored@9', 'keyword-ignored@10', 'keyword-ignored@11', 'keyword-ignored@12',
  ]);
  t.deepEqual(proxy(r.config, 'b').binds, []);
  t.deepEqual(proxy(r.config, 'f').balance, { kind: 'roundrobin' });
  t.deepEqual(codes(parseLines(['frontend f', '  bind :80', '  default-server check']).errors), ['misplaced-keyword@3']);
  t.deepEqual(codes(parseLines(['defaults', '  use_backend x', '  id 3', '  server s 1.2.3.4:80', '  stats admin if TRUE']).errors),
    ['misplaced-keyword@2', 'misplaced-keyword@3', 'misplaced-keyword@4', 'misplaced-keyword@5']);
});

test('several files continue one configuration, diagnostics name each file', (t) => {
  // Covered with real files in load.test.ts; here: an empty config is valid but warns there is no listener.
  const r = parseLines(['global', '  maxconn 10']);
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings), ['no-listener@0']);
});

test('after 50 errors in a file reading stops, like haproxy ("too many fatal errors")', (t) => {
  const lines = ['listen a', '  bind :8000', ...Array.from({ length: 60 }, (_, i) => `  frobnicate ${i}`)];
  const r = parseLines(lines);
  t.is(r.errors.filter((e) => e.code === 'unknown-keyword').length, 50);
  t.deepEqual(codes(r.errors).slice(-1), ['too-many-errors@53']);
});

test('missing-timeouts follows haproxy: server side only with servers, tunnel stands in for server in tcp mode', (t) => {
  const warned = (lines: string[]): number[] => parseLines(lines).warnings.filter((w) => w.code === 'missing-timeouts').map((w) => w.line);
  t.deepEqual(warned(['backend b', '  timeout client 1s']), [], 'no servers: nothing to ask');
  t.deepEqual(warned(['backend b', '  server s 127.0.0.1:80']), [1]);
  t.deepEqual(warned(['backend b', '  timeout connect 1s', '  timeout tunnel 1h', '  server s 127.0.0.1:80']), []);
  t.deepEqual(warned(['backend b', '  mode http', '  timeout connect 1s', '  timeout tunnel 1h', '  server s 127.0.0.1:80']), [1]);
  t.deepEqual(warned(['frontend f', '  bind :80', '  timeout client 0']), [1], 'zero counts as unset');
});
