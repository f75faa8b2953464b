// `hapair mail-test`: sends a test alert now and reports the SMTP result (refused, timeout, TLS, auth each named).
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { HaError, errorMessage, isHaError } from '../../core/errors.js';
import { ConfigError, formatDiagnostic } from '../../core/diagnostics.js';
import { DEFAULT_KEEPALIVED_CONF } from '../../core/paths.js';

export const usage = `usage: hapair mail-test [-f FILE] [--to ADDR]...

Checks the SMTP relay configured in FILE's global_defs (connect, STARTTLS/implicit TLS, AUTH), then sends
a test alert to each --to address (default: notification_email) right now, without the spool, and prints
the result per step: OK with the server's reply, or the failure class (connection refused, timeout, TLS
failure, authentication failed, rejected (5xx), temporarily rejected (4xx), DNS lookup failed) with the
server's reply. Default FILE: ${DEFAULT_KEEPALIVED_CONF}, else /etc/keepalived/keepalived.conf.
Exit status: 0 every step OK, 1 a step failed or the configuration is unusable, 2 bad usage.`;

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { config: { type: 'string', short: 'f' }, to: { type: 'string', multiple: true } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new HaError('EUSAGE', `${errorMessage(err)}\n${usage}`);
  }
  const file = values.config ?? (fs.existsSync(DEFAULT_KEEPALIVED_CONF) || !fs.existsSync('/etc/keepalived/keepalived.conf') ? DEFAULT_KEEPALIVED_CONF : '/etc/keepalived/keepalived.conf');
  const { loadKeepalivedConfigOrThrow } = await import('../../vrrp/config/load.js');
  const { checkMailSettings } = await import('../../notify/check.js');
  const { isValidAddress } = await import('../../notify/address.js');
  const { runMailTest, relaySummary } = await import('../../notify/mail-test.js');
  let config;
  try {
    ({ config } = loadKeepalivedConfigOrThrow(file));
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    for (const d of err.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(formatDiagnostic(d) + '\n');
    return 1;
  }
  const problems = checkMailSettings(config.global.mail);
  for (const d of problems) process.stderr.write(formatDiagnostic(d) + '\n');
  if (problems.some((d) => d.severity === 'error')) return 1;
  if (!config.global.mail.smtpServer) {
    process.stderr.write(`hapair mail-test: ${file}: no smtp_server in global_defs\n`);
    return 1;
  }
  const to = values.to ?? [];
  for (const a of to) if (!isValidAddress(a)) throw new HaError('EUSAGE', `--to: invalid address '${a}'`);
  if (to.length === 0 && config.global.mail.recipients.length === 0) {
    process.stderr.write(`hapair mail-test: ${file}: notification_email is empty; pass --to ADDR\n`);
    return 1;
  }
  const print = (s: string) => process.stdout.write(s + '\n');
  print(`relay: ${relaySummary(config)}`);
  let steps;
  try {
    steps = await runMailTest(config, { to });
  } catch (err) {
    if (!isHaError(err, 'ESMTP')) throw err;
    print(`  credentials: FAILED - ${err.message}`);
    return 1;
  }
  for (const s of steps) {
    const what = s.step === 'relay' ? 'connect, TLS and AUTH' : `send to ${s.recipient}`;
    print(`  ${what}: ${s.ok ? 'OK' : 'FAILED'} - ${s.detail}`);
  }
  return steps.every((s) => s.ok) ? 0 : 1;
}
