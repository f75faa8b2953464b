// Alert mail content and headers, parsed back from a real SMTP server with mailparser; header injection.
import test from 'ava';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { event, group, instance } from './_build.js';
import { config } from './_build.js';
import { mailConfig, mailSettings, RCPT_A, RCPT_B, startNotifier } from './_mail.js';

test('MASTER alert: keepalived subject, all facts in the body, one envelope recipient per message', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { recipients: [RCPT_A, RCPT_B] }));
  t.teardown(() => n.close(500));
  const wall = Math.floor(Date.now() / 1000) * 1000 - 2000; // Date: has second precision
  n.transition(event('VI_1', 'BACKUP', 'MASTER', {
    reason: 'master-down-timer', detail: 'peer 198.18.0.2 silent', basePriority: 100, effectivePriority: 90,
    vips: ['198.18.1.10/32', '198.18.1.11/24'], masterSeen: { ip: '198.18.0.2', priority: 150 }, interface: 'eth0', wallTime: wall, seq: 7,
  }));
  const got = await srv.waitForMessages(2);
  await n.close(2000);
  t.deepEqual(got.map((m) => m.to).sort(), [[RCPT_B], [RCPT_A]].sort());
  t.true(got.every((m) => m.from === 'lb1@example.test'));
  const mail = await parseReceived(got[0]!);
  t.is(mail.subject, '[LB_TEST] VRRP Instance VI_1 - Entering MASTER state');
  t.is(mail.from?.value[0]?.address, 'lb1@example.test');
  const to = Array.isArray(mail.to) ? mail.to : [mail.to];
  t.deepEqual(to.flatMap((a) => a?.value.map((v) => v.address)), [RCPT_A, RCPT_B]);
  t.is(mail.date?.getTime(), wall, 'Date: is the transition time, not the send time');
  t.regex(mail.messageId ?? '', /^<hapair\.\d+\.[0-9a-f]+@lb1\.test>$/);
  t.is(mail.headers.get('x-mailer'), 'hapair');
  t.is(mail.headers.get('x-hapair-event'), 'INSTANCE VI_1 MASTER');
  const body = mail.text ?? '';
  for (const want of [
    '=> VRRP Instance is now owning VRRP VIPs <=', 'VI_1 (interface eth0)', 'BACKUP -> MASTER',
    'master-down-timer: no advertisement from a master', 'peer 198.18.0.2 silent', 'base 100, effective 90',
    '198.18.1.10/32, 198.18.1.11/24', '198.18.0.2 (priority 150)', 'lb1.test', 'LB_TEST', new Date(wall).toISOString(), 'Event #:      7',
  ]) t.true(body.includes(want), `body has ${want}:\n${body}`);
});

test('BACKUP/FAULT/STOP subjects and the sync group form', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const cfg = config([instance('VI_1', { smtpAlert: true, syncGroup: 'G1' })], mailSettings(srv.port), [group('G1', ['VI_1'], {}, true)]);
  const { n } = startNotifier(cfg);
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  n.transition(event('VI_1', 'BACKUP', 'FAULT'));
  n.transition(event('G1', 'BACKUP', 'MASTER', { kind: 'GROUP' }));
  n.transition(event('VI_1', 'FAULT', 'STOP'));
  const got = await srv.waitForMessages(4);
  await n.close(2000);
  const subjects = await Promise.all(got.map(async (m) => (await parseReceived(m)).subject));
  t.deepEqual(subjects, [
    '[LB_TEST] VRRP Instance VI_1 - Entering BACKUP state',
    '[LB_TEST] VRRP Instance VI_1 - Entering FAULT state',
    '[LB_TEST] VRRP Group G1 - Entering MASTER state',
    '[LB_TEST] VRRP Instance VI_1 - Stopping',
  ]);
  const groupBody = (await parseReceived(got[2]!)).text ?? '';
  t.true(groupBody.startsWith('=> All VRRP group instances are now in MASTER state <='));
});

test('no mail without smtp_alert, and none for a repeated state (keepalived last_email_state)', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const cfg = mailConfig(srv.port, {}, [instance('VI_1', { smtpAlert: true }), instance('QUIET', { smtpAlert: false })]);
  const { n, sink } = startNotifier(cfg);
  n.transition(event('QUIET', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'INIT', 'BACKUP'));
  n.transition(event('VI_1', 'FAULT', 'BACKUP'));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await srv.waitForMessages(2);
  await n.close(2000);
  t.is(srv.received.length, 2);
  t.is(sink.lines.filter((l) => l.event === 'alert-spooled').length, 2);
});

test('header injection through names and details is impossible (CR/LF stripped at assignment)', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const evil = 'VI_1\r\nBcc: victim@evil.test\r\nX-Evil: 1';
  const cfg = mailConfig(srv.port, {}, [instance(evil, { smtpAlert: true })]);
  const { n } = startNotifier(cfg);
  n.transition(event(evil, 'BACKUP', 'MASTER', { detail: 'x\r\n\r\nfake body', routerId: 'R\nX-Injected: yes' }));
  const [m] = await srv.waitForMessages(1);
  await n.close(2000);
  t.deepEqual(m!.to, [RCPT_A], 'envelope recipients unchanged');
  const mail = await parseReceived(m!);
  t.false(mail.headers.has('bcc'));
  t.false(mail.headers.has('x-evil'));
  t.false(mail.headers.has('x-injected'));
  t.notRegex(mail.subject ?? '', /[\r\n]/);
  t.true((mail.subject ?? '').includes('VI_1 Bcc: victim@evil.test X-Evil: 1'));
});
