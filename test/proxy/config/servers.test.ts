// `server`, `default-server` and `bind` lines: every parameter and default, address forms, haproxy's
// minconn/maxconn resolution and server id numbering (haproxy.md §1.5, §2, §3), checked against haproxy -c.
import test from 'ava';
import type { BindConfig, ServerConfig } from '../../../src/proxy/types.js';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { codes, notable, parseLines, proxy } from '../../helpers/pxconf.js';

const backend = (lines: readonly string[]): string[] => ['listen a', '  bind :8000', ...lines.map((l) => `  ${l}`)];
const servers = (lines: readonly string[]) => {
  const r = parseLines(backend(lines));
  return { r, list: r.config ? proxy(r.config, 'a').servers : [] };
};
const haproxyAccepts = async (lines: readonly string[]): Promise<boolean> => (await haproxyCheckText(backend(lines).join('\n') + '\n')).valid;

test('server defaults (haproxy DEF_CHKINTR/RISETIME/FALLTIME, weight 1, error-limit 10, on-error fail-check)', (t) => {
  const { list } = servers(['server s 10.0.0.1:80']);
  t.deepEqual(list[0], {
    name: 's', id: 1, address: '10.0.0.1', port: 80, weight: 1, backup: false, disabled: false, maxconn: 0, minconn: 0,
    maxqueue: 0, check: false, inter: 2000, rise: 2, fall: 3, agentCheck: false, agentInter: 2000, errorLimit: 10,
    onError: 'fail-check', where: { file: 't.cfg', line: 3 },
  } satisfies ServerConfig);
});

const params: [string, Partial<Record<keyof ServerConfig, unknown>>][] = [
  ['check', { check: true }],
  ['check no-check', { check: false }],
  ['inter 5s fastinter 500 downinter 1m', { inter: 5000, fastinter: 500, downinter: 60_000 }],
  ['rise 5 fall 1', { rise: 5, fall: 1 }],
  ['port 8081 addr 10.9.9.9', { checkPort: 8081, checkAddr: '10.9.9.9' }],
  ['agent-check agent-port 3333', { agentCheck: true, agentPort: 3333, agentInter: 2000 }],
  ['agent-check agent-port 3333 agent-addr 10.1.1.1 agent-inter 1s agent-send "hello\\n"', { agentAddr: '10.1.1.1', agentInter: 1000, agentSend: 'hello\n' }],
  ['weight 0', { weight: 0 }],
  ['weight 256', { weight: 256 }],
  ['backup', { backup: true }],
  ['backup no-backup', { backup: false }],
  ['disabled', { disabled: true }],
  ['disabled enabled', { disabled: false }],
  ['maxconn 100', { maxconn: 100, minconn: 100 }],
  ['minconn 10', { maxconn: 10, minconn: 10 }],
  ['minconn 10 maxconn 100', { maxconn: 100, minconn: 10 }],
  ['minconn 200 maxconn 100', { maxconn: 200, minconn: 200 }],
  ['minconn 0 maxconn 0', { maxconn: 0, minconn: 0 }],
  ['maxqueue 25', { maxqueue: 25 }],
  ['cookie srv1', { cookie: 'srv1' }],
  ['slowstart 30s', { slowstart: 30_000 }],
  ['slowstart 0', { slowstart: 0 }],
  ['slowstart 1500ms (whole seconds, rounded up like haproxy)', { slowstart: 2000 }],
  ['on-marked-down shutdown-sessions on-marked-up shutdown-backup-sessions', { onMarkedDown: 'shutdown-sessions', onMarkedUp: 'shutdown-backup-sessions' }],
  ['observe layer4', { observe: 'layer4' }],
  ['observe layer7 observe none', { observe: undefined }],
  ['error-limit 3 on-error sudden-death', { errorLimit: 3, onError: 'sudden-death' }],
  ['on-error fastinter', { onError: 'fastinter' }],
  ['on-error mark-down', { onError: 'mark-down' }],
  ['id 42', { id: 42 }],
];
for (const [p, expected] of params) {
  test(`server param: ${p}`, async (t) => {
    const lines = [`server s 10.0.0.1:80 ${p.replace(/ \(.*/, '')}`];
    const { r, list } = servers(lines);
    t.deepEqual(notable(r.errors), []);
    t.like(list[0], expected as Partial<ServerConfig>);
    for (const [k, v] of Object.entries(expected)) if (v === undefined) t.is(list[0]?.[k as keyof ServerConfig], undefined);
    t.true(await haproxyAccepts(lines));
  });
}

const addresses: [string, Partial<ServerConfig>][] = [
  ['10.0.0.1:80', { address: '10.0.0.1', port: 80 }],
  ['10.0.0.1', { address: '10.0.0.1', port: undefined, portOffset: undefined }],
  ['10.0.0.1:', { address: '10.0.0.1', port: undefined }],
  ['10.0.0.1:+1000', { address: '10.0.0.1', port: undefined, portOffset: 1000 }],
  ['10.0.0.1:-1', { address: '10.0.0.1', portOffset: -1 }],
  ['[::1]:8080', { address: '::1', port: 8080 }],
  ['[2001:db8::5]', { address: '2001:db8::5', port: undefined }],
  ['ipv4@127.0.0.1:80', { address: '127.0.0.1', port: 80 }],
  ['localhost:8080', { address: 'localhost', port: 8080 }],
  ['/run/app.sock', { unixPath: '/run/app.sock', port: undefined }],
  ['unix@/run/app.sock', { unixPath: '/run/app.sock' }],
];
for (const [addr, expected] of addresses) {
  test(`server address: ${addr}`, async (t) => {
    const lines = [`server s ${addr}`];
    const { r, list } = servers(lines);
    t.deepEqual(notable(r.errors), []);
    t.like(list[0], expected);
    t.true(await haproxyAccepts(lines));
  });
}

const serverErrors: [string, string, boolean?][] = [
  ['server s', 'bad-server@3'],
  ['server s ::1', 'bad-server-address@3'],
  ['server s 10.0.0.1:70000', 'bad-server-address@3'],
  ['server s 10.0.0.1:80 inter 0', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 inter 1.5s', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 rise 0', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 fall 0', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 weight 257', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 error-limit 0', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 observe layer9', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 on-error reboot', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 cookie', 'bad-server-param@3'],
  ['server s 10.0.0.1:80 agent-check', 'agent-without-port@3'],
  ['server s 10.0.0.1:80 chekc', 'unknown-server-param@3'],
  ['server s/1 10.0.0.1:80', 'bad-server@3'],
  // Stricter than haproxy's atol(): reported instead of read as garbage (deliberate).
  ['server s 10.0.0.1:80 port 70000', 'bad-server-param@3', true],
  ['server s 10.0.0.1:80 maxqueue -1', 'bad-server-param@3', true],
];
for (const [line, code, strict] of serverErrors) {
  test(`server error: ${line}`, async (t) => {
    const { r } = servers([line]);
    t.deepEqual(codes(r.errors), [code]);
    t.is(await haproxyAccepts([line]), strict === true, strict ? 'deliberately stricter than haproxy' : 'haproxy 2.6 rejects it too');
  });
}

test('refused server features (ssl, send-proxy, track...) are errors, harmless ones warnings', (t) => {
  t.deepEqual(codes(servers(['server s 10.0.0.1:80 send-proxy']).r.errors), ['unsupported-server-param@3']);
  const w = servers(['server s 10.0.0.1:80 init-addr last,libc,none resolvers dns check']);
  t.deepEqual(w.r.errors, []);
  t.deepEqual(codes(w.r.warnings).filter((c) => c.startsWith('ignored')), ['ignored-server-param@3', 'ignored-server-param@3']);
  t.true(w.list[0]!.check, 'the params after an ignored one are still parsed');
});

test('default-server applies to the servers that follow it, not the ones before; server params win', (t) => {
  const { r, list } = servers([
    'server before 10.0.0.1:80',
    'default-server check inter 7s weight 20 maxconn 30 agent-check agent-port 9999',
    'server after 10.0.0.2:80',
    'server own 10.0.0.3:80 no-check weight 5 no-agent-check',
  ]);
  t.deepEqual(notable(r.errors), []);
  t.like(list[0], { check: false, inter: 2000, weight: 1 });
  t.like(list[1], { check: true, inter: 7000, weight: 20, maxconn: 30, minconn: 30, agentCheck: true, agentPort: 9999 });
  t.like(list[2], { check: false, weight: 5, agentCheck: false });
  t.deepEqual(codes(servers(['default-server id 3']).r.errors), ['bad-server-param@3']);
});

test('server ids: explicit ids kept, others numbered like haproxy (first free id >= a cursor that always advances)', (t) => {
  const { list } = servers(['server a 10.0.0.1:80 id 2', 'server b 10.0.0.1:81', 'server c 10.0.0.1:82', 'server d 10.0.0.1:83 id 1']);
  t.deepEqual(list.map((s) => [s.name, s.id]), [['a', 2], ['b', 3], ['c', 4], ['d', 1]]);
  const plain = servers(['server a 10.0.0.1:80', 'server b 10.0.0.1:81', 'server c 10.0.0.1:82']).list;
  t.deepEqual(plain.map((s) => s.id), [1, 2, 3]);
  t.deepEqual(codes(servers(['server a 10.0.0.1:80 id 0']).r.errors), ['bad-server-param@3']);
});

const binds: [string, Partial<BindConfig>[]][] = [
  ['*:80', [{ host: '0.0.0.0', port: 80, v4v6: false }]],
  [':80', [{ host: '0.0.0.0', port: 80 }]],
  ['10.1.2.3:443', [{ host: '10.1.2.3', port: 443 }]],
  ['[::]:80', [{ host: '::', port: 80, v4v6: true }]],
  [':::80', [{ host: '::', port: 80, v4v6: true }]],
  [':::80 v6only', [{ host: '::', port: 80, v4v6: false }]],
  ['[::1]:80 v4v6', [{ host: '::1', port: 80, v4v6: true }]],
  [':80,:81', [{ port: 80 }, { port: 81 }]],
  ['127.0.0.1:9000-9002', [{ port: 9000 }, { port: 9001 }, { port: 9002 }]],
  ['ipv6@:8443', [{ host: '::', port: 8443, v4v6: true }]],
  [':80 maxconn 50 name web', [{ port: 80, maxconn: 50, name: 'web' }]],
];
for (const [args, expected] of binds) {
  test(`bind ${args}`, async (t) => {
    const r = parseLines(['frontend f', `  bind ${args}`]);
    t.deepEqual(notable(r.errors), []);
    const got = proxy(r.config, 'f').binds;
    t.is(got.length, expected.length);
    expected.forEach((e, i) => t.like(got[i], e));
    t.true((await haproxyCheckText(`frontend f\n  bind ${args}\n`)).valid);
  });
}

test('bind errors and warnings', (t) => {
  t.deepEqual(codes(parseLines(['frontend f', '  bind']).errors), ['missing-argument@2']);
  t.deepEqual(codes(parseLines(['frontend f', '  bind 127.0.0.1']).errors), ['bad-bind-address@2']);
  t.deepEqual(codes(parseLines(['frontend f', '  bind :80-1']).errors), ['bad-bind-address@2']);
  t.deepEqual(codes(parseLines(['frontend f', '  bind :1-5000']).errors), ['bad-bind-address@2'], 'ranges are expanded, so bounded');
  t.deepEqual(codes(parseLines(['frontend f', '  bind :443 ssl crt /x.pem']).errors), ['unsupported-bind-param@2']);
  t.deepEqual(codes(parseLines(['frontend f', '  bind /run/x.sock']).errors), ['bad-bind-address@2']);
  const w = parseLines(['frontend f', '  bind :80 backlog 100 defer-accept whatever']);
  t.deepEqual(codes(w.warnings).filter((c) => c.includes('bind-param')), ['ignored-bind-param@2', 'ignored-bind-param@2', 'unknown-bind-param@2']);
  t.deepEqual(proxy(w.config, 'f').binds.map((b) => b.port), [80]);
});
