// Builds the alert mailer from a config (secrets read here, once) and fingerprints what a reload must compare.
import { createHash } from 'node:crypto';
import os from 'node:os';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/clock.js';
import type { KeepalivedConfig, MailSettings } from '../vrrp/types.js';
import type { StatusProvider } from './types.js';
import { Mailer, type MailerState } from './mailer.js';
import { isValidAddress } from './address.js';
import { defaultFrom, hostFacts } from './host.js';
import { loadMailSecrets, type MailSecrets } from './secrets.js';
import { createMailTransport, probeRelay } from './transport.js';

export interface MailerBuildDeps {
  readonly hostname?: string;
  readonly statusProvider?: StatusProvider;
  readonly env?: NodeJS.ProcessEnv;
  readonly spoolPollMs?: number;
}

/** Mail is on when there is somewhere to send it (keepalived: no recipients or no server -> no mail). */
export function mailEnabled(config: KeepalivedConfig): boolean {
  const m = config.global.mail;
  return m.recipients.length > 0 && m.smtpServer !== undefined;
}

/** Mail settings without their source locations: what decides how alerts are sent. */
function settingsOnly(m: MailSettings): unknown {
  const { where: _w, recipientsWhere: _r, smtpServer, ...rest } = m;
  return { ...rest, ...(smtpServer ? { smtpServer: { host: smtpServer.host, port: smtpServer.port } } : {}) };
}

/**
 * Everything a running mailer depends on that a reload can change: the settings and the secrets they point to
 * (a rotated password file with the same path must be picked up, as keepalived rereads everything on reload).
 */
export function mailFingerprint(config: KeepalivedConfig, secrets: MailSecrets | undefined, hostname: string): string {
  const h = createHash('sha256');
  h.update(JSON.stringify({ on: mailEnabled(config), mail: settingsOnly(config.global.mail), hostname }));
  h.update(`\0${secrets?.password ?? ''}\0`);
  if (secrets?.ca) h.update(secrets.ca);
  return h.digest('hex');
}

/** Reads the secrets of a mail-enabled config (throws ESMTP with file:line); undefined when mail is off. */
export function mailSecrets(config: KeepalivedConfig, env?: NodeJS.ProcessEnv): MailSecrets | undefined {
  return mailEnabled(config) ? loadMailSecrets(config.global.mail, env) : undefined;
}

export function buildMailer(config: KeepalivedConfig, secrets: MailSecrets, deps: MailerBuildDeps, logger: Logger, clock: Clock, inherit?: MailerState): Mailer {
  const mail = config.global.mail;
  for (const w of secrets.warnings) logger.warn({ event: 'mail-config' }, w);
  const hostname = deps.hostname ?? os.hostname();
  // Invalid ones were reported with file:line (checkMailSettings, mail-bad-address); the others still get alerts.
  const recipients = mail.recipients.filter((r) => isValidAddress(r));
  const from = mail.from !== undefined && isValidAddress(mail.from) ? mail.from : defaultFrom(hostname);
  const transport = createMailTransport(mail, secrets, { pool: true, hostname });
  const server = mail.smtpServer!;
  return new Mailer(config, {
    logger,
    clock,
    host: hostFacts(config, hostname),
    envelope: { from, recipients },
    transport,
    probe: () => probeRelay(server.host, server.port, Math.min(5_000, mail.connectTimeoutSec * 1000)),
    ...(deps.statusProvider ? { statusProvider: deps.statusProvider } : {}),
    ...(deps.spoolPollMs !== undefined ? { pollMs: deps.spoolPollMs } : {}),
    ...(inherit ? { inherit } : {}),
  });
}
