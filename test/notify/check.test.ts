// checkMailSettings: each bad or suspicious mail setting -> a diagnostic code at the keyword's file:line (table).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { checkMailSettings } from '../../src/notify/check.js';
import type { MailSettings } from '../../src/vrrp/types.js';
import { tmpDir } from '../helpers/paths.js';
import { mail } from './_build.js';

const dir = tmpDir();
const pwFile = path.join(dir, 'pw');
fs.writeFileSync(pwFile, 'secret\n', { mode: 0o600 });
const w = (line: number) => ({ file: '/etc/ka.conf', line });
const where = {
  notification_email_from: w(4), smtp_connect_timeout: w(6), smtp_helo_name: w(7), smtp_auth_user: w(8),
  smtp_auth_password_file: w(9), smtp_auth_password_env: w(10), smtp_tls: w(11), smtp_tls_ca_file: w(12),
  smtp_tls_verify: w(13), alert_spool_dir: w(14), alert_max_age: w(15), alert_flap_damping: w(16), alert_report_cron: w(17),
};
const good: MailSettings = mail({
  recipients: ['ops@example.com', 'root@localhost'],
  recipientsWhere: w(2),
  from: 'lb1@example.com',
  smtpServer: { host: 'relay.example.com', port: 587, where: w(5) },
  authUser: 'lb1',
  authPasswordFile: pwFile,
  tls: 'require-starttls',
  spoolDir: '/var/spool/hapair',
  reportCron: '0 8 * * *',
  where,
});

test('a complete, sane configuration has no findings', (t) => {
  t.deepEqual(checkMailSettings(good), []);
});

const cases: { title: string; over: Partial<MailSettings>; code: string; severity: 'error' | 'warning'; line: number }[] = [
  { title: 'invalid recipient', over: { recipients: ['ops@example.com', 'not an address'] }, code: 'mail-bad-address', severity: 'error', line: 2 },
  { title: 'recipient with CRLF (header injection)', over: { recipients: ['a@b.c\r\nBcc: x@evil'] }, code: 'mail-bad-address', severity: 'error', line: 2 },
  { title: 'duplicate recipient', over: { recipients: ['a@b.c', 'A@b.c'] }, code: 'mail-duplicate-address', severity: 'warning', line: 2 },
  { title: 'invalid from', over: { from: 'lb1@' }, code: 'mail-bad-address', severity: 'error', line: 4 },
  { title: 'recipients but no server', over: { smtpServer: undefined }, code: 'mail-no-server', severity: 'warning', line: 2 },
  { title: 'server but no recipients', over: { recipients: [] }, code: 'mail-no-recipients', severity: 'warning', line: 5 },
  { title: 'port out of range', over: { smtpServer: { host: 'r', port: 70000, where: w(5) } }, code: 'mail-bad-port', severity: 'error', line: 5 },
  { title: 'bad server host', over: { smtpServer: { host: 'a b', port: 25, where: w(5) } }, code: 'mail-bad-server', severity: 'error', line: 5 },
  { title: 'zero connect timeout', over: { connectTimeoutSec: 0 }, code: 'mail-bad-timeout', severity: 'error', line: 6 },
  { title: 'bad helo', over: { heloName: 'lb 1' }, code: 'mail-bad-helo', severity: 'error', line: 7 },
  { title: 'auth user without password source', over: { authPasswordFile: undefined }, code: 'mail-auth-no-password', severity: 'error', line: 8 },
  { title: 'password without user', over: { authUser: undefined }, code: 'mail-auth-no-user', severity: 'warning', line: 9 },
  { title: 'two password sources', over: { authPasswordEnv: 'SMTP_PW' }, code: 'mail-auth-two-passwords', severity: 'error', line: 10 },
  { title: 'unreadable password file', over: { authPasswordFile: path.join(dir, 'missing') }, code: 'mail-password-file', severity: 'error', line: 9 },
  { title: 'password env var unset', over: { authPasswordFile: undefined, authPasswordEnv: 'HAPAIR_TEST_UNSET_VAR' }, code: 'mail-password-env', severity: 'warning', line: 10 },
  { title: 'auth over cleartext', over: { tls: 'none' }, code: 'mail-auth-cleartext', severity: 'warning', line: 11 },
  { title: 'auth over opportunistic STARTTLS', over: { tls: 'starttls' }, code: 'mail-auth-opportunistic', severity: 'warning', line: 11 },
  { title: 'implicit TLS on port 25', over: { tls: 'implicit', smtpServer: { host: 'r', port: 25, where: w(5) } }, code: 'mail-tls-port', severity: 'warning', line: 11 },
  { title: 'missing CA file', over: { tlsCaFile: path.join(dir, 'nope.pem') }, code: 'mail-ca-file', severity: 'error', line: 12 },
  { title: 'verification off', over: { tlsRejectUnauthorized: false }, code: 'mail-tls-noverify', severity: 'warning', line: 13 },
  { title: 'relative spool dir', over: { spoolDir: 'spool' }, code: 'mail-spool-relative', severity: 'error', line: 14 },
  { title: 'max age 0', over: { maxAgeSec: 0 }, code: 'mail-bad-max-age', severity: 'error', line: 15 },
  { title: 'damping 0 transitions', over: { flapDamping: { maxTransitions: 0, windowMin: 10 } }, code: 'mail-bad-damping', severity: 'error', line: 16 },
  { title: 'bad cron', over: { reportCron: '61 * * * *' }, code: 'mail-bad-cron', severity: 'error', line: 17 },
  { title: 'cron with wrong field count', over: { reportCron: 'daily' }, code: 'mail-bad-cron', severity: 'error', line: 17 },
];

for (const c of cases) {
  test(`${c.title} -> ${c.code} at line ${c.line}`, (t) => {
    const ds = checkMailSettings({ ...good, ...c.over });
    const d = ds.find((x) => x.code === c.code);
    t.truthy(d, JSON.stringify(ds));
    t.is(d?.severity, c.severity);
    t.is(d?.file, '/etc/ka.conf');
    t.is(d?.line, c.line);
    t.false(/\r|\n/.test(d?.message ?? ''), 'message is one line');
  });
}

test('keyword without a recorded location falls back to another known one', (t) => {
  const ds = checkMailSettings({ ...good, where: {}, from: 'bad' });
  t.is(ds[0]?.line, 2);
});

test('recipientsAt: a bad or duplicate address is reported at its own line', (t) => {
  const ds = checkMailSettings({ ...good, recipients: ['ops@example.com', 'bad address', 'OPS@example.com'], recipientsAt: [w(3), w(4), w(30)] });
  t.deepEqual(ds.map((d) => `${d.code}@${d.line}`), ['mail-bad-address@4', 'mail-duplicate-address@30']);
});

test('recipientsAt: the no-server warning stays at the block', (t) => {
  const ds = checkMailSettings({ ...good, smtpServer: undefined, recipientsAt: [w(3), w(4)] });
  t.deepEqual(ds.map((d) => `${d.code}@${d.line}`), ['mail-no-server@2']);
});
