// `hapair notify-mail` and `hapair mail-test` end to end: real CLI processes, real SMTP server, shared spool with a daemon.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { SmtpServerProc, freePort, parseReceived } from '../helpers/smtp-server.js';
import { makeTestPki, type TestPki } from '../helpers/smtp-tls.js';
import { tmpDir } from '../helpers/paths.js';
import { loadKeepalivedConfigOrThrow } from '../../src/vrrp/config/load.js';
import { createNotifier } from '../../src/notify/index.js';
import { logSink, until } from './_build.js';

let pki: TestPki;
test.before(() => {
  pki = makeTestPki(tmpDir('hapair-pki-'));
});

/** A keepalived.conf in a fresh dir, mail pointing at `port`; returns its path and spool dir. */
function kaConf(port: number, extraGlobal: string[] = [], instances = ['VI_1']): { file: string; spool: string; dir: string } {
  const dir = tmpDir('hapair-cli-');
  const spool = path.join(dir, 'spool');
  const inst = instances.map((name, i) => `vrrp_instance ${name} {\n  state BACKUP\n  interface eth0\n  virtual_router_id ${51 + i}\n  priority 100\n  notify_master "/usr/bin/hapair notify-mail master"\n  virtual_ipaddress {\n    198.18.1.${10 + i}/24\n  }\n}\n`);
  const text = [
    'global_defs {',
    '  notification_email {',
    '    ops@example.test',
    '  }',
    '  notification_email_from lb1@example.test',
    `  smtp_server 127.0.0.1 ${port}`,
    '  smtp_connect_timeout 2',
    '  router_id LB_CLI',
    `  alert_spool_dir ${spool}`,
    ...extraGlobal.map((l) => `  ${l}`),
    '}',
    ...inst,
  ].join('\n');
  const file = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(file, text);
  return { file, spool, dir };
}

test('notify-mail master: spooled and delivered now; alert names the instance and its VIPs', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { file } = kaConf(srv.port);
  const r = await runCli(['notify-mail', 'master', '-f', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stderr, /alert \d+ spooled/);
  t.regex(r.stderr, /delivered 1, still pending 0/);
  const [m] = await srv.waitForMessages(1);
  const mail = await parseReceived(m!);
  t.is(mail.subject, '[LB_CLI] VRRP Instance VI_1 - Entering MASTER state');
  t.true((mail.text ?? '').includes('reported by a notify script'));
  t.true((mail.text ?? '').includes('198.18.1.10/24'));
});

test("notify-mail as keepalived's generic notify (TYPE NAME STATE PRIORITY)", async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { file } = kaConf(srv.port, [], ['VI_1', 'VI_2']);
  const r = await runCli(['notify-mail', 'INSTANCE', 'VI_2', 'BACKUP', '90', '-f', file]);
  t.is(r.code, 0, r.stderr);
  const mail = await parseReceived((await srv.waitForMessages(1))[0]!);
  t.is(mail.subject, '[LB_CLI] VRRP Instance VI_2 - Entering BACKUP state');
  t.true((mail.text ?? '').includes('effective 90'));
});

test('notify-mail usage errors: typo state word with a hint; ambiguous instance', async (t) => {
  const { file } = kaConf(1, [], ['VI_1', 'VI_2']);
  const typo = await runCli(['notify-mail', 'falut', '-f', file]);
  t.is(typo.code, 2);
  t.regex(typo.stderr, /did you mean 'fault'/);
  const amb = await runCli(['notify-mail', 'backup', '-f', file]);
  t.is(amb.code, 2);
  t.regex(amb.stderr, /pass --instance NAME/);
  const unknown = await runCli(['notify-mail', 'master', '-i', 'NOPE', '-f', file]);
  t.is(unknown.code, 2);
});

test('notify-mail with the relay down returns quickly with the alert spooled; the next invocation delivers it once', async (t) => {
  const port = await freePort();
  const { file } = kaConf(port);
  const t0 = Date.now();
  const r = await runCli(['notify-mail', 'master', '-f', file, '--wait', '1']);
  t.is(r.code, 0, r.stderr);
  t.true(Date.now() - t0 < 6000, 'returns quickly');
  t.regex(r.stderr, /still pending 1/);
  const srv = await SmtpServerProc.start({ port, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const r2 = await runCli(['notify-mail', 'backup', '-f', file]);
  t.is(r2.code, 0, r2.stderr);
  t.regex(r2.stderr, /delivered 2, still pending 0/);
  const got = await srv.waitForMessages(2);
  const subjects = await Promise.all(got.map(async (m) => (await parseReceived(m)).subject));
  t.deepEqual(subjects, ['[LB_CLI] VRRP Instance VI_1 - Entering MASTER state', '[LB_CLI] VRRP Instance VI_1 - Entering BACKUP state']);
  const r3 = await runCli(['notify-mail', '--flush', '-f', file]);
  t.regex(r3.stderr, /delivered 0, still pending 0/);
  t.is(srv.received.length, 2);
});

test('CLI and a running daemon on one spool: the daemon picks up CLI alerts; concurrent flushes never duplicate', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), dataDelayMs: 30 });
  t.teardown(() => srv.stop());
  const { file } = kaConf(srv.port);
  const { config } = loadKeepalivedConfigOrThrow(file);
  const daemon = createNotifier(config, { logger: logSink().logger, spoolPollMs: 300 });
  t.teardown(() => daemon.close(500));
  await daemon.ready;
  for (const s of ['master', 'backup', 'fault']) {
    const r = await runCli(['notify-mail', s, '-f', file, '--wait', '0']);
    t.is(r.code, 0, r.stderr);
  }
  await srv.waitForMessages(3, 8000);
  const more = await Promise.all(['master', 'backup', 'fault', 'master'].map((s) => runCli(['notify-mail', s, '-f', file, '--wait', '0'])));
  t.true(more.every((r) => r.code === 0));
  await Promise.all([runCli(['notify-mail', '--flush', '-f', file]), runCli(['notify-mail', '--flush', '-f', file])]);
  await srv.waitForMessages(7, 8000);
  await new Promise((r) => setTimeout(r, 800));
  t.is(srv.received.length, 7);
  const ids = await Promise.all(srv.received.map(async (m) => (await parseReceived(m)).messageId));
  t.is(new Set(ids).size, 7, 'no message twice');
});

test('mail-test: success prints the server reply and the test mail arrives', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { file } = kaConf(srv.port);
  const r = await runCli(['mail-test', '-f', file, '--to', 'qa@example.test']);
  t.is(r.code, 0, r.stdout + r.stderr);
  t.regex(r.stdout, /connect, TLS and AUTH: OK/);
  t.regex(r.stdout, /send to qa@example\.test: OK - 250 .*queued as 1/);
  const [m] = await srv.waitForMessages(1);
  t.deepEqual(m!.to, ['qa@example.test']);
  t.regex((await parseReceived(m!)).subject ?? '', /^\[LB_CLI\] hapair mail-test from /);
});

test('mail-test names each failure: connection refused, timeout, TLS failure, authentication failed (with reply), 5xx', async (t) => {
  const refusedPort = await freePort();
  const refused = await runCli(['mail-test', '-f', kaConf(refusedPort).file]);
  t.is(refused.code, 1);
  t.regex(refused.stdout, /FAILED - connection refused/);

  const silent = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), silent: true });
  t.teardown(() => silent.stop());
  const timeout = await runCli(['mail-test', '-f', kaConf(silent.port, []).file]);
  t.is(timeout.code, 1);
  t.regex(timeout.stdout, /FAILED - timeout/);

  const tls = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile } });
  t.teardown(() => tls.stop());
  const badCa = await runCli(['mail-test', '-f', kaConf(tls.port, ['smtp_tls require-starttls', `smtp_tls_ca_file ${pki.otherCaFile}`]).file]);
  t.is(badCa.code, 1);
  t.regex(badCa.stdout, /FAILED - TLS failure/);
  const goodCa = await runCli(['mail-test', '-f', kaConf(tls.port, ['smtp_tls require-starttls', `smtp_tls_ca_file ${pki.caFile}`]).file]);
  t.is(goodCa.code, 0, goodCa.stdout);

  const auth = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), auth: { user: 'alert', pass: 'right' } });
  t.teardown(() => auth.stop());
  const { file, dir } = kaConf(auth.port, ['smtp_auth_user alert', 'smtp_auth_password_file PWFILE']);
  fs.writeFileSync(path.join(dir, 'pw'), 'wrong-secret\n', { mode: 0o600 });
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('PWFILE', path.join(dir, 'pw')));
  const badAuth = await runCli(['mail-test', '-f', file]);
  t.is(badAuth.code, 1);
  t.regex(badAuth.stdout, /FAILED - authentication failed: server said: 535 Authentication credentials invalid/);
  t.false((badAuth.stdout + badAuth.stderr).includes('wrong-secret'), 'password never printed');

  const reject = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), rules: [{ stage: 'rcpt', code: 550, message: 'No such user here' }] });
  t.teardown(() => reject.stop());
  const rej = await runCli(['mail-test', '-f', kaConf(reject.port).file]);
  t.is(rej.code, 1);
  t.regex(rej.stdout, /send to ops@example\.test: FAILED - rejected \(5xx\): server said: 550 No such user here/);
});

test('mail-test: unreadable password file is a clear error naming file:line', async (t) => {
  const { file } = kaConf(1, ['smtp_auth_user alert', 'smtp_auth_password_file /nonexistent/hapair-pw']);
  const r = await runCli(['mail-test', '-f', file]);
  t.is(r.code, 1);
  t.regex(r.stderr, /keepalived\.conf:\d+: smtp_auth_password_file \/nonexistent\/hapair-pw: cannot read \(ENOENT\)/);
});

test('notify-mail with an unreadable password file: the alert is spooled anyway, exit 1 names file:line; fixed -> delivered', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), auth: { user: 'alert', pass: 'right' } });
  t.teardown(() => srv.stop());
  const { file, dir, spool } = kaConf(srv.port, ['smtp_auth_user alert', 'smtp_auth_password_file PWFILE']);
  const pw = path.join(dir, 'pw');
  fs.writeFileSync(file, fs.readFileSync(file, 'utf8').replace('PWFILE', pw));
  const r = await runCli(['notify-mail', 'fault', '-f', file]);
  t.is(r.code, 1);
  t.regex(r.stderr, /alert \d+ spooled/);
  t.regex(r.stderr, /CANNOT DELIVER NOW: .*keepalived\.conf:\d+: cannot read smtp_auth_password_file .*ENOENT.*; 1 alert\(s\) stay spooled/);
  t.is(fs.readdirSync(path.join(spool, 'msg')).length, 1, 'the alert is on disk');
  fs.writeFileSync(pw, 'right\n', { mode: 0o600 });
  const flush = await runCli(['notify-mail', '--flush', '-f', file]);
  t.is(flush.code, 0, flush.stderr);
  const [m] = await srv.waitForMessages(1);
  t.is((await parseReceived(m!)).subject, '[LB_CLI] VRRP Instance VI_1 - Entering FAULT state');
});

test('notify-mail --instance NAME picks that instance among several; --help and bad usage', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { file } = kaConf(srv.port, [], ['VI_1', 'VI_2']);
  const r = await runCli(['notify-mail', 'master', '--instance', 'VI_2', '-f', file]);
  t.is(r.code, 0, r.stderr);
  const mail = await parseReceived((await srv.waitForMessages(1))[0]!);
  t.is(mail.subject, '[LB_CLI] VRRP Instance VI_2 - Entering MASTER state');
  t.true((mail.text ?? '').includes('198.18.1.11/24'), 'VI_2 VIPs, not VI_1');
  for (const cmd of ['notify-mail', 'mail-test']) {
    const help = await runCli([cmd, '--help']);
    t.is(help.code, 0);
    t.regex(help.stdout, new RegExp(`^usage: hapair ${cmd} `));
  }
  const helpText = (await runCli(['notify-mail', '--help'])).stdout;
  for (const flag of ['master|backup|fault', '--instance NAME', '-f, --config FILE', '--wait SECS', '--flush']) t.true(helpText.includes(flag), flag);
  t.regex((await runCli(['mail-test', '--help'])).stdout, /connection refused, timeout, TLS\s+failure, authentication failed/);
  for (const bad of [['notify-mail'], ['notify-mail', 'master', '--wait', '-1', '-f', file], ['notify-mail', 'master', '--bogus'], ['mail-test', '--bogus'], ['mail-test', '-f', file, '--to', 'not an address']]) {
    const u = await runCli(bad);
    t.is(u.code, 2, `${bad.join(' ')}: ${u.stderr}`);
  }
});
