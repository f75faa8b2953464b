// Runs the real haproxy 2.6 (`haproxy -c -f`) on a config: the compatibility oracle of the config loader tests.
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from './paths.js';
import { runCommand } from './proc.js';

export const HAPROXY = '/usr/sbin/haproxy';

export interface HaproxyVerdict {
  /** exit 0, or exit 2 "has no error but will not start (no listener)". */
  readonly valid: boolean;
  /** Lines of `file` that haproxy names in its ALERT lines. */
  readonly lines: number[];
  readonly output: string;
}

/**
 * Runs `cmd args` bounded by a timeout. `env`, when given, is the child's WHOLE environment (the lexer oracle's
 * `defined(NOPE)` rows need unset names to stay unset), so every other inherited variable is blanked out.
 */
export async function run(cmd: string, args: readonly string[], timeoutMs = 20_000, env?: NodeJS.ProcessEnv): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const only = env ? { ...Object.fromEntries(Object.keys(process.env).map((k) => [k, undefined])), ...env } : undefined;
  const r = await runCommand(cmd, args, { timeoutMs, ...(only ? { env: only } : {}) });
  return { code: r.code, stdout: r.stdout, stderr: r.stderr };
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
