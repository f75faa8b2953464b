// Per-session / per-request log record with haproxy's tcplog/httplog fields (haproxy.md §1.5; configuration.txt
// §8.2.2-8.2.3) and a JSON line + the familiar haproxy text line (`msg`). Emitted only by proxies with a `log`
// target (as haproxy). Stable JSON field names:
//   event            'http-request' (one line per HTTP transaction) | 'tcp-session' (one per TCP connection)
//   client_ip, client_port, accept_date (ISO; HTTP: first byte of the request, haproxy %tr)
//   frontend, backend, server ('<NOSRV>' if none; '<STATS>'/'<PROMEX>' for internal services)
//   Tw queue time, Tc connect time, Tt total; HTTP also Ti idle, TR request head, Tq = Ti+TR, Tr response head,
//     Ta active time (ms, -1 = did not happen)
//   status (HTTP), bytes_read (to the client, %B), bytes_uploaded (from the client, %U)
//   termination_state  2 chars (tcp) / 4 chars (http: + request cookie N/I/D/V and response cookie N/I/U/D/P),
//     1st char: - normal, C/S client/server abort, c/s client/server timeout, P proxy (bad request/response),
//     L served locally, D/K/U killed (server down / admin / backup shutdown); 2nd: R Q C H D L phase
//   actconn, feconn, beconn, srv_conn, retries, redispatched (text line shows +retries), srv_queue, backend_queue
//   request (HTTP request line, '<BADREQ>' when none was parsed)
// `msg` is also what syslog targets (`log 127.0.0.1 local2`, `log /dev/log ...`) receive, in haproxy's syslog
// framing (syslog/sink.ts). Nothing but a WeakMap lookup is added for proxies without such a target.
import type { Logger } from '../core/logger.js';
import type { LogTarget } from './types.js';
import { createSyslogSink, type SyslogSink } from './syslog/sink.js';

/** Timers in ms; -1 = the event did not happen (haproxy prints -1 as well). */
export interface StreamLog {
  mode: 'tcp' | 'http';
  clientIp: string;
  clientPort: number;
  /** Wall-clock ms: accept (tcp) or first byte of the request (http), haproxy %t / %tr. */
  acceptWall: number;
  frontend: string;
  backend: string;
  server: string;
  /** Idle time before the request (keep-alive wait), ms. */
  Ti: number;
  /** Time to receive the full request head. */
  TR: number;
  /** Time waiting in queues. */
  Tw: number;
  /** Time to establish the server connection. */
  Tc: number;
  /** Time for the server to send the response head. */
  Tr: number;
  /** Active time of the request (TR start to last byte sent). */
  Ta: number;
  /** Whole session duration (tcp). */
  Tt: number;
  status: number;
  /** Bytes sent to the client (%B) and received from it (%U). */
  bytesOut: number;
  bytesIn: number;
  /** Termination state: 2 chars (tcp) or 4 chars (http: + cookie flags). */
  term: string;
  actconn: number;
  feconn: number;
  beconn: number;
  srvConn: number;
  retries: number;
  redispatched: boolean;
  srvQueue: number;
  beQueue: number;
  request?: string;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** haproxy's accept date format: 21/Nov/2025:07:06:00.123 (local time). */
export function haproxyDate(ms: number): string {
  const d = new Date(ms);
  const msPart = String(d.getMilliseconds()).padStart(3, '0');
  return `${p2(d.getDate())}/${MONTHS[d.getMonth()]}/${d.getFullYear()}:${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${msPart}`;
}

const t = (v: number): number => (v < 0 ? -1 : Math.round(v));

/** haproxy's url_encode_map for %r: control bytes, DEL and above, `"` and `#` become `#XX` (log.c init_log). */
const NEEDS_ENCODING = /[\x00-\x1f"#\x7f-\uffff]/;
export function encodeRequestLine(r: string): string {
  if (!NEEDS_ENCODING.test(r)) return r;
  let out = '';
  for (let i = 0; i < r.length; i++) {
    const c = r.charCodeAt(i);
    out += c < 0x20 || c >= 0x7f || c === 0x22 || c === 0x23 ? `#${(c & 0xff).toString(16).toUpperCase().padStart(2, '0')}` : r[i];
  }
  return out;
}

/** The haproxy text line: httplog or tcplog layout. */
export function logText(l: StreamLog): string {
  const who = `${l.clientIp}:${l.clientPort} [${haproxyDate(l.acceptWall)}] ${l.frontend} ${l.backend}/${l.server}`;
  const conns = `${l.actconn}/${l.feconn}/${l.beconn}/${l.srvConn}/${l.redispatched ? '+' : ''}${l.retries}`;
  const queues = `${l.srvQueue}/${l.beQueue}`;
  if (l.mode === 'http') {
    const timers = `${t(l.TR)}/${t(l.Tw)}/${t(l.Tc)}/${t(l.Tr)}/${t(l.Ta)}`;
    return `${who} ${timers} ${l.status} ${l.bytesOut} - - ${l.term} ${conns} ${queues} "${l.request === undefined ? '<BADREQ>' : encodeRequestLine(l.request)}"`;
  }
  return `${who} ${t(l.Tw)}/${t(l.Tc)}/${t(l.Tt)} ${l.bytesOut} ${l.term} ${conns} ${queues}`;
}

/** Stable JSON fields, one line per HTTP request (event http-request) or TCP session (event tcp-session). */
export function logFields(l: StreamLog): Record<string, unknown> {
  const base: Record<string, unknown> = {
    event: l.mode === 'http' ? 'http-request' : 'tcp-session',
    client_ip: l.clientIp,
    client_port: l.clientPort,
    accept_date: new Date(l.acceptWall).toISOString(),
    frontend: l.frontend,
    backend: l.backend,
    server: l.server,
    Tw: t(l.Tw),
    Tc: t(l.Tc),
    bytes_read: l.bytesOut,
    bytes_uploaded: l.bytesIn,
    termination_state: l.term,
    actconn: l.actconn,
    feconn: l.feconn,
    beconn: l.beconn,
    srv_conn: l.srvConn,
    retries: l.retries,
    redispatched: l.redispatched,
    srv_queue: l.srvQueue,
    backend_queue: l.beQueue,
  };
  if (l.mode === 'http') {
    base.Ti = t(l.Ti);
    base.TR = t(l.TR);
    // Tq (haproxy 1.x) = idle + request receive time.
    base.Tq = l.TR < 0 ? -1 : t(Math.max(0, l.Ti) + l.TR);
    base.Tr = t(l.Tr);
    base.Ta = t(l.Ta);
    base.Tt = t(l.Ta < 0 ? -1 : Math.max(0, l.Ti) + l.Ta);
    base.status = l.status;
    base.request = l.request ?? '<BADREQ>';
  } else {
    base.Tt = t(l.Tt);
  }
  return base;
}

const sinks = new WeakMap<Logger, SyslogSink>();

/**
 * The traffic logger of a proxy with `log` targets (undefined without any: such a proxy logs nothing, as haproxy):
 * a child of `parent` writing the JSON lines, plus the syslog sink of its UDP / unix datagram targets.
 */
export function trafficLogger(parent: Logger, targets: readonly LogTarget[]): Logger | undefined {
  if (targets.length === 0) return undefined;
  const log = parent.child({ log: 'traffic' });
  const sink = createSyslogSink(targets, parent);
  if (sink) sinks.set(log, sink);
  return log;
}

/** Emits one line for a finished session/request: JSON on stdout, the text line to the syslog targets. */
export function emitLog(logger: Logger, l: StreamLog): void {
  const text = logText(l);
  logger.info(logFields(l), text);
  sinks.get(logger)?.send(text);
}

/** haproxy termination-state first char (who/what ended the session). */
export type TermCause = '-' | 'C' | 'S' | 'P' | 'L' | 'R' | 'I' | 'D' | 'K' | 'U' | 'c' | 's';
/** Second char: session state at that moment. */
export type TermPhase = '-' | 'R' | 'Q' | 'C' | 'H' | 'D' | 'L' | 'T';
