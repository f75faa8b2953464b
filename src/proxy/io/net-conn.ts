// Fallback of the Conn seam over net.Socket (unix-socket servers, host names, Node builds without the raw TCP
// bindings, HAPAIR_SOCKETS=net), plus the data plane's dialer and accept hook choosing raw handles when available.
import type net from 'node:net';
import { netDialer, type Attempt, type DialTarget } from '../backend/connect.js';
import { NO_EVENTS, type Conn, type ConnEvents } from './conn.js';
import { rawSockets } from './raw.js';
import { hookAccept, rawDial } from './raw-dial.js';
import { isIP } from 'node:net';

export class NetConn implements Conn {
  events: ConnEvents = NO_EVENTS;
  /** A TCP connection we opened: destroy() before the peer's FIN resets it (no TIME_WAIT here; see RawConn). */
  lingerRisk = false;

  /** Takes over `sock` paused: the owner calls resume() once its receiver is in place. */
  constructor(readonly sock: net.Socket) {
    // Half-close stays under the session's control (a peer FIN must not end our side implicitly).
    sock.allowHalfOpen = true;
    sock.pause();
    sock.on('data', (c: Buffer) => this.events.onData(c));
    sock.on('end', () => {
      this.lingerRisk = false;
      this.events.onEnd();
    });
    sock.on('drain', () => this.events.onDrain());
    sock.on('error', (err: NodeJS.ErrnoException) => this.events.onError(err.code ?? err.message));
    sock.on('close', (hadError: boolean) => this.events.onClose(hadError));
  }

  get destroyed(): boolean {
    return this.sock.destroyed;
  }
  get paused(): boolean {
    return this.sock.isPaused();
  }
  get needDrain(): boolean {
    return this.sock.writableNeedDrain;
  }
  get writing(): boolean {
    return this.sock.writableLength > 0;
  }
  get remoteAddress(): string {
    return this.sock.remoteAddress ?? '';
  }
  get remotePort(): number {
    return this.sock.remotePort ?? 0;
  }
  get localAddress(): string {
    return this.sock.localAddress ?? '';
  }
  get localPort(): number {
    return this.sock.localPort ?? 0;
  }

  private get closedForWrites(): boolean {
    return this.sock.writableEnded || this.sock.destroyed;
  }

  write(chunk: Buffer): boolean {
    return this.closedForWrites || this.sock.write(chunk);
  }

  release(): void {
    // net.Socket allocates a buffer per read: nothing to reuse.
  }

  writev(chunks: Buffer[]): boolean {
    if (this.closedForWrites) return true;
    const s = this.sock;
    s.cork();
    let ok = true;
    for (const c of chunks) ok = s.write(c);
    s.uncork();
    return ok;
  }

  writeLatin1(text: string): boolean {
    return this.closedForWrites || this.sock.write(text, 'latin1');
  }

  end(): void {
    this.sock.end();
  }
  destroy(): void {
    if (this.lingerRisk && !this.sock.writableEnded) this.reset();
    else this.sock.destroy();
  }
  reset(): void {
    if (this.sock.readyState === 'open' && typeof this.sock.resetAndDestroy === 'function') this.sock.resetAndDestroy();
    else this.sock.destroy();
  }
  pause(): void {
    this.sock.pause();
  }
  resume(): void {
    this.sock.resume();
  }
}

/** net.isIP runs regular expressions: remember the answer for the few addresses a proxy connects to. */
const ipCache = new Map<string, boolean>();
function isAddress(host: string): boolean {
  let ip = ipCache.get(host);
  if (ip === undefined) {
    ip = isIP(host) !== 0;
    if (ipCache.size >= 4096) ipCache.clear();
    ipCache.set(host, ip);
  }
  return ip;
}

/** The data plane's dialer: raw TCP handles for IP addresses, net.Socket for unix paths and host names. `noDelay`
 *  sets TCP_NODELAY once connected (a connect-only health check skips it). */
export function dialConn(
  target: DialTarget, timeoutMs: number | undefined, signal: AbortSignal | undefined, done: (a: Attempt<Conn>) => void, noDelay = true,
): void {
  if (rawSockets && !target.path && isAddress(target.host)) return rawDial(target, timeoutMs, signal, done, noDelay);
  netDialer(target, timeoutMs, signal, (a) => {
    if (!a.ok) return done(a);
    if (noDelay) a.socket.setNoDelay(true);
    const c = new NetConn(a.socket);
    c.lingerRisk = !target.path; // TCP only: a unix socket has no TIME_WAIT
    done({ ok: true, socket: c });
  });
}

/** Delivers a listening server's new connections as Conns (raw handles when available). Call once listening. */
export function acceptConns(server: net.Server, onConn: (c: Conn) => void): void {
  if (hookAccept(server, onConn)) return;
  server.on('connection', (sock: net.Socket) => {
    sock.setNoDelay(true);
    onConn(new NetConn(sock));
  });
}
