// `hapair status` on a lab node running the real `hapair vrrp` and `hapair proxy`: both daemons at a glance (VRRP
// instances, proxy backends, alert delivery health with a relay that is down, then up), and each daemon's absence.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import type { VrrpStatus } from '../../src/vrrp/types.js';
import type { ProxyStatus } from '../../src/core/proxy-status.js';
import type { DeliveryHealth } from '../../src/notify/report.js';
import { requireRoot } from '../helpers/root.js';
import { Daemon, runCli } from '../helpers/proc.js';
import { cliMain, tmpDir } from '../helpers/paths.js';
import { keepalivedConf, startHapair, waitUntil } from '../helpers/lab-vrrp.js';
import { SmtpServerProc } from '../helpers/smtp-server.js';

interface StatusJson {
  readonly vrrp: VrrpStatus & { error?: string };
  readonly proxy: ProxyStatus & { error?: string };
  readonly alerts: (DeliveryHealth & { error?: string }) | null;
}

const RELAY_PORT = 2525;

test.serial('hapair status shows the VRRP instance, the proxy backends and alert delivery; a stopped daemon is reported', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const dir = tmpDir('hapair-status-');
  const runDir = path.join(dir, 'run');
  const spool = path.join(dir, 'spool');
  const pxCfg = path.join(dir, 'haproxy.cfg');
  const status = async (): Promise<{ code: number | null; text: string }> => {
    // --proxy-config (no stats socket line -> <run-dir>/proxy.sock) keeps the test off a host's /etc/hapair/haproxy.cfg.
    const r = await runCli(['status', '--run-dir', runDir, '--proxy-config', pxCfg], { env: { HAPAIR_RUN_DIR: '/nonexistent' } });
    return { code: r.code, text: r.stdout };
  };
  const statusJson = async (): Promise<StatusJson> => JSON.parse((await runCli(['status', '--run-dir', runDir, '--proxy-config', pxCfg, '--json'])).stdout) as StatusJson;

  // A backend server that answers TCP inside the node, and one that does not.
  // (Health checks close with a reset: the listener ignores socket errors.)
  lab.spawn('a', [process.execPath, '-e', "require('net').createServer((s) => { s.on('error', () => {}); s.end(); }).listen(8081, '127.0.0.1')"], { stdio: 'ignore' });
  fs.writeFileSync(pxCfg, ['defaults', '    mode tcp', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s',
    'frontend fe', '    bind 198.18.0.11:8080', '    default_backend app',
    'backend app', '    server w1 127.0.0.1:8081 check inter 200 fall 1 rise 1', '    server w2 127.0.0.1:8082 check inter 200 fall 1 rise 1', ''].join('\n'));
  const proxy = new Daemon('ip', ['netns', 'exec', a.ns, process.execPath, cliMain, 'proxy', '-f', pxCfg, '--run-dir', runDir], { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' } });
  lab.track(proxy.child);
  await proxy.waitFor((l) => l.event === 'started', 15_000, 'proxy started');

  // VRRP with alert mail to a relay that is not there yet: the transitions' alerts wait in the spool.
  const conf = keepalivedConf({ routerId: 'a', priority: 200, version: 3, advertInt: 0.2, vips: ['198.18.0.100/24'] }).replace('global_defs {', [
    'global_defs {', '    notification_email {', '        noc@example.test', '    }', '    notification_email_from lb-a@example.test',
    `    smtp_server 127.0.0.1 ${RELAY_PORT}`, '    smtp_connect_timeout 2', '    smtp_alert', `    alert_spool_dir ${spool}`,
  ].join('\n'));
  const n = startHapair(lab, a, conf, dir);
  await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 8000);
  await n.daemon.waitFor((l) => l.event === 'alert-deferred', 8000, 'alert deferred (relay down)');
  await waitUntil(async () => (await statusJson()).proxy.backends?.[0]?.servers.map((s) => s.state).join() === 'UP,DOWN', 5000, 'w1 UP, w2 DOWN');

  const s1 = await status();
  t.is(s1.code, 0, s1.text);
  t.regex(s1.text, /^VRRP {2}router_id a {2}pid \d+/m);
  t.regex(s1.text, /^VI_1 +MASTER +\S+ +master-down-timer +eth0 +51 v3 +200 /m);
  t.regex(s1.text, /^PROXY {2}socket \S+\/run\/proxy\.sock {2}pid \d+/m);
  t.regex(s1.text, /^backend app {2}UP/m);
  t.regex(s1.text, /^ {2}w1 +UP .*L4OK in \d+ms$/m);
  t.regex(s1.text, /^ {2}w2 +DOWN .*L4CON in \d+ms: Connection refused$/m);
  t.regex(s1.text, new RegExp(`^ALERTS {2}relay 127\\.0\\.0\\.1:${RELAY_PORT} UNREACHABLE`, 'm'));
  t.regex(s1.text, /^ {2}spool \S+: [1-9]\d* pending, oldest \d+s old, 0 given up$/m);
  t.regex(s1.text, /^ {4}noc@example\.test: [1-9]\d* pending, last error: /m);

  // The relay comes up in the node: the backlog drains and the probe reaches it.
  const srv = await SmtpServerProc.start({ port: RELAY_PORT, maildir: tmpDir() }, lab.wrap('a', []));
  t.teardown(() => srv.stop());
  await srv.waitForMessages(2, 20_000);
  await waitUntil(async () => (await statusJson()).alerts?.spool?.pending === 0, 10_000, 'spool drained');
  const j = await statusJson();
  t.like(j.alerts, { relay: `127.0.0.1:${RELAY_PORT}`, relayReachable: true, spool: { pending: 0 } });
  t.like(j.vrrp.instances[0], { name: 'VI_1', state: 'MASTER' });
  t.deepEqual(j.proxy.backends.map((b) => [b.name, b.servers.map((s) => s.state)]), [['app', ['UP', 'DOWN']]]);

  // Proxy stopped: the VRRP side still answers; exit status 1 says one daemon is missing.
  await proxy.stop();
  const s2 = await status();
  t.is(s2.code, 1);
  t.regex(s2.text, /^PROXY: .*proxy\.sock: proxy not running \(no stats socket\)$/m);
  t.regex(s2.text, /^VI_1 +MASTER/m);
  await n.daemon.stop();
  const s3 = await status();
  t.is(s3.code, 1);
  t.regex(s3.text, /^VRRP: .*vrrp\.sock: daemon not running \(no control socket\)$/m);
  t.regex(s3.text, /^ALERTS: .*daemon not running/m);
});
