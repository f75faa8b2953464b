// nbthread support, data side: IPC message types, how limits are split between worker processes, worker
// counter reports and their aggregation, and the server-state snapshot the control process fans out (pure-ish).
//
// Semantics: global, frontend, bind and server maxconn/minconn, backend fullconn and server
// maxqueue are divided evenly (rounded up) between N workers, so totals stay within N-1 of the configured value.
// Queues, retries and load-balancing positions are per worker; hash-based balancing and cookies give the same
// server in every worker. Counters shown by the stats page / API are the sums of the workers' counters.
import type { ProxyConfig, ProxySection, ServerConfig, TrafficCounters, ServiceResponse } from './types.js';
import { effectiveGlobalMaxconn } from './config/maxconn.js';

export type ToWorker =
  | { readonly t: 'state'; readonly servers: readonly ServerSnapshot[] }
  | { readonly t: 'reload' }
  | { readonly t: 'stop'; readonly soft: boolean }
  | { readonly t: 'service-reply'; readonly id: number; readonly status: number; readonly headers: readonly (readonly [string, string])[]; readonly body: string };

export type FromWorker =
  | { readonly t: 'ready'; readonly frontends: readonly { frontend: string; addresses: { host: string; port: number }[] }[] }
  | { readonly t: 'start-failed'; readonly error: string }
  | { readonly t: 'counters'; readonly report: CountersReport }
  | { readonly t: 'reloaded'; readonly ok: boolean; readonly error?: string }
  | { readonly t: 'service'; readonly id: number; readonly kind: 'stats' | 'metrics'; readonly section: string; readonly req: SerializedRequest };

export interface SerializedRequest {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: string; // base64
  readonly clientIp: string;
}

/** Headers forwarded with a stats/metrics request to the control process. */
export const SERVICE_HEADERS = ['authorization', 'content-type', 'content-length', 'host', 'accept', 'accept-encoding', 'user-agent', 'cookie', 'referer'];

const share = (v: number | undefined, n: number): number | undefined => (v === undefined || v <= 0 ? v : Math.max(1, Math.ceil(v / n)));

function shareServer(s: ServerConfig, n: number): ServerConfig {
  return { ...s, maxconn: share(s.maxconn, n) ?? 0, minconn: share(s.minconn, n) ?? 0, maxqueue: share(s.maxqueue, n) ?? 0 };
}

function shareSection(p: ProxySection, n: number): ProxySection {
  return {
    ...p,
    maxconn: share(p.maxconn, n),
    fullconn: share(p.fullconn, n),
    binds: p.binds.map((b) => ({ ...b, maxconn: share(b.maxconn, n) })),
    servers: p.servers.map((s) => shareServer(s, n)),
  };
}

/** The config a worker runs: every limit divided by the number of workers (rounded up). */
export function shareConfig(config: ProxyConfig, n: number): ProxyConfig {
  if (n <= 1) return config;
  // An unset global maxconn is derived once for the whole process group, then shared.
  const maxconn = share(effectiveGlobalMaxconn(config), n);
  return { ...config, global: { ...config.global, maxconn }, proxies: config.proxies.map((p) => shareSection(p, n)) };
}

/** Per-worker share of a runtime maxconn set through the API (0 = unlimited stays 0). */
export function shareMaxconn(v: number, n: number): number {
  return share(v, n) ?? 0;
}

// ---- counters -------------------------------------------------------------------------------------

type NumKey = Exclude<{ [K in keyof TrafficCounters]-?: TrafficCounters[K] extends number ? K : never }[keyof TrafficCounters], undefined | 'lastSessMs'>;
const SUM_KEYS: readonly NumKey[] = [
  'cur', 'max', 'total', 'lbtot', 'bytesIn', 'bytesOut', 'connErrors', 'respErrors', 'reqErrors', 'deniedReq', 'retries',
  'redispatches', 'cliAborts', 'srvAborts', 'queueCur', 'queueMax', 'reqTotal', 'connRateMax',
];
const AVG_KEYS: readonly NumKey[] = ['qtime', 'ctime', 'rtime', 'ttime'];

export interface CountersReport {
  readonly frontends: Record<string, TrafficCounters>;
  readonly backends: Record<string, { counters: TrafficCounters; servers: Record<string, TrafficCounters> }>;
  readonly actconn: number;
  readonly cumConns: number;
  readonly cumReq: number;
}

/** Sums the workers' counters into `into` (overwritten): sums, averages of the moving averages, latest session. */
export function mergeCounters(into: TrafficCounters, parts: readonly TrafficCounters[]): void {
  if (parts.length === 0) return;
  for (const k of SUM_KEYS) into[k] = parts.reduce((a, p) => a + (p[k] ?? 0), 0);
  for (const k of AVG_KEYS) into[k] = parts.reduce((a, p) => a + (p[k] ?? 0), 0) / parts.length;
  for (const h of Object.keys(into.hrsp) as (keyof TrafficCounters['hrsp'])[]) into.hrsp[h] = parts.reduce((a, p) => a + (p.hrsp?.[h] ?? 0), 0);
  const last = Math.max(...parts.map((p) => p.lastSessMs ?? 0));
  if (last > 0) into.lastSessMs = last;
}

// ---- server state -----------------------------------------------------------------------------------

export interface ServerSnapshot {
  readonly backend: string;
  readonly server: string;
  readonly op: 'down' | 'starting' | 'up' | 'stopping';
  readonly forcedMaint: boolean;
  readonly forcedDrain: boolean;
  readonly uweight: number;
  readonly maxconn: number;
  readonly addr: string;
  readonly port?: number;
}

/** What a worker's server needs to follow the control process. */
export interface SyncServer {
  readonly op: ServerSnapshot['op'];
  readonly admin: { readonly forcedMaint: boolean; readonly forcedDrain: boolean };
  readonly uweight: number;
  readonly maxconn: number;
  readonly addr: string;
  readonly port?: number;
  setAdmin(state: 'ready' | 'drain' | 'maint', cause: { source: 'cli'; reason: string }): void;
  setOperational(next: 'up' | 'down' | 'stopping', cause: { source: 'cli'; reason: string }): void;
  setWeight(w: number, cause: { source: 'cli'; reason: string }): void;
  setMaxconn(n: number): void;
  setAddr(addr: string, port: number | undefined, cause: { source: 'cli'; reason: string }): string;
}

const CAUSE = { source: 'cli' as const, reason: 'state from the control process' };

/** Brings a worker's server to the control process's state; only differing fields are touched. */
export function applySnapshot(s: SyncServer, t: ServerSnapshot, workers: number): void {
  if (t.forcedMaint !== s.admin.forcedMaint || t.forcedDrain !== s.admin.forcedDrain) {
    if (s.admin.forcedMaint || s.admin.forcedDrain) s.setAdmin('ready', CAUSE);
    if (t.forcedDrain) s.setAdmin('drain', CAUSE);
    if (t.forcedMaint) s.setAdmin('maint', CAUSE);
  }
  if (!t.forcedMaint) {
    const wantUp = t.op === 'up' || t.op === 'starting';
    if (t.op === 'down' && s.op !== 'down') s.setOperational('down', CAUSE);
    else if (t.op === 'stopping' && s.op !== 'stopping') s.setOperational('stopping', CAUSE);
    else if (wantUp && (s.op === 'down' || s.op === 'stopping')) s.setOperational('up', CAUSE);
  }
  if (t.uweight !== s.uweight) s.setWeight(t.uweight, CAUSE);
  const mc = shareMaxconn(t.maxconn, workers);
  if (mc !== s.maxconn) s.setMaxconn(mc);
  if (t.addr !== s.addr || t.port !== s.port) s.setAddr(t.addr, t.port, CAUSE);
}

/** Serialises a ServiceResponse for IPC. */
export function serializeResponse(id: number, r: ServiceResponse): ToWorker {
  const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
  return { t: 'service-reply', id, status: r.status, headers: r.headers.map(([k, v]) => [k, v] as const), body: body.toString('base64') };
}
