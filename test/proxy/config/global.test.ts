// `global` section keywords (haproxy.md §1.4, §2.5, §8): values, defaults, ignored tuning keywords, removed
// keywords; each row judged by haproxy -c as well.
import test from 'ava';
import type { GlobalConfig } from '../../../src/proxy/types.js';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { codes, parseLines } from '../../helpers/pxconf.js';
import { statsSocketEndpoint } from '../../../src/proxy/config/addr.js';

const cfg = (lines: readonly string[]): string[] => ['global', ...lines.map((l) => `  ${l}`), 'listen z', '  bind :8000'];
const haproxyAccepts = async (lines: readonly string[]): Promise<boolean> => (await haproxyCheckText(cfg(lines).join('\n') + '\n')).valid;

test('global defaults', (t) => {
  const r = parseLines(cfg([]));
  t.deepEqual(r.config?.global, {
    nbthread: 1, statsSockets: [], statsTimeout: 10_000, spreadChecks: 0, externalCheck: false, insecureForkWanted: false,
    logs: [], daemon: false,
  } satisfies GlobalConfig);
});

const rows: [string[], Partial<Record<keyof GlobalConfig | 'logTargets', unknown>>][] = [
  [['maxconn 4000'], { maxconn: 4000 }],
  [['maxconn 4000', 'maxconn 0'], { maxconn: undefined }],
  [['nbthread 4'], { nbthread: 4 }],
  [['stats timeout 1m'], { statsTimeout: 60_000 }],
  [['spread-checks 50'], { spreadChecks: 50 }],
  [['max-spread-checks 500'], { maxSpreadChecks: 500 }],
  [['external-check', 'insecure-fork-wanted'], { externalCheck: true, insecureForkWanted: true }],
  [['insecure-fork-wanted', 'no insecure-fork-wanted'], { insecureForkWanted: false }],
  [['pidfile /run/h.pid', 'chroot /var/empty', 'user nobody', 'group nogroup', 'daemon', 'node lb-a', 'hard-stop-after 5m'],
    { pidfile: '/run/h.pid', chroot: '/var/empty', user: 'nobody', group: 'nogroup', daemon: true, node: 'lb-a', hardStopAfter: 300_000 }],
  [['master-worker'], { masterWorker: true }],
  [['tune.bufsize 32768', 'tune.maxrewrite 2048'], { tuneBufsize: 32768, tuneMaxrewrite: 2048 }],
  [['log 127.0.0.1 local2', 'log 10.0.0.1:1514 daemon err'], { logs: [['127.0.0.1:514', 'local2', undefined], ['10.0.0.1:1514', 'daemon', 'err']] }],
  [['log 127.0.0.1 local2', 'no log'], { logs: [] }],
  [['log 127.0.0.1:1514 len 100 format rfc5424 local2 info debug', 'log /dev/log format short daemon'], {
    logTargets: [
      { address: '127.0.0.1:1514', facility: 'local2', level: 'info', minLevel: 'debug', format: 'rfc5424', maxLen: 100 },
      { address: '/dev/log', facility: 'daemon', format: 'short' },
    ],
  }],
];
for (const [lines, expected] of rows) {
  test(`global: ${lines.join(' / ')}`, async (t) => {
    const r = parseLines(cfg(lines));
    t.deepEqual(r.errors, []);
    const g = r.config!.global;
    for (const [k, v] of Object.entries(expected)) {
      const got = k === 'logs' ? g.logs.map((l) => [l.address, l.facility, l.level])
        : k === 'logTargets' ? g.logs.map(({ where: _w, ...rest }) => rest)
        : g[k as keyof GlobalConfig];
      t.deepEqual(got, v, k);
    }
    t.true(await haproxyAccepts(lines));
  });
}

test('stats socket: path, mode (octal), level (default operator), expose-fd, TCP form', async (t) => {
  const lines = [
    'stats socket /run/haproxy/admin.sock mode 660 level admin expose-fd listeners',
    'stats socket ipv4@127.0.0.1:9999 level user',
    'stats socket /run/haproxy/op.sock',
  ];
  const r = parseLines(cfg(lines));
  t.deepEqual(r.errors, []);
  t.deepEqual(r.config?.global.statsSockets.map((s) => [s.path, s.mode, s.level]), [
    ['/run/haproxy/admin.sock', 0o660, 'admin'], ['127.0.0.1:9999', undefined, 'user'], ['/run/haproxy/op.sock', undefined, 'operator'],
  ]);
  t.true(await haproxyAccepts(lines));
});

test('log targets hapair cannot serve, and sample, are accepted with a warning', async (t) => {
  const lines = ['log fd@1 local0', 'log ring@buf local0', 'log 127.0.0.1 sample 1:2 local0'];
  const r = parseLines(cfg(lines));
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('ignored')), ['ignored-log-param@2', 'ignored-log-param@3', 'ignored-log-param@4']);
});

test('tuning keywords hapair has no use for are accepted with a warning', async (t) => {
  const lines = ['ulimit-n 65536', 'tune.ssl.default-dh-param 2048', 'cpu-map auto:1/1-4 0-3'];
  const r = parseLines(cfg(lines));
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('ignored')), ['ignored-keyword@2', 'ignored-keyword@3', 'ignored-keyword@4']);
  t.true(await haproxyAccepts(lines));
});

// What each process keyword gets instead (the unit file does the job): code, file:line, message and fix.
const unitRows: [string, RegExp, RegExp][] = [
  ['daemon', /^'daemon' has no effect: hapair proxy always stays in the foreground/, /systemd/],
  ['master-worker', /^'master-worker' has no effect: .*nbthread N.*SIGHUP/, /systemctl reload/],
  ['master-worker no-exit-on-failure', /^'master-worker' has no effect/, /systemctl reload/],
  ['user haproxy', /^'user' has no effect: .*User=/, /^set User= in the systemd unit$/],
  ['uid 99', /^'uid' has no effect: .*User=/, /^set User= in the systemd unit$/],
  ['group haproxy', /^'group' has no effect: .*Group=/, /^set Group= in the systemd unit$/],
  ['gid 99', /^'gid' has no effect: .*Group=/, /^set Group= in the systemd unit$/],
  ['chroot /var/lib/haproxy', /^'chroot' has no effect: hapair does not chroot/, /ProtectSystem=/],
];
for (const [line, message, fix] of unitRows) {
  test(`global process keyword warns what hapair does instead: ${line}`, async (t) => {
    const r = parseLines(cfg(['maxconn 10', line]));
    t.deepEqual(r.errors, []);
    const w = r.warnings.filter((d) => d.code === 'no-effect-keyword');
    t.deepEqual(w.map((d) => `${d.file}:${d.line}`), ['t.cfg:3']);
    t.regex(w[0]!.message, message);
    t.regex(w[0]!.fix ?? '', fix);
    t.true(await haproxyAccepts([line]), 'haproxy 2.6 accepts it');
  });
}

test('nbproc stays an error as in haproxy 2.6, naming what hapair offers instead', (t) => {
  const e = parseLines(cfg(['nbproc 1'])).errors;
  t.deepEqual(codes(e), ['removed-keyword@2']);
  t.regex(e[0]!.message, /not supported any more since HAProxy 2\.5.*'nbthread N' runs N worker processes/);
});

const errors: [string[], string][] = [
  [['nbproc 2'], 'removed-keyword@2'],
  [['nbthread 0'], 'bad-value@2'],
  [['nbthread 65'], 'bad-value@2'],
  [['spread-checks 51'], 'bad-value@2'],
  [['maxconn'], 'bad-value@2'],
  [['stats timeout 1.5s'], 'bad-time@2'],
  [['stats timeout 0'], 'bad-value@2'],
  [['stats socket /x level root'], 'bad-stats@2'],
  [['stats socket /x expose-fd all'], 'bad-stats@2'],
  [['stats frobnicate'], 'bad-stats@2'],
  [['log 127.0.0.1'], 'bad-log@2'],
  [['no daemon'], 'bad-modifier@2'],
  [['frobnicate'], 'unknown-keyword@2'],
  [['pidfile'], 'missing-argument@2'],
  [['master-worker sometimes'], 'bad-value@2'],
  [['tune.bufsize abc'], 'bad-value@2'],
  [['tune.bufsize 0'], 'bad-value@2'],
  [['tune.maxrewrite -1'], 'bad-value@2'],
];
for (const [lines, code] of errors) {
  test(`global error: ${lines.join(' / ')}`, async (t) => {
    t.deepEqual(codes(parseLines(cfg(lines)).errors), [code]);
    t.false(await haproxyAccepts(lines), 'haproxy 2.6 rejects it too');
  });
}

test('global may repeat; a second global section continues the first', (t) => {
  const r = parseLines(['global', '  maxconn 10', 'listen a', '  bind :8000', 'global', '  nbthread 2']);
  t.like(r.config?.global, { maxconn: 10, nbthread: 2 });
});

test('stats socket endpoints: what the loader writes reads back as a path or host/port (host names included)', (t) => {
  const lines = ['stats socket /run/a.sock', 'stats socket ipv4@127.0.0.1:9999', 'stats socket [::1]:9998', 'stats socket lb1.example.com:9997', 'stats socket unix@rel/b.sock', 'stats socket *:9996'];
  const r = parseLines(cfg(lines));
  t.deepEqual(r.errors, []);
  t.deepEqual(r.config?.global.statsSockets.map((s) => statsSocketEndpoint(s.path)), [
    { path: '/run/a.sock' }, { host: '127.0.0.1', port: 9999 }, { host: '::1', port: 9998 }, { host: 'lb1.example.com', port: 9997 },
    { path: 'rel/b.sock' }, { host: '0.0.0.0', port: 9996 },
  ]);
});
