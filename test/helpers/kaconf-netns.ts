// A private network namespace with eth0/eth1 (a veth pair inside it, linked to nothing else) so the real
// `keepalived -t` can check configs naming those interfaces. Unique name per run; deleted on teardown/exit.
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand, type RunResult } from './proc.js';
import { tmpDir } from './paths.js';

export interface KeepalivedNs {
  readonly name: string;
  /** Runs `keepalived -t -f file` inside the namespace (parse/check only, never a daemon). */
  check(file: string): Promise<RunResult>;
  close(): void;
}

const IP_TIMEOUT_MS = 10_000;

function ip(...args: string[]): void {
  execFileSync('ip', args, { stdio: ['ignore', 'ignore', 'pipe'], timeout: IP_TIMEOUT_MS });
}

export function keepalivedPath(): string | undefined {
  return ['/usr/sbin/keepalived', '/sbin/keepalived', '/usr/local/sbin/keepalived'].find((p) => fs.existsSync(p));
}

/** Creates the namespace (root only). Addresses come from 198.18.0.0/15 (DEVELOPERS.md network rules). */
export function createKeepalivedNs(): KeepalivedNs {
  const bin = keepalivedPath();
  if (!bin) throw new Error('keepalived is not installed (Debian package keepalived 2.2.7 expected)');
  const name = `hk-${process.pid}-${crypto.randomBytes(3).toString('hex')}`;
  const pidDir = tmpDir('hapair-kat-');
  let closed = false;
  const close = (): void => {
    if (closed) return;
    closed = true;
    try {
      ip('netns', 'del', name);
    } catch {
      // already gone
    }
    fs.rmSync(pidDir, { recursive: true, force: true });
  };
  process.once('exit', close);
  try {
    ip('netns', 'add', name);
    ip('-n', name, 'link', 'add', 'eth0', 'type', 'veth', 'peer', 'name', 'eth1');
    ip('-n', name, 'link', 'set', 'eth0', 'up');
    ip('-n', name, 'link', 'set', 'eth1', 'up');
    ip('-n', name, 'addr', 'add', '198.18.0.1/24', 'dev', 'eth0');
    ip('-n', name, 'addr', 'add', '198.18.1.1/24', 'dev', 'eth1');
  } catch (err) {
    close();
    throw err;
  }
  let n = 0;
  return {
    name,
    close,
    check: (file) => {
      const dir = path.join(pidDir, String(n++));
      fs.mkdirSync(dir);
      return runCommand('ip', ['netns', 'exec', name, bin, '-t', '-f', path.resolve(file),
        `--pid=${dir}/k.pid`, `--vrrp_pid=${dir}/v.pid`, `--checkers_pid=${dir}/c.pid`], { timeoutMs: 20_000 });
    },
  };
}
