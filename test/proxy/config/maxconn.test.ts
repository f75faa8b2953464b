// Default global maxconn from the descriptor limit (haproxy compute_ideal_maxconn, haproxy.md §1.5): the
// /proc limits parser, the formula against the real haproxy 2.6.12 `show info` Maxconn under prlimit, and the
// limit a real Node child reads.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { parseNofile, usableFdLimit, FALLBACK_FD_LIMIT } from '../../../src/core/rlimit.js';
import { DEFAULT_MAXCONN, effectiveGlobalMaxconn, idealGlobalMaxconn } from '../../../src/proxy/config/maxconn.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { HAPROXY, freePort } from '../../helpers/backend-haproxy.js';
import { runCommand } from '../../helpers/proc.js';
import { outDir, tmpDir } from '../../helpers/paths.js';
import { parseLines } from '../../helpers/pxconf.js';

const limits = (soft: string, hard: string) => `Limit                     Soft Limit           Hard Limit           Units\nMax open files            ${soft}  ${hard}  files\n`;

test('parseNofile / usableFdLimit table', (t) => {
  const rows: [string, number][] = [
    [limits('20000', '20000'), 20000],
    [limits('4096', '20000'), 20000], // haproxy plans with the hard limit too
    [limits('1024', 'unlimited'), 1024],
    [limits('unlimited', 'unlimited'), FALLBACK_FD_LIMIT],
    ['no such line', FALLBACK_FD_LIMIT],
  ];
  for (const [text, want] of rows) t.is(usableFdLimit(parseNofile(text)), want, text);
  t.deepEqual(parseNofile(limits('4096', 'unlimited')), { soft: 4096, hard: undefined });
});

const cfgLines = (sock: string, body: readonly string[], global: readonly string[] = []): string[] => [
  'global', `  stats socket ${sock} mode 600 level admin`, ...global.map((l) => `  ${l}`),
  'defaults', '  mode http', '  timeout connect 1s', '  timeout client 1s', '  timeout server 1s', ...body,
];

/** [name, global lines, body lines (ports get PORT + i), fd soft:hard] */
const ROWS: [string, string[], string[], string][] = [
  ['one bind, nbthread 2, 20000 fds', ['nbthread 2'], ['frontend f', '  bind 127.0.0.1:PORT0', '  default_backend b', 'backend b', '  server s 127.0.0.1:9'], '20000:20000'],
  ['soft 4096 below hard 20000', ['nbthread 1'], ['frontend f', '  bind 127.0.0.1:PORT0', '  default_backend b', 'backend b', '  server s 127.0.0.1:9'], '4096:20000'],
  ['three listeners, health + agent checks', ['nbthread 1'], ['listen l', '  bind 127.0.0.1:PORT0,127.0.0.1:PORT1', '  bind 127.0.0.1:PORT2',
    '  server a 127.0.0.1:9 check', '  server b 127.0.0.1:9 check agent-check agent-port 9 agent-inter 60s', '  server c 127.0.0.1:9'], '20000:20000'],
  ['agent checks count twice', ['nbthread 1'], ['listen l', '  bind 127.0.0.1:PORT0', '  bind 127.0.0.1:PORT1',
    '  server a 127.0.0.1:9 agent-check agent-port 9 agent-inter 60s', '  server b 127.0.0.1:9 agent-check agent-port 9 agent-inter 60s', '  server c 127.0.0.1:9 agent-check agent-port 9 agent-inter 60s'], '20000:20000'],
  ['two stats sockets, 1024 fds', ['nbthread 2', 'stats socket 127.0.0.1:PORT3'], ['frontend f', '  bind 127.0.0.1:PORT0', '  default_backend b', 'backend b', '  server s 127.0.0.1:9'], '1024:1024'],
];

async function haproxyMaxconn(lines: readonly string[], sock: string, nofile: string): Promise<number> {
  const dir = path.dirname(sock);
  const file = path.join(dir, 'h.cfg');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  const child = spawn('prlimit', [`--nofile=${nofile}`, HAPROXY, '-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  try {
    for (let i = 0; i < 100 && child.exitCode === null; i++) {
      const info = await sendCommand(sock, 'show info', 1000).catch(() => '');
      const m = /^Maxconn: (\d+)$/m.exec(info);
      if (m) return Number(m[1]);
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`no show info from haproxy: ${stderr}`);
  } finally {
    if (child.exitCode === null) {
      const gone = new Promise((r) => child.once('exit', r));
      child.kill('SIGKILL');
      await gone;
    }
  }
}

for (const [name, global, body, nofile] of ROWS) {
  test.serial(`ideal global maxconn equals haproxy 2.6 show info Maxconn: ${name}`, async (t) => {
    const dir = tmpDir('hapair-maxconn-');
    t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
    const sock = path.join(dir, 's.sock');
    const ports = [await freePort(), await freePort(), await freePort(), await freePort()];
    const lines = cfgLines(sock, body, global).map((l) => l.replace(/PORT(\d)/g, (_m, d: string) => String(ports[Number(d)])));
    const theirs = await haproxyMaxconn(lines, sock, nofile);
    const parsed = parseLines(lines);
    t.truthy(parsed.config, JSON.stringify(parsed.errors));
    const fd = Math.max(...nofile.split(':').map(Number));
    t.is(idealGlobalMaxconn(parsed.config!, fd), theirs);
  });
}

test('floor of 100 (DEFAULT_MAXCONN) and a configured maxconn wins', (t) => {
  const c = parseLines(['frontend f', '  bind :8000', '  default_backend b', 'backend b']).config!;
  t.is(idealGlobalMaxconn(c, 150), DEFAULT_MAXCONN);
  t.is(idealGlobalMaxconn(c, 1000), Math.floor((1000 - 10 - 1 - 3) / 2));
  const fixed = parseLines(['global', '  maxconn 4000', 'frontend f', '  bind :8000', '  default_backend b', 'backend b']).config!;
  t.is(effectiveGlobalMaxconn(fixed, 1000), 4000);
});

test('a real Node child under prlimit reads its limit (Node raises the soft limit to the hard one)', async (t) => {
  const mod = path.join(outDir, 'src/core/rlimit.js');
  for (const [nofile, want] of [['3000:3000', 3000], ['2048:6000', 6000]] as const) {
    const r = await runCommand('prlimit', [`--nofile=${nofile}`, process.execPath, '--input-type=module', '-e',
      `import { processFdLimit } from ${JSON.stringify(mod)}; console.log(processFdLimit());`], { timeoutMs: 20_000 });
    t.is(r.code, 0, r.stderr);
    t.is(Number(r.stdout.trim()), want, nofile);
  }
});
