// Seed 002 as a drop-in: its keepalived.conf with only mail_notify.py's path replaced by `hapair notify-mail`
// (and the relay pointed at a loopback SMTP server); the parsed notify_* argv run exactly as keepalived runs them.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from '../helpers/proc.js';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { cliMain, fixture, tmpDir } from '../helpers/paths.js';
import { loadKeepalivedConfigOrThrow } from '../../src/vrrp/config/load.js';

const SEED = fixture('seeds', 'seed002-keepalived-brace-restored.conf');
const RECIPIENTS = ['acassen@firewall.loc', 'failover@firewall.loc', 'sysadmin@firewall.loc'];

function seedWithHapair(port: number): { file: string; spool: string } {
  const dir = tmpDir('hapair-seed002-');
  const file = path.join(dir, 'keepalived.conf');
  const spool = path.join(dir, 'spool');
  const text = fs.readFileSync(SEED, 'utf8')
    .replaceAll('/etc/keepalived/mail_notify.py', `${process.execPath} ${cliMain} notify-mail -f ${file}`)
    .replace('smtp_server 192.168.200.1', `smtp_server 127.0.0.1 ${port}\n        alert_spool_dir ${spool}`);
  fs.writeFileSync(file, text);
  return { file, spool };
}

test("seed 002's notify_master / notify_backup lines mail every recipient with keepalived's subject", async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { file, spool } = seedWithHapair(srv.port);
  const { config } = loadKeepalivedConfigOrThrow(file);
  const inst = config.instances[0]!;
  for (const [slot, n] of [['master', 3], ['backup', 6]] as const) {
    const argv = inst.notify[slot]!.argv; // the trailing blank of "… master " is gone, as keepalived splits it
    t.deepEqual(argv.slice(-1), [slot]);
    const r = await runCommand(argv[0]!, argv.slice(1));
    t.is(r.code, 0, r.stderr);
    await srv.waitForMessages(n);
  }
  const mails = await Promise.all(srv.received.map(async (m) => ({ to: m.to, from: m.from, mail: await parseReceived(m) })));
  t.deepEqual(mails.map((m) => m.to[0]).sort(), [...RECIPIENTS, ...RECIPIENTS].sort());
  t.true(mails.every((m) => m.from === 'Alexandre.Cassen@firewall.loc'));
  t.deepEqual([...new Set(mails.map((m) => m.mail.subject))], ['[HAProxy_DEVEL] VRRP Instance HAProxy_HA - Entering MASTER state', '[HAProxy_DEVEL] VRRP Instance HAProxy_HA - Entering BACKUP state']);
  t.true((mails[0]!.mail.text ?? '').includes('192.168.66.10/24'), 'the seed VIP');
  t.deepEqual(fs.readdirSync(path.join(spool, 'msg')), [], 'delivered, nothing left in the spool');
});

test("seed 002's notify_fault line carries the blog's typo 'falut': refused with a hint instead of a wrong mail", async (t) => {
  const { file } = seedWithHapair(1);
  const argv = loadKeepalivedConfigOrThrow(file).config.instances[0]!.notify.fault!.argv;
  t.is(argv.at(-1), 'falut');
  const r = await runCommand(argv[0]!, argv.slice(1));
  t.is(r.code, 2);
  t.regex(r.stderr, /unknown state 'falut' \(did you mean 'fault'\?/);
});
