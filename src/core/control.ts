// Local control channel of a daemon: a unix socket speaking one JSON request line -> one JSON reply line.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import { HaError } from './errors.js';

export interface ControlRequest {
  readonly cmd: string;
  readonly args?: Record<string, unknown>;
}

export type ControlReply = { ok: true; data: unknown } | { ok: false; error: string };

export type ControlHandler = (args: Record<string, unknown>) => unknown | Promise<unknown>;

const MAX_REQUEST_BYTES = 64 * 1024;

/**
 * Serves `handlers` on `socketPath` (mode 0600). A stale socket file left by a crashed run is replaced.
 * Bad requests get `{ok:false,error}`; a handler that throws never takes the daemon down.
 */
export async function startControlServer(
  socketPath: string,
  handlers: Readonly<Record<string, ControlHandler>>,
): Promise<net.Server> {
  fs.mkdirSync(path.dirname(socketPath), { recursive: true });
  try {
    fs.unlinkSync(socketPath);
  } catch {
    /* absent is fine */
  }
  const server = net.createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > MAX_REQUEST_BYTES) {
        sock.end(JSON.stringify({ ok: false, error: 'request too large' }) + '\n');
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      buf = '';
      void answer(line).then((reply) => sock.end(JSON.stringify(reply) + '\n'));
    });
  });
  async function answer(line: string): Promise<ControlReply> {
    let req: ControlRequest;
    try {
      req = JSON.parse(line) as ControlRequest;
    } catch {
      return { ok: false, error: 'request is not JSON' };
    }
    const handler = typeof req?.cmd === 'string' ? handlers[req.cmd] : undefined;
    if (!handler) return { ok: false, error: `unknown command '${String(req?.cmd)}'; known: ${Object.keys(handlers).join(', ')}` };
    try {
      return { ok: true, data: await handler(req.args ?? {}) };
    } catch (err) {
      return { ok: false, error: err instanceof Error ? err.message : String(err) };
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => {
      server.off('error', reject);
      resolve();
    });
  });
  fs.chmodSync(socketPath, 0o600);
  return server;
}

/** Sends one request and resolves with `data`; rejects with ECONTROL naming the socket on any failure. */
export function controlRequest(socketPath: string, cmd: string, args?: Record<string, unknown>, timeoutMs = 3000): Promise<unknown> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(socketPath);
    let buf = '';
    const fail = (why: string) => {
      sock.destroy();
      reject(new HaError('ECONTROL', `${socketPath}: ${why}`));
    };
    const timer = setTimeout(() => fail(`no answer within ${timeoutMs} ms`), timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(JSON.stringify({ cmd, args }) + '\n'));
    sock.on('data', (c: string) => (buf += c));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      fail(err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'daemon not running (no control socket)' : err.message);
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        const reply = JSON.parse(buf) as ControlReply;
        if (reply.ok) resolve(reply.data);
        else reject(new HaError('ECONTROL', `${socketPath}: ${reply.error}`));
      } catch {
        reject(new HaError('ECONTROL', `${socketPath}: unreadable reply`));
      }
    });
  });
}
