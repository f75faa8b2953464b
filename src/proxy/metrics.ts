// Prometheus endpoint (prom-client): series named like haproxy's built-in exporter (haproxy_process_*,
// haproxy_frontend_*, haproxy_backend_*, haproxy_server_*; status as one 0/1 series per `state` label),
// rebuilt from the runtime view on every scrape so nothing can drift from the stats page. One hapair-only series,
// hapair_server_transitions_total{to}, counts every server transition (haproxy counts only UP->DOWN).
import { Registry, Gauge, Counter } from 'prom-client';
import type { BackendView, FrontendView, ProxyRuntimeView, ServerControl, ServiceRequest, ServiceResponse, TrafficCounters } from './types.js';
import { CHECK_STATUS } from './check/status.js';
import { backendStatus, usable } from './stats/columns.js';

type Labels = Record<string, string>;
interface Def<T> {
  readonly name: string;
  readonly help: string;
  readonly type: 'gauge' | 'counter';
  readonly value: (x: T) => number | undefined;
}

const g = <T>(name: string, help: string, value: (x: T) => number | undefined): Def<T> => ({ name, help, type: 'gauge', value });
const c = <T>(name: string, help: string, value: (x: T) => number | undefined): Def<T> => ({ name, help, type: 'counter', value });

/** The traffic series every proxy object shares, from its counters. */
function trafficDefs<T>(prefix: string, counters: (x: T) => Readonly<TrafficCounters>): Def<T>[] {
  return [
    g(`${prefix}_max_sessions`, 'Maximum number of active sessions.', (x) => counters(x).max),
    c(`${prefix}_sessions_total`, 'Total number of sessions.', (x) => counters(x).total),
    c(`${prefix}_bytes_in_total`, 'Current total of incoming bytes.', (x) => counters(x).bytesIn),
    c(`${prefix}_bytes_out_total`, 'Current total of outgoing bytes.', (x) => counters(x).bytesOut),
  ];
}

function backendishDefs<T>(prefix: string, counters: (x: T) => Readonly<TrafficCounters>): Def<T>[] {
  return [
    g(`${prefix}_max_queue`, 'Maximum observed number of queued requests.', (x) => counters(x).queueMax),
    c(`${prefix}_connection_errors_total`, 'Total number of connection errors.', (x) => counters(x).connErrors),
    c(`${prefix}_response_errors_total`, 'Total number of response errors.', (x) => counters(x).respErrors),
    c(`${prefix}_retry_warnings_total`, 'Total number of retry warnings.', (x) => counters(x).retries),
    c(`${prefix}_redispatch_warnings_total`, 'Total number of redispatch warnings.', (x) => counters(x).redispatches),
    c(`${prefix}_loadbalanced_total`, 'Total number of times it was selected by load balancing.', (x) => counters(x).lbtot),
    c(`${prefix}_client_aborts_total`, 'Total number of data transfers aborted by the client.', (x) => counters(x).cliAborts),
    c(`${prefix}_server_aborts_total`, 'Total number of data transfers aborted by the server.', (x) => counters(x).srvAborts),
    g(`${prefix}_queue_time_average_seconds`, 'Avg. queue time for last 1024 successful connections.', (x) => counters(x).qtime / 1000),
    g(`${prefix}_connect_time_average_seconds`, 'Avg. connect time for last 1024 successful connections.', (x) => counters(x).ctime / 1000),
    g(`${prefix}_response_time_average_seconds`, 'Avg. response time for last 1024 successful connections.', (x) => counters(x).rtime / 1000),
    g(`${prefix}_total_time_average_seconds`, 'Avg. total time for last 1024 successful connections.', (x) => counters(x).ttime / 1000),
  ];
}

const FRONTEND: Def<FrontendView>[] = [
  g('haproxy_frontend_current_sessions', 'Number of current sessions.', (f) => f.counters.cur),
  g('haproxy_frontend_limit_sessions', 'Configured session limit.', (f) => f.maxconn),
  ...trafficDefs<FrontendView>('haproxy_frontend', (f) => f.counters),
  c('haproxy_frontend_requests_denied_total', 'Total number of denied requests.', (f) => f.counters.deniedReq),
  c('haproxy_frontend_request_errors_total', 'Total number of request errors.', (f) => f.counters.reqErrors),
  c('haproxy_frontend_http_requests_total', 'Total number of HTTP requests received.', (f) => (f.section.mode === 'http' ? f.counters.reqTotal : undefined)),
  c('haproxy_frontend_connections_total', 'Total number of connections.', (f) => f.counters.total),
];

const BACKEND: Def<BackendView>[] = [
  g('haproxy_backend_current_queue', 'Current number of queued requests.', (b) => b.queueLength),
  g('haproxy_backend_current_sessions', 'Number of current sessions.', (b) => b.beconn),
  g('haproxy_backend_limit_sessions', 'Configured session limit.', (b) => b.fullconn),
  ...trafficDefs<BackendView>('haproxy_backend', (b) => b.counters),
  ...backendishDefs<BackendView>('haproxy_backend', (b) => b.counters),
  g('haproxy_backend_weight', 'Service weight.', (b) => { const u = usable(b); return u.act ? u.wact : u.wbck; }),
  g('haproxy_backend_active_servers', 'Current number of active servers.', (b) => usable(b).act),
  g('haproxy_backend_backup_servers', 'Current number of backup servers.', (b) => usable(b).bck),
  c('haproxy_backend_check_up_down_total', 'Total number of UP->DOWN transitions of its servers.', (b) => b.servers.reduce((n, s) => n + s.downTransitions, 0)),
  g('haproxy_backend_check_last_change_seconds', 'How long ago the last change happened.', (b) => Math.max(0, (Date.now() - b.lastChangeMs) / 1000)),
  c('haproxy_backend_http_requests_total', 'Total number of HTTP requests received.', (b) => (b.section.mode === 'http' ? b.counters.reqTotal : undefined)),
  g('haproxy_backend_uweight', 'Server\'s user weight, or sum of active servers\' user weights for a backend.', (b) => b.servers.reduce((n, s) => n + (s.config.backup ? 0 : s.uweight), 0)),
];

const SERVER: Def<ServerControl>[] = [
  g('haproxy_server_current_queue', 'Current number of queued requests.', (s) => s.counters.queueCur),
  g('haproxy_server_current_sessions', 'Number of current sessions.', (s) => s.counters.cur),
  g('haproxy_server_limit_sessions', 'Configured session limit.', (s) => (s.maxconn > 0 ? s.maxconn : undefined)),
  ...trafficDefs<ServerControl>('haproxy_server', (s) => s.counters),
  ...backendishDefs<ServerControl>('haproxy_server', (s) => s.counters),
  g('haproxy_server_weight', 'Service weight.', (s) => s.eweight),
  g('haproxy_server_uweight', 'Server\'s user weight.', (s) => s.uweight),
  c('haproxy_server_check_failures_total', 'Total number of failed checks.', (s) => (s.check ? s.failedChecks : undefined)),
  c('haproxy_server_check_up_down_total', 'Total number of UP->DOWN transitions.', (s) => s.downTransitions),
  c('haproxy_server_downtime_seconds_total', 'Total downtime (in seconds) for the service.', (s) => s.downtimeMs / 1000),
  g('haproxy_server_check_last_change_seconds', 'How long ago the last server state change happened.', (s) => Math.max(0, (Date.now() - s.lastChangeMs) / 1000)),
  g('haproxy_server_queue_limit', 'Configured maxqueue for the server (0 meaning no limit).', (s) => s.config.maxqueue),
  g('haproxy_server_check_code', 'layer5-7 code, if available of the last health check.', (s) => s.check?.code ?? (s.check ? 0 : undefined)),
  g('haproxy_server_check_duration_seconds', 'Total duration of the latest server health check, in seconds.', (s) => (s.check?.durationMs !== undefined ? s.check.durationMs / 1000 : undefined)),
];

/** haproxy_server_status states (promex): exactly one is 1. */
function serverState(s: ServerControl): string {
  if (s.admin.forcedMaint || s.admin.configMaint) return 'MAINT';
  if (s.op === 'down') return 'DOWN';
  if (s.admin.forcedDrain) return 'DRAIN';
  if (s.op === 'stopping') return 'NOLB';
  return 'UP';
}

class Builder {
  readonly registry = new Registry();
  private readonly metrics = new Map<string, Gauge<string> | Counter<string>>();
  put(name: string, help: string, type: 'gauge' | 'counter', labels: Labels, value: number | undefined): void {
    if (value === undefined || !Number.isFinite(value)) return;
    let m = this.metrics.get(name);
    if (!m) {
      const opts = { name, help, labelNames: Object.keys(labels), registers: [this.registry] };
      m = type === 'gauge' ? new Gauge(opts) : new Counter(opts);
      this.metrics.set(name, m);
    }
    if (m instanceof Gauge) m.set(labels, value);
    else m.inc(labels, value);
  }
  all<T>(defs: readonly Def<T>[], x: T, labels: Labels): void {
    for (const d of defs) this.put(d.name, d.help, d.type, labels, d.value(x));
  }
}

/** Registry with every series of the current runtime state. */
export function buildRegistry(rt: ProxyRuntimeView): Registry {
  const b = new Builder();
  const i = rt.info();
  b.put('haproxy_process_nbthread', 'Number of started threads (global.nbthread).', 'gauge', {}, i.nbthread);
  b.put('haproxy_process_nbproc', 'Number of started worker processes (historical, always 1).', 'gauge', {}, 1);
  b.put('haproxy_process_relative_process_id', 'Relative worker process number (1).', 'gauge', {}, 1);
  b.put('haproxy_process_uptime_seconds', 'How long ago this worker process was started (seconds).', 'gauge', {}, i.uptimeSec);
  b.put('haproxy_process_start_time_seconds', 'Start time in seconds.', 'gauge', {}, Math.floor(i.startedAt / 1000));
  b.put('haproxy_process_max_connections', 'Maximum number of concurrent connections (global.maxconn).', 'gauge', {}, i.maxconn);
  b.put('haproxy_process_current_connections', 'Current number of connections on this worker process.', 'gauge', {}, i.currConns);
  b.put('haproxy_process_connections_total', 'Total number of connections on this worker process.', 'counter', {}, i.cumConns);
  b.put('haproxy_process_requests_total', 'Total number of requests on this worker process.', 'counter', {}, i.cumReq);
  b.put('haproxy_process_build_info', 'Build info.', 'gauge', { version: i.version }, 1);
  const seenBackends = new Set<string>();
  for (const p of rt.proxiesInOrder()) {
    const proxy = { proxy: p.name };
    if (p.frontend) {
      b.all(FRONTEND, p.frontend, proxy);
      for (const st of ['DOWN', 'UP']) b.put('haproxy_frontend_status', 'Current status of the service.', 'gauge', { ...proxy, state: st }, (p.frontend.status === 'STOP' ? 'DOWN' : 'UP') === st ? 1 : 0);
      if (p.frontend.section.mode === 'http') httpCodes(b, 'haproxy_frontend', proxy, p.frontend.counters);
    }
    const be = p.backend;
    if (!be || seenBackends.has(be.name)) continue;
    seenBackends.add(be.name);
    b.all(BACKEND, be, proxy);
    for (const st of ['DOWN', 'UP']) b.put('haproxy_backend_status', 'Current status of the service.', 'gauge', { ...proxy, state: st }, backendStatus(be) === st ? 1 : 0);
    if (be.section.mode === 'http') httpCodes(b, 'haproxy_backend', proxy, be.counters);
    for (const s of be.servers) {
      const labels = { proxy: be.name, server: s.name };
      b.all(SERVER, s, labels);
      const state = serverState(s);
      for (const st of ['DOWN', 'UP', 'MAINT', 'DRAIN', 'NOLB']) b.put('haproxy_server_status', 'Current status of the service, per state label value.', 'gauge', { ...labels, state: st }, st === state ? 1 : 0);
      if (s.check) {
        for (const code of Object.keys(CHECK_STATUS)) {
          if (code === 'UNK' || code === 'INI' || code === 'CHECKED') continue;
          b.put('haproxy_server_check_status', 'Status of last health check, per state label value.', 'gauge', { ...labels, state: code }, s.check.status === code ? 1 : 0);
        }
      }
      // hapair extension (haproxy's exporter has no such series): every transition, by the state entered.
      const counts = rt.transitionCounts?.(be.name, s.name);
      for (const [to, n] of Object.entries(counts ?? {})) b.put('hapair_server_transitions_total', 'Server state transitions since start, by the state entered (hapair; haproxy counts only UP->DOWN).', 'counter', { ...labels, to }, n);
      const throttle = (s as unknown as { throttle?: unknown }).throttle;
      if (s.op === 'starting' && typeof throttle === 'number') b.put('haproxy_server_current_throttle', 'Current throttle percentage for the server, when slowstart is active.', 'gauge', labels, throttle);
      if (be.section.mode === 'http') httpCodes(b, 'haproxy_server', labels, s.counters);
    }
  }
  return b.registry;
}

function httpCodes(b: Builder, prefix: string, labels: Labels, counters: Readonly<TrafficCounters>): void {
  for (const [code, n] of Object.entries(counters.hrsp)) b.put(`${prefix}_http_responses_total`, 'Total number of HTTP responses.', 'counter', { ...labels, code }, n);
}

/** The Prometheus exporter service (`http-request use-service prometheus-exporter`). */
export async function handleMetricsRequest(runtime: ProxyRuntimeView, req: ServiceRequest): Promise<ServiceResponse> {
  if (req.method !== 'GET' && req.method !== 'HEAD') {
    return { status: 405, headers: [['Allow', 'GET, HEAD'], ['Content-Type', 'text/plain']], body: 'Only GET and HEAD are supported.\n' };
  }
  try {
    const reg = buildRegistry(runtime);
    const body = await reg.metrics();
    return { status: 200, headers: [['Content-Type', reg.contentType], ['Cache-Control', 'no-cache']], body: req.method === 'HEAD' ? '' : body };
  } catch (err) {
    return { status: 500, headers: [['Content-Type', 'text/plain']], body: `metrics failed: ${err instanceof Error ? err.message : String(err)}\n` };
  }
}
