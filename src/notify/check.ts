// checkMailSettings: validates global_defs mail keywords (standard + hapair extensions) into file:line diagnostics.
import fs from 'node:fs';
import path from 'node:path';
import cron from 'node-cron';
import type { Diagnostic } from '../core/diagnostics.js';
import type { MailSettings, SourceRef } from '../vrrp/types.js';
import { hasLineBreak, isValidAddress, isValidHostName } from './address.js';

/** `at` overrides the keyword's location (a recipient's own line inside the notification_email block). */
type Push = (kw: string, severity: Diagnostic['severity'], code: string, message: string, fix?: string, at?: SourceRef) => void;

/**
 * Every finding about the mail settings, each naming the keyword's file:line. Errors are settings the
 * notifier cannot run with (it would refuse to start or never deliver); warnings are legal but suspicious.
 * Reads only file metadata (password file / CA file readability), never file contents.
 */
export function checkMailSettings(mail: MailSettings): Diagnostic[] {
  const out: Diagnostic[] = [];
  const fallback: SourceRef = mail.recipientsWhere ?? mail.smtpServer?.where ?? Object.values(mail.where)[0] ?? { file: 'keepalived.conf', line: 0 };
  const at = (kw: string): SourceRef => (kw === 'notification_email' ? mail.recipientsWhere : undefined) ?? (kw === 'smtp_server' ? mail.smtpServer?.where : undefined) ?? mail.where[kw] ?? fallback;
  const push: Push = (kw, severity, code, message, fix, where) => {
    const w = where ?? at(kw);
    out.push(fix === undefined ? { file: w.file, line: w.line, severity, code, message } : { file: w.file, line: w.line, severity, code, message, fix });
  };
  checkAddresses(mail, push);
  checkServer(mail, push);
  checkAuthAndTls(mail, push);
  checkSpoolAndSchedule(mail, push);
  return out;
}

function checkAddresses(mail: MailSettings, push: Push): void {
  // Each address at its own line when the loader recorded it (recipientsAt), else at the block's line.
  mail.recipients.forEach((r, i) => {
    if (!isValidAddress(r)) push('notification_email', 'error', 'mail-bad-address', `notification_email: invalid address '${r.replace(/[\r\n]/g, '\\n')}'`, undefined, mail.recipientsAt?.[i]);
  });
  const seen = new Set<string>();
  mail.recipients.forEach((r, i) => {
    const k = r.toLowerCase();
    if (seen.has(k)) push('notification_email', 'warning', 'mail-duplicate-address', `notification_email: '${r}' listed twice (it would get every alert twice)`, 'remove the duplicate', mail.recipientsAt?.[i]);
    seen.add(k);
  });
  if (mail.from !== undefined && !isValidAddress(mail.from)) {
    push('notification_email_from', 'error', 'mail-bad-address', `notification_email_from: invalid address '${mail.from.replace(/[\r\n]/g, '\\n')}'`);
  }
  if (mail.recipients.length > 0 && !mail.smtpServer) {
    push('notification_email', 'warning', 'mail-no-server', 'notification_email is set but smtp_server is not: no alert mail will be sent', 'add `smtp_server HOST [PORT]` to global_defs');
  }
  if (mail.smtpServer && mail.recipients.length === 0) {
    push('smtp_server', 'warning', 'mail-no-recipients', 'smtp_server is set but notification_email is empty: no alert mail will be sent', 'add `notification_email { ops@example.com }`');
  }
}

function checkServer(mail: MailSettings, push: Push): void {
  const s = mail.smtpServer;
  if (s) {
    if (!isValidHostName(s.host)) push('smtp_server', 'error', 'mail-bad-server', `smtp_server: invalid host '${s.host.replace(/[\r\n]/g, '\\n')}'`);
    if (!Number.isInteger(s.port) || s.port < 1 || s.port > 65535) push('smtp_server', 'error', 'mail-bad-port', `smtp_server: port ${s.port} is not in 1..65535`);
    if (mail.tls === 'implicit' && s.port === 25) push('smtp_tls', 'warning', 'mail-tls-port', 'smtp_tls implicit with port 25: relays on port 25 speak plain SMTP (implicit TLS is usually port 465)', 'use `smtp_server HOST 465` or `smtp_tls starttls`');
    if (mail.tls !== 'implicit' && s.port === 465) push('smtp_server', 'warning', 'mail-tls-port', 'port 465 normally expects implicit TLS', 'add `smtp_tls implicit`');
  }
  if (!(mail.connectTimeoutSec > 0)) push('smtp_connect_timeout', 'error', 'mail-bad-timeout', `smtp_connect_timeout must be > 0 (got ${mail.connectTimeoutSec})`);
  if (mail.heloName !== undefined && !isValidHostName(mail.heloName)) push('smtp_helo_name', 'error', 'mail-bad-helo', `smtp_helo_name: invalid name '${mail.heloName.replace(/[\r\n]/g, '\\n')}'`);
}

function readable(file: string): string | undefined {
  try {
    fs.accessSync(file, fs.constants.R_OK);
    return fs.statSync(file).isFile() ? undefined : 'not a regular file';
  } catch (err) {
    return (err as NodeJS.ErrnoException).code ?? 'unreadable';
  }
}

function checkAuthAndTls(mail: MailSettings, push: Push): void {
  const hasPw = mail.authPasswordFile !== undefined || mail.authPasswordEnv !== undefined;
  if (mail.authUser !== undefined && hasLineBreak(mail.authUser)) push('smtp_auth_user', 'error', 'mail-bad-auth', 'smtp_auth_user contains a line break');
  if (mail.authUser !== undefined && !hasPw) push('smtp_auth_user', 'error', 'mail-auth-no-password', 'smtp_auth_user is set but no password source: add smtp_auth_password_file PATH or smtp_auth_password_env VAR (never inline)');
  if (mail.authUser === undefined && hasPw) push(mail.authPasswordFile !== undefined ? 'smtp_auth_password_file' : 'smtp_auth_password_env', 'warning', 'mail-auth-no-user', 'an SMTP password source is set but smtp_auth_user is not: AUTH will not be used', 'add `smtp_auth_user NAME`');
  if (mail.authPasswordFile !== undefined && mail.authPasswordEnv !== undefined) push('smtp_auth_password_env', 'error', 'mail-auth-two-passwords', 'both smtp_auth_password_file and smtp_auth_password_env are set: keep one');
  if (mail.authPasswordFile !== undefined) {
    if (!path.isAbsolute(mail.authPasswordFile)) push('smtp_auth_password_file', 'warning', 'mail-relative-path', `smtp_auth_password_file '${mail.authPasswordFile}' is relative (resolved against the daemon's working directory)`);
    const why = readable(mail.authPasswordFile);
    if (why) push('smtp_auth_password_file', 'error', 'mail-password-file', `smtp_auth_password_file ${mail.authPasswordFile}: cannot read (${why})`);
  }
  if (mail.authPasswordEnv !== undefined && process.env[mail.authPasswordEnv] === undefined) {
    push('smtp_auth_password_env', 'warning', 'mail-password-env', `smtp_auth_password_env: variable ${mail.authPasswordEnv} is not set in this environment`, 'set it in the service environment (e.g. systemd EnvironmentFile=)');
  }
  if (mail.authUser !== undefined && mail.tls === 'none') push('smtp_tls', 'warning', 'mail-auth-cleartext', 'SMTP AUTH with smtp_tls none sends the password in clear text', 'use `smtp_tls require-starttls` or `implicit`');
  if (mail.authUser !== undefined && mail.tls === 'starttls') push('smtp_tls', 'warning', 'mail-auth-opportunistic', 'SMTP AUTH with opportunistic STARTTLS: a server (or attacker) not offering STARTTLS gets the password in clear text, and the certificate is not verified', 'use `smtp_tls require-starttls`');
  if (mail.tlsCaFile !== undefined) {
    const why = readable(mail.tlsCaFile);
    if (why) push('smtp_tls_ca_file', 'error', 'mail-ca-file', `smtp_tls_ca_file ${mail.tlsCaFile}: cannot read (${why})`);
    if (mail.tls === 'none') push('smtp_tls_ca_file', 'warning', 'mail-ca-unused', 'smtp_tls_ca_file is set but smtp_tls is none: the CA is never used');
  }
  if (!mail.tlsRejectUnauthorized && mail.tls !== 'none') push('smtp_tls_verify', 'warning', 'mail-tls-noverify', 'smtp_tls_verify no: the relay certificate is not checked (anyone on the path can read alerts and the password)', 'use smtp_tls_ca_file with the relay CA instead');
}

function checkSpoolAndSchedule(mail: MailSettings, push: Push): void {
  if (!path.isAbsolute(mail.spoolDir)) push('alert_spool_dir', 'error', 'mail-spool-relative', `alert_spool_dir '${mail.spoolDir}' must be an absolute path`);
  if (!(mail.maxAgeSec > 0)) push('alert_max_age', 'error', 'mail-bad-max-age', `alert_max_age must be > 0 seconds (got ${mail.maxAgeSec})`);
  const d = mail.flapDamping;
  if (d && (!Number.isInteger(d.maxTransitions) || d.maxTransitions < 1 || !(d.windowMin > 0))) {
    push('alert_flap_damping', 'error', 'mail-bad-damping', `alert_flap_damping needs N >= 1 transitions and MIN > 0 minutes (got ${d.maxTransitions} ${d.windowMin})`, 'e.g. `alert_flap_damping 6 10` or `alert_flap_damping off`');
  }
  if (mail.reportCron !== undefined) {
    const v = cron.validateDetailed(mail.reportCron);
    if (!v.valid) {
      const why = v.errors.map((e) => `${e.field}: ${e.message}`).join('; ');
      push('alert_report_cron', 'error', 'mail-bad-cron', `alert_report_cron '${mail.reportCron}' is not a valid cron expression (${why || 'unparsable'})`, 'e.g. `alert_report_cron "0 8 * * *"` (daily 08:00)');
    } else if (mail.recipients.length === 0) {
      push('alert_report_cron', 'warning', 'mail-report-no-recipients', 'alert_report_cron is set but notification_email is empty: no report will be sent');
    }
  }
}
