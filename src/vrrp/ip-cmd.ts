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
