// Thin I/O: assign a server, (reuse or) open a connection within `timeout connect`, and on failure apply `retries`
// and `option redispatch [n]` exactly as haproxy.md §4.4 (decisions live in retry.ts). Callback-driven so the data
// plane's common case (server free, no queue) runs without promises; Backend.connect wraps it in a Promise.
import net from 'node:net';
import type { AssignRequest, AssignResult, ServerControl } from '../types.js';
import type { Backend } from './backend.js';
import { slidingAverage } from './counters.js';
import { retriesExhausted, retryDelayMs, shouldRedispatch } from './retry.js';
import type { Server } from './server.js';

export interface ConnectOptionsOf<C> {
  /** Overrides the backend's `timeout connect` (ms); undefined and unset = no timeout (haproxy warns). */
  readonly connectTimeoutMs?: number;
  /** Idle-connection pool of the data plane (http-reuse): an established connection to `server`, or undefined. */
  readonly reuse?: (server: ServerControl) => C | undefined;
}
export type ConnectOptions = ConnectOptionsOf<net.Socket>;

export type ConnectFailure = 'no-server' | 'queue-timeout' | 'queue-full' | 'connect-failed' | 'connect-timeout' | 'aborted';

/** On success the stream holds a slot on `server` until `backend.release(server, stream)`. */
export type ConnectResultOf<C> =
  | {
      readonly ok: true;
      readonly socket: C;
      readonly server: Server;
      readonly reused: boolean;
      readonly persisted: boolean;
      readonly queuedMs: number;
      readonly connectMs: number;
      readonly retries: number;
      readonly redispatched: boolean;
    }
  | { readonly ok: false; readonly why: ConnectFailure; readonly server?: Server; readonly queuedMs: number; readonly retries: number; readonly error?: string };
export type ConnectResult = ConnectResultOf<net.Socket>;

export type Attempt<C> = { ok: true; socket: C } | { ok: false; timedOut: boolean; aborted: boolean; error: string };

export interface DialTarget {
  readonly host: string;
  readonly port: number;
  /** Unix socket path (server address `unix@/path` or `/path`). */
  readonly path?: string;
}

/** Opens one connection and calls `done` exactly once; on timeout/abort the connection is discarded. */
export type Dialer<C> = (target: DialTarget, timeoutMs: number | undefined, signal: AbortSignal | undefined, done: (a: Attempt<C>) => void) => void;

/** The net.Socket dialer (Backend.connect's public API, tests). */
export const netDialer: Dialer<net.Socket> = (target, timeoutMs, signal, done) => {
  const sock = target.path ? net.connect({ path: target.path }) : net.connect({ host: target.host, port: target.port });
  let timer: NodeJS.Timeout | undefined;
  const finish = (r: Attempt<net.Socket>): void => {
    if (timer) clearTimeout(timer);
    sock.removeListener('error', onError);
    sock.removeListener('connect', onConnect);
    signal?.removeEventListener('abort', onAbort);
    if (!r.ok) sock.destroy();
    done(r);
  };
  const onConnect = (): void => finish({ ok: true, socket: sock });
  const onError = (err: Error): void => finish({ ok: false, timedOut: false, aborted: false, error: (err as NodeJS.ErrnoException).code ?? err.message });
  const onAbort = (): void => finish({ ok: false, timedOut: false, aborted: true, error: 'aborted' });
  sock.once('connect', onConnect);
  sock.once('error', onError);
  signal?.addEventListener('abort', onAbort, { once: true });
  if (timeoutMs !== undefined && timeoutMs > 0) timer = setTimeout(() => finish({ ok: false, timedOut: true, aborted: false, error: 'ETIMEDOUT' }), timeoutMs);
};

/** One net.Socket connection attempt (Promise form). */
export function openConnection(target: DialTarget, timeoutMs: number | undefined, signal?: AbortSignal): Promise<Attempt<net.Socket>> {
  return new Promise((resolve) => netDialer(target, timeoutMs, signal, resolve));
}

/** Where a server is reached: its address and port (or unix socket path). */
export function dialTarget(server: Server, port: number): DialTarget {
  return { host: server.addr, port, path: server.config.unixPath ? server.addr : undefined };
}

/**
 * One Backend.connect run: assign (persistence, LB, queues) then connect, retrying up to `retries` times (N+1
 * attempts), redispatching per `option redispatch [n]`. Counts wretr (same-server retries), wredis (moves), econ.
 */
export class ConnectFlow<C> {
  private be!: Backend;
  private req!: AssignRequest;
  private opts!: ConnectOptionsOf<C>;
  private dial!: Dialer<C>;
  private done!: (r: ConnectResultOf<C>) => void;
  private server!: Server;
  private persisted = false;
  private port = 0;
  private queuedMs = 0;
  private retries = 0;
  private redispatched = false;
  private t0 = 0;
  private timeoutMs: number | undefined;

  /** Runs one connect. A flow may be started again once `done` was called (a session reuses its flow). */
  start(be: Backend, req: AssignRequest, opts: ConnectOptionsOf<C>, dial: Dialer<C>, done: (r: ConnectResultOf<C>) => void): void {
    this.be = be;
    this.req = req;
    this.opts = opts;
    this.dial = dial;
    this.done = done;
    this.persisted = false;
    this.queuedMs = 0;
    this.retries = 0;
    this.redispatched = false;
    this.timeoutMs = opts.connectTimeoutMs ?? be.section.timeouts.connect;
    be.assignCb(req, this.onAssigned);
  }

  private readonly onAssigned = (first: AssignResult): void => {
    if (!first.ok) return this.done({ ok: false, why: first.why, queuedMs: first.queuedMs, retries: 0 });
    this.server = first.server as Server;
    this.persisted = first.persisted;
    this.port = first.port;
    this.queuedMs = first.queuedMs;
    const c = this.be.counters;
    c.qtime = slidingAverage(c.qtime, first.queuedMs);
    this.attempt();
  };

  private attempt(): void {
    const server = this.server;
    const pooled = this.opts.reuse?.(server);
    if (pooled) {
      return this.done({
        ok: true, socket: pooled, server, reused: true, persisted: this.persisted, queuedMs: this.queuedMs, connectMs: 0, retries: this.retries, redispatched: this.redispatched,
      });
    }
    this.t0 = performance.now();
    this.dial(dialTarget(server, this.port), this.timeoutMs, this.req.signal, this.onDialed);
  }

  private readonly onDialed = (attempt: Attempt<C>): void => {
    const connectMs = performance.now() - this.t0;
    const server = this.server;
    const be = this.be;
    if (attempt.ok) {
      server.counters.ctime = slidingAverage(server.counters.ctime, connectMs);
      be.counters.ctime = slidingAverage(be.counters.ctime, connectMs);
      return this.done({
        ok: true, socket: attempt.socket, server, reused: false, persisted: this.persisted, queuedMs: this.queuedMs, connectMs, retries: this.retries, redispatched: this.redispatched,
      });
    }
    if (attempt.aborted) return this.giveUp('aborted');
    const section = be.section;
    if (retriesExhausted(section.retries, this.retries + 1)) {
      server.counters.connErrors++;
      be.counters.connErrors++;
      return this.giveUp(attempt.timedOut ? 'connect-timeout' : 'connect-failed', attempt.error);
    }
    this.retries++;
    const active = be.counts().active;
    const redispatch = shouldRedispatch({
      retries: section.retries, retriesDone: this.retries, redispatch: section.options.redispatch?.interval, serverOp: server.op,
      persisted: this.persisted, algo: section.balance.kind, activeServers: active,
    });
    const delay = retryDelayMs({
      timedOut: attempt.timedOut, reused: false, redispatch, algo: section.balance.kind, activeServers: active, connectTimeoutMs: this.timeoutMs,
    });
    sleep(delay, this.req.signal, (slept) => (slept ? this.retry(redispatch) : this.giveUp('aborted')));
  };

  private giveUp(why: ConnectFailure, error?: string): void {
    this.be.release(this.server, this.req.stream);
    this.done({ ok: false, why, server: this.server, queuedMs: this.queuedMs, retries: this.retries, error });
  }

  private retry(redispatch: boolean): void {
    const server = this.server;
    const be = this.be;
    if (!redispatch) {
      server.counters.retries++;
      be.counters.retries++;
      return this.attempt();
    }
    // Redispatch: give the slot back and load-balance again, avoiding the failed server and ignoring persistence.
    be.release(server, this.req.stream);
    // Field by field: requests may be objects with getters (no spread).
    const r = this.req;
    const again: AssignRequest = {
      clientIp: r.clientIp, clientPort: r.clientPort, dstPort: r.dstPort, method: r.method, uri: r.uri, header: r.header,
      persistServer: undefined, avoid: server.name, stream: r.stream, signal: r.signal,
    };
    be.assignCb(again, (next) => this.reassigned(server, next));
  }

  private reassigned(prev: Server, next: AssignResult): void {
    this.queuedMs += next.queuedMs;
    if (!next.ok) return this.done({ ok: false, why: next.why, server: prev, queuedMs: this.queuedMs, retries: this.retries });
    const server = (this.server = next.server as Server);
    this.port = next.port;
    this.persisted = false;
    if (server !== prev) {
      this.redispatched = true;
      prev.counters.redispatches++;
      this.be.counters.redispatches++;
    } else {
      prev.counters.retries++;
      this.be.counters.retries++;
    }
    this.attempt();
  }
}

function sleep(ms: number, signal: AbortSignal | undefined, then: (slept: boolean) => void): void {
  if (ms <= 0) return then(true);
  const t = setTimeout(() => {
    signal?.removeEventListener('abort', onAbort);
    then(true);
  }, ms);
  const onAbort = (): void => {
    clearTimeout(t);
    then(false);
  };
  signal?.addEventListener('abort', onAbort, { once: true });
}

/** Callback form for the data plane: `done` may run synchronously (reused connection, refused at once). */
export function connectWith<C>(be: Backend, req: AssignRequest, opts: ConnectOptionsOf<C>, dial: Dialer<C>, done: (r: ConnectResultOf<C>) => void): void {
  new ConnectFlow<C>().start(be, req, opts, dial, done);
}

/** Backend.connect: the Promise form over net.Socket. */
export function connectBackend(be: Backend, req: AssignRequest, opts: ConnectOptions = {}): Promise<ConnectResult> {
  return new Promise((resolve) => connectWith(be, req, opts, netDialer, resolve));
}
