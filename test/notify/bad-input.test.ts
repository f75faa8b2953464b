// Bad mail settings at daemon (re)start: each is logged with file:line and the same code as `hapair check`, and the
// valid part keeps working (an invalid recipient never stops the alerts to the valid ones).
import test from 'ava';
import { SmtpServerProc } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { event } from './_build.js';
import { mailConfig, RCPT_A, startNotifier } from './_mail.js';

test('an invalid recipient is reported with file:line at start and on reload; the valid one still gets the alert', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const where = { file: '/etc/hapair/keepalived.conf', line: 3 };
  const cfg = mailConfig(srv.port, { recipients: [RCPT_A, 'not an address'], recipientsWhere: where });
  const { n, sink } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  const reported = () => sink.lines.filter((l) => l.event === 'mail-config' && l.code === 'mail-bad-address');
  t.is(reported().length, 1);
  t.like(reported()[0], { level: 50, file: where.file, line: 3, severity: 'error' });
  t.regex(String(reported()[0]!.msg), /^\/etc\/hapair\/keepalived\.conf:3: notification_email: invalid address 'not an address'/);
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const got = await srv.waitForMessages(1);
  t.deepEqual(got.map((m) => m.to), [[RCPT_A]]);
  n.reload(mailConfig(srv.port, { recipients: [RCPT_A, 'still@bad@x'], recipientsWhere: where, spoolDir: cfg.global.mail.spoolDir }));
  t.is(reported().length, 2, 'reported again on reload');
  const ports = mailConfig(srv.port, { smtpServer: { host: '127.0.0.1', port: 465, where: { file: '/etc/hapair/keepalived.conf', line: 7 } } });
  const other = startNotifier(ports);
  t.teardown(() => other.n.close(200));
  t.like(other.sink.lines.find((l) => l.event === 'mail-config'), { code: 'mail-tls-port', line: 7, severity: 'warning' });
});
