// Loads SMTP credentials and the CA at start (password from a file or an env var, never inline in the config).
import fs from 'node:fs';
import { HaError } from '../core/errors.js';
import type { MailSettings, SourceRef } from '../vrrp/types.js';

export interface MailSecrets {
  /** Undefined when no AUTH is configured. Never logged. */
  readonly password?: string;
  readonly ca?: Buffer;
  /** Non-fatal findings for the start-up log (e.g. a group/world-readable password file). */
  readonly warnings: readonly string[];
}

function at(mail: MailSettings, kw: string): string {
  const w: SourceRef | undefined = mail.where[kw];
  return w ? `${w.file}:${w.line}: ` : '';
}

/**
 * Reads the password (file: first line without its line break; env: the whole value) and the CA file.
 * Throws ESMTP naming the keyword's file:line when a configured source is missing or unreadable, so a
 * daemon with broken mail settings fails at start instead of at the first failover.
 */
export function loadMailSecrets(mail: MailSettings, env: NodeJS.ProcessEnv = process.env): MailSecrets {
  const warnings: string[] = [];
  let password: string | undefined;
  if (mail.authPasswordFile !== undefined) {
    const file = mail.authPasswordFile;
    let text: string;
    try {
      text = fs.readFileSync(file, 'utf8');
    } catch (err) {
      throw new HaError('ESMTP', `${at(mail, 'smtp_auth_password_file')}cannot read smtp_auth_password_file ${file}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
    password = text.split(/\r?\n/)[0] ?? '';
    if (password === '') throw new HaError('ESMTP', `${at(mail, 'smtp_auth_password_file')}smtp_auth_password_file ${file} is empty`);
    try {
      if ((fs.statSync(file).mode & 0o077) !== 0) warnings.push(`smtp_auth_password_file ${file} is readable by group/others (chmod 600 it)`);
    } catch {
      /* just read it; stat failing now is not worth failing over */
    }
  } else if (mail.authPasswordEnv !== undefined) {
    password = env[mail.authPasswordEnv];
    if (password === undefined || password === '') {
      throw new HaError('ESMTP', `${at(mail, 'smtp_auth_password_env')}smtp_auth_password_env: environment variable ${mail.authPasswordEnv} is not set`);
    }
  }
  if (mail.authUser !== undefined && password === undefined) {
    throw new HaError('ESMTP', `${at(mail, 'smtp_auth_user')}smtp_auth_user ${mail.authUser} has no password source (smtp_auth_password_file or smtp_auth_password_env)`);
  }
  let ca: Buffer | undefined;
  if (mail.tlsCaFile !== undefined) {
    try {
      ca = fs.readFileSync(mail.tlsCaFile);
    } catch (err) {
      throw new HaError('ESMTP', `${at(mail, 'smtp_tls_ca_file')}cannot read smtp_tls_ca_file ${mail.tlsCaFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`, { cause: err });
    }
  }
  return { ...(password !== undefined && mail.authUser !== undefined ? { password } : {}), ...(ca ? { ca } : {}), warnings };
}
