// Runs one vrrp_script periodically (keepalived.md §4.2): execFile semantics in its own process group, timeout kills the group.
import os from 'node:os';
import { runInGroup } from '../core/proc-group.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';

/** Outcome of one run. keepalived: exit 0 = success; non-zero, death by signal or timeout = failure. */
export interface ScriptResult {
  readonly ok: boolean;
  /** 'exit 0', 'exit 1', 'timeout', 'signal SIGKILL', 'spawn error: ENOENT' (stable words for status/logs). */
  readonly text: string;
  readonly durationMs: number;
}

export interface ScriptSpec {
  readonly name: string;
  readonly argv: readonly string[];
  readonly intervalMs: number;
  readonly timeoutMs: number;
  readonly uid?: number;
  readonly gid?: number;
}

/** Grace between SIGTERM and SIGKILL of a timed-out script's process group (keepalived: 2 s). */
export const KILL_GRACE_MS = 2000;

export class ScriptRunner {
  private run: Promise<void> | undefined;
  private abort: AbortController | undefined;
  private tick: TimerHandle | undefined;
  private stopped = true;
  private skippedLogged = false;
  runs = 0;
  skipped = 0;

  constructor(
    readonly spec: ScriptSpec,
    private readonly deps: { clock: Clock; logger: Logger },
    private readonly onResult: (r: ScriptResult) => void,
  ) {}

  /** First run immediately, then every interval measured from the previous start (not its end). */
  start(): void {
    if (!this.stopped) return;
    this.stopped = false;
    this.fire();
  }

  /** A run is in progress: its process (or, after a timeout, its group leader) has not exited yet. */
  get running(): boolean {
    return this.run !== undefined;
  }

  private fire(): void {
    if (this.stopped) return;
    this.tick = this.deps.clock.setTimeout(() => this.fire(), this.spec.intervalMs);
    if (this.run) {
      // Never two runs of one script at once (keepalived 2.2.7 meant to skip too, but launched anyway: fixed v2.3.3).
      this.skipped += 1;
      if (!this.skippedLogged) {
        this.skippedLogged = true;
        this.deps.logger.warn({ event: 'script-skip', script: this.spec.name }, `vrrp_script ${this.spec.name} is still running - skipping run`);
      }
      return;
    }
    this.skippedLogged = false;
    this.launch();
  }

  /**
   * One run through core/proc-group.ts runInGroup: own process group, execFile semantics. keepalived: a timeout is a
   * failure at once ("VRRP_Script(X) timed_out"); the group then gets SIGTERM and SIGKILL after KILL_GRACE_MS.
   */
  private launch(): void {
    const started = this.deps.clock.now();
    let reported = false;
    const report = (ok: boolean, text: string) => {
      if (reported || this.stopped) return;
      reported = true;
      this.onResult({ ok, text, durationMs: this.deps.clock.now() - started });
    };
    this.runs += 1;
    const abort = new AbortController();
    this.abort = abort;
    const run = runInGroup(this.spec.argv, {
      timeoutMs: this.spec.timeoutMs,
      killGraceMs: KILL_GRACE_MS,
      clock: this.deps.clock,
      signal: abort.signal,
      ...(this.spec.uid !== undefined ? { uid: this.spec.uid } : {}),
      ...(this.spec.gid !== undefined ? { gid: this.spec.gid } : {}),
      onSpawn: renice,
      onTimeout: () => report(false, 'timeout'),
    }).then((r) => {
      if (r.spawnError) report(false, `spawn error: ${r.spawnError.code ?? r.spawnError.message}`);
      else if (r.signal) report(false, `signal ${r.signal}`);
      else report(r.exitCode === 0, `exit ${r.exitCode}`);
    });
    this.run = run.finally(() => {
      if (this.abort === abort) this.abort = undefined;
      this.run = undefined;
    });
  }

  /** Stops scheduling; a running script's group gets SIGTERM (keepalived on stop), SIGKILL after the grace. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.tick);
    const run = this.run;
    if (!run) return;
    this.abort?.abort();
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([run, new Promise((r) => (timer = setTimeout(r, KILL_GRACE_MS + 500)))]);
    clearTimeout(timer);
  }
}

/** The daemon runs at a raised priority; health checks are ordinary work and go back to nice 0. */
function renice(pid: number): void {
  try {
    os.setPriority(pid, 0);
  } catch {
    /* already exited, or not permitted */
  }
}
