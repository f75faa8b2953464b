// Runs one vrrp_script periodically (keepalived.md §4.2): execFile semantics in its own process group, timeout kills the group.
import { spawn, type ChildProcess } from 'node:child_process';
import os from 'node:os';
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
  private child: ChildProcess | undefined;
  private tick: TimerHandle | undefined;
  private timeout: TimerHandle | undefined;
  private kill: TimerHandle | undefined;
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

  get running(): boolean {
    return this.child !== undefined;
  }

  private fire(): void {
    if (this.stopped) return;
    this.tick = this.deps.clock.setTimeout(() => this.fire(), this.spec.intervalMs);
    if (this.child) {
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

  private launch(): void {
    const [cmd, ...args] = this.spec.argv;
    const started = this.deps.clock.now();
    let reported = false;
    const report = (ok: boolean, text: string) => {
      if (reported || this.stopped) return;
      reported = true;
      this.onResult({ ok, text, durationMs: this.deps.clock.now() - started });
    };
    this.runs += 1;
    let child: ChildProcess;
    try {
      child = spawn(cmd ?? '', args, {
        detached: true, // own process group, so a timeout can kill the script AND everything it started
        stdio: 'ignore',
        ...(this.spec.uid !== undefined ? { uid: this.spec.uid } : {}),
        ...(this.spec.gid !== undefined ? { gid: this.spec.gid } : {}),
      });
    } catch (err) {
      report(false, `spawn error: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      return;
    }
    this.child = child;
    // The daemon runs at a raised priority; health checks are ordinary work and go back to nice 0.
    if (child.pid !== undefined) {
      try {
        os.setPriority(child.pid, 0);
      } catch {
        /* already exited, or not permitted */
      }
    }
    child.on('error', (err: NodeJS.ErrnoException) => {
      this.clearRunTimers();
      this.child = undefined;
      report(false, `spawn error: ${err.code ?? err.message}`);
    });
    child.on('exit', (code, signal) => {
      this.clearRunTimers();
      this.child = undefined;
      if (signal) report(false, `signal ${signal}`);
      else report(code === 0, `exit ${code}`);
    });
    this.timeout = this.deps.clock.setTimeout(() => {
      // keepalived: "VRRP_Script(X) timed_out" is a failure at once; the group gets SIGTERM, then SIGKILL after 2 s.
      report(false, 'timeout');
      this.killGroup(child, 'SIGTERM');
      this.kill = this.deps.clock.setTimeout(() => this.killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    }, this.spec.timeoutMs);
  }

  private killGroup(child: ChildProcess, sig: NodeJS.Signals): void {
    if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
    try {
      process.kill(-child.pid, sig);
    } catch {
      /* the group is gone */
    }
  }

  private clearRunTimers(): void {
    this.deps.clock.clearTimeout(this.timeout);
    this.deps.clock.clearTimeout(this.kill);
    this.timeout = undefined;
    this.kill = undefined;
  }

  /** Stops scheduling; a running script's group gets SIGTERM (keepalived on stop), SIGKILL after the grace. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.tick);
    const child = this.child;
    if (!child) return;
    this.clearRunTimers();
    const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
    this.killGroup(child, 'SIGTERM');
    const t = setTimeout(() => this.killGroup(child, 'SIGKILL'), KILL_GRACE_MS);
    await Promise.race([exited, new Promise((r) => setTimeout(r, KILL_GRACE_MS + 500))]);
    clearTimeout(t);
  }
}
