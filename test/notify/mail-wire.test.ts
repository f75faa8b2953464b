// What the relay sees: spooled before the first send (relay up), EHLO name, default sender, smtp_connect_timeout.
import test from 'ava';
import os from 'node:os';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { event, until } from './_build.js';
import { mailConfig, startNotifier } from './_mail.js';

test('relay up: the alert is already in the spool when the relay sees its MAIL FROM', async (t) => {
  const cfg = mailConfig(0);
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), spoolDir: cfg.global.mail.spoolDir });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { spoolDir: cfg.global.mail.spoolDir }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  const got = await srv.waitForMessages(2);
  for (const m of got) {
    const id = (await parseReceived(m)).messageId;
    t.truthy(id);
    t.true(m.spooledAtMail?.includes(id!), `${id} on disk at MAIL FROM: ${JSON.stringify(m.spooledAtMail)}`);
  }
});

test('EHLO carries smtp_helo_name, else the host name', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const named = startNotifier(mailConfig(srv.port, { heloName: 'relay-client.example.test' }));
  t.teardown(() => named.n.close(500));
  named.n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.is(m!.helo, 'relay-client.example.test');
  const plain = startNotifier(mailConfig(srv.port)); // hostname 'lb1.test' (startNotifier)
  t.teardown(() => plain.n.close(500));
  plain.n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const got = await srv.waitForMessages(2);
  t.is(got[1]!.helo, 'lb1.test');
});

test('smtp_connect_timeout bounds a relay that never greets (1 s here, not the 30 s default)', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), silent: true });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { connectTimeoutSec: 1 }));
  t.teardown(() => n.close(500));
  await n.ready;
  const t0 = Date.now();
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 10_000, 'deferred');
  const took = Date.now() - t0;
  const line = sink.lines.find((l) => l.event === 'alert-deferred')!;
  t.is((line.smtp as { class: string }).class, 'timeout');
  t.true(took >= 900 && took < 6000, `gave up after ${took} ms`);
  t.is((await n.deliveryHealth())?.spool?.pending, 1, 'still spooled for the next attempt');
});

test('without notification_email_from the sender is <user running hapair>@<host name> (keepalived default)', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { from: undefined }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  const want = `${os.userInfo().username}@lb1.test`;
  t.is(m!.from, want);
  t.is((await parseReceived(m!)).from?.value[0]?.address, want);
});
