// Public surface of notify: createNotifier(config, deps) -> the one dispatcher the VRRP runtime feeds.
import os from 'node:os';
import type { Logger } from '../core/logger.js';
import { realClock, type Clock } from '../core/clock.js';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { NotifySink, StatusProvider, TransitionEvent } from './types.js';
import { Dispatcher } from './dispatcher.js';
import type { Mailer } from './mailer.js';
import { hostFacts } from './host.js';
import { buildMailer, mailEnabled, mailFingerprint, mailSecrets } from './build.js';
import type { DeliveryHealth } from './report.js';
import { within } from './within.js';
import { checkMailSettings } from './check.js';
import { checkNotifyMailLines } from './check-lines.js';
import { formatDiagnostic } from '../core/diagnostics.js';

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
  /** Spool and relay health; undefined when mail is not configured. `probe`: also test the relay now. */
  deliveryHealth(opts?: { probe?: boolean }): Promise<DeliveryHealth | undefined>;
  /** Sends the scheduled report now (no-op when mail is not configured). */
  reportNow(): Promise<void>;
  /**
   * SIGHUP: applies a new config without losing anything. Scripts and smtp_alert come from `config` for later
   * transitions; per-instance script queues are kept, so ordering holds across the reload. Mail: unchanged
   * settings (and secrets) keep the running mailer; changed ones start a new mailer that inherits the dedupe
   * and report state and spools after the old one's last alert, while the old one finishes its deliveries.
   * Throws ESMTP (file:line) before changing anything when the new credentials cannot be read.
   */
  reload(config: KeepalivedConfig): void;
}

/** Reads what a reload would need (mail secrets) without applying anything: throws ESMTP with file:line. */
export function checkNotifierConfig(config: KeepalivedConfig, env?: NodeJS.ProcessEnv): void {
  mailSecrets(config, env);
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_SCRIPT_TIMEOUT_MS = 1_000;
const KILL_GRACE_MS = 2_000;
/** A mailer replaced by a reload gets this long to finish deliveries in flight (its spool stays for the new one). */
const RETIRE_MS = 10_000;

/**
 * Builds the notifier for a loaded keepalived config. The VRRP runtime calls `transition(event)` once per
 * FSM transition, in order, and `close(ms)` on shutdown after the STOP transitions.
 * Throws HaError ESMTP (file:line) when configured mail credentials cannot be read.
 */
export function createNotifier(config: KeepalivedConfig, deps: NotifierDeps): Notifier {
  const logger = deps.logger.child({ component: 'notify' });
  const clock = deps.clock ?? realClock;
  const hostname = deps.hostname ?? os.hostname();
  let secrets = mailSecrets(config, deps.env);
  let mailer: Mailer | undefined = secrets ? buildMailer(config, secrets, deps, logger, clock) : undefined;
  let fingerprint = mailFingerprint(config, secrets, hostname);
  const warnNoMail = (c: KeepalivedConfig) => {
    // Bad addresses, ports, TLS/auth combinations: the same file:line diagnostics as `hapair check`, at every (re)start.
    // ...and notify_* lines running `hapair notify-mail` that it would refuse (no alert at all from them).
    for (const d of [...checkMailSettings(c.global.mail), ...checkNotifyMailLines(c)]) {
      logger[d.severity === 'error' ? 'error' : 'warn']({ event: 'mail-config', file: d.file, line: d.line, code: d.code, severity: d.severity }, formatDiagnostic(d));
    }
    if (!mailEnabled(c) && [...c.instances, ...c.syncGroups].some((t) => t.smtpAlert)) {
      logger.warn({ event: 'mail-config' }, 'smtp_alert is set but notification_email or smtp_server is missing: no alert mail will be sent');
    }
  };
  warnNoMail(config);
  const dispatcher = new Dispatcher(config, {
    logger,
    scriptTimeoutMs: deps.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
    stopScriptTimeoutMs: deps.stopScriptTimeoutMs ?? DEFAULT_STOP_SCRIPT_TIMEOUT_MS,
    killGraceMs: KILL_GRACE_MS,
    ...(mailer ? { alerts: mailer } : {}),
  });
  const retired = new Set<Promise<void>>();
  const reload = (next: KeepalivedConfig): void => {
    const nextSecrets = mailSecrets(next, deps.env); // may throw: nothing changed yet
    const nextPrint = mailFingerprint(next, nextSecrets, hostname);
    if (nextPrint === fingerprint) {
      mailer?.retarget(next, hostFacts(next, hostname));
    } else {
      const handed = mailer?.handOver(RETIRE_MS);
      if (handed) {
        const p = handed.closed.catch(() => undefined).finally(() => retired.delete(p));
        retired.add(p);
      }
      mailer = nextSecrets ? buildMailer(next, nextSecrets, deps, logger, clock, handed?.state) : undefined;
      logger.info({ event: 'mail-reconfigured', enabled: mailer !== undefined }, mailer ? 'alert mail settings changed: new settings apply from now on' : 'alert mail is off after the reload');
    }
    secrets = nextSecrets;
    fingerprint = nextPrint;
    warnNoMail(next);
    dispatcher.reconfigure(next, mailer);
  };
  return {
    transition: (event: TransitionEvent) => dispatcher.transition(event),
    close: async (timeoutMs: number) => {
      await Promise.all([dispatcher.close(timeoutMs), within(Promise.all([...retired]), timeoutMs)]);
    },
    get pendingScripts() {
      return dispatcher.pendingScripts;
    },
    get ready() {
      return mailer?.ready ?? Promise.resolve();
    },
    get delivered() {
      return mailer?.delivered ?? 0;
    },
    deliveryHealth: async (opts?: { probe?: boolean }) => mailer?.health(opts),
    reportNow: async () => mailer?.report(),
    reload,
  };
}

export type { NotifySink, TransitionEvent, StatusProvider } from './types.js';
export { checkMailSettings } from './check.js';
export { checkNotifyMailLines } from './check-lines.js';
export { mailEnabled } from './build.js';
