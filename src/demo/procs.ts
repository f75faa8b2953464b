// Long-running demo children inside lab namespaces: output to a log file, JSON lines parsed, waits bounded, stop by PID.
import fs from 'node:fs';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from '../lab/index.js';

export type LogLine = Record<string, unknown>;

interface Waiter {
  readonly pred: (l: LogLine) => boolean;
  readonly resolve: (l: LogLine) => void;
}

/** A wait on a demo child that failed; names the child's log so the error can show its last lines. */
export class DemoProcError extends Error {
  constructor(
    message: string,
    readonly logFile: string,
  ) {
    super(message);
  }
}

/** Last `n` lines of a child's log, pino JSON shown as `level: msg` (what a newcomer needs to see on an error). */
export function logTail(file: string, n = 6): string[] {
  let text = '';
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').filter((l) => l.trim()).slice(-n).map((l) => {
    try {
      const j = JSON.parse(l) as LogLine;
      return `${String(j.level ?? '')}: ${String(j.msg ?? j.event ?? l)}`;
    } catch {
      return l;
    }
  });
}

/** A child started with `lab.spawn` (tracked by the lab, so teardown kills it whatever happens here). */
export class DemoProc {
  readonly lines: LogLine[] = [];
  private waiters: Waiter[] = [];
  private partial = '';
  private readonly log: number;
  readonly logFile: string;
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;

  constructor(
    readonly label: string,
    readonly child: ChildProcess,
    logFile: string,
  ) {
    this.logFile = logFile;
    this.log = fs.openSync(logFile, 'a');
    child.stdout?.on('data', (c: Buffer) => this.onData(c));
    child.stderr?.on('data', (c: Buffer) => this.append(c));
    this.exited = new Promise((resolve) => {
      child.once('exit', (code, signal) => resolve({ code, signal }));
      child.once('error', () => resolve({ code: null, signal: null }));
    });
    // 'close' comes after the last stdout/stderr chunk: no write can follow, so the fd number cannot be reused under us.
    child.once('close', () => fs.closeSync(this.log));
  }

  private append(c: Buffer): void {
    fs.writeSync(this.log, c);
  }

  /** Spawns argv inside `where` with stdout+stderr captured into `logFile`. */
  static start(lab: Lab, where: string, label: string, argv: readonly string[], logFile: string, env?: NodeJS.ProcessEnv): DemoProc {
    const child = lab.spawn(where, argv, { stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, ...env } });
    child.stdin?.on('error', () => undefined);
    return new DemoProc(label, child, logFile);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private onData(c: Buffer): void {
    this.append(c);
    const parts = (this.partial + c.toString()).split('\n');
    this.partial = parts.pop() ?? '';
    for (const raw of parts) {
      let line: LogLine;
      try {
        line = JSON.parse(raw) as LogLine;
      } catch {
        continue;
      }
      if (typeof line !== 'object' || line === null) continue;
      this.lines.push(line);
      this.waiters = this.waiters.filter((w) => {
        if (!w.pred(line)) return true;
        w.resolve(line);
        return false;
      });
    }
  }

  /** First line (already seen or future) matching `pred`; rejects after `timeoutMs` or if the child exits first. */
  waitFor(pred: (l: LogLine) => boolean, timeoutMs: number, what: string): Promise<LogLine> {
    const seen = this.lines.find(pred);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const fail = (why: string) => {
        clearTimeout(timer);
        this.waiters = this.waiters.filter((w) => w !== waiter);
        reject(new DemoProcError(`${this.label}: ${why} waiting for ${what}`, this.logFile));
      };
      const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
      const waiter: Waiter = {
        pred,
        resolve: (l) => {
          clearTimeout(timer);
          resolve(l);
        },
      };
      this.waiters.push(waiter);
      void this.exited.then((e) => {
        if (this.waiters.includes(waiter)) fail(`exited (${e.code ?? e.signal}) while`);
      });
    });
  }

  /** Writes one line to the child's stdin (the probe's stop command). */
  send(line: string): void {
    this.child.stdin?.write(`${line}\n`);
  }

  /** Sends `signal` to this child only and waits (bounded) for it to exit; SIGKILL after `graceMs`. */
  async stop(signal: NodeJS.Signals = 'SIGTERM', graceMs = 5000): Promise<void> {
    if (!this.running) return;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(t);
  }
}
