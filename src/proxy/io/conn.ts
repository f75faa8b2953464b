// The data plane's connection seam (types + tiny helpers): what a session needs from a TCP connection, whichever
// implementation carries it — libuv TCP handles driven directly (raw.ts, the fast path) or net.Socket (net-conn.ts,
// the fallback and unix sockets). Events go to one receiver object (no EventEmitter, no closures per connection).

/** What a connection reports. `onData` gets a Buffer the receiver may keep (unless it calls Conn.release). */
export interface ConnEvents {
  onData(chunk: Buffer): void;
  /** The peer sent FIN; reading has stopped. The connection stays writable (half-close). */
  onEnd(): void;
  /** Every queued write has been handed to the kernel after write() returned false. */
  onDrain(): void;
  /** A read/write error (ECONNRESET, EPIPE ...); onClose(true) follows. */
  onError(code: string): void;
  /** Fully closed: after destroy(), an error, or once both directions have finished. Called once. */
  onClose(hadError: boolean): void;
}

export interface Conn {
  /** The receiver of this connection's events (replaced when a pooled server connection changes hands). */
  events: ConnEvents;
  readonly destroyed: boolean;
  /**
   * destroy() resets (RST) instead of closing with a FIN. Set on connections the proxy opens, cleared once the peer
   * has sent its FIN or is known to be closing (haproxy's FD_LINGER_RISK): the side that closes first keeps the
   * TIME_WAIT, and on a proxy that would hold its local ports towards a server for 60 s per closed connection.
   */
  lingerRisk: boolean;
  /** Not reading (new connections start paused: call resume()). */
  readonly paused: boolean;
  /** A write is still queued in user space: wait for onDrain before writing more. */
  readonly needDrain: boolean;
  /** Bytes written but not yet handed to the kernel (a destroy() now would drop them). */
  readonly writing: boolean;
  readonly remoteAddress: string;
  readonly remotePort: number;
  readonly localAddress: string;
  readonly localPort: number;
  /**
   * The receiver is done with `chunk`, a whole chunk this connection delivered: it forwarded it whole and keeps no
   * reference. Without `queued` the write went out synchronously (see `writing`) and the connection may read into
   * this memory again at once; with `queued` the write was queued, is the chunk's last holder, and the memory may be
   * reused once that write completes. Optional hint.
   */
  release(chunk: Buffer, queued?: boolean): void;
  /** Sends bytes; false = queued (backpressure: wait for onDrain). Writes after end()/destroy() are dropped. */
  write(chunk: Buffer): boolean;
  /** Several buffers in one system call (writev). */
  writev(chunks: Buffer[]): boolean;
  /** Sends a latin1 string (error pages, generated heads). */
  writeLatin1(text: string): boolean;
  /** Half-close: FIN after the queued writes. */
  end(): void;
  /** Closes now; queued writes are dropped. */
  destroy(): void;
  /** Closes now with a RST (SO_LINGER 0: no TIME_WAIT left behind), like haproxy's health checks. No event follows. */
  reset(): void;
  pause(): void;
  resume(): void;
}

/** Receiver used before a connection is claimed and after it is released: ignores everything. */
export const NO_EVENTS: ConnEvents = {
  onData() {},
  onEnd() {},
  onDrain() {},
  onError() {},
  onClose() {},
};
