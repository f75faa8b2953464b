// Thin I/O: assign a server, (reuse or) open a TCP/unix connection within `timeout connect`, and on failure apply
// `retries` and `option redispatch [n]` exactly as haproxy.md §4.4 (decisions live in retry.ts).
import net from 'node:net';
import type { AssignRequest, ServerControl } from '../types.js';
import type { Backend } from './backend.js';
import { slidingAverage } from './counters.js';
import { retriesExhausted, retryDelayMs, shouldRedispatch } from './retry.js';
import type { Server } from './server.js';

export interface ConnectOptions {
  /** Overrides the backend's `timeout connect` (ms); undefined and unset = no timeout (haproxy warns). */
  readonly connectTimeoutMs?: number;
  /** Idle-connection pool of the data plane (http-reuse): an established socket to `server`, or undefined. */
  readonly reuse?: (server: ServerControl) => net.Socket | undefined;
}

export type ConnectFailure = 'no-server' | 'queue-timeout' | 'queue-full' | 'connect-failed' | 'connect-timeout' | 'aborted';

/** On success the stream holds a slot on `server` until `backend.release(server, stream)`. */
export type ConnectResult =
  | {
      readonly ok: true;
      readonly socket: net.Socket;
      readonly server: Server;
      readonly reused: boolean;
      readonly persisted: boolean;
      readonly queuedMs: number;
      readonly connectMs: number;
      readonly retries: number;
      readonly redispatched: boolean;
    }
  | { readonly ok: false; readonly why: ConnectFailure; readonly server?: Server; readonly queuedMs: number; readonly retries: number; readonly error?: string };

type Attempt = { ok: true; socket: net.Socket } | { ok: false; timedOut: boolean; aborted: boolean; error: string };

/** One connection attempt; destroys the socket on timeout/abort. */
export function openConnection(
  target: { host: string; port: number; path?: string },
  timeoutMs: number | undefined,
  signal?: AbortSignal,
): Promise<Attempt> {
  return new Promise((resolve) => {
    const sock = target.path ? net.connect({ path: target.path }) : net.connect({ host: target.host, port: target.port });
    let timer: NodeJS.Timeout | undefined;
    const finish = (r: Attempt): void => {
      if (timer) clearTimeout(timer);
      sock.removeListener('error', onError);
      sock.removeListener('connect', onConnect);
      signal?.removeEventListener('abort', onAbort);
      if (!r.ok) sock.destroy();
      resolve(r);
    };
    const onConnect = (): void => finish({ ok: true, socket: sock });
    const onError = (err: Error): void => finish({ ok: false, timedOut: false, aborted: false, error: (err as NodeJS.ErrnoException).code ?? err.message });
    const onAbort = (): void => finish({ ok: false, timedOut: false, aborted: true, error: 'aborted' });
    sock.once('connect', onConnect);
    sock.once('error', onError);
    signal?.addEventListener('abort', onAbort, { once: true });
    if (timeoutMs !== undefined && timeoutMs > 0) timer = setTimeout(() => finish({ ok: false, timedOut: true, aborted: false, error: 'ETIMEDOUT' }), timeoutMs);
  });
}

function sleep(ms: number, signal?: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (ms <= 0) return resolve(true);
    const t = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(true);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(t);
      resolve(false);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Backend.connect: assign (persistence, LB, queues) then connect, retrying up to `retries` times (N+1 attempts),
 * redispatching per `option redispatch [n]`. Counts wretr (same-server retries), wredis (moves) and econ.
 */
export async function connectBackend(be: Backend, req: AssignRequest, opts: ConnectOptions = {}): Promise<ConnectResult> {
  const section = be.section;
  const connectTimeoutMs = opts.connectTimeoutMs ?? section.timeouts.connect;
  const first = await be.assign(req);
  if (!first.ok) return { ok: false, why: first.why, queuedMs: first.queuedMs, retries: 0 };
  let server = first.server as Server;
  let persisted = first.persisted;
  let port = first.port;
  let queuedMs = first.queuedMs;
  let retries = 0;
  let redispatched = false;
  be.counters.qtime = slidingAverage(be.counters.qtime, queuedMs);
  for (;;) {
    const pooled = opts.reuse?.(server);
    if (pooled) return { ok: true, socket: pooled, server, reused: true, persisted, queuedMs, connectMs: 0, retries, redispatched };
    const t0 = performance.now();
    const target = { host: server.addr, port, path: server.config.unixPath ? server.addr : undefined };
    const attempt = await openConnection(target, connectTimeoutMs, req.signal);
    const connectMs = performance.now() - t0;
    if (attempt.ok) {
      server.counters.ctime = slidingAverage(server.counters.ctime, connectMs);
      be.counters.ctime = slidingAverage(be.counters.ctime, connectMs);
      return { ok: true, socket: attempt.socket, server, reused: false, persisted, queuedMs, connectMs, retries, redispatched };
    }
    if (attempt.aborted) {
      be.release(server, req.stream);
      return { ok: false, why: 'aborted', server, queuedMs, retries };
    }
    if (retriesExhausted(section.retries, retries + 1)) {
      server.counters.connErrors++;
      be.counters.connErrors++;
      be.release(server, req.stream);
      return { ok: false, why: attempt.timedOut ? 'connect-timeout' : 'connect-failed', server, queuedMs, retries, error: attempt.error };
    }
    retries++;
    const active = be.counts().active;
    const redispatch = shouldRedispatch({
      retries: section.retries, retriesDone: retries, redispatch: section.options.redispatch?.interval, serverOp: server.op,
      persisted, algo: section.balance.kind, activeServers: active,
    });
    const delay = retryDelayMs({ timedOut: attempt.timedOut, reused: false, redispatch, algo: section.balance.kind, activeServers: active, connectTimeoutMs });
    if (!(await sleep(delay, req.signal))) {
      be.release(server, req.stream);
      return { ok: false, why: 'aborted', server, queuedMs, retries };
    }
    if (!redispatch) {
      server.counters.retries++;
      be.counters.retries++;
      continue;
    }
    // Redispatch: give the slot back and load-balance again, avoiding the failed server and ignoring persistence.
    const prev = server;
    be.release(prev, req.stream);
    const next = await be.assign({ ...req, persistServer: undefined, avoid: prev.name });
    queuedMs += next.queuedMs;
    if (!next.ok) return { ok: false, why: next.why, server: prev, queuedMs, retries };
    server = next.server as Server;
    port = next.port;
    persisted = false;
    if (server !== prev) {
      redispatched = true;
      prev.counters.redispatches++;
      be.counters.redispatches++;
    } else {
      prev.counters.retries++;
      be.counters.retries++;
    }
  }
}
