// Real-proxy fixtures for the control-plane acceptance tests (runtime API, admin POST): TCP backends that say
// their name on connect and keep the connection open, a client that reads that name, CSV rows by server.
import net from 'node:net';
import { sendCommand } from '../../src/cli/commands/ctl.js';

export interface NamedTcp {
  readonly port: number;
  close(): Promise<void>;
}

/** A TCP server writing `name\n` on every connection, then holding it open until the client or close() ends it. */
export async function namedTcp(name: string, port = 0): Promise<NamedTcp> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    s.write(`${name}\n`);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of socks) s.destroy();
      srv.close(() => r());
    }),
  };
}

export interface Held {
  readonly name: string;
  readonly sock: net.Socket;
  readonly closed: Promise<void>;
}

/** Connects through the proxy and returns the backend's name with the still-open socket (bounded: 3 s). */
export function connectNamed(port: number): Promise<Held> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(port, '127.0.0.1');
    const closed = new Promise<void>((r) => sock.on('close', () => r()));
    const timer = setTimeout(() => (sock.destroy(), reject(new Error('no backend name within 3 s'))), 3000);
    sock.on('error', () => undefined);
    sock.once('data', (d) => {
      clearTimeout(timer);
      resolve({ name: d.toString().trim(), sock, closed });
    });
    sock.once('close', () => (clearTimeout(timer), reject(new Error('closed before the backend spoke'))));
  });
}

/** Names of the backends answering `n` fresh connections (each closed after reading). */
export async function whoAnswers(port: number, n: number): Promise<string[]> {
  const out: string[] = [];
  for (let i = 0; i < n; i++) {
    const h = await connectNamed(port);
    out.push(h.name);
    h.sock.destroy();
    await h.closed;
  }
  return out;
}

/** `show stat` row of backend/server as a name -> value record (keyed on the header, as haproxy advises). */
export async function statRow(sock: string, be: string, sv: string): Promise<Record<string, string>> {
  const lines = (await sendCommand(sock, 'show stat')).split('\n').filter(Boolean);
  const names = lines[0]!.slice(2).split(',');
  const row = lines.map((l) => l.split(',')).find((v) => v[0] === be && v[1] === sv) ?? [];
  return Object.fromEntries(row.map((v, i) => [names[i], v]));
}

/** Polls `pred` every 50 ms for at most `ms`; throws naming `what` on timeout. */
export async function until(what: string, pred: () => Promise<boolean> | boolean, ms = 5000): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${ms} ms waiting for ${what}`);
}
