// Public surface of notify: createNotifier(config, deps) -> the one dispatcher the VRRP runtime feeds.
import os from 'node:os';
import type { Logger } from '../core/logger.js';
import { realClock, type Clock } from '../core/clock.js';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { NotifySink, StatusProvider, TransitionEvent } from './types.js';
import { Dispatcher } from './dispatcher.js';

export interface NotifierDeps {
  readonly logger: Logger;
  readonly clock?: Clock;
  /** Shown in alert bodies; default os.hostname(). */
  readonly hostname?: string;
  /** VRRP status for the scheduled report (alert_report_cron). */
  readonly statusProvider?: StatusProvider;
  /** Normal notify script budget (default 30 s) before its process group is killed. */
  readonly scriptTimeoutMs?: number;
  /** notify_stop budget (default 1 s, keepalived's). */
  readonly stopScriptTimeoutMs?: number;
}

/** What createNotifier returns: the NotifySink seam plus introspection for status and tests. */
export interface Notifier extends NotifySink {
  /** Notify scripts queued or running. */
  readonly pendingScripts: number;
}

export const DEFAULT_SCRIPT_TIMEOUT_MS = 30_000;
export const DEFAULT_STOP_SCRIPT_TIMEOUT_MS = 1_000;
const KILL_GRACE_MS = 2_000;

/**
 * Builds the notifier for a loaded keepalived config. The VRRP runtime calls `transition(event)` once per
 * FSM transition, in order, and `close(ms)` on shutdown after the STOP transitions.
 */
export function createNotifier(config: KeepalivedConfig, deps: NotifierDeps): Notifier {
  const logger = deps.logger.child({ component: 'notify' });
  void (deps.clock ?? realClock);
  void (deps.hostname ?? os.hostname());
  const dispatcher = new Dispatcher(config, {
    logger,
    scriptTimeoutMs: deps.scriptTimeoutMs ?? DEFAULT_SCRIPT_TIMEOUT_MS,
    stopScriptTimeoutMs: deps.stopScriptTimeoutMs ?? DEFAULT_STOP_SCRIPT_TIMEOUT_MS,
    killGraceMs: KILL_GRACE_MS,
  });
  return {
    transition: (event: TransitionEvent) => dispatcher.transition(event),
    close: (timeoutMs: number) => dispatcher.close(timeoutMs),
    get pendingScripts() {
      return dispatcher.pendingScripts;
    },
  };
}

export type { NotifySink, TransitionEvent, StatusProvider } from './types.js';
