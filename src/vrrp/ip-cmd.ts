// Runs iproute2 `ip` (bounded, no shell). Node has no netlink binding and iproute2 is already a hapair requirement,
// so the runtime reads and changes addresses/links through `ip -j` / `ip -batch -` instead of raw rtnetlink.
import { spawn } from 'node:child_process';
import { HaError, type HaErrorCode } from '../core/errors.js';

export const IP_BIN = process.env.HAPAIR_IP_BIN ?? 'ip';

export interface IpResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs `ip ARGS` with optional stdin; never rejects on a non-zero exit (the caller decides). */
export function runIp(args: readonly string[], opts: { input?: string; timeoutMs?: number } = {}): Promise<IpResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(IP_BIN, args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 5000);
    child.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      reject(new HaError('EPLATFORM', `cannot run '${IP_BIN}' (iproute2 is required): ${err.message}`, { cause: err }));
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Runs `ip ARGS` and returns stdout, or throws HaError(code) quoting iproute2's message. */
export async function ipOk(args: readonly string[], code: HaErrorCode, opts: { input?: string; timeoutMs?: number } = {}): Promise<string> {
  const res = await runIp(args, opts);
  if (res.code !== 0) throw new HaError(code, `ip ${args.join(' ')}: ${res.stderr.trim() || `exit ${res.code}`}`);
  return res.stdout;
}

/**
 * A long-lived `ip -force -batch -` coprocess: a takeover adds its VIPs in well under a millisecond instead of the
 * several milliseconds a fresh `ip` costs, and GARPs (which need the VIPs up) leave that much sooner. iproute2
 * runs each stdin line as it arrives and reports failures at once on (unbuffered) stderr as "Command failed -:LINE";
 * after each request we send an unknown object word as a completion marker, whose error says the request is done.
 * Any trouble (exit, timeout) falls back to a one-shot `ip -force -batch -`.
 */
export class IpBatch {
  private child: import('node:child_process').ChildProcessWithoutNullStreams | undefined;
  private line = 0;
  private marker = 0;
  private stderr = '';
  private chain: Promise<unknown> = Promise.resolve();
  private waiting: { marker: string; resolve: () => void } | undefined;

  private ensure(): import('node:child_process').ChildProcessWithoutNullStreams {
    if (this.child && this.child.exitCode === null) return this.child;
    const child = spawn(IP_BIN, ['-force', '-batch', '-'], { stdio: ['pipe', 'ignore', 'pipe'] }) as unknown as import('node:child_process').ChildProcessWithoutNullStreams;
    this.child = child;
    this.line = 0;
    this.stderr = '';
    child.stdin.on('error', () => undefined);
    child.on('error', () => undefined);
    child.stderr.on('data', (c: Buffer) => {
      this.stderr += c.toString();
      if (this.waiting && this.stderr.includes(`"${this.waiting.marker}"`)) this.waiting.resolve();
    });
    child.on('exit', () => {
      if (this.child === child) this.child = undefined;
      this.waiting?.resolve();
    });
    return child;
  }

  /** Starts the coprocess now, so the first takeover does not pay for the spawn. */
  warm(): void {
    try {
      this.ensure();
    } catch {
      /* run() falls back to one-shot */
    }
  }

  /** Runs the lines in order; resolves with how many failed (0 = all fine) and iproute2's messages. Serialised. */
  run(lines: readonly string[]): Promise<{ failed: number; stderr: string }> {
    const next = this.chain.then(() => this.runNow(lines));
    this.chain = next.catch(() => undefined);
    return next;
  }

  private async runNow(lines: readonly string[]): Promise<{ failed: number; stderr: string }> {
    let child: ReturnType<IpBatch['ensure']>;
    try {
      child = this.ensure();
    } catch {
      return this.oneShot(lines);
    }
    const first = this.line + 1;
    this.line += lines.length + 1; // + the marker line
    const marker = `hapair-done-${++this.marker}`;
    this.stderr = '';
    const done = new Promise<void>((resolve) => (this.waiting = { marker, resolve }));
    child.stdin.write(lines.join('\n') + `\n${marker}\n`);
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([done.then(() => false), new Promise<boolean>((r) => (timer = setTimeout(() => r(true), 3000)))]);
    clearTimeout(timer);
    this.waiting = undefined;
    if (timedOut || !this.stderr.includes(`"${marker}"`)) {
      child.kill('SIGKILL');
      this.child = undefined;
      return this.oneShot(lines);
    }
    const before = this.stderr.slice(0, this.stderr.indexOf(`"${marker}"`));
    const failed = [...before.matchAll(/Command failed -:(\d+)/g)].map((m) => Number(m[1])).filter((n) => n >= first && n < first + lines.length).length;
    return { failed, stderr: before.trim() };
  }

  private async oneShot(lines: readonly string[]): Promise<{ failed: number; stderr: string }> {
    const res = await runIp(['-force', '-batch', '-'], { input: lines.join('\n') + '\n' });
    return { failed: res.code === 0 ? 0 : 1, stderr: res.stderr.trim() };
  }

  close(): void {
    if (this.child && this.child.exitCode === null) this.child.kill('SIGTERM');
    this.child = undefined;
  }
}
