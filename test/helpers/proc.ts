// Child processes for tests: run the hapair CLI, collect JSON log lines, wait for a line, stop by PID.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { cliMain } from './paths.js';
import { exec, type ExecResult } from '../../src/lab/exec.js';

/** What a finished child printed and how it ended (the lab's exec result). */
export type RunResult = ExecResult;

/** Runs `hapair ...args` to completion (bounded by timeoutMs) and returns its output. */
export function runCli(args: readonly string[], opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {}): Promise<RunResult> {
  return runCommand(process.execPath, [cliMain, ...args], opts);
}

/** Runs cmd (no shell) with the test's environment plus `env`, killed after timeoutMs (default 30 s). */
export function runCommand(
  cmd: string,
  args: readonly string[],
  opts: { env?: NodeJS.ProcessEnv; timeoutMs?: number; input?: string; cwd?: string } = {},
): Promise<RunResult> {
  return exec([cmd, ...args], { env: { ...process.env, ...opts.env }, cwd: opts.cwd, timeoutMs: opts.timeoutMs ?? 30_000, input: opts.input });
}

/** A long-running child whose stdout is parsed as pino JSON lines. Stopped only by its own PID. */
export class Daemon {
  readonly child: ChildProcess;
  readonly lines: Record<string, unknown>[] = [];
  readonly rawStdout: string[] = [];
  stderr = '';
  private waiters: { pred: (l: Record<string, unknown>) => boolean; resolve: (l: Record<string, unknown>) => void }[] = [];
  private partial = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(cmd: string, args: readonly string[], opts: SpawnOptions = {}) {
    this.child = spawn(cmd, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    this.child.stdout!.on('data', (c: Buffer) => this.onData(c.toString()));
    this.child.stderr!.on('data', (c: Buffer) => (this.stderr += c.toString()));
    this.exited = new Promise((resolve) => this.child.on('exit', (code, signal) => resolve({ code, signal })));
  }

  static cli(args: readonly string[], opts: SpawnOptions = {}): Daemon {
    return new Daemon(process.execPath, [cliMain, ...args], opts);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  private onData(text: string): void {
    const parts = (this.partial + text).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      this.rawStdout.push(raw);
      let line: Record<string, unknown>;
      try {
        line = JSON.parse(raw) as Record<string, unknown>;
      } catch {
        continue;
      }
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(line)) return true;
        w.resolve(line);
        return false;
      });
    }
  }

  /** Resolves with the first log line (already seen or future) matching `pred`; rejects after timeoutMs. */
  waitFor(pred: (l: Record<string, unknown>) => boolean, timeoutMs = 15_000, what = 'log line'): Promise<Record<string, unknown>> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        reject(new Error(`timed out after ${timeoutMs} ms waiting for ${what}; stderr: ${this.stderr.slice(-2000)}; last lines: ${this.rawStdout.slice(-10).join('\n')}`));
      }, timeoutMs);
      this.waiters.push({
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      });
    });
  }

  /** Sends `signal` to this child only and waits (bounded) for it to exit; SIGKILL if it does not. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 10_000): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return this.exited;
    this.child.kill(signal);
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    const res = await this.exited;
    clearTimeout(timer);
    return res;
  }
}
