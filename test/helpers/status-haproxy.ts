// Runs the real Debian haproxy (foreground, its own config text) for `hapair status` interop tests; stopped by PID.
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpDir } from './paths.js';

export const HAPROXY_BIN = '/usr/sbin/haproxy';

export interface RealHaproxy {
  readonly child: ChildProcess;
  readonly dir: string;
  readonly socket: string;
  stop(): Promise<void>;
}

/** Writes `cfg` with `{{SOCK}}` replaced by a unix socket path in a fresh dir, starts haproxy -db, waits for the socket. */
export async function startRealHaproxy(cfg: string): Promise<RealHaproxy> {
  if (!fs.existsSync(HAPROXY_BIN)) throw new Error(`${HAPROXY_BIN} not found: install the Debian haproxy package (scripts/bootstrap.sh)`);
  const dir = tmpDir('hapair-status-hap-');
  const socket = path.join(dir, 'admin.sock');
  const file = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(file, cfg.replaceAll('{{SOCK}}', socket));
  const child = spawn(HAPROXY_BIN, ['-f', file, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      const t = setTimeout(() => child.kill('SIGKILL'), 3000);
      await done;
      clearTimeout(t);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 250 && !fs.existsSync(socket); i++) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!fs.existsSync(socket)) {
    await stop();
    throw new Error(`haproxy did not create ${socket}: ${stderr}`);
  }
  return { child, dir, socket, stop };
}
