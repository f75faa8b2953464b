// Fast path of the Conn seam: libuv TCP handles (Node's tcp_wrap/stream_wrap bindings, the objects net.Socket is
// built on) driven directly, without the Duplex stream, EventEmitter and per-write objects net.Socket adds. Accepted
// connections come from the listening net.Server's handle, outgoing ones are opened here. The bindings are an
// undocumented-but-allowlisted process.binding() surface (unchanged from Node 12 to 24): everything is feature-tested
// at load and the data plane falls back to net.Socket (net-conn.ts) when anything is missing, under
// --pending-deprecation, or with HAPAIR_SOCKETS=net.
import type net from 'node:net';
import os from 'node:os';
import util from 'node:util';
import type { Attempt, DialTarget } from '../backend/connect.js';
import { NO_EVENTS, type Conn, type ConnEvents } from './conn.js';

/** The TCPWrap methods we call (src/tcp_wrap.cc, src/stream_base.cc). */
interface TcpHandle {
  /** With a user buffer: the bytes are in it; returning a Buffer makes it the next read buffer. */
  onread: (this: TcpHandle) => Buffer | undefined;
  useUserBuffer(buf: Buffer): void;
  readStart(): number;
  readStop(): number;
  writeBuffer(req: WriteReq, buf: Uint8Array): number;
  writev(req: WriteReq, chunks: Buffer[], allBuffers: boolean): number;
  writeLatin1String(req: WriteReq, text: string): number;
  shutdown(req: ShutdownReq): number;
  close(cb?: (this: TcpHandle) => void): void;
  setNoDelay(on: boolean): number;
  getpeername(out: SockAddr): number;
  getsockname(out: SockAddr): number;
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  [OWNER]?: RawConn;
}
interface SockAddr { address?: string; port?: number; family?: string }
interface WriteReq { handle: TcpHandle; oncomplete: (this: WriteReq, status: number) => void; async: boolean; conn: RawConn | undefined; buffer: unknown }
interface ShutdownReq { handle: TcpHandle; oncomplete: (this: ShutdownReq, status: number) => void; conn: RawConn }
interface ConnectReq { oncomplete: (this: ConnectReq, status: number) => void; address: string; port: number; dial: DialCtx }

interface Binding {
  readonly TCP: new (type: number) => TcpHandle;
  readonly TCPConnectWrap: new () => ConnectReq;
  readonly WriteWrap: new () => WriteReq;
  readonly ShutdownWrap: new () => ShutdownReq;
  readonly SOCKET: number;
  readonly state: Int32Array;
  readonly kRead: number;
  readonly kOffset: number;
  readonly kAsync: number;
}

const OWNER = Symbol('hapair.conn');
/** libuv's UV_EOF (the same on every platform); checked against util at load. */
const UV_EOF = -4095;
/** libuv errors are negated errno values on Unix. */
const UV_ENOTCONN = -os.constants.errno.ENOTCONN;

function load(): Binding | undefined {
  if (process.env.HAPAIR_SOCKETS === 'net') return undefined;
  // Under --pending-deprecation process.binding() warns: use the public API instead.
  if (process.execArgv.includes('--pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1') return undefined;
  try {
    const binding = (process as unknown as { binding?: (name: string) => Record<string, unknown> }).binding;
    if (typeof binding !== 'function') return undefined;
    const tcp = binding('tcp_wrap');
    const sw = binding('stream_wrap');
    const TCP = tcp.TCP as Binding['TCP'];
    const constants = tcp.constants as { SOCKET?: number } | undefined;
    const state = sw.streamBaseState;
    const fns = [TCP, tcp.TCPConnectWrap, sw.WriteWrap, sw.ShutdownWrap];
    if (!fns.every((f) => typeof f === 'function') || !(state instanceof Int32Array) || typeof constants?.SOCKET !== 'number') return undefined;
    const keys = [sw.kReadBytesOrError, sw.kArrayBufferOffset, sw.kLastWriteWasAsync];
    if (!keys.every((k) => typeof k === 'number')) return undefined;
    if (util.getSystemErrorName(UV_EOF) !== 'EOF') return undefined;
    const proto = TCP.prototype as unknown as Record<string, unknown>;
    const methods = ['readStart', 'readStop', 'useUserBuffer', 'writeBuffer', 'writev', 'writeLatin1String', 'shutdown', 'close', 'setNoDelay', 'getpeername', 'getsockname', 'connect', 'connect6'];
    if (!methods.every((m) => typeof proto[m] === 'function')) return undefined;
    return {
      TCP, TCPConnectWrap: tcp.TCPConnectWrap as Binding['TCPConnectWrap'], WriteWrap: sw.WriteWrap as Binding['WriteWrap'],
      ShutdownWrap: sw.ShutdownWrap as Binding['ShutdownWrap'], SOCKET: constants.SOCKET, state,
      kRead: sw.kReadBytesOrError as number, kOffset: sw.kArrayBufferOffset as number, kAsync: sw.kLastWriteWasAsync as number,
    };
  } catch {
    return undefined;
  }
}

const B = load();

/** True when the data plane runs on raw TCP handles (false: net.Socket fallback). */
export const rawSockets = B !== undefined;

function errName(err: number): string {
  try {
    return util.getSystemErrorName(err);
  } catch {
    return `E${-err}`;
  }
}

/** A write request object not yet handed to libuv: synchronous writes never attach it, so it is reused. */
let spare: WriteReq | undefined;
function takeReq(h: TcpHandle): WriteReq {
  const r = spare ?? new B!.WriteWrap();
  spare = undefined;
  r.handle = h;
  r.oncomplete = onWriteDone;
  r.async = false;
  return r;
}

/**
 * Read buffers. Every connection reads into one shared 64 KiB buffer and small reads are copied out into pooled
 * slices (no malloc + ArrayBuffer per read as Node's default allocator does). A read of BULK bytes or more moves the
 * connection to its own 64 KiB buffer, handed to the receiver as is; if the receiver forwards it synchronously and
 * says so (Conn.release) the buffer is read into again, else the connection takes a fresh one. Bulk transfers then
 * run without allocations, and without tens of MiB of read buffers waiting for the garbage collector.
 */
const READ_SIZE = 65536;
const BULK = 16384;
const SHARED = Buffer.allocUnsafeSlow(READ_SIZE);

function onRead(this: TcpHandle): Buffer | undefined {
  const c = this[OWNER];
  if (!c || c.destroyed) return undefined;
  const n = B!.state[B!.kRead]!;
  if (n > 0) return c.data(n);
  if (n === 0) return undefined;
  if (n === UV_EOF) c.eof();
  else c.fail(n);
  return undefined;
}

function onWriteDone(this: WriteReq, status: number): void {
  const c = this.conn;
  this.conn = undefined;
  this.buffer = undefined;
  if (c) c.written(status);
}

function onShutdownDone(this: ShutdownReq, status: number): void {
  void status; // like net.Socket: a failed shutdown (peer reset) surfaces through the read side
  this.conn.shutDone();
}

function onClosed(this: TcpHandle): void {
  const c = this[OWNER];
  if (c) c.events.onClose(c.hadError);
}

export class RawConn implements Conn {
  events: ConnEvents = NO_EVENTS;
  destroyed = false;
  paused = true;
  needDrain = false;
  hadError = false;
  private inflight = 0;
  private readEof = false;
  private ending = false;
  private shut = false;
  private peer: SockAddr | undefined;
  private self: SockAddr | undefined;
  /** This connection's own read buffer (after a bulk read), and whether the receiver gave the last one back. */
  private own: Buffer | undefined;
  private released = false;

  constructor(private readonly handle: TcpHandle) {
    handle[OWNER] = this;
    handle.onread = onRead;
    handle.useUserBuffer(SHARED);
  }

  /** @internal `n` bytes arrived in the current read buffer; returns the next read buffer if it changes. */
  data(n: number): Buffer | undefined {
    const own = this.own;
    if (own === undefined) {
      const chunk = Buffer.allocUnsafe(n);
      SHARED.copy(chunk, 0, 0, n);
      if (n >= BULK) this.own = Buffer.allocUnsafeSlow(READ_SIZE);
      this.events.onData(chunk);
      return this.own;
    }
    this.released = false;
    this.events.onData(n === READ_SIZE ? own : own.subarray(0, n));
    if (this.released || this.destroyed) return undefined;
    return (this.own = Buffer.allocUnsafeSlow(READ_SIZE));
  }

  release(chunk: Buffer): void {
    if (this.own !== undefined && chunk.buffer === this.own.buffer) this.released = true;
  }

  get writing(): boolean {
    return this.inflight > 0;
  }

  get remoteAddress(): string {
    return this.peerAddr().address ?? '';
  }
  get remotePort(): number {
    return this.peerAddr().port ?? 0;
  }
  get localAddress(): string {
    return this.sockAddr().address ?? '';
  }
  get localPort(): number {
    return this.sockAddr().port ?? 0;
  }
  private peerAddr(): SockAddr {
    if (!this.peer) {
      this.peer = {};
      if (!this.destroyed) this.handle.getpeername(this.peer);
    }
    return this.peer;
  }
  private sockAddr(): SockAddr {
    if (!this.self) {
      this.self = {};
      if (!this.destroyed) this.handle.getsockname(this.self);
    }
    return this.self;
  }

  setNoDelay(): void {
    this.handle.setNoDelay(true);
  }

  write(chunk: Buffer): boolean {
    if (this.ending || this.destroyed) return true;
    const req = takeReq(this.handle);
    return this.dispatched(req, this.handle.writeBuffer(req, chunk), chunk);
  }

  writev(chunks: Buffer[]): boolean {
    if (this.ending || this.destroyed) return true;
    const req = takeReq(this.handle);
    return this.dispatched(req, this.handle.writev(req, chunks, true), chunks);
  }

  writeLatin1(text: string): boolean {
    if (this.ending || this.destroyed) return true;
    const req = takeReq(this.handle);
    return this.dispatched(req, this.handle.writeLatin1String(req, text), text);
  }

  private dispatched(req: WriteReq, err: number, data: unknown): boolean {
    if (err !== 0) {
      spare = req;
      this.fail(err);
      return false;
    }
    if (B!.state[B!.kAsync] === 0) {
      spare = req;
      return true;
    }
    // Queued in libuv: keep the bytes alive until written, hold the reader back until onDrain.
    req.conn = this;
    req.buffer = data;
    this.inflight++;
    this.needDrain = true;
    return false;
  }

  /** @internal an asynchronous write completed. */
  written(status: number): void {
    if (this.destroyed) return;
    if (status < 0) return this.fail(status);
    if (--this.inflight > 0) return;
    this.needDrain = false;
    this.events.onDrain();
  }

  end(): void {
    if (this.ending || this.destroyed) return;
    this.ending = true;
    // libuv starts the shutdown once the queued writes are done (uv_shutdown).
    const req = new B!.ShutdownWrap();
    req.oncomplete = onShutdownDone;
    req.handle = this.handle;
    req.conn = this;
    const err = this.handle.shutdown(req);
    if (err === 1 || err === UV_ENOTCONN) this.shutDone();
    else if (err !== 0) this.fail(err);
  }

  /** @internal our FIN is out: with the peer's FIN already in, the connection is done. */
  shutDone(): void {
    this.shut = true;
    if (this.readEof && !this.destroyed) this.close();
  }

  /** @internal the peer's FIN. */
  eof(): void {
    this.readEof = true;
    this.events.onEnd();
    if (this.shut && !this.destroyed) this.close();
  }

  /** @internal a read or write error: onError then onClose(true). */
  fail(err: number): void {
    if (this.destroyed) return;
    this.hadError = true;
    this.events.onError(errName(err));
    if (!this.destroyed) this.close();
  }

  destroy(): void {
    if (!this.destroyed) this.close();
  }

  private close(): void {
    this.destroyed = true;
    this.needDrain = false;
    this.handle.close(onClosed);
  }

  pause(): void {
    if (!this.paused && !this.destroyed && !this.readEof) this.handle.readStop();
    this.paused = true;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.destroyed || this.readEof) return;
    const err = this.handle.readStart();
    if (err !== 0) this.fail(err);
  }
}

/** What an in-progress raw connect keeps (one object, no closures). */
interface DialCtx {
  readonly conn: RawConn;
  readonly done: (a: Attempt<Conn>) => void;
  readonly signal: AbortSignal | undefined;
  timer: NodeJS.Timeout | undefined;
  onAbort: (() => void) | undefined;
  settled: boolean;
}

function settle(d: DialCtx, a: Attempt<Conn>): void {
  if (d.settled) return;
  d.settled = true;
  if (d.timer) clearTimeout(d.timer);
  if (d.onAbort) d.signal!.removeEventListener('abort', d.onAbort);
  if (!a.ok) d.conn.destroy();
  d.done(a);
}

function onConnected(this: ConnectReq, status: number): void {
  const d = this.dial;
  if (d.settled) return;
  if (status < 0) return settle(d, { ok: false, timedOut: false, aborted: false, error: errName(status) });
  d.conn.setNoDelay();
  settle(d, { ok: true, socket: d.conn });
}

function onDialTimeout(d: DialCtx): void {
  settle(d, { ok: false, timedOut: true, aborted: false, error: 'ETIMEDOUT' });
}

/** Opens a TCP connection to an IP address on a raw handle; `done` once (possibly synchronously on a local error). */
export function rawDial(target: DialTarget, timeoutMs: number | undefined, signal: AbortSignal | undefined, done: (a: Attempt<Conn>) => void): void {
  const b = B!;
  const handle = new b.TCP(b.SOCKET);
  const d: DialCtx = { conn: new RawConn(handle), done, signal, timer: undefined, onAbort: undefined, settled: false };
  const req = new b.TCPConnectWrap();
  req.oncomplete = onConnected;
  req.address = target.host;
  req.port = target.port;
  req.dial = d;
  // Callers pass IP literals (net-conn.ts dialConn): a colon means IPv6.
  const err = target.host.includes(':') ? handle.connect6(req, target.host, target.port) : handle.connect(req, target.host, target.port);
  if (err !== 0) return settle(d, { ok: false, timedOut: false, aborted: false, error: errName(err) });
  if (timeoutMs !== undefined && timeoutMs > 0) d.timer = setTimeout(onDialTimeout, timeoutMs, d);
  if (signal) {
    d.onAbort = () => settle(d, { ok: false, timedOut: false, aborted: true, error: 'aborted' });
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
