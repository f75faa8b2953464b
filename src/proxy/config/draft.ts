// Mutable per-section state while a haproxy.cfg is parsed, and how a proxy inherits it from `defaults`
// (src/proxy.c proxy_defproxy_cpy: frontend-capable proxies take the client side, backend-capable ones
// the server side, every proxy takes mode, options, stats and log lines).
import type {
  AclConfig, BalanceAlgo, BindConfig, CheckRule, Condition, CookieConfig, ForwardForConfig, HashType,
  HttpConnMode, HttpRequestRule, HttpReuse, LogTarget, ProxyKind, ProxyMode, ServerConfig, SourceRef, StatsConfig, UseBackendRule,
} from '../types.js';

export type DraftKind = ProxyKind | 'defaults';

/** Settings a `server` line starts from: the proxy's `default-server` (itself inherited from defaults). */
export interface ServerDefaults {
  check: boolean;
  inter: number;
  fastinter?: number;
  downinter?: number;
  rise: number;
  fall: number;
  checkPort?: number;
  checkAddr?: string;
  agentCheck: boolean;
  agentPort?: number;
  agentAddr?: string;
  agentInter: number;
  agentSend?: string;
  weight: number;
  backup: boolean;
  disabled: boolean;
  maxconn: number;
  minconn: number;
  maxqueue: number;
  cookie?: string;
  slowstart?: number;
  onMarkedDown?: 'shutdown-sessions';
  onMarkedUp?: 'shutdown-backup-sessions';
  observe?: 'layer4' | 'layer7';
  errorLimit: number;
  onError: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
}

/** haproxy defaults (include/haproxy/defaults.h DEF_CHKINTR, DEF_RISETIME, DEF_FALLTIME, DEF_HANA_*). */
export function builtinServerDefaults(): ServerDefaults {
  return {
    check: false, inter: 2000, rise: 2, fall: 3, agentCheck: false, agentInter: 2000, weight: 1, backup: false,
    disabled: false, maxconn: 0, minconn: 0, maxqueue: 0, errorLimit: 10, onError: 'fail-check',
  };
}

/** A server while its proxy is being parsed; `id` is resolved at the end (explicit ids first). */
export interface ServerDraft extends Omit<ServerConfig, 'id'> {
  explicitId?: number;
}

export interface HttpchkRequest {
  method?: string;
  uri?: string;
  version?: string;
  headers: [string, string][];
  body?: string;
  where: SourceRef;
}

/** Check rule sets: each proxy has its own tcp-check and http-check lists (haproxy names them per proxy). */
export interface CheckDraft {
  type: 'tcp' | 'http' | 'tcp-check' | 'external';
  /** Where the current type was chosen (the `option` line). */
  where?: SourceRef;
  /** `option httpchk` request of this section (implicit first send rule). */
  httpchk?: HttpchkRequest;
  tcpRules: CheckRule[];
  httpRules: CheckRule[];
  /** Rules inherited from the defaults section, used when this section declares none of that kind. */
  inheritedTcp: readonly CheckRule[];
  inheritedHttp: readonly CheckRule[];
  inheritedHttpchk?: HttpchkRequest;
  sendState: boolean;
  disableOn404: boolean;
  externalCommand?: string;
  externalPath?: string;
}

export interface StatsDraft {
  enabled: boolean;
  uri?: string;
  realm?: string;
  auth: { user: string; pass: string }[];
  refreshSec?: number;
  hideVersion: boolean;
  adminRules: Condition[];
  scopes: string[];
  showLegends: boolean;
  where: SourceRef;
}

export interface ProxyDraft {
  kind: DraftKind;
  name: string;
  where: SourceRef;
  explicitId?: number;
  explicitIdWhere?: SourceRef;
  mode: ProxyMode;
  binds: BindConfig[];
  maxconn?: number;
  fullconn?: number;
  timeouts: Record<string, number | undefined>;
  httplog: boolean;
  tcplog: boolean;
  dontlognull: boolean;
  httpConnMode: HttpConnMode;
  httpTunnel: boolean;
  redispatch?: { interval: number };
  allbackups: boolean;
  persist: boolean;
  abortonclose: boolean;
  forwardfor?: ForwardForConfig;
  retries: number;
  httpReuse: HttpReuse;
  acls: AclConfig[];
  useBackends: UseBackendRule[];
  defaultBackend?: string;
  defaultBackendWhere?: SourceRef;
  balance: BalanceAlgo;
  hashType: HashType;
  hashTypeExplicitFn: boolean;
  cookie?: CookieConfig;
  servers: ServerDraft[];
  serverDefaults: ServerDefaults;
  check: CheckDraft;
  stats?: StatsDraft;
  /** Own `log` lines; `log global` is kept as a marker and expanded at the end. */
  logs: (LogTarget | 'global')[];
  promExporter?: { cond?: Condition; where: SourceRef };
  httpRequestRules?: HttpRequestRule[];
  disabled: boolean;
}

export function emptyCheck(): CheckDraft {
  return { type: 'tcp', tcpRules: [], httpRules: [], inheritedTcp: [], inheritedHttp: [], sendState: false, disableOn404: false };
}

/** A fresh section with haproxy's built-in defaults (proxy_preset_defaults). */
export function newDraft(kind: DraftKind, name: string, where: SourceRef): ProxyDraft {
  return {
    kind, name, where, mode: 'tcp', binds: [], timeouts: {}, httplog: false, tcplog: false, dontlognull: false,
    httpConnMode: 'keep-alive', httpTunnel: false, allbackups: false, persist: false, abortonclose: false,
    retries: 3, httpReuse: 'safe', acls: [], useBackends: [], balance: { kind: 'roundrobin' },
    hashType: { method: 'map-based', fn: 'sdbm', avalanche: false }, hashTypeExplicitFn: false, servers: [],
    serverDefaults: builtinServerDefaults(), check: emptyCheck(), logs: [], disabled: false,
  };
}

const FE_TIMEOUTS = ['client', 'clientFin', 'tarpit', 'httpRequest', 'httpKeepAlive'];
const BE_TIMEOUTS = ['connect', 'server', 'serverFin', 'check', 'queue', 'tarpit', 'httpRequest', 'httpKeepAlive', 'tunnel'];

export const hasFrontendCap = (k: DraftKind): boolean => k !== 'backend';
export const hasBackendCap = (k: DraftKind): boolean => k !== 'frontend';

/** Starts a proxy (or a `defaults from X`) from a defaults section, copying what haproxy copies. */
export function inheritDraft(kind: DraftKind, name: string, where: SourceRef, def: ProxyDraft | undefined): ProxyDraft {
  const d = newDraft(kind, name, where);
  if (!def) return d;
  const fe = hasFrontendCap(kind);
  const be = hasBackendCap(kind);
  d.mode = def.mode;
  d.serverDefaults = { ...def.serverDefaults };
  // options/options2 bit sets are copied whole; capability only decides whether they are used later.
  Object.assign(d, {
    dontlognull: def.dontlognull, httpConnMode: def.httpConnMode, httpTunnel: def.httpTunnel,
    allbackups: def.allbackups, persist: def.persist, abortonclose: def.abortonclose,
    redispatch: def.redispatch ? { ...def.redispatch } : undefined, forwardfor: def.forwardfor, httpReuse: def.httpReuse,
  });
  for (const k of new Set([...(fe ? FE_TIMEOUTS : []), ...(be ? BE_TIMEOUTS : [])])) d.timeouts[k] = def.timeouts[k];
  if (fe) {
    d.maxconn = def.maxconn;
    d.httplog = def.httplog;
    d.tcplog = def.tcplog;
    d.defaultBackend = def.defaultBackend;
    d.defaultBackendWhere = def.defaultBackendWhere;
  }
  if (be) {
    d.balance = def.balance;
    d.hashType = def.hashType;
    d.hashTypeExplicitFn = def.hashTypeExplicitFn;
    d.fullconn = def.fullconn;
    d.retries = def.retries;
    d.cookie = def.cookie;
    d.check = {
      ...emptyCheck(),
      type: def.check.type,
      where: def.check.where,
      inheritedTcp: def.check.tcpRules.length > 0 ? def.check.tcpRules : def.check.inheritedTcp,
      inheritedHttp: def.check.httpRules.length > 0 || def.check.httpchk ? def.check.httpRules : def.check.inheritedHttp,
      inheritedHttpchk: def.check.httpchk ?? def.check.inheritedHttpchk,
      sendState: def.check.sendState,
      disableOn404: def.check.disableOn404,
      externalCommand: def.check.externalCommand,
      externalPath: def.check.externalPath,
    };
  }
  d.stats = def.stats; // haproxy shares the defaults' uri_auth pointer: `stats` in defaults applies everywhere
  d.logs = [...def.logs];
  // ACLs are not copied: in haproxy they only serve rules declared in the defaults section itself.
  d.disabled = def.disabled;
  return d;
}
