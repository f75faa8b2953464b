// Loopback peers for backend-core connect tests: a counting TCP server, a refusing port, and a black hole
// (a listener in a stopped child process whose accept backlog is full, so new SYNs are dropped). Stopped by PID.
import net from 'node:net';
import { spawn } from 'node:child_process';

export interface CountingServer {
  readonly port: number;
  readonly accepted: () => number;
  close(): Promise<void>;
}

/** TCP server on 127.0.0.1:0 that greets each connection with `hello` and counts accepts. */
export async function countingServer(hello = 'hi'): Promise<CountingServer> {
  let n = 0;
  const socks = new Set<net.Socket>();
  const srv = net.createServer((c) => {
    n++;
    socks.add(c);
    c.on('error', () => {});
    c.on('close', () => socks.delete(c));
    c.write(hello);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    accepted: () => n,
    close: () => new Promise<void>((r) => {
      for (const s of socks) s.destroy();
      srv.close(() => r());
    }),
  };
}

/** A port that refuses connections (bound then closed). */
export async function refusingPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export interface BlackHole {
  readonly port: number;
  close(): void;
}

/** Listener with backlog 1 in a SIGSTOPped child; its accept queue is filled, so further connects hang. */
export async function blackHole(): Promise<BlackHole> {
  const child = spawn(process.execPath, ['-e', "const s=require('net').createServer();s.listen({port:0,host:'127.0.0.1',backlog:1},()=>process.stdout.write(s.address().port+'\\n'))"], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('error', reject);
    child.stdout!.once('data', (d: Buffer) => resolve(Number(d.toString().trim())));
  });
  process.kill(child.pid!, 'SIGSTOP');
  const fillers: net.Socket[] = [];
  for (let i = 0; i < 16; i++) {
    const connected = await new Promise<boolean>((res) => {
      const s = net.connect(port, '127.0.0.1');
      fillers.push(s);
      s.on('error', () => {});
      const t = setTimeout(() => res(false), 300);
      s.once('connect', () => {
        clearTimeout(t);
        res(true);
      });
    });
    if (!connected) break;
  }
  return {
    port,
    close: () => {
      for (const s of fillers) s.destroy();
      if (child.exitCode === null) process.kill(child.pid!, 'SIGKILL');
    },
  };
}
