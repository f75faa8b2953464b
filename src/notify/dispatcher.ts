// The one notify fan-out: each VRRP transition -> notify scripts (per-target FIFO) and the alert channel.
import type { Logger } from '../core/logger.js';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { NotifyTarget, TransitionEvent } from './types.js';
import { planScripts, type ScriptRun } from './script-plan.js';
import { runScript, type ScriptResult } from './script-run.js';
import { SerialQueue } from './serial-queue.js';
import { indexTargets, targetKey, type TargetIndex } from './targets.js';
import { resolveIds } from './users.js';
import { within } from './within.js';

/** Where mail-worthy transitions go (the spooling mailer); scripts are handled here. */
export interface AlertChannel {
  transition(event: TransitionEvent, target: NotifyTarget): void;
  close(timeoutMs: number): Promise<void>;
}

export interface DispatcherOptions {
  readonly logger: Logger;
  /** Normal notify script budget before its process group is killed. */
  readonly scriptTimeoutMs: number;
  /** notify_stop budget (keepalived: 1 s, then SIGKILL). */
  readonly stopScriptTimeoutMs: number;
  /** SIGTERM -> SIGKILL grace for normal scripts. */
  readonly killGraceMs: number;
  readonly alerts?: AlertChannel;
}

export class Dispatcher {
  private index: TargetIndex;
  private alerts: AlertChannel | undefined;
  private readonly queues = new Map<string, SerialQueue>();
  /** keepalived `notifies_sent`: instances that already had one notification. */
  private readonly notified = new Set<string>();
  /** Last state of each sync group, from GROUP events. */
  private readonly groupState = new Map<string, TransitionEvent['to']>();
  private readonly abort = new AbortController();
  private closing = false;

  constructor(
    private config: KeepalivedConfig,
    private readonly opts: DispatcherOptions,
  ) {
    this.index = indexTargets(config);
    this.alerts = opts.alerts;
  }

  /**
   * SIGHUP: later transitions use the new scripts and alert channel. The per-target queues, keepalived's
   * notifies_sent and the group states are kept, so a script queued before the reload still runs before
   * the ones after it (a new dispatcher would start them concurrently). Scripts already queued keep the
   * command they were planned with.
   */
  reconfigure(config: KeepalivedConfig, alerts: AlertChannel | undefined): void {
    this.config = config;
    this.index = indexTargets(config);
    this.alerts = alerts;
  }

  /** Never throws, never waits: scripts are queued per target, mail is handed to the alert channel. */
  transition(event: TransitionEvent): void {
    try {
      this.dispatch(event);
    } catch (err) {
      this.opts.logger.error({ event: 'notify-error', name: event.name, err }, 'notify dispatch failed');
    }
  }

  private dispatch(event: TransitionEvent): void {
    const key = targetKey(event.kind, event.name);
    const target = this.index.targets.get(key) ?? this.unknownTarget(event);
    if (event.kind === 'GROUP') this.groupState.set(event.name, event.to);
    if (event.kind === 'INSTANCE' && this.coveredByGroup(event)) {
      this.opts.logger.debug({ event: 'notify-skip', instance: event.name, to: event.to }, 'sync group notification covers this member');
      // No scripts, no mail of its own; the scheduled report still lists the member's transition.
      this.alerts?.transition(event, { ...target, smtpAlert: false });
      return;
    }
    if (event.kind === 'INSTANCE') this.notified.add(event.name);
    const runs = planScripts(target.scripts, event);
    if (runs.length > 0) {
      let queue = this.queues.get(key);
      if (!queue) {
        queue = new SerialQueue();
        this.queues.set(key, queue);
      }
      void queue.push(() => this.runAll(event, runs));
    }
    this.alerts?.transition(event, target);
  }

  /**
   * keepalived skips a sync-group member's own notifies once it has had one and its new state equals the
   * group's state: the GROUP notification covers it ([notify] send_instance_notifies, keepalived.md §5.1).
   */
  private coveredByGroup(event: TransitionEvent): boolean {
    const group = this.index.groupOf.get(event.name);
    if (group === undefined || !this.notified.has(event.name)) return false;
    return this.groupState.get(group) === event.to;
  }

  private unknownTarget(event: TransitionEvent): NotifyTarget {
    this.opts.logger.warn({ event: 'notify-unknown-target', kind: event.kind, name: event.name }, 'transition for a name not in the config: no scripts');
    return { kind: event.kind, name: event.name, scripts: {}, smtpAlert: this.config.global.smtpAlert ?? false };
  }

  private async runAll(event: TransitionEvent, runs: readonly ScriptRun[]): Promise<void> {
    for (const run of runs) await this.runOne(event, run);
  }

  private async runOne(event: TransitionEvent, run: ScriptRun): Promise<void> {
    const log = this.opts.logger;
    const fields = { event: 'notify-script', kind: event.kind, name: event.name, to: event.to, slot: run.slot, command: run.command.raw };
    const ids = this.idsFor(run);
    if (typeof ids === 'string') {
      log.error({ ...fields, code: 'ESCRIPT', where: run.command.where }, `notify script not run: ${ids}`);
      return;
    }
    const stop = run.budget === 'stop';
    const result: ScriptResult = await runScript(run.argv, {
      timeoutMs: stop ? this.opts.stopScriptTimeoutMs : this.opts.scriptTimeoutMs,
      killGraceMs: this.opts.killGraceMs,
      killHard: stop,
      signal: this.abort.signal,
      ...(ids ?? {}),
    });
    const out = { ...fields, argv: run.argv, exitCode: result.exitCode, signal: result.signal, timedOut: result.timedOut, durationMs: Math.round(result.durationMs) };
    if (result.spawnError) log.error({ ...out, code: 'ESCRIPT', error: result.spawnError }, `notify script could not be started: ${result.spawnError}`);
    else if (result.timedOut) log.warn({ ...out, stderr: result.stderrTail }, 'notify script timed out; process group killed');
    else if (result.exitCode !== 0) log.warn({ ...out, stderr: result.stderrTail }, 'notify script failed');
    else log.info(out, 'notify script done');
  }

  /** Per-script user, else global script_user, else run as ourselves. */
  private idsFor(run: ScriptRun): { uid: number; gid: number } | string | undefined {
    const user = run.command.user ?? this.config.global.scriptUser?.user;
    if (user === undefined) return undefined;
    const group = run.command.user !== undefined ? run.command.group : this.config.global.scriptUser?.group;
    return resolveIds(user, group);
  }

  /** Scripts still queued or running, all targets. */
  get pendingScripts(): number {
    let n = 0;
    for (const q of this.queues.values()) n += q.pending;
    return n;
  }

  /**
   * Waits for queued scripts (the STOP ones the runtime just sent included) until `timeoutMs`, then kills
   * the process groups still running. The alert channel flushes in parallel, within the same budget.
   */
  async close(timeoutMs: number): Promise<void> {
    if (this.closing) return;
    this.closing = true;
    await Promise.all([this.closeScripts(timeoutMs), this.alerts?.close(timeoutMs)]);
  }

  private async closeScripts(timeoutMs: number): Promise<void> {
    const idle = Promise.all([...this.queues.values()].map((q) => q.idle()));
    if (!(await within(idle, timeoutMs))) {
      this.opts.logger.warn({ event: 'notify-close', pending: this.pendingScripts }, 'notify scripts still running at close: killing them');
      this.abort.abort();
      await within(idle, this.opts.killGraceMs + 100);
    }
  }
}
