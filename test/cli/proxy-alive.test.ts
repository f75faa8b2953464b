// `hapair proxy-alive` pure parts, table-driven.
// Which endpoint a haproxy.cfg designates, `show info` reply checks, and argument parsing.
import test from 'ava';
import { DiagnosticSink } from '../../src/core/diagnostics.js';
import { readStatements } from '../../src/proxy/config/reader.js';
import { checkShowInfo, describeTarget, localAddresses, parseAliveArgs, socketTarget, targetFromStatements, type AliveTarget } from '../../src/cli/commands/proxy-alive.js';
import { isHaError } from '../../src/core/errors.js';

function targetOf(text: string, env: NodeJS.ProcessEnv = {}, isLocal?: (h: string) => boolean, skipped?: string[]): AliveTarget | undefined {
  return targetFromStatements(readStatements(Buffer.from(text).toString('latin1'), 'h.cfg', env, new DiagnosticSink()), isLocal, skipped);
}

const cfg = (...lines: string[]) => lines.join('\n') + '\n';

const TARGETS: readonly [string, string, AliveTarget | undefined][] = [
  ['unix stats socket', cfg('global', '  stats socket /run/hapair/proxy.sock mode 600 level admin', 'frontend f', '  bind *:80'), { kind: 'show-info', path: '/run/hapair/proxy.sock' }],
  ['unix@ prefix', cfg('global', '  stats socket unix@/tmp/s.sock'), { kind: 'show-info', path: '/tmp/s.sock' }],
  ['quoted path with a space', cfg('global', '  stats socket "/tmp/a b/s.sock"'), { kind: 'show-info', path: '/tmp/a b/s.sock' }],
  ['environment variable', cfg('global', '  stats socket "${RUN}/p.sock"'), { kind: 'show-info', path: '/var/run/x/p.sock' }],
  ['tcp stats socket', cfg('global', '  stats socket 127.0.0.1:9999 level admin'), { kind: 'show-info', host: '127.0.0.1', port: 9999 }],
  ['ipv4@ stats socket', cfg('global', '  stats socket ipv4@127.0.0.2:9998'), { kind: 'show-info', host: '127.0.0.2', port: 9998 }],
  ['wildcard tcp stats socket -> loopback', cfg('global', '  stats socket *:9997'), { kind: 'show-info', host: '127.0.0.1', port: 9997 }],
  ['first of two sockets', cfg('global', '  stats socket /a.sock', '  stats socket /b.sock'), { kind: 'show-info', path: '/a.sock' }],
  ['socket after the frontends still wins', cfg('frontend f', '  bind :80', 'global', '  stats socket /late.sock'), { kind: 'show-info', path: '/late.sock' }],
  ['stats timeout is not a socket', cfg('global', '  stats timeout 10s', 'frontend f', '  bind *:8080'), { kind: 'connect', host: '127.0.0.1', port: 8080 }],
  ['masked by .if', cfg('global', '.if defined(NOPE)', '  stats socket /masked.sock', '.endif', 'listen l', '  bind 127.0.0.1:81'), { kind: 'connect', host: '127.0.0.1', port: 81 }],
  ['"stats socket" outside global is ignored', cfg('defaults', '  stats socket /x.sock', 'frontend f', '  bind :82'), { kind: 'connect', host: '127.0.0.1', port: 82 }],
  ['no socket: wildcard bind -> 127.0.0.1', cfg('frontend main', '  bind *:80'), { kind: 'connect', host: '127.0.0.1', port: 80 }],
  ['empty host bind', cfg('frontend main', '  bind :5000'), { kind: 'connect', host: '127.0.0.1', port: 5000 }],
  ['IPv6 any -> ::1', cfg('frontend main', '  bind :::80 v4v6'), { kind: 'connect', host: '::1', port: 80 }],
  ['bracketed IPv6', cfg('frontend main', '  bind [::1]:8443'), { kind: 'connect', host: '::1', port: 8443 }],
  ['specific address dialled as written', cfg('frontend main', '  bind 198.18.0.11:80'), { kind: 'connect', host: '198.18.0.11', port: 80 }],
  ['comma list: first address', cfg('frontend main', '  bind 127.0.0.1:81,127.0.0.1:82'), { kind: 'connect', host: '127.0.0.1', port: 81 }],
  ['port range: first port', cfg('frontend main', '  bind :8000-8010'), { kind: 'connect', host: '127.0.0.1', port: 8000 }],
  ['seed 002 header address (frontend main *:5000)', cfg('frontend  main *:5000', '  default_backend app', 'backend app', '  server a 127.0.0.1:5001'), { kind: 'connect', host: '127.0.0.1', port: 5000 }],
  ['listen header address', cfg('listen stats 0.0.0.0:8404', '  stats enable'), { kind: 'connect', host: '127.0.0.1', port: 8404 }],
  ['backend server lines are not binds', cfg('backend b', '  server s 127.0.0.1:80'), undefined],
  ['bind without port is skipped', cfg('frontend a', '  bind 127.0.0.1', 'frontend b', '  bind :90'), { kind: 'connect', host: '127.0.0.1', port: 90 }],
  ['bad socket address falls back to the bind', cfg('global', '  stats socket nowhere', 'frontend f', '  bind :91'), { kind: 'connect', host: '127.0.0.1', port: 91 }],
  ['nothing at all', cfg('global', '  maxconn 100'), undefined],
];

for (const [name, text, want] of TARGETS) {
  test(`target: ${name}`, (t) => {
    t.deepEqual(targetOf(text, { RUN: '/var/run/x' }), want);
  });
}

test('a semantic error elsewhere in the file does not hide the socket (a config being edited is not a dead proxy)', (t) => {
  t.deepEqual(targetOf(cfg('global', '  stats socket /s.sock', '  no-such-keyword 12', 'backend b', '  balance bogus')), { kind: 'show-info', path: '/s.sock' });
});

test('addresses not on this node (a VIP bound on the backup) are skipped: the other node could answer', (t) => {
  const mine = (h: string) => ['127.0.0.1', '::1', '198.18.0.11'].includes(h);
  const skipped: string[] = [];
  const text = cfg('global', '  stats socket 198.18.0.10:9999', 'frontend vip', '  bind 198.18.0.10:80', 'frontend own', '  bind 198.18.0.11:80', '  bind *:81');
  t.deepEqual(targetOf(text, {}, mine, skipped), { kind: 'connect', host: '198.18.0.11', port: 80 });
  t.deepEqual(skipped, ['198.18.0.10:9999', '198.18.0.10:80']);
  t.deepEqual(targetOf(cfg('frontend vip', '  bind 198.18.0.10:80', '  bind :82'), {}, mine), { kind: 'connect', host: '127.0.0.1', port: 82 }, 'the wildcard bind of the same section');
  t.is(targetOf(cfg('frontend vip', '  bind 198.18.0.10:80'), {}, mine), undefined);
  t.deepEqual(targetOf(cfg('frontend f', '  bind lb1.example:80'), {}, localAddresses()), { kind: 'connect', host: 'lb1.example', port: 80 }, 'names are trusted');
  t.is(targetOf(cfg('frontend f', '  bind 198.19.255.254:80'), {}, localAddresses()), undefined, 'an address of no interface here');
});

test('localAddresses: this namespace\'s interfaces and loopback', (t) => {
  const isLocal = localAddresses();
  t.true(isLocal('127.0.0.1'));
  t.true(isLocal('127.3.4.5'));
  t.true(isLocal('::1'));
  t.true(isLocal('localhost'));
  t.false(isLocal('198.19.255.254'), 'an address no test host carries');
});

const SOCKETS: readonly [string, AliveTarget | undefined][] = [
  ['/run/hapair/proxy.sock', { kind: 'show-info', path: '/run/hapair/proxy.sock' }],
  ['./run/proxy.sock', { kind: 'show-info', path: './run/proxy.sock' }],
  ['unix@/x.sock', { kind: 'show-info', path: '/x.sock' }],
  ['127.0.0.1:9999', { kind: 'show-info', host: '127.0.0.1', port: 9999 }],
  ['localhost:9999', { kind: 'show-info', host: 'localhost', port: 9999 }],
  ['127.0.0.1', undefined],
  ['relative.sock', undefined],
];
for (const [text, want] of SOCKETS) test(`-S ${text}`, (t) => t.deepEqual(socketTarget(text), want));

test('describeTarget names what is asked', (t) => {
  t.is(describeTarget({ kind: 'show-info', path: '/s' }), 'stats socket /s');
  t.is(describeTarget({ kind: 'show-info', host: '127.0.0.1', port: 1 }), 'stats socket 127.0.0.1:1');
  t.is(describeTarget({ kind: 'connect', host: '::1', port: 80 }), 'bind [::1]:80');
});

const HAPROXY_INFO = 'Name: HAProxy\nVersion: 2.6.12-1+deb12u1\nRelease_date: 2023/03/22\nNbthread: 2\nNbproc: 1\nProcess_num: 1\nPid: 4242\nUptime: 0d 0h00m05s\n' +
  'node: lb1\ndescription: \nUnstoppable Jobs: 0\nBuild info: 2.6.12-1+deb12u1\nTainted: 0\n\n';
const REPLIES: readonly [string, string, ReturnType<typeof checkShowInfo>][] = [
  ['haproxy 2.6 reply', HAPROXY_INFO, { ok: true, pid: 4242 }],
  ['CRLF lines', 'Name: hapair\r\nPid: 7\r\n', { ok: true, pid: 7 }],
  ['empty', '', { ok: false, why: "empty reply to 'show info'" }],
  ['no Pid', 'Name: x\nVersion: 1\n', { ok: false, why: "reply to 'show info' has no Pid line" }],
  ['not key: value', 'Unknown command. Please enter one of the following commands only :\n  help\n', { ok: false, why: 'unexpected reply to \'show info\': "Unknown command. Please enter one of the following commands only :"' }],
  ['permission text', 'Permission denied\n', { ok: false, why: 'unexpected reply to \'show info\': "Permission denied"' }],
  ['Pid not numeric', 'Name: x\nPid: abc\n', { ok: false, why: "reply to 'show info' has no Pid line" }],
];
for (const [name, reply, want] of REPLIES) test(`show info reply: ${name}`, (t) => t.deepEqual(checkShowInfo(reply), want));

test('args: defaults, each source, --opt=value, timeout bounds, exclusive sources', (t) => {
  t.deepEqual(parseAliveArgs([]), { configs: [], timeoutMs: 1000, verbose: false });
  t.deepEqual(parseAliveArgs(['-f', 'a.cfg', '--config=b.cfg', '-v']), { configs: ['a.cfg', 'b.cfg'], timeoutMs: 1000, verbose: true });
  t.deepEqual(parseAliveArgs(['-S', '/s', '--timeout-ms', '250']), { configs: [], socket: '/s', timeoutMs: 250, verbose: false });
  t.deepEqual(parseAliveArgs(['--tcp=127.0.0.1:80', '--timeout-ms=5']), { configs: [], tcp: '127.0.0.1:80', timeoutMs: 5, verbose: false });
  for (const bad of [['--timeout-ms', '0'], ['--timeout-ms', '1.5'], ['--timeout-ms', '60001'], ['-f'], ['--bogus'], ['-f', 'a', '-S', '/s'], ['-S', '/s', '--tcp', 'h:1'], ['extra']]) {
    const err = t.throws(() => parseAliveArgs(bad));
    t.true(isHaError(err, 'EUSAGE'), bad.join(' '));
  }
});
