// The libuv TCP handle bindings the fast data plane drives (Node's tcp_wrap/stream_wrap, the objects net.Socket is
// built on): their typed shape, and a loader that feature-tests everything once. process.binding() exposes them on
// an allow-list kept from Node 12 to 24; when anything is missing, under --pending-deprecation, or with
// HAPAIR_SOCKETS=net, `B` is undefined and the data plane uses net.Socket (net-conn.ts).
import os from 'node:os';
import util from 'node:util';

/** The TCPWrap methods we call (src/tcp_wrap.cc, src/stream_base.cc). */
export interface TcpHandle {
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
  /** uv_tcp_close_reset (Node >= 16.17); 0 = closing. */
  reset?(cb?: (this: TcpHandle) => void): number;
  setNoDelay(on: boolean): number;
  getpeername(out: SockAddr): number;
  getsockname(out: SockAddr): number;
  connect(req: ConnectReq, address: string, port: number): number;
  connect6(req: ConnectReq, address: string, port: number): number;
  [OWNER]?: unknown;
}
export interface SockAddr { address?: string; port?: number; family?: string }
export interface WriteReq { handle: TcpHandle; oncomplete: (this: WriteReq, status: number) => void; async: boolean; conn: { written(status: number): void } | undefined; buffer: unknown }
export interface ShutdownReq { handle: TcpHandle; oncomplete: (this: ShutdownReq, status: number) => void; conn: { shutDone(): void } }
export interface ConnectReq { oncomplete: (this: ConnectReq, status: number) => void; address: string; port: number; dial: unknown }

export interface Binding {
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

/** Where a handle keeps its connection object. */
export const OWNER = Symbol('hapair.conn');
/** libuv's UV_EOF (the same on every platform); checked against util at load. */
export const UV_EOF = -4095;
/** libuv errors are negated errno values on Unix. */
export const UV_ENOTCONN = -os.constants.errno.ENOTCONN;

function pendingDeprecation(): boolean {
  const opts = (process.env.NODE_OPTIONS ?? '').split(/\s+/);
  return [...process.execArgv, ...opts].includes('--pending-deprecation') || process.env.NODE_PENDING_DEPRECATION === '1';
}

function load(): Binding | undefined {
  if (process.env.HAPAIR_SOCKETS === 'net') return undefined;
  // Under --pending-deprecation process.binding() prints DEP0111 (Node 20 to 24): use the public API instead. The
  // flag may come on the command line, in NODE_OPTIONS, or as NODE_PENDING_DEPRECATION=1.
  if (pendingDeprecation()) return undefined;
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

export const B = load();

/** True when the data plane runs on raw TCP handles (false: net.Socket fallback). */
export const rawSockets = B !== undefined;

export function errName(err: number): string {
  try {
    return util.getSystemErrorName(err);
  } catch {
    return `E${-err}`;
  }
}
