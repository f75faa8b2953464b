// Runs the real Debian haproxy on loopback for balancer parity tests: node HTTP servers answer their own name,
// haproxy balances a `listen` over them, and we record which server served each request. Stopped by PID.
import http from 'node:http';
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { spawn, type ChildProcess } from 'node:child_process';
import { tmpDir } from './paths.js';

export const HAPROXY = '/usr/sbin/haproxy';

export interface NamedServers {
  readonly ports: number[];
  close(): Promise<void>;
}

/** N HTTP servers on 127.0.0.1:0; server i answers "s<i+1>". */
export async function namedServers(n: number): Promise<NamedServers> {
  const servers: http.Server[] = [];
  const ports: number[] = [];
  for (let i = 0; i < n; i++) {
    const s = http.createServer((_q, r) => {
      r.setHeader('connection', 'close');
      r.end(`s${i + 1}`);
    });
    await new Promise<void>((res) => s.listen(0, '127.0.0.1', res));
    servers.push(s);
    ports.push((s.address() as net.AddressInfo).port);
  }
  return { ports, close: async () => void (await Promise.all(servers.map((s) => new Promise((r) => s.close(r))))) };
}

import { freePort } from './free-port.js';
export { freePort };

export interface Haproxy {
  readonly port: number;
  readonly child: ChildProcess;
  stop(): Promise<void>;
}

/** Starts haproxy in the foreground with `listen l` on a free port; `body` is the balance/hash/server lines. */
export async function startHaproxy(body: string): Promise<Haproxy> {
  if (!fs.existsSync(HAPROXY)) throw new Error(`${HAPROXY} not found: install the Debian haproxy package (scripts/bootstrap.sh)`);
  const port = await freePort();
  const dir = tmpDir('hapair-be-hap-');
  const cfg = path.join(dir, 'h.cfg');
  fs.writeFileSync(cfg, [
    'global', '  maxconn 200', 'defaults', '  mode http', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s',
    'listen l', `  bind 127.0.0.1:${port}`, body, '',
  ].join('\n'));
  const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (c: Buffer) => (stderr += c.toString()));
  const deadline = Date.now() + 5000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`haproxy exited: ${stderr}`);
    if (await canConnect(port)) break;
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`haproxy did not listen: ${stderr}`);
    }
    await new Promise((r) => setTimeout(r, 30));
  }
  return {
    port,
    child,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) {
        const done = new Promise((r) => child.once('exit', r));
        child.kill('SIGTERM');
        const t = setTimeout(() => child.kill('SIGKILL'), 3000);
        await done;
        clearTimeout(t);
      }
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.once('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

export interface Probe {
  readonly method?: string;
  readonly path?: string;
  readonly host?: string;
  readonly headers?: Readonly<Record<string, string>>;
  readonly localAddress?: string;
}

/** One request on a fresh connection; resolves with the answering server's name. */
export function ask(port: number, p: Probe = {}): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: '127.0.0.1', port, method: p.method ?? 'GET', path: p.path ?? '/', agent: false, localAddress: p.localAddress,
        headers: { ...(p.host ? { host: p.host } : {}), ...p.headers },
      },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(b));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
    req.end();
  });
}
