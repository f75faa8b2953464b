// Full spool file system (ENOSPC) for the daemon and for `hapair notify-mail`: loud error, alert still sent directly.
// The spool is a 1 MiB tmpfs mounted in a private mount namespace (unshare -m) of the child alone: the host's
// mounts are never touched and the mount disappears with the child.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daemon, runCommand } from '../helpers/proc.js';
import { requireRoot } from '../helpers/root.js';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { cliMain, tmpDir } from '../helpers/paths.js';

const driver = path.join(path.dirname(fileURLToPath(import.meta.url)), '_driver.js');

/** argv that runs `argv` with `dir` as a fresh 1 MiB tmpfs in a private mount namespace (optionally filled first). */
function inSmallTmpfs(dir: string, argv: readonly string[], fillFirst = false): string[] {
  const fill = fillFirst ? ` && (dd if=/dev/zero of="$1/filler" bs=64k 2>/dev/null || true)` : '';
  return ['unshare', '-m', '--propagation', 'private', 'sh', '-c', `mount -t tmpfs -o size=1m hapair-test "$1"${fill} && shift && exec "$@"`, 'sh', dir, ...argv];
}

test('daemon: spool file system full after start -> ESPOOL error per alert, every alert still delivered in order', async (t) => {
  if (!requireRoot(t)) return;
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const spoolDir = tmpDir('hapair-tmpfs-');
  const [cmd, ...args] = inSmallTmpfs(spoolDir, [process.execPath, driver, JSON.stringify({ port: srv.port, spoolDir, count: 3, seqBase: 70, fill: true })]);
  const d = new Daemon(cmd!, args, { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' } });
  t.teardown(() => d.stop('SIGKILL'));
  const filled = await d.waitFor((l) => l.event === 'driver-filled', 10_000, 'spool filled').catch((err: unknown) => {
    throw new Error(`${String(err)}; child stderr (unshare/mount need root with CAP_SYS_ADMIN): ${d.stderr.slice(-400)}`);
  });
  t.is(filled.code, 'ENOSPC');
  await srv.waitForMessages(3, 10_000);
  const failed = d.lines.filter((l) => l.event === 'alert-spool-failed');
  t.is(failed.length, 3, 'one loud error per alert that could not be spooled');
  for (const l of failed) t.like(l, { level: 'error', code: 'ESPOOL' });
  t.true(failed.every((l) => /ENOSPC/.test(String(l.msg))), failed.map((l) => String(l.msg)).join('\n'));
  const seqs = await Promise.all(srv.received.map(async (m) => /Event #:\s+(\d+)/.exec((await parseReceived(m)).text ?? '')?.[1]));
  t.deepEqual(seqs, ['70', '71', '72']);
  t.is(fs.readdirSync(spoolDir).length, 0, 'the tmpfs lived only in the child mount namespace');
});

test('notify-mail: spool file system full -> "ALERT NOT SPOOLED" and the alert is sent directly (exit 0)', async (t) => {
  if (!requireRoot(t)) return;
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const dir = tmpDir('hapair-cli-full-');
  const spool = path.join(dir, 'spool');
  fs.mkdirSync(spool);
  const file = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(file, [
    'global_defs {', '  notification_email {', '    ops@example.test', '  }', `  smtp_server 127.0.0.1 ${srv.port}`, '  router_id LB_FULL', `  alert_spool_dir ${spool}`, '}',
    'vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  virtual_ipaddress {', '    198.18.1.10/24', '  }', '}', '',
  ].join('\n'));
  const [cmd, ...args] = inSmallTmpfs(spool, [process.execPath, cliMain, 'notify-mail', 'fault', '-f', file], true);
  const r = await runCommand(cmd!, args);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /ALERT NOT SPOOLED: .*ENOSPC.*; tried to send it directly/);
  t.regex(r.stderr, /delivered 1\b/);
  const [m] = await srv.waitForMessages(1);
  await new Promise((r) => setTimeout(r, 300));
  t.is(srv.received.length, 1, 'sent once (a second, concurrent delivery pass used to send it twice)');
  t.is((await parseReceived(m!)).subject, '[LB_FULL] VRRP Instance VI_1 - Entering FAULT state');
});
