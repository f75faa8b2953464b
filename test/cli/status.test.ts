// `hapair status` against real proxies on loopback (no VRRP daemon here: that is test/integration/status.test.ts):
// the proxy section from `hapair proxy` (socket from --proxy-config or <run-dir>/proxy.sock) and from a real
// haproxy 2.6 (--proxy-socket); a daemon that is not running is reported, with exit status 1, never a crash.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { tmpDir } from '../helpers/paths.js';
import { freePort, namedBackend, startProxy } from '../helpers/check-proxy.js';
import { startRealHaproxy } from '../helpers/status-haproxy.js';
import type { ProxyStatus, ServerView } from '../../src/core/proxy-status.js';

interface StatusJson {
  readonly vrrp: { error?: string };
  readonly proxy: ProxyStatus & { error?: string };
  readonly alerts: { error?: string } | null;
}

async function statusJson(args: readonly string[]): Promise<{ code: number | null; json: StatusJson }> {
  const r = await runCli(['status', '--json', ...args], { env: { HAPAIR_RUN_DIR: '/nonexistent-run-dir' } });
  return { code: r.code, json: JSON.parse(r.stdout) as StatusJson };
}

const states = (p: ProxyStatus, be = 'web'): Record<string, string> =>
  Object.fromEntries((p.backends.find((b) => b.name === be)?.servers ?? []).map((s: ServerView) => [s.name, s.state]));

async function until(what: string, cond: () => Promise<boolean>, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  for (let i = 0; i < 400 && Date.now() < end; i++) {
    if (await cond()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

const BACKEND = (live: number, dead: number, dead2: number) => [
  'backend web',
  '    balance roundrobin',
  `    server w1 127.0.0.1:${live} check inter 200 fall 1 rise 1 weight 3 maxconn 10`,
  `    server w2 127.0.0.1:${dead} check inter 200 fall 1 rise 1 backup`,
  `    server w3 127.0.0.1:${dead2} disabled`,
];

test('hapair proxy: servers with state and check detail, DRAIN after a runtime change; VRRP down -> exit 1', async (t) => {
  const live = await namedBackend('w1');
  t.teardown(() => live.close());
  const [dead, dead2, fePort] = [await freePort(), await freePort(), await freePort()];
  // No `stats socket` line: the proxy listens on <run-dir>/proxy.sock, which status finds from --run-dir.
  const px = await startProxy(['defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend web', ...BACKEND(live.port, dead, dead2), ''].join('\n'));
  t.teardown(() => px.stop());
  const runDir = px.dir;
  await until('w2 DOWN', async () => states((await statusJson(['--run-dir', runDir, '--proxy-config', px.cfgPath])).json.proxy).w2 === 'DOWN');

  const text = await runCli(['status', '--run-dir', runDir, '--proxy-config', px.cfgPath]);
  t.is(text.code, 1, 'the VRRP daemon is not running');
  t.regex(text.stdout, /^VRRP: .*vrrp\.sock: daemon not running \(no control socket\)$/m);
  t.regex(text.stdout, new RegExp(`^PROXY  socket ${runDir.replace(/[/.]/g, '\\$&')}/proxy\\.sock  pid \\d+`, 'm'));
  t.regex(text.stdout, /^backend web {2}UP {2}1 active \+ 0 backup usable {2}weight 3/m);
  // haproxy's "* " prefix marks a check running at that moment (the check interval here is short).
  t.regex(text.stdout, /^ {2}w1 +UP +3 +0\/0 \(limit 10\) +0 +\S+ +(\* )?L4OK in \d+ms$/m);
  t.regex(text.stdout, /^ {2}w2 \(backup\) +DOWN +1 .*L4CON in \d+ms: Connection refused$/m);
  t.regex(text.stdout, /^ {2}w3 +MAINT .* no check$/m);
  t.regex(text.stdout, /^ALERTS: .*daemon not running/m);
  t.false(/at .*\.js:\d+/.test(text.stdout + text.stderr), 'no stack trace');

  const ctl = await runCli(['ctl', '-S', path.join(runDir, 'proxy.sock'), 'set server web/w1 state drain']);
  t.is(ctl.code, 0, ctl.stderr);
  const { code, json } = await statusJson(['--run-dir', runDir, '--proxy-config', px.cfgPath]);
  t.is(code, 1);
  t.deepEqual(states(json.proxy), { w1: 'DRAIN', w2: 'DOWN', w3: 'MAINT' });
  t.regex(json.vrrp.error ?? '', /daemon not running/);
  // DRAIN: effective weight 0 (haproxy's weight column), still checked.
  t.like(json.proxy.backends[0]!.servers[0], { weight: 0, sessions: { cur: 0, limit: 10 } });
  t.regex(json.proxy.backends[0]!.servers[0]!.check?.status ?? '', /^(\* )?L4OK$/);

  await px.stop();
  const gone = await runCli(['status', '--run-dir', runDir, '--proxy-config', px.cfgPath]);
  t.is(gone.code, 1);
  t.regex(gone.stdout, /^PROXY: .*proxy\.sock: proxy not running \(no stats socket\)$/m);
});

test('the stats socket of --proxy-config is used; a broken config is reported, not thrown', async (t) => {
  const live = await namedBackend('w1');
  t.teardown(() => live.close());
  const [dead, dead2, fePort] = [await freePort(), await freePort(), await freePort()];
  const px = await startProxy(['global', '    stats socket {{DIR}}/admin.sock mode 600 level admin', 'defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend web', ...BACKEND(live.port, dead, dead2), ''].join('\n'));
  t.teardown(() => px.stop());
  const runDir = tmpDir(); // nothing listens here: only the config can lead to the proxy
  const { json } = await statusJson(['--run-dir', runDir, '--proxy-config', px.cfgPath]);
  t.is(json.proxy.socket, path.join(px.dir, 'admin.sock'));
  t.deepEqual(Object.keys(states(json.proxy)).sort(), ['w1', 'w2', 'w3']);
  const bad = path.join(runDir, 'bad.cfg');
  fs.writeFileSync(bad, 'backend x\n    balance nonsense\n');
  const r = await runCli(['status', '--run-dir', runDir, '--proxy-config', bad]);
  t.is(r.code, 1);
  t.regex(r.stdout, /^PROXY: /m);
  t.false(/at .*\.js:\d+/.test(r.stdout + r.stderr), 'no stack trace');
});

test('real haproxy 2.6: the same proxy section from its runtime API (--proxy-socket)', async (t) => {
  const live = await namedBackend('w1');
  t.teardown(() => live.close());
  const [dead, dead2, fePort] = [await freePort(), await freePort(), await freePort()];
  const hap = await startRealHaproxy(['global', '    stats socket {{SOCK}} mode 600 level admin', 'defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', `    bind 127.0.0.1:${fePort}`, '    default_backend web', ...BACKEND(live.port, dead, dead2), ''].join('\n'));
  t.teardown(() => hap.stop());
  const args = ['--run-dir', tmpDir(), '--proxy-socket', hap.socket];
  await until('haproxy marks w2 DOWN', async () => states((await statusJson(args)).json.proxy).w2 === 'DOWN');
  const { json } = await statusJson(args);
  t.deepEqual(states(json.proxy), { w1: 'UP', w2: 'DOWN', w3: 'MAINT' });
  const [w1, w2] = json.proxy.backends[0]!.servers;
  t.like(w1, { weight: 3, backup: false, sessions: { limit: 10 } });
  t.regex(w1?.check?.status ?? '', /^(\* )?L4OK$/);
  t.like(w2, { backup: true, check: { status: 'L4CON', detail: 'Connection refused' } });
  t.true((json.proxy.pid ?? 0) > 0);
  const text = await runCli(['status', ...args]);
  t.regex(text.stdout, /^ {2}w2 \(backup\) +DOWN +1 .*L4CON in \d+ms: Connection refused$/m);
});
