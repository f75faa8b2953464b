// SMTP AUTH (PLAIN, LOGIN) and TLS modes (STARTTLS with a test CA, implicit TLS) against a real server; secrets stay out of logs.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { SmtpServerProc } from '../helpers/smtp-server.js';
import { makeTestPki, type TestPki } from '../helpers/smtp-tls.js';
import { tmpDir } from '../helpers/paths.js';
import { isHaError } from '../../src/core/errors.js';
import { createNotifier } from '../../src/notify/index.js';
import { event, logSink, until } from './_build.js';
import { mailConfig, startNotifier } from './_mail.js';

const SECRET = 'S3cr3t-pa55-hapair';
let pki: TestPki;
let pwFile: string;

test.before(() => {
  const dir = tmpDir('hapair-pki-');
  pki = makeTestPki(dir);
  pwFile = path.join(dir, 'smtp.pw');
  fs.writeFileSync(pwFile, SECRET + '\n', { mode: 0o600 });
});

function noSecretIn(lines: string[]): boolean {
  const b64 = Buffer.from(`\u0000alert\u0000${SECRET}`).toString('base64');
  return lines.every((l) => !l.includes(SECRET) && !l.includes(b64) && !l.includes(Buffer.from(SECRET).toString('base64')));
}

for (const method of ['PLAIN', 'LOGIN']) {
  test(`AUTH ${method} with the password from smtp_auth_password_file`, async (t) => {
    const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), auth: { user: 'alert', pass: SECRET, methods: [method] } });
    t.teardown(() => srv.stop());
    const { n, sink } = startNotifier(mailConfig(srv.port, { authUser: 'alert', authPasswordFile: pwFile }));
    t.teardown(() => n.close(500));
    n.transition(event('VI_1', 'BACKUP', 'MASTER'));
    const [m] = await srv.waitForMessages(1);
    t.is(m!.user, 'alert');
    t.deepEqual(srv.events('auth').map((a) => [a.method, a.ok]), [[method, true]]);
    t.true(noSecretIn(sink.raw));
  });
}

test('AUTH with the password from smtp_auth_password_env', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), auth: { user: 'alert', pass: SECRET } });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { authUser: 'alert', authPasswordEnv: 'HAPAIR_SMTP_PW' }), { env: { HAPAIR_SMTP_PW: SECRET } });
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.is(m!.user, 'alert');
  await until(() => sink.lines.some((l) => l.event === 'alert-delivered'), 5000, 'delivered');
  t.true(sink.raw.length > 0 && noSecretIn(sink.raw), 'debug-level log lines carry no password');
});

test('wrong password: auth failure logged as an error, alert kept spooled, no secret in logs', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), auth: { user: 'alert', pass: 'other' } });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { authUser: 'alert', authPasswordFile: pwFile }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 8000, 'deferred');
  const line = sink.lines.find((l) => l.event === 'alert-deferred')!;
  t.is(line.level, 50);
  t.is((line.smtp as { class: string }).class, 'auth');
  t.is((line.smtp as { responseCode: number }).responseCode, 535);
  const health = await n.deliveryHealth();
  t.is(health?.spool?.pending, 1);
  t.is(srv.received.length, 0);
  t.true(noSecretIn(sink.raw));
});

test('unreadable password file: clear ESMTP error at start naming file:line', (t) => {
  const cfg = mailConfig(1, { authUser: 'alert', authPasswordFile: '/nonexistent/pw', where: { smtp_auth_password_file: { file: '/etc/hapair/keepalived.conf', line: 9 } } });
  const err = t.throws(() => createNotifier(cfg, { logger: logSink().logger }));
  t.true(isHaError(err, 'ESMTP'));
  t.regex(err!.message, /^\/etc\/hapair\/keepalived\.conf:9: cannot read smtp_auth_password_file \/nonexistent\/pw: ENOENT/);
});

test('unset password env var: clear ESMTP error at start', (t) => {
  const cfg = mailConfig(1, { authUser: 'alert', authPasswordEnv: 'HAPAIR_NOT_SET_X' });
  const err = t.throws(() => createNotifier(cfg, { logger: logSink().logger, env: {} }));
  t.true(isHaError(err, 'ESMTP'));
});

test('require-starttls with the test CA: delivered over TLS, with AUTH', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile }, auth: { user: 'alert', pass: SECRET } });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { tls: 'require-starttls', tlsCaFile: pki.caFile, authUser: 'alert', authPasswordFile: pwFile }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.true(m!.secure);
  t.is(m!.user, 'alert');
});

test('opportunistic starttls upgrades when offered', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile } });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { tls: 'starttls', tlsCaFile: pki.caFile }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.true(m!.secure);
});

test('implicit TLS (port 465 style)', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile, implicit: true } });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { tls: 'implicit', tlsCaFile: pki.caFile }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.true(m!.secure);
});

test('certificate from an unknown CA: TLS failure, nothing sent', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile } });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { tls: 'require-starttls', tlsCaFile: pki.otherCaFile }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 8000, 'deferred');
  const line = sink.lines.find((l) => l.event === 'alert-deferred')!;
  t.is((line.smtp as { class: string }).class, 'tls');
  t.is(srv.received.length, 0);
});

test('require-starttls against a server without STARTTLS: refused, nothing sent in clear', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { tls: 'require-starttls' }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 8000, 'deferred');
  const line = sink.lines.find((l) => l.event === 'alert-deferred')!;
  t.is((line.smtp as { class: string }).class, 'tls');
  t.is(srv.received.length, 0);
});

test('opportunistic starttls (the default) against a self-signed relay certificate: encrypted and delivered, like a Debian postfix with snakeoil', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile } });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { tls: 'starttls' }));
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  const [m] = await srv.waitForMessages(1);
  t.true(m!.secure);
});

for (const [title, over] of [
  ['smtp_tls_ca_file of another CA', { tlsCaFile: 'OTHER' }],
  ['an explicit smtp_tls_verify yes', { where: { smtp_tls_verify: { file: 'k.conf', line: 9 } } }],
] as const) {
  test(`opportunistic starttls verifies the certificate when asked (${title}): TLS failure, nothing sent`, async (t) => {
    const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), tls: { key: pki.keyFile, cert: pki.certFile } });
    t.teardown(() => srv.stop());
    const extra = 'tlsCaFile' in over ? { tlsCaFile: pki.otherCaFile } : over;
    const { n, sink } = startNotifier(mailConfig(srv.port, { tls: 'starttls', ...extra }));
    t.teardown(() => n.close(500));
    n.transition(event('VI_1', 'BACKUP', 'MASTER'));
    await until(() => sink.lines.some((l) => l.event === 'alert-deferred'), 8000, 'deferred');
    t.is((sink.lines.find((l) => l.event === 'alert-deferred')!.smtp as { class: string }).class, 'tls');
    t.is(srv.received.length, 0);
  });
}
