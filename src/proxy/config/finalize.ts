// Turns parsed drafts into the immutable ProxyConfig: ids (haproxy's get_next_id numbering), server
// minconn/maxconn resolution, `log global`, stats defaults and the effective health-check rule list.
import type { DiagnosticSink } from '../../core/diagnostics.js';
import { reportError, reportWarning } from './codes.js';
import type {
  CheckRule, GlobalConfig, HealthCheckConfig, LogTarget, ProxyConfig, ProxySection, ServerConfig, StatsConfig,
} from '../types.js';
import type { HttpchkRequest, ProxyDraft, ServerDraft, StatsDraft } from './draft.js';
import type { GlobalDraft } from './kw-global.js';

/** haproxy STATS_DEFAULT_URI / STATS_DEFAULT_REALM (include/haproxy/defaults.h). */
export const STATS_DEFAULT_URI = '/haproxy?stats';
export const STATS_DEFAULT_REALM = 'HAProxy Statistics';

/** Default `option httpchk` request (haproxy.md §2.5): OPTIONS / HTTP/1.0, no headers. */
const HTTPCHK_DEFAULTS = { method: 'OPTIONS', uri: '/', version: 'HTTP/1.0' };

/**
 * Numbers objects like haproxy (cfgparse.c check_config_validity): explicit ids are kept; each other object
 * takes the first free id >= a cursor that advances by one after every object, explicit or not.
 */
export function assignIds(explicit: readonly (number | undefined)[]): number[] {
  const used = new Set(explicit.filter((x): x is number => x !== undefined));
  let next = 1;
  return explicit.map((id) => {
    let out = id;
    if (out === undefined) {
      while (used.has(next)) next++;
      out = next;
      used.add(out);
    }
    next++;
    return out;
  });
}

function finalizeServers(servers: readonly ServerDraft[]): ServerConfig[] {
  const ids = assignIds(servers.map((s) => s.explicitId));
  return servers.map((s, i) => {
    const { explicitId: _unused, ...rest } = s;
    let { maxconn, minconn } = rest;
    // haproxy: only minconn (or minconn > maxconn) => maxconn := minconn; maxconn without minconn => minconn := maxconn.
    if (minconn > maxconn) maxconn = minconn;
    else if (maxconn && !minconn) minconn = maxconn;
    return { ...rest, id: ids[i]!, maxconn, minconn };
  });
}

function finalizeStats(s: StatsDraft | undefined): StatsConfig | undefined {
  if (!s || !s.enabled) return undefined;
  return {
    enabled: true, uri: s.uri ?? STATS_DEFAULT_URI, realm: s.realm ?? STATS_DEFAULT_REALM, auth: [...s.auth],
    hideVersion: s.hideVersion, adminRules: [...s.adminRules], scopes: [...s.scopes], where: s.where,
    ...(s.refreshSec !== undefined ? { refreshSec: s.refreshSec } : {}),
    ...(s.showLegends ? { showLegends: true } : {}),
  };
}

type HttpSend = Extract<CheckRule, { kind: 'http-send' }>;

/** The implicit send rule of `option httpchk`, as haproxy builds it (TCPCHK_SND_HTTP_FROM_OPT). */
function implicitSend(req: HttpchkRequest | undefined, where: HttpSend['where']): HttpSend {
  return {
    kind: 'http-send', method: req?.method ?? HTTPCHK_DEFAULTS.method, uri: req?.uri ?? HTTPCHK_DEFAULTS.uri,
    version: req?.version ?? HTTPCHK_DEFAULTS.version, headers: req?.headers ?? [], where: req?.where ?? where,
    ...(req?.body !== undefined ? { body: req.body } : {}),
  };
}

/**
 * HTTP check rules in haproxy's final order (tcpcheck.c tcpcheck_add_http_rule / check_proxy_tcpcheck): the
 * `option httpchk` request merges into the first explicit `http-check send` (fields set there win; a send with
 * `hdr` replaces the option's header list, a send without `hdr` keeps it — haproxy 2.6.12 sends the option's
 * headers then, checked on the wire by test/proxy/check/send-oracle.test.ts) or becomes the first send; a
 * trailing send gets the implicit `http-check expect status 200-399`. The implicit leading connect is NOT
 * materialised (the engine adds it). The result is the complete effective list: consumers send it as it is.
 */
export function httpRules(req: HttpchkRequest | undefined, rules: readonly CheckRule[], where: HttpSend['where']): CheckRule[] {
  const base = implicitSend(req, where);
  const out: CheckRule[] = [];
  let merged = false;
  for (const r of rules) {
    if (r.kind === 'http-send' && !merged) {
      out.push({
        kind: 'http-send', method: r.method || base.method, uri: r.uri || base.uri, version: r.version || base.version,
        headers: r.headers.length > 0 ? r.headers : base.headers, where: r.where, ...(r.body !== undefined ? { body: r.body } : base.body !== undefined ? { body: base.body } : {}),
      });
      merged = true;
    } else if (r.kind === 'http-send') {
      // Later sends are independent requests: unset fields take haproxy's defaults (OPTIONS / HTTP/1.0).
      out.push({ ...r, method: r.method || HTTPCHK_DEFAULTS.method, uri: r.uri || HTTPCHK_DEFAULTS.uri, version: r.version || HTTPCHK_DEFAULTS.version });
    } else out.push(r);
  }
  if (!merged) {
    const at = out[0]?.kind === 'connect' ? 1 : 0;
    out.splice(at, 0, base);
  }
  const last = [...out].reverse().find((r) => r.kind !== 'comment');
  if (last?.kind === 'http-send') {
    out.push({ kind: 'expect', negate: false, match: 'status', pattern: '200-399', where: req?.where ?? where });
  }
  return out;
}

function finalizeCheck(d: ProxyDraft): HealthCheckConfig {
  const c = d.check;
  const base = { sendState: c.sendState, disableOn404: c.disableOn404, ...(c.where ? { where: c.where } : {}) };
  switch (c.type) {
    case 'tcp-check':
      return { type: 'tcp-check', rules: c.tcpRules.length > 0 ? [...c.tcpRules] : [...c.inheritedTcp], ...base };
    case 'http': {
      const own = c.httpchk !== undefined || c.httpRules.length > 0;
      // Own rules without an own `option httpchk` still send the inherited request (haproxy 2.6 would send
      // nothing at all there, a trap we do not reproduce).
      const req = c.httpchk ?? c.inheritedHttpchk;
      const rules = httpRules(req, own ? c.httpRules : c.inheritedHttp, c.where ?? d.where);
      // httpRequest = the `option httpchk` request as configured (defaults filled); `rules` hold the effective
      // requests, already merged with it: consumers send rules as they are.
      const opt = implicitSend(req, c.where ?? d.where);
      return {
        type: 'http', rules, ...base,
        httpRequest: { method: opt.method, uri: opt.uri, version: opt.version, headers: opt.headers },
      };
    }
    case 'external':
      return {
        type: 'external', rules: [], ...base,
        external: { command: c.externalCommand ?? '', path: c.externalPath ?? '' },
      };
    default:
      return { type: 'tcp', rules: [], ...base };
  }
}

function finalizeGlobal(g: GlobalDraft): GlobalConfig {
  const { masterWorker, ...rest } = g;
  return { ...rest, statsSockets: [...g.statsSockets], logs: [...g.logs], ...(masterWorker ? { masterWorker } : {}) };
}

export function finalize(files: readonly string[], global: GlobalDraft, drafts: readonly ProxyDraft[], sink: DiagnosticSink): ProxyConfig {
  const g = finalizeGlobal(global);
  const ids = assignIds(drafts.map((d) => d.explicitId));
  const seenIds = new Map<number, ProxyDraft>();
  for (const d of drafts) {
    if (d.explicitId === undefined) continue;
    const prev = seenIds.get(d.explicitId);
    const w = d.explicitIdWhere ?? d.where;
    const type = (x: ProxyDraft): string => (x.kind === 'listen' ? 'proxy' : x.kind);
    if (prev) reportError(sink, w.file, w.line, 'duplicate-id', `${type(d)} ${d.name} reuses same custom id as ${type(prev)} ${prev.name} (declared at ${prev.where.file}:${prev.where.line}).`);
    else seenIds.set(d.explicitId, d);
  }
  const proxies: ProxySection[] = drafts.map((d, i) => {
    const logs: LogTarget[] = d.logs.flatMap((l) => (l === 'global' ? g.logs : [l]));
    const t = d.timeouts;
    const timeouts = Object.fromEntries(Object.entries(t).filter(([, v]) => v !== undefined));
    const section: ProxySection = {
      kind: d.kind as ProxySection['kind'], name: d.name, id: ids[i]!, mode: d.mode, binds: [...d.binds], timeouts,
      options: {
        httplog: d.httplog, tcplog: d.tcplog, dontlognull: d.dontlognull, httpConnMode: d.httpConnMode, httpTunnel: d.httpTunnel,
        allbackups: d.allbackups, persist: d.persist, abortonclose: d.abortonclose,
        ...(d.redispatch ? { redispatch: { ...d.redispatch } } : {}), ...(d.forwardfor ? { forwardfor: d.forwardfor } : {}),
      },
      retries: d.retries, httpReuse: d.httpReuse, acls: [...d.acls], useBackends: [...d.useBackends],
      balance: d.balance, hashType: d.hashType, servers: finalizeServers(d.servers), healthCheck: finalizeCheck(d),
      logs, where: d.where,
      // `maxconn 0` means "use the global maxconn", i.e. the same as unset (haproxy.md §1.5).
      ...(d.maxconn ? { maxconn: d.maxconn } : {}),
      ...(d.fullconn !== undefined && d.fullconn > 0 ? { fullconn: d.fullconn } : {}),
      ...(d.defaultBackend !== undefined ? { defaultBackend: d.defaultBackend } : {}),
      ...(d.cookie ? { cookie: d.cookie } : {}),
      ...(finalizeStats(d.stats) ? { stats: finalizeStats(d.stats)! } : {}),
      ...(d.promExporter ? { promExporter: d.promExporter } : {}),
      ...(d.httpRequestRules ? { httpRequestRules: [...d.httpRequestRules] } : {}),
      ...(d.disabled ? { disabled: true } : {}),
    };
    return section;
  });
  return { files: [...files], global: g, proxies };
}
