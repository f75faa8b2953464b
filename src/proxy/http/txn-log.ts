// Per-transaction timing/byte/termination bookkeeping of an HTTP session, turned into a StreamLog and counters.
import type { TrafficCounters } from '../types.js';
import type { StreamLog, TermCause, TermPhase } from '../log.js';
import { slidingAverage } from '../backend/counters.js';

/** Mutable per-transaction facts; reset at each request. Times are performance.now() ms (-1 = not reached). */
export class TxnFacts {
  idleStart = 0;
  reqStart = -1;
  headDone = -1;
  connectStart = -1;
  connected = -1;
  respHead = -1;
  end = -1;
  queuedMs = -1;
  connectMs = -1;
  status = -1;
  bytesIn = 0;
  bytesOut = 0;
  srvBytesIn = 0;
  srvBytesOut = 0;
  retries = 0;
  redispatched = false;
  cause: TermCause = '-';
  phase: TermPhase = '-';
  cookieReq = '-';
  cookieResp = '-';
  request: string | undefined;
  backend = '';
  server = '<NOSRV>';

  reset(now: number): void {
    this.reqStart = now;
    this.headDone = this.connectStart = this.connected = this.respHead = this.end = -1;
    this.queuedMs = this.connectMs = -1;
    this.status = -1;
    this.bytesIn = this.bytesOut = this.srvBytesIn = this.srvBytesOut = 0;
    this.retries = 0;
    this.redispatched = false;
    this.cause = '-';
    this.phase = '-';
    this.cookieReq = this.cookieResp = '-';
    this.request = undefined; // filled at log time from the parsed head
    this.backend = '';
    this.server = '<NOSRV>';
  }

  /** Sets the termination state once (the first cause wins). */
  term(cause: TermCause, phase: TermPhase): void {
    if (this.cause !== '-' || this.phase !== '-') return;
    this.cause = cause;
    this.phase = phase;
  }
}

/** Wall-clock time of a monotonic instant, computed only when a log line needs it (no Date.now() per request). */
export function wallAt(mono: number): number {
  return Date.now() - (performance.now() - mono);
}

export interface LogContext {
  readonly frontend: string;
  readonly clientIp: string;
  readonly clientPort: number;
  readonly actconn: number;
  readonly feconn: number;
  readonly beconn: number;
  readonly srvConn: number;
  readonly srvQueue: number;
  readonly beQueue: number;
}

export function toStreamLog(f: TxnFacts, c: LogContext): StreamLog {
  const start = f.reqStart;
  const end = f.end >= 0 ? f.end : performance.now();
  const TR = f.headDone >= 0 ? f.headDone - start : -1;
  const Tr = f.respHead >= 0 && f.connected >= 0 ? f.respHead - f.connected : -1;
  return {
    mode: 'http',
    clientIp: c.clientIp,
    clientPort: c.clientPort,
    acceptWall: wallAt(start),
    frontend: c.frontend,
    backend: f.backend || c.frontend,
    server: f.server,
    Ti: Math.max(0, start - f.idleStart),
    TR,
    Tw: f.queuedMs,
    Tc: f.connectMs,
    Tr,
    Ta: end - start,
    Tt: end - start,
    status: f.status,
    bytesOut: f.bytesOut,
    bytesIn: f.bytesIn,
    term: `${f.cause}${f.phase}${f.cookieReq}${f.cookieResp}`,
    actconn: c.actconn,
    feconn: c.feconn,
    beconn: c.beconn,
    srvConn: c.srvConn,
    retries: f.retries,
    redispatched: f.redispatched,
    srvQueue: c.srvQueue,
    beQueue: c.beQueue,
    request: f.request,
  };
}

const HRSP = ['other', '1xx', '2xx', '3xx', '4xx', '5xx'] as const;

/** Counts a response status in haproxy's hrsp_* buckets. */
export function countStatus(c: TrafficCounters, status: number): void {
  const k = status >= 100 && status < 600 ? HRSP[Math.floor(status / 100)]! : 'other';
  c.hrsp[k]++;
}

/** Adds the transaction's figures to a backend/server's counters (bytes, status, response/total time averages). */
export function countTxn(c: TrafficCounters, f: TxnFacts): void {
  c.bytesIn += f.srvBytesIn;
  c.bytesOut += f.srvBytesOut;
  c.reqTotal++;
  if (f.status > 0) countStatus(c, f.status);
  if (f.respHead >= 0 && f.connected >= 0) c.rtime = slidingAverage(c.rtime, f.respHead - f.connected);
  if (f.end >= 0) c.ttime = slidingAverage(c.ttime, f.end - f.reqStart);
  if (f.cause === 'C') c.cliAborts++;
  else if (f.cause === 'S') c.srvAborts++;
}
