// Notifier.reload(config) (SIGHUP): script order per instance holds across the reload, new scripts apply to later
// transitions, spooled alerts survive a change of relay and go out before later ones, bad credentials change nothing.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { createNotifier } from '../../src/notify/index.js';
import { isHaError } from '../../src/core/errors.js';
import { SmtpServerProc, freePort, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { cmd, config, event, instance, logSink, until } from './_build.js';
import { mailConfig, RCPT_A, RCPT_B, startNotifier } from './_mail.js';

function script(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

function lines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

test('script order per instance holds across a reload; later transitions run the new scripts', async (t) => {
  const dir = tmpDir();
  const log = path.join(dir, 'log');
  // The old MASTER script is slow: a fresh dispatcher after the reload would run the FAULT script first.
  const slow = script(dir, 'old.sh', `sleep 0.6; echo "old $*" >> ${log}`);
  const fresh = script(dir, 'new.sh', `echo "new $*" >> ${log}`);
  const before = config([instance('VI_1', { notify: { master: cmd(slow, 'MASTER'), fault: cmd(slow, 'FAULT') } }), instance('GONE', { notify: { master: cmd(fresh, 'GONE') } })]);
  const after = config([instance('VI_1', { notify: { master: cmd(fresh, 'MASTER'), fault: cmd(fresh, 'FAULT') } }), instance('ADDED', { notify: { backup: cmd(fresh, 'ADDED') } })]);
  const { logger, lines: logLines } = logSink();
  const n = createNotifier(before, { logger });
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.reload(after);
  n.transition(event('VI_1', 'MASTER', 'FAULT'));
  n.transition(event('ADDED', 'INIT', 'BACKUP'));
  n.transition(event('GONE', 'BACKUP', 'MASTER')); // not in the new config: no scripts
  await until(() => lines(log).length === 3, 5000, 'three script runs');
  const got = lines(log);
  t.deepEqual(got.filter((l) => !l.includes('ADDED')), ['old MASTER', 'new FAULT'], got.join(' | '));
  t.true(got.includes('new ADDED'));
  t.true(logLines.some((l) => l.event === 'notify-unknown-target' && l.name === 'GONE'));
  await until(() => n.pendingScripts === 0, 3000, 'queue drained');
});

test('a spooled alert survives a reload that changes the relay, and goes out before later alerts', async (t) => {
  const downPort = await freePort();
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const before = mailConfig(downPort);
  const { n, sink } = startNotifier(before);
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER', { seq: 501 }));
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 8000, 'relay down: alert deferred');
  // Same spool, a relay that works: the new mailer delivers the spooled alert first, then the new one.
  const after = mailConfig(srv.port, { spoolDir: before.global.mail.spoolDir });
  n.reload(after);
  n.transition(event('VI_1', 'MASTER', 'BACKUP', { seq: 502 }));
  const got = await srv.waitForMessages(2, 15_000);
  const seqs = await Promise.all(got.map(async (m) => /Event #:\s+(\d+)/.exec((await parseReceived(m)).text ?? '')?.[1]));
  t.deepEqual(seqs, ['501', '502']);
  t.true(sink.lines.some((l) => l.event === 'mail-reconfigured'));
  await new Promise((r) => setTimeout(r, 300));
  t.is(srv.received.length, 2, 'no duplicate');
});

test('unchanged mail settings keep the mailer; new recipients apply at once; dedupe state is inherited', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const before = mailConfig(srv.port);
  const { n, sink } = startNotifier(before);
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await srv.waitForMessages(1);
  n.reload(mailConfig(srv.port, { spoolDir: before.global.mail.spoolDir }, [instance('VI_1', { smtpAlert: true, basePriority: 120 })]));
  t.false(sink.lines.some((l) => l.event === 'mail-reconfigured'), 'same settings: same mailer');
  n.reload(mailConfig(srv.port, { spoolDir: before.global.mail.spoolDir, recipients: [RCPT_B] }));
  t.true(sink.lines.some((l) => l.event === 'mail-reconfigured'));
  n.transition(event('VI_1', 'MASTER', 'MASTER')); // same state as last mailed: keepalived's last_email_state
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  await srv.waitForMessages(2);
  await new Promise((r) => setTimeout(r, 300));
  t.deepEqual(srv.received.map((m) => m.to), [[RCPT_A], [RCPT_B]]);
  t.regex((await parseReceived(srv.received[1]!)).subject ?? '', /Entering BACKUP state/);
});

test('a reload whose mail password cannot be read throws ESMTP and changes nothing', async (t) => {
  const dir = tmpDir();
  const log = path.join(dir, 'log');
  const s = script(dir, 's.sh', `echo "$*" >> ${log}`);
  const good = config([instance('VI_1', { notify: { master: cmd(s, 'first') } })]);
  const n = createNotifier(good, { logger: logSink().logger });
  t.teardown(() => n.close(500));
  const bad = mailConfig(25, { authUser: 'ops', authPasswordFile: path.join(dir, 'missing'), where: { smtp_auth_password_file: { file: '/etc/hapair/keepalived.conf', line: 9 } } }, [instance('VI_1', { notify: { master: cmd(s, 'second') } })]);
  const err = t.throws(() => n.reload(bad));
  t.true(isHaError(err, 'ESMTP'));
  t.regex(err?.message ?? '', /^\/etc\/hapair\/keepalived\.conf:9: cannot read smtp_auth_password_file/);
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => lines(log).length === 1, 3000, 'script ran');
  t.deepEqual(lines(log), ['first']);
});
