// Public surface of notify: createNotifier(config, deps) -> the one dispatcher the VRRP runtime feeds.
import os from 'node:os';
import type { Logger } from '../core/logger.js';
import { realClock, type Clock } from '../core/clock.js';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { NotifySink, StatusProvider, TransitionEvent } from './types.js';
import { Dispatcher } from './dispatcher.js';
import { Mailer } from './mailer.js';
import { isValidAddress } from './address.js';
import { defaultFrom, hostFacts } from './host.js';
import { loadMailSecrets } from './secrets.js';
import { createMailTransport, probeRelay, type MailTransport } from './transport.js';
import type { DeliveryHealth } from './report.js';

export interface NotifierDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Shown in alert bodies and used for the default sender and HELO; default os.hostname(). */
  readonly hostname?: string;
  /** VRRP status for the scheduled report (alert_report_cron). */
  readonly statusProvider?: StatusProvider;
  /** Normal notify script budget (default 30 s) before its process group is killed. */
  readonly scriptTimeoutMs?: number;
  /** notify_stop budget (default 1 s, keepalived's). */
  readonly stopScriptTimeoutMs?: number;
  /** Environment for smtp_auth_password_env (default process.env). */
  readonly env?: NodeJS.ProcessEnv;
  /** Spool rescan period for alerts another process (hapair notify-mail) left (default 30 s). */
  readonly spoolPollMs?: number;
}

/** What createNotifier returns: the NotifySink seam plus introspection for status, reports and tests. */
export interface Notifier extends NotifySink {
  /** Notify scripts queued or running. */
  readonly pendingScripts: number;
  /** Resolves once the spool is open and leftovers from an earlier run are being delivered. */
  readonly ready: Promise<void>;
  /** Alerts delivered (per recipient) by this process. */
  readonly delivered: number;
  /** Spool and relay health; undefined when mail is not configured. */
  deliveryHealth(): Promise<DeliveryHealth | undefined>;
  /** Sends the scheduled report now (no-op when mail is not configured). */
  reportNow(): Promise<void>;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_SCRIPT_TIMEOUT_MS = 1_000;
const KILL_GRACE_MS = 2_000;

/** Mail is on when there is somewhere to send it (keepalived: no recipients or no server -> no mail). */
export function mailEnabled(config: KeepalivedConfig): boolean {
  const m = config.global.mail;
  return m.recipients.length > 0 && m.smtpServer !== undefined;
}

function buildMailer(config: KeepalivedConfig, deps: NotifierDeps, logger: Logger, clock: Clock): Mailer {
  const mail = config.global.mail;
  // Throws ESMTP with file:line on an unreadable password/CA file: a clear error at start, not at failover.
  const secrets = loadMailSecrets(mail, deps.env);
  for (const w of secrets.warnings) logger.warn({ event: 'mail-config' }, w);
  const hostname = deps.hostname ?? os.hostname();
  const recipients = mail.recipients.filter((r) => {
    if (isValidAddress(r)) return true;
    logger.error({ event: 'mail-config', recipient: r.replace(/[\r\n]/g, ' ') }, 'invalid notification_email address ignored');
    return false;
  });
  const from = mail.from !== undefined && isValidAddress(mail.from) ? mail.from : defaultFrom(hostname);
  const transport: MailTransport = createMailTransport(mail, secrets, { pool: true, hostname });
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
  });
}

/**
 * Builds the notifier for a loaded keepalived config. The VRRP runtime calls `transition(event)` once per
 * FSM transition, in order, and `close(ms)` on shutdown after the STOP transitions.
 * Throws HaError ESMTP (file:line) when configured mail credentials cannot be read.
 */
export function createNotifier(config: KeepalivedConfig, deps: NotifierDeps): Notifier {
  const logger = deps.logger.child({ component: 'notify' });
  const clock = deps.clock ?? realClock;
  const mailer = mailEnabled(config) ? buildMailer(config, deps, logger, clock) : undefined;
  if (!mailer && [...config.instances, ...config.syncGroups].some((t) => t.smtpAlert)) {
    logger.warn({ event: 'mail-config' }, 'smtp_alert is set but notification_email or smtp_server is missing: no alert mail will be sent');
  }
  const dispatcher = new Dispatcher(config, {
    logger,
    scriptTimeoutMs: deps.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
    stopScriptTimeoutMs: deps.stopScriptTimeoutMs ?? DEFAULT_STOP_SCRIPT_TIMEOUT_MS,
    killGraceMs: KILL_GRACE_MS,
    ...(mailer ? { alerts: mailer } : {}),
  });
  return {
    transition: (event: TransitionEvent) => dispatcher.transition(event),
    close: (timeoutMs: number) => dispatcher.close(timeoutMs),
    get pendingScripts() {
      return dispatcher.pendingScripts;
    },
    ready: mailer?.ready ?? Promise.resolve(),
    get delivered() {
      return mailer?.delivered ?? 0;
    },
    deliveryHealth: async () => mailer?.health(),
    reportNow: async () => mailer?.report(),
  };
}

export type { NotifySink, TransitionEvent, StatusProvider } from './types.js';
export { checkMailSettings } from './check.js';
