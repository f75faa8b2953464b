// Bounded child-process helpers for the lab: run a command to completion or fail with its stderr.
import { spawn, execFileSync } from 'node:child_process';

export interface ExecResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

export interface ExecOptions {
  readonly timeoutMs?: number; // SIGKILL after this (default 15 s): every lab command is bounded
  readonly input?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly cwd?: string;
}

/** Runs argv[0] with argv[1..] (no shell) and resolves with its exit status and output; never rejects on exit code. */
export function exec(argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return Promise.reject(new Error('exec: empty argv'));
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
    const timer = setTimeout(() => child.kill('SIGKILL'), opts.timeoutMs ?? 15_000);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
    // A child that exits before reading its stdin must not fail the caller with EPIPE.
    child.stdin.on('error', () => undefined);
    child.stdin.end(opts.input ?? '');
  });
}

/** Like exec but rejects (naming the command and its stderr) unless it exits 0. */
export async function execOk(argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
  const res = await exec(argv, opts);
  if (res.code !== 0) {
    throw new Error(`command failed (${res.code ?? res.signal}): ${argv.join(' ')}: ${res.stderr.trim() || res.stdout.trim()}`);
  }
  return res.stdout;
}

/** Synchronous variant for exit/signal handlers, where no event loop turn is left. Never throws. */
export function execQuietSync(argv: readonly string[], timeoutMs = 5000): string {
  const [cmd, ...args] = argv;
  if (cmd === undefined) return '';
  try {
    return execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'ignore'], timeout: timeoutMs }).toString();
  } catch {
    return '';
  }
}
