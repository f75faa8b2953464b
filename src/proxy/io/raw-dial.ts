// Making raw connections (raw.ts): outgoing connects on a fresh TCP handle, with their timeout in the shared
// timeout queue (no Node timer per connect), and accepted connections taken over from a listening net.Server's
// handle (its onconnection callback), delivered not reading yet like net's pauseOnConnect.
import type net from 'node:net';
import type { Attempt, DialTarget } from '../backend/connect.js';
import type { Conn } from './conn.js';
import { RawConn } from './raw.js';
import { B, errName, type ConnectReq, type TcpHandle } from './raw-binding.js';
import { startTimeout, type Timed } from './timeout-queue.js';

/** One connect in progress (also its entry in the timeout queue). */
class Dial implements Timed {
  /** Finished (Timed): the queue skips it. */
  done = false;
  onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly conn: RawConn,
    private cb: ((a: Attempt<Conn>) => void) | undefined,
    readonly signal: AbortSignal | undefined,
    readonly noDelay: boolean,
  ) {}

  expire(): void {
    this.settle({ ok: false, timedOut: true, aborted: false, error: 'ETIMEDOUT' });
  }

  settle(a: Attempt<Conn>): void {
    const cb = this.cb;
    if (cb === undefined) return;
    this.cb = undefined;
    this.done = true;
    if (this.onAbort) this.signal!.removeEventListener('abort', this.onAbort);
    if (!a.ok) this.conn.destroy();
    cb(a);
  }
}

function onConnected(this: ConnectReq, status: number): void {
  const d = this.dial as Dial;
  if (d.done) return;
  if (status < 0) return d.settle({ ok: false, timedOut: false, aborted: false, error: errName(status) });
  if (d.noDelay) d.conn.setNoDelay();
  d.conn.lingerRisk = true; // ours: closed with a RST unless the server closes first (raw.ts)
  d.settle({ ok: true, socket: d.conn });
}

/**
 * Opens a TCP connection to an IP address on a raw handle; `done` once (synchronously on a local error). `noDelay`:
 * a connection for traffic: TCP_NODELAY once connected, reading from the start (a health check that only connects
 * skips both).
 */
export function rawDial(
  target: DialTarget, timeoutMs: number | undefined, signal: AbortSignal | undefined, done: (a: Attempt<Conn>) => void, noDelay = true,
): void {
  const b = B!;
  const handle = new b.TCP(b.SOCKET);
  const d = new Dial(new RawConn(handle), done, signal, noDelay);
  const req = new b.TCPConnectWrap();
  req.oncomplete = onConnected;
  req.address = target.host;
  req.port = target.port;
  req.dial = d;
  // Callers pass IP literals (net-conn.ts dialConn): a colon means IPv6.
  const err = target.host.includes(':') ? handle.connect6(req, target.host, target.port) : handle.connect(req, target.host, target.port);
  if (err !== 0) return d.settle({ ok: false, timedOut: false, aborted: false, error: errName(err) });
  // Connections that will be read start reading now (one epoll registration); a connect-only check never reads.
  if (noDelay) d.conn.readEarly();
  if (timeoutMs !== undefined && timeoutMs > 0) startTimeout(d, timeoutMs);
  if (signal) {
    d.onAbort = () => d.settle({ ok: false, timedOut: false, aborted: true, error: 'aborted' });
    signal.addEventListener('abort', d.onAbort, { once: true });
  }
}

/**
 * Takes over a listening net.Server's accept callback so new connections arrive as RawConn (not reading yet, like
 * pauseOnConnect). Returns false (the caller keeps the 'connection' event) when raw handles are not in use.
 */
export function hookAccept(server: net.Server, onConn: (c: Conn) => void): boolean {
  const h = (server as unknown as { _handle?: { onconnection?: unknown } })._handle;
  if (!B || !h || typeof h.onconnection !== 'function') return false;
  h.onconnection = (err: number, client: TcpHandle | undefined): void => {
    if (err || !client) {
      server.emit('error', Object.assign(new Error(`accept: ${errName(err)}`), { code: errName(err) }));
      return;
    }
    const c = new RawConn(client);
    c.setNoDelay();
    onConn(c);
  };
  return true;
}
