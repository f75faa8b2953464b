// Runs the real haproxy 2.6 (`haproxy -c -f`) on a config: the compatibility oracle of the config loader tests.
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './paths.js';
import { execFile } from 'node:child_process';

export const HAPROXY = '/usr/sbin/haproxy';

export interface HaproxyVerdict {
  /** exit 0, or exit 2 "has no error but will not start (no listener)". */
  readonly valid: boolean;
  /** Lines of `file` that haproxy names in its ALERT lines. */
  readonly lines: number[];
  readonly output: string;
}

/**
 * Runs `cmd args` with stdin closed (haproxy never reads it; proc.ts runCommand writes to stdin and can die with
 * EPIPE when the child exits first), bounded by a timeout.
 */
export function run(cmd: string, args: readonly string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(cmd, args, { timeout: timeoutMs, killSignal: 'SIGKILL', ...(env ? { env } : {}) }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
      resolve({ code, stdout: String(stdout), stderr: String(stderr) });
    });
    child.stdin?.end();
  });
}

export async function haproxyCheckFile(file: string, env?: NodeJS.ProcessEnv): Promise<HaproxyVerdict> {
  const r = await run(HAPROXY, ['-c', '-f', file], 20_000, env);
  const output = r.stdout + r.stderr;
  const valid = r.code === 0 || (r.code === 2 && /has no error/.test(output));
  const base = path.basename(file).replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  const lines = [...output.matchAll(new RegExp(`\\[ALERT\\].*?${base}:(\\d+)\\]`, 'g'))].map((m) => Number(m[1]));
  return { valid, lines, output };
}

/** Writes `text` to a private temp file, runs haproxy -c on it, removes it. */
export async function haproxyCheckText(text: string, name = 'oracle.cfg', env?: NodeJS.ProcessEnv): Promise<HaproxyVerdict> {
  const dir = tmpDir('hapair-pxconf-');
  const file = path.join(dir, name);
  fs.writeFileSync(file, text);
  try {
    return await haproxyCheckFile(file, env);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
