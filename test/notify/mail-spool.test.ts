// Durable spool behaviour against a real SMTP server: down -> up in order, 4xx vs 5xx, max age, broken spool, shared spool.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { SmtpServerProc, freePort, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { event, instance, until } from './_build.js';
import { mailConfig, RCPT_A, RCPT_B, startNotifier } from './_mail.js';

const STATES = ['MASTER', 'BACKUP'] as const;

function files(dir: string): string[] {
  try {
    return fs.readdirSync(dir);
  } catch {
    return [];
  }
}

async function eventOrder(srv: SmtpServerProc, rcpt: string): Promise<string[]> {
  const mine = srv.received.filter((m) => m.to[0] === rcpt);
  return Promise.all(mine.map(async (m) => /Event #:\s+(\d+)/.exec((await parseReceived(m)).text ?? '')?.[1] ?? '?'));
}

test('SMTP down for the whole transition: spooled durably, delivered in order once the server is up', async (t) => {
  const port = await freePort();
  const cfg = mailConfig(port, { recipients: [RCPT_A, RCPT_B] });
  const { n, sink } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  const seqs: string[] = [];
  for (let i = 0; i < 6; i++) {
    const e = event('VI_1', STATES[(i + 1) % 2]!, STATES[i % 2]!, { seq: 100 + i });
    seqs.push(String(e.seq));
    n.transition(e);
  }
  await until(() => sink.lines.filter((l) => l.event === 'alert-spooled').length === 6, 8000, 'six alerts spooled');
  const spool = cfg.global.mail.spoolDir;
  t.is(files(path.join(spool, 'msg')).length, 6, 'message files on disk before any delivery');
  const queues = files(path.join(spool, 'rcpt'));
  t.is(queues.length, 2);
  for (const q of queues) t.is(files(path.join(spool, 'rcpt', q)).filter((f) => /^\d+$/.test(f)).length, 6);
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 5000, 'a failed attempt');
  const srv = await SmtpServerProc.start({ port, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const up = Date.now();
  await srv.waitForMessages(12, 15_000);
  t.true(Date.now() - up < 8000, 'delivery resumes within seconds of the relay returning');
  t.deepEqual(await eventOrder(srv, RCPT_A), seqs);
  t.deepEqual(await eventOrder(srv, RCPT_B), seqs);
  await until(() => files(path.join(spool, 'msg')).length === 0, 3000, 'spool emptied');
});

test('4xx is retried with backoff until accepted, later alerts wait behind it; other recipients are not held up', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), rules: [{ stage: 'rcpt', addr: RCPT_A, code: 451, times: 2 }] });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { recipients: [RCPT_A, RCPT_B] }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER', { seq: 1 }));
  n.transition(event('VI_1', 'MASTER', 'BACKUP', { seq: 2 }));
  await srv.waitForMessages(2);
  t.deepEqual(srv.received.slice(0, 2).map((m) => m.to), [[RCPT_B], [RCPT_B]], 'B first: A is deferred');
  await srv.waitForMessages(4, 10_000);
  t.deepEqual(await eventOrder(srv, RCPT_A), ['1', '2'], 'the deferred alert is not overtaken');
  t.deepEqual(await eventOrder(srv, RCPT_B), ['1', '2']);
  const deferred = sink.lines.filter((l) => l.event === 'alert-deferred');
  t.is(deferred.length, 2);
  t.true(deferred.every((l) => (l.smtp as { responseCode: number }).responseCode === 451 && l.level === 40));
  t.deepEqual(deferred.map((l) => l.attempt), [1, 2]);
});

test('5xx gives up for that recipient only, loudly, and later alerts still go out', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), rules: [{ stage: 'rcpt', addr: RCPT_B, code: 550, times: 1 }, { stage: 'data', addr: RCPT_A, code: 554, times: 1 }] });
  t.teardown(() => srv.stop());
  const cfg = mailConfig(srv.port, { recipients: [RCPT_A, RCPT_B] });
  const { n, sink } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER', { seq: 1 }));
  n.transition(event('VI_1', 'MASTER', 'BACKUP', { seq: 2 }));
  await srv.waitForMessages(2);
  await until(() => sink.lines.filter((l) => l.event === 'alert-rejected').length === 2, 5000, 'two rejections logged');
  t.deepEqual(await eventOrder(srv, RCPT_A), ['2']);
  t.deepEqual(await eventOrder(srv, RCPT_B), ['2']);
  const rejected = sink.lines.filter((l) => l.event === 'alert-rejected');
  t.true(rejected.every((l) => l.level === 50 && String(l.msg).includes('PERMANENTLY REJECTED')));
  t.deepEqual(rejected.map((l) => (l.smtp as { responseCode: number }).responseCode).sort(), [550, 554]);
  t.is(files(path.join(cfg.global.mail.spoolDir, 'failed')).length, 2);
  t.is(srv.events('reject').length, 2, 'no retry after a 5xx');
});

test('alerts older than alert_max_age are given up, not sent', async (t) => {
  const port = await freePort();
  const cfg = mailConfig(port, { maxAgeSec: 1 });
  const { n, sink } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => sink.lines.some((l) => l.event === 'alert-spooled'), 5000, 'spooled');
  await new Promise((r) => setTimeout(r, 1300));
  const srv = await SmtpServerProc.start({ port, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  await until(() => sink.lines.some((l) => l.event === 'alert-expired'), 10_000, 'expiry');
  // The expiry is logged before the record moves to failed/: wait for the move instead of racing it.
  await until(() => files(path.join(cfg.global.mail.spoolDir, 'failed')).length > 0, 5000, 'record in failed/');
  t.is(srv.received.length, 0);
  t.is(files(path.join(cfg.global.mail.spoolDir, 'failed')).length, 1);
});

test('unusable spool directory: loud error, the alert is still sent directly', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const blocker = path.join(tmpDir(), 'a-file');
  fs.writeFileSync(blocker, '');
  const { n, sink } = startNotifier(mailConfig(srv.port, { spoolDir: path.join(blocker, 'spool') }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await srv.waitForMessages(1);
  const err = sink.lines.find((l) => l.event === 'alert-spool-unusable');
  t.is(err?.level, 50);
  t.is(err?.code, 'ESPOOL');
});

test('spool turned read-only after start: loud error per alert, still sent directly', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const cfg = mailConfig(srv.port);
  const { n, sink } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  await n.ready;
  const msgDir = path.join(cfg.global.mail.spoolDir, 'msg');
  execFileSync('chattr', ['+i', msgDir]); // immutable: even root cannot create files in it
  t.teardown(() => execFileSync('chattr', ['-i', msgDir]));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await srv.waitForMessages(1);
  const err = sink.lines.find((l) => l.event === 'alert-spool-failed');
  t.is(err?.level, 50);
});

test('two deliverers on one spool (daemon + CLI case): every alert delivered exactly once', async (t) => {
  const port = await freePort();
  const cfg = mailConfig(port, { recipients: [RCPT_A, RCPT_B] }, [instance('VI_1', { smtpAlert: true }), instance('VI_2', { smtpAlert: true })]);
  const one = startNotifier(cfg);
  const two = startNotifier(cfg);
  t.teardown(() => one.n.close(500));
  t.teardown(() => two.n.close(500));
  for (let i = 0; i < 10; i++) {
    const who = i % 2 ? one.n : two.n;
    who.transition(event(i % 2 ? 'VI_1' : 'VI_2', STATES[(i + 1) % 2]!, STATES[Math.floor(i / 2) % 2]!, { seq: 200 + i }));
  }
  await until(() => one.sink.lines.filter((l) => l.event === 'alert-spooled').length + two.sink.lines.filter((l) => l.event === 'alert-spooled').length === 10, 8000, 'spooled');
  const srv = await SmtpServerProc.start({ port, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  await srv.waitForMessages(20, 15_000);
  await new Promise((r) => setTimeout(r, 1500)); // room for a duplicate to show up
  t.is(srv.received.length, 20);
  for (const r of [RCPT_A, RCPT_B]) {
    const order = await eventOrder(srv, r);
    t.deepEqual([...order].sort(), Array.from({ length: 10 }, (_, i) => String(200 + i)));
  }
});
