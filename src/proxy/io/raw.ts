// Fast path of the Conn seam: a connection on a libuv TCP handle (raw-binding.ts) driven directly, without the
// Duplex stream, EventEmitter and per-write objects net.Socket adds. Connections are made by raw-dial.ts (outgoing,
// and accepted ones taken from a listening net.Server).
import { NO_EVENTS, type Conn, type ConnEvents } from './conn.js';
import { B, OWNER, UV_EOF, UV_ENOTCONN, errName, type ShutdownReq, type SockAddr, type TcpHandle, type WriteReq } from './raw-binding.js';

export { rawSockets } from './raw-binding.js';

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
 * connection to its own buffer (64 KiB, doubled up to MAX_READ while reads fill it), handed to the receiver as is;
 * if the receiver forwards it synchronously and says so (Conn.release) the buffer is read into again, else the
 * connection takes a fresh one. Bulk transfers then run without allocations, and without tens of MiB of read
 * buffers waiting for the garbage collector. Once the bulk is over (SHRINK_AFTER small reads in a row, e.g. a
 * keep-alive connection back to small requests after a download) the connection returns its own buffer and reads
 * into the shared one again: idle connections do not each pin up to MAX_READ of memory.
 */
const READ_SIZE = 65536;
const BULK = 16384;
/** Own buffers grow while reads keep filling them, up to this (bulk throughput; measured 64 KiB -> 256 KiB: +25-30%). */
const MAX_READ = 262144;
/** Consecutive reads below BULK after which a connection gives its own buffer back (one short read ends every bulk
 *  response; two in a row mean the stream is back to small messages). */
const SHRINK_AFTER = 2;
const SHARED = Buffer.allocUnsafeSlow(READ_SIZE);

/**
 * Own buffers whose receiver forwarded them whole onto a write that libuv queued (Conn.release with `queued`): the
 * write is then their last holder, and they come back here when it completes (onWriteDone) instead of waiting for
 * the garbage collector. Keyed by ArrayBuffer (a write may hold a view of it); weak, so a buffer whose write never
 * reports back is simply collected. Without this every stall of a client slower than its server left one 64-256 KiB
 * buffer for the GC: 16 downloads of 100 MB at 40 MB/s each peaked at 103 MiB RSS, 71 MiB with reuse.
 */
const QUEUED = new WeakMap<ArrayBufferLike, Buffer>();
/** Spare own buffers (sizes READ_SIZE..MAX_READ), reused before allocating; a few are enough for bulk streams. */
const SPARE: Buffer[] = [];
const SPARE_MAX = 8;

function takeOwn(size: number): Buffer {
  for (let i = SPARE.length - 1; i >= 0; i--) {
    const b = SPARE[i]!;
    if (b.length !== size) continue;
    SPARE[i] = SPARE[SPARE.length - 1]!;
    SPARE.pop();
    return b;
  }
  return Buffer.allocUnsafeSlow(size);
}

/** A queued write is done with `data`: an own buffer it held last goes back to SPARE. */
function written(data: unknown): void {
  if (data instanceof Uint8Array) {
    const own = QUEUED.get(data.buffer);
    if (own === undefined) return;
    QUEUED.delete(data.buffer);
    if (SPARE.length < SPARE_MAX) SPARE.push(own);
  } else if (Array.isArray(data)) {
    for (let i = 0; i < data.length; i++) written(data[i]);
  }
}

/** @internal (tests) spare own buffers held for reuse. */
export function spareReadBuffers(): number {
  return SPARE.length;
}

function onRead(this: TcpHandle): Buffer | undefined {
  const c = this[OWNER] as RawConn | undefined;
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
  const data = this.buffer;
  this.conn = undefined;
  this.buffer = undefined;
  written(data);
  if (c) c.written(status);
}

function onShutdownDone(this: ShutdownReq, status: number): void {
  void status; // like net.Socket: a failed shutdown (peer reset) surfaces through the read side
  this.conn.shutDone();
}

function onClosed(this: TcpHandle): void {
  const c = this[OWNER] as RawConn | undefined;
  if (c) c.events.onClose(c.hadError);
}

export class RawConn implements Conn {
  events: ConnEvents = NO_EVENTS;
  destroyed = false;
  paused = true;
  needDrain = false;
  hadError = false;
  /**
   * Closed by destroy() with a RST while set: a connection we opened whose peer has not sent its FIN. haproxy does
   * the same for server connections (FD_LINGER_RISK, set at connect and cleared on read0): closing first with a FIN
   * would leave the TIME_WAIT, and the local port, on the proxy for 60 s; at a few hundred closes per second that
   * exhausts the ports towards one server and makes every connect() search for a free one.
   */
  lingerRisk = false;
  private inflight = 0;
  private readEof = false;
  private ending = false;
  private shut = false;
  private peer: SockAddr | undefined;
  private self: SockAddr | undefined;
  /** This connection's own read buffer (after a bulk read), and whether the receiver gave the last one back. */
  private own: Buffer | undefined;
  private released = false;
  /** Reads below BULK in a row while on an own buffer. */
  private small = 0;

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
      if (n >= BULK) this.own = takeOwn(READ_SIZE);
      this.events.onData(chunk);
      return this.own;
    }
    this.released = false;
    const full = n === own.length;
    this.events.onData(full ? own : own.subarray(0, n));
    if (this.destroyed) return undefined;
    if (n >= BULK) this.small = 0;
    else if (++this.small >= SHRINK_AFTER) {
      // Back to small messages: the shared buffer again (the receiver may keep what it got; GC frees the rest).
      this.small = 0;
      this.own = undefined;
      return SHARED;
    }
    // A read that filled the buffer: the peer sends faster than one buffer per loop turn, take twice as much.
    const size = full && own.length < MAX_READ ? own.length * 2 : own.length;
    if (this.released && size === own.length) return undefined;
    return (this.own = takeOwn(size));
  }

  /** @internal Size of the buffer the next read goes into (tests: bulk growth and shrinking back). */
  get readBufferSize(): number {
    return this.own?.length ?? 0;
  }

  release(chunk: Buffer, queued = false): void {
    const own = this.own;
    if (own === undefined || chunk.buffer !== own.buffer) return;
    if (queued) QUEUED.set(own.buffer, own);
    else this.released = true;
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
    this.lingerRisk = false; // the peer closed first: a normal close leaves no TIME_WAIT here
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
    if (!this.destroyed) this.close(this.lingerRisk);
  }

  reset(): void {
    if (this.destroyed) return;
    this.events = NO_EVENTS; // no event follows a reset (Conn.reset)
    this.close(true);
  }

  /** `abortive`: SO_LINGER 0 (RST), unless a shutdown was started (libuv refuses to mix the two). */
  private close(abortive = false): void {
    this.destroyed = true;
    this.needDrain = false;
    const h = this.handle;
    // Without a receiver no close callback is registered: C++ then does not call into JS at all.
    const cb = this.events === NO_EVENTS ? undefined : onClosed;
    if (abortive && !this.ending && typeof h.reset === 'function' && h.reset(cb) === 0) return;
    h.close(cb);
  }

  pause(): void {
    if (!this.paused && !this.destroyed && !this.readEof) this.handle.readStop();
    this.paused = true;
  }

  /** @internal Reading requested together with the connect: libuv then registers the socket with epoll once
   *  (in and out) instead of twice. Events before the receiver is attached go to NO_EVENTS. */
  readEarly(): void {
    if (this.handle.readStart() === 0) this.paused = false;
  }

  resume(): void {
    if (!this.paused) return;
    this.paused = false;
    if (this.destroyed || this.readEof) return;
    const err = this.handle.readStart();
    if (err !== 0) this.fail(err);
  }
}
