// Proxy types only (no runtime code): the haproxy.cfg model and the runtime seams between the
// data plane (frontends/HTTP/TCP), the backend core (servers, balancers, queues) and the control
// plane (checks, stats, runtime API). Semantics and defaults: ../shared/reference/haproxy.md.

export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

// ---------------------------------------------------------------------------------------------
// Configuration model. Times are milliseconds, sizes bytes. `undefined` = not set (haproxy default
// applies at run time, e.g. an unset `timeout client` means no timeout).
// ---------------------------------------------------------------------------------------------

export type ProxyMode = 'tcp' | 'http';
export type ProxyKind = 'frontend' | 'backend' | 'listen';
/** Effective HTTP connection mode: KAL < SCL < CLO; the strongest of frontend and backend wins. */
export type HttpConnMode = 'keep-alive' | 'server-close' | 'close';
export type HttpReuse = 'never' | 'safe' | 'aggressive' | 'always';

export interface Timeouts {
  readonly client?: number;
  readonly server?: number;
  readonly connect?: number;
  readonly queue?: number; // unset => connect
  readonly tunnel?: number;
  readonly clientFin?: number;
  readonly serverFin?: number;
  readonly httpRequest?: number; // unset => client
  readonly httpKeepAlive?: number; // unset => httpRequest, then client
  readonly check?: number;
  readonly tarpit?: number;
}

export interface BindConfig {
  /** '0.0.0.0' for `*` or empty, '::' for IPv6 any, else a literal address or host name. */
  readonly host: string;
  readonly port: number;
  readonly v4v6: boolean; // `::` binds accept IPv4 too unless `v6only`
  readonly maxconn?: number;
  readonly name?: string;
  readonly where: SourceRef;
}

/** One `acl` line. Repeated names are OR-ed at evaluation time. */
export interface AclConfig {
  readonly name: string;
  /** Fetch/matcher keyword as written: path, path_beg, path_end, path_reg, url_sub, hdr, hdr_beg, hdr_end,
   *  hdr_dom, hdr_reg, hdr_sub, src, method, ... */
  readonly criterion: string;
  readonly arg?: string; // hdr(<arg>)
  readonly ignoreCase: boolean; // -i
  readonly matchMethod?: string; // -m str|beg|end|sub|reg|dom|found|ip ...
  readonly patterns: readonly string[];
  /** `-f <file>` sources; their lines are already appended to `patterns` by the loader. */
  readonly patternFiles?: readonly string[];
  readonly where: SourceRef;
}

/** `if|unless` condition: OR (`||`/`or`) of AND-ed terms; each term may be negated with `!`. */
export interface Condition {
  readonly polarity: 'if' | 'unless';
  readonly anyOf: readonly (readonly CondTerm[])[];
  readonly where: SourceRef;
}

export type CondTerm =
  | { readonly negate: boolean; readonly acl: string } // named or predefined (TRUE, FALSE, LOCALHOST, ...)
  | { readonly negate: boolean; readonly anonymous: AclConfig }; // `{ path_beg /x }`

export interface UseBackendRule {
  readonly backend: string;
  readonly cond?: Condition;
  readonly where: SourceRef;
}

export type BalanceAlgo =
  | { readonly kind: 'roundrobin' }
  | { readonly kind: 'static-rr' }
  | { readonly kind: 'leastconn' }
  | { readonly kind: 'first' }
  | { readonly kind: 'source' }
  | { readonly kind: 'uri'; readonly whole: boolean; readonly len?: number; readonly depth?: number; readonly pathOnly: boolean }
  | { readonly kind: 'hdr'; readonly header: string; readonly useDomainOnly: boolean }
  | { readonly kind: 'url_param'; readonly param: string }
  | { readonly kind: 'random'; readonly draws: number };

export interface HashType {
  readonly method: 'map-based' | 'consistent';
  readonly fn: 'sdbm' | 'djb2' | 'wt6' | 'crc32';
  readonly avalanche: boolean;
}

export interface CookieConfig {
  readonly name: string;
  readonly mode: 'insert' | 'prefix' | 'rewrite';
  readonly indirect: boolean;
  readonly nocache: boolean;
  readonly postonly: boolean;
  readonly preserve: boolean;
  readonly httponly: boolean;
  readonly secure: boolean;
  readonly domains: readonly string[];
  readonly maxidle?: number;
  readonly maxlife?: number;
  /** No insert/prefix/rewrite word given: haproxy only reads the cookie the application sets (mode is then 'rewrite' by convention). */
  readonly passive?: boolean;
  readonly where: SourceRef;
}

export interface ForwardForConfig {
  readonly header: string; // default 'X-Forwarded-For'
  /** `prefix` is -1 when the IPv4 mask is a non-contiguous dotted `mask` (haproxy accepts those). */
  readonly except?: { readonly network: string; readonly prefix: number; readonly mask?: string };
  readonly ifNone: boolean;
  readonly where: SourceRef;
}

export interface NetMask {
  readonly network: string;
  readonly prefix: number;
}

// ---- health checks (issue: control plane) -------------------------------------------------

/** One tcp-check / http-check rule. HTTP checks are rule lists too (send + expect). */
export type CheckRule =
  | {
      readonly kind: 'connect';
      readonly port?: number;
      readonly addr?: string;
      readonly isDefault: boolean; // `connect default`
      readonly comment?: string;
      readonly where: SourceRef;
    }
  | { readonly kind: 'send'; readonly data: Buffer; readonly comment?: string; readonly where: SourceRef } // send / send-binary
  | {
      readonly kind: 'http-send';
      readonly method: string;
      readonly uri: string;
      readonly version: string;
      readonly headers: readonly (readonly [string, string])[];
      readonly body?: string;
      readonly where: SourceRef;
    }
  | {
      readonly kind: 'expect';
      readonly negate: boolean;
      /** string/rstring/binary/rbinary for tcp-check; status/rstatus/string/rstring for http-check. */
      readonly match: 'string' | 'rstring' | 'binary' | 'rbinary' | 'status' | 'rstatus';
      readonly pattern: string; // binary: hex text; status: "200,300-399"
      readonly minRecv?: number;
      readonly comment?: string;
      readonly where: SourceRef;
    }
  | { readonly kind: 'comment'; readonly text: string; readonly where: SourceRef };

export interface HealthCheckConfig {
  /** 'tcp' = plain connect; 'http' = option httpchk; 'tcp-check' = option tcp-check; 'external'. */
  readonly type: 'tcp' | 'http' | 'tcp-check' | 'external';
  /** `option httpchk` request (method, uri, version, extra header text after \r\n, all unescaped). */
  readonly httpRequest?: {
    readonly method: string;
    readonly uri: string;
    readonly version: string;
    readonly headers: readonly (readonly [string, string])[];
  };
  readonly rules: readonly CheckRule[]; // tcp-check / http-check rules in order
  readonly sendState: boolean; // http-check send-state
  readonly disableOn404: boolean; // http-check disable-on-404
  readonly external?: { readonly command: string; readonly path: string };
  readonly where?: SourceRef;
}

// ---- stats page ---------------------------------------------------------------------------

export interface StatsConfig {
  readonly enabled: boolean;
  readonly uri: string; // default '/haproxy?stats'
  readonly realm: string; // default 'HAProxy Statistics'
  readonly auth: readonly { readonly user: string; readonly pass: string }[];
  readonly refreshSec?: number;
  readonly hideVersion: boolean;
  readonly adminRules: readonly Condition[]; // `stats admin if TRUE`
  readonly scopes: readonly string[];
  readonly showLegends?: boolean;
  readonly where: SourceRef;
}

// ---- servers ------------------------------------------------------------------------------

export interface ServerConfig {
  readonly name: string;
  readonly id: number; // `id` keyword or 1-based declaration order within the backend
  /** Literal address or host name as written (resolved at start); a unix path when `unixPath`. */
  readonly address: string;
  readonly unixPath?: string;
  /** Absolute port; undefined = use the client's destination port (+ portOffset). */
  readonly port?: number;
  readonly portOffset?: number; // `+N` / `-N`
  readonly weight: number; // 0..256, default 1
  readonly backup: boolean;
  readonly disabled: boolean; // config `disabled` => CMAINT
  readonly maxconn: number; // 0 = unlimited
  readonly minconn: number; // resolved as haproxy: see haproxy.md §1.5
  readonly maxqueue: number; // 0 = unlimited
  readonly cookie?: string;
  readonly check: boolean;
  readonly inter: number; // ms, default 2000
  readonly fastinter?: number;
  readonly downinter?: number;
  readonly rise: number; // default 2
  readonly fall: number; // default 3
  readonly checkPort?: number; // `port`
  readonly checkAddr?: string; // `addr` (also the agent address unless agent-addr)
  readonly agentCheck: boolean;
  readonly agentPort?: number;
  readonly agentAddr?: string;
  readonly agentInter: number; // default 2000
  readonly agentSend?: string;
  readonly slowstart?: number; // ms
  readonly onMarkedDown?: 'shutdown-sessions';
  readonly onMarkedUp?: 'shutdown-backup-sessions';
  readonly observe?: 'layer4' | 'layer7';
  readonly errorLimit: number; // default 10
  readonly onError: 'fastinter' | 'fail-check' | 'sudden-death' | 'mark-down';
  readonly where: SourceRef;
}

// ---- proxies ------------------------------------------------------------------------------

export interface LogTarget {
  readonly address: string; // host:port, unix path, 'stdout', 'stderr'
  readonly facility: string;
  readonly level?: string;
  /** `<minlevel>`: messages more severe than this are sent at this level. */
  readonly minLevel?: string;
  /** `format` (haproxy default: local = RFC 3164 header without hostname). */
  readonly format?: string;
  /** `len`: longest datagram (header + text), default 1024. */
  readonly maxLen?: number;
  readonly where: SourceRef;
}

export interface ProxyOptions {
  readonly httplog: boolean;
  readonly tcplog: boolean;
  readonly dontlognull: boolean;
  readonly httpConnMode: HttpConnMode; // default keep-alive
  /** Legacy `option http-tunnel` (accepted with a warning): only the first transaction is analysed. */
  readonly httpTunnel: boolean;
  readonly redispatch?: { readonly interval: number }; // `option redispatch [n]`, n default -1; absent = off
  readonly allbackups: boolean;
  readonly persist: boolean;
  readonly abortonclose: boolean;
  readonly forwardfor?: ForwardForConfig;
}

/** A frontend, backend or listen section with `defaults` already applied. */
export interface ProxySection {
  readonly kind: ProxyKind;
  readonly name: string;
  readonly id: number; // iid: declaration order (1-based) unless `id` is set
  readonly mode: ProxyMode;
  readonly binds: readonly BindConfig[];
  readonly maxconn?: number; // frontend accept limit; unset => global maxconn
  readonly fullconn?: number; // backend; unset => computed (haproxy.md §4.1)
  readonly timeouts: Timeouts;
  readonly options: ProxyOptions;
  readonly retries: number; // default 3
  readonly httpReuse: HttpReuse; // default safe
  readonly acls: readonly AclConfig[];
  readonly useBackends: readonly UseBackendRule[];
  readonly defaultBackend?: string;
  readonly balance: BalanceAlgo; // default roundrobin
  readonly hashType: HashType; // default map-based sdbm
  readonly cookie?: CookieConfig;
  readonly servers: readonly ServerConfig[];
  readonly healthCheck: HealthCheckConfig;
  readonly stats?: StatsConfig;
  readonly logs: readonly LogTarget[]; // resolved `log global` included
  /** `http-request use-service prometheus-exporter [if|unless cond]` (frontends/listens). */
  readonly promExporter?: { readonly cond?: Condition; readonly where: SourceRef };
  /** `disabled` keyword: the proxy is parsed but not started. */
  readonly disabled?: boolean;
  readonly where: SourceRef;
}

export interface StatsSocketConfig {
  readonly path: string; // unix socket path (ip:port forms are accepted too)
  readonly mode?: number; // e.g. 0o600
  readonly level: 'user' | 'operator' | 'admin'; // default operator
  readonly where: SourceRef;
}

export interface GlobalConfig {
  readonly maxconn?: number;
  readonly nbthread: number; // default 1; hapair runs N worker processes
  readonly statsSockets: readonly StatsSocketConfig[];
  readonly statsTimeout: number; // default 10000
  readonly spreadChecks: number; // 0..50 percent
  readonly maxSpreadChecks?: number;
  readonly externalCheck: boolean;
  readonly insecureForkWanted: boolean;
  readonly logs: readonly LogTarget[];
  readonly pidfile?: string;
  readonly user?: string;
  readonly group?: string;
  readonly chroot?: string;
  readonly daemon: boolean;
  readonly node?: string;
  readonly hardStopAfter?: number;
  readonly masterWorker?: boolean;
}

export interface ProxyConfig {
  readonly files: readonly string[];
  readonly global: GlobalConfig;
  /** Frontends, backends and listens in declaration order (defaults sections are folded in). */
  readonly proxies: readonly ProxySection[];
}

// ---------------------------------------------------------------------------------------------
// Runtime seams
// ---------------------------------------------------------------------------------------------

/** haproxy srv_op_state: STOPPED / STARTING (slowstart) / RUNNING / STOPPING (NOLB). */
export type ServerOpState = 'down' | 'starting' | 'up' | 'stopping';

/** haproxy srv_admin flags, kept apart from the operational state. */
export interface ServerAdmin {
  readonly forcedMaint: boolean; // FMAINT: CLI / stats page / agent `maint`
  readonly configMaint: boolean; // CMAINT: `disabled` in the config
  readonly forcedDrain: boolean; // FDRAIN: CLI / stats page / agent `drain`
}

/** The check statuses of haproxy's check_statuses[] table (stats `check_status`). */
export type CheckStatusCode =
  | 'UNK' | 'INI' | 'SOCKERR' | 'L4OK' | 'L4TOUT' | 'L4CON' | 'L6OK' | 'L6TOUT' | 'L6RSP'
  | 'L7OK' | 'L7OKC' | 'L7TOUT' | 'L7RSP' | 'L7STS' | 'PROCERR' | 'PROCTOUT' | 'PROCOK' | 'CHECKED' | 'HANA';

/** Health (or agent) check state of one server, owned by the check scheduler. */
export interface CheckState {
  readonly enabled: boolean; // dhlth/ehlth, dagent/eagent
  readonly health: number; // 0 .. rise+fall-1; "good" iff >= rise
  readonly rise: number;
  readonly fall: number;
  readonly status: CheckStatusCode;
  readonly code?: number; // e.g. HTTP status
  readonly durationMs?: number;
  readonly desc: string; // human text: "Layer7 wrong status", "via agent : down (planned reboot)"
  readonly running: boolean;
}

/** Why a server changed state: goes into the log line, the stats page and metrics. */
export interface ServerTransitionCause {
  readonly source: 'check' | 'agent' | 'stats-page' | 'cli' | 'config' | 'reload' | 'slowstart' | 'observe';
  readonly reason: string; // "Layer4 connection problem", "set server state maint", ...
  readonly checkStatus?: CheckStatusCode;
  readonly code?: number;
  readonly info?: string;
  readonly durationMs?: number;
}

/** Something holding a server slot (a TCP session or an HTTP transaction); killable. */
export interface StreamHandle {
  /** Abort with a haproxy termination flag: 'D' (server marked down), 'K' (killed by admin), 'U' (backup shutdown). */
  kill(flag: 'D' | 'K' | 'U'): void;
}

/** Counters per server / backend / frontend, as stats columns need them. */
export interface TrafficCounters {
  cur: number; // scur
  max: number; // smax
  total: number; // stot
  lbtot: number; // times selected by load balancing
  bytesIn: number;
  bytesOut: number;
  connErrors: number; // econ
  respErrors: number; // eresp
  reqErrors: number; // ereq (frontends)
  deniedReq: number;
  retries: number; // wretr
  redispatches: number; // wredis
  cliAborts: number;
  srvAborts: number;
  queueCur: number; // qcur
  queueMax: number; // qmax
  hrsp: { '1xx': number; '2xx': number; '3xx': number; '4xx': number; '5xx': number; other: number };
  lastSessMs?: number; // wall time of last session
  // moving averages over the last 1024 (stats qtime/ctime/rtime/ttime)
  qtime: number;
  ctime: number;
  rtime: number;
  ttime: number;
  reqTotal: number; // req_tot (HTTP)
  connRateMax: number;
}

/** What the data plane passes to a backend to get a server. */
export interface AssignRequest {
  readonly clientIp: string;
  readonly clientPort: number;
  readonly dstPort: number; // for servers without a port / with a port offset
  readonly method?: string;
  readonly uri?: string; // HTTP only: request URI (path + query)
  readonly header?: (name: string) => string | undefined; // first value of a header, HTTP only
  readonly persistServer?: string; // server name from a persistence cookie
  readonly avoid?: string; // server name to avoid (redispatch)
  readonly stream: StreamHandle;
  readonly signal?: AbortSignal; // client went away while queued
}

export type AssignResult =
  | { readonly ok: true; readonly server: RuntimeServerView; readonly host: string; readonly port: number; readonly queuedMs: number; readonly persisted: boolean }
  | { readonly ok: false; readonly why: 'no-server' | 'queue-timeout' | 'queue-full' | 'aborted'; readonly queuedMs: number };

/** Read-only view of a server that the data plane, stats and checks all share. */
export interface RuntimeServerView {
  readonly name: string;
  readonly id: number;
  readonly backendName: string;
  readonly config: ServerConfig;
  readonly addr: string; // current address (runtime `set server addr` changes it)
  readonly port?: number;
  readonly op: ServerOpState;
  readonly admin: ServerAdmin;
  readonly uweight: number; // user weight (runtime-settable)
  readonly iweight: number; // initial weight from the config
  readonly eweight: number; // effective weight incl. slowstart / drain
  readonly maxconn: number;
  readonly minconn: number;
  readonly check?: CheckState;
  readonly agent?: CheckState;
  readonly lastChangeMs: number; // wall time of the last state change
  readonly downtimeMs: number;
  readonly downTransitions: number; // chkdown
  readonly failedChecks: number; // chkfail
  readonly counters: Readonly<TrafficCounters>;
}

// ---------------------------------------------------------------------------------------------
// Runtime control seams. Implemented by: backend core (ServerControl, BackendView), data plane
// (FrontendView, ProxyRuntimeView), control plane (CheckControl). Everyone else codes against these.
// ---------------------------------------------------------------------------------------------

/** Server mutators used by checks, agent, stats page and runtime API. Each logs one line and counts. */
export interface ServerControl extends RuntimeServerView {
  /** Admin state: 'ready' clears forced maint and forced drain (haproxy `set server state ready`). */
  setAdmin(state: 'ready' | 'drain' | 'maint', cause: ServerTransitionCause): void;
  /** Operational state from checks/agent/forcing: 'up' enters slowstart ('starting') when configured. */
  setOperational(next: 'up' | 'down' | 'stopping', cause: ServerTransitionCause): void;
  /** User weight 0..256 (runtime `set server weight`, agent `N%`). */
  setWeight(uweight: number, cause: ServerTransitionCause): void;
  /** Returns haproxy's message, e.g. "IP changed from 'a' to 'b', port changed from 'x' to 'y' by 'stats socket command'". */
  setAddr(addr: string, port: number | undefined, cause: ServerTransitionCause): string;
  setMaxconn(maxconn: number): void;
  /**
   * Display state of the health / agent check (owned by the check scheduler). `failedCheck`: this update follows
   * a completed check that failed and lowered the health counter (counts in chkfail); forced changes leave it unset.
   */
  setCheckState(kind: 'check' | 'agent', state: CheckState | undefined, failedCheck?: boolean): void;
  /** Kills every stream on this server with `flag`; returns how many. */
  killSessions(flag: 'D' | 'K' | 'U'): number;
  /** True if load balancing may pick it now (not down/maint/drain, eweight > 0). */
  isUsable(): boolean;
}

export interface BackendView {
  readonly name: string;
  readonly id: number;
  readonly section: ProxySection;
  readonly servers: readonly ServerControl[];
  readonly fullconn: number;
  readonly counters: Readonly<TrafficCounters>;
  /** Streams attached to the backend incl. queued ones (haproxy beconn). */
  readonly beconn: number;
  /** Backend queue length (not counting per-server queues). */
  readonly queueLength: number;
  readonly lastChangeMs: number;
  findServer(nameOrId: string): ServerControl | undefined;
  /** Total usable weight; 0 => backend DOWN. */
  usableWeight(): number;
}

export interface FrontendView {
  readonly name: string;
  readonly id: number;
  readonly section: ProxySection;
  readonly counters: Readonly<TrafficCounters>;
  readonly maxconn: number;
  readonly status: 'OPEN' | 'STOP' | 'FULL';
}

/** Process-wide figures for `show info`, the stats page header and metrics. */
export interface ProcessInfo {
  readonly pid: number;
  readonly version: string;
  readonly startedAt: number; // wall ms
  readonly uptimeSec: number;
  readonly nbthread: number;
  readonly maxconn: number;
  readonly currConns: number;
  readonly cumConns: number;
  readonly cumReq: number;
  readonly node: string;
}

/** The running proxy as the control plane sees it. Maps are keyed by proxy name; listen sections appear in both. */
export interface ProxyRuntimeView {
  readonly config: ProxyConfig;
  readonly backends: ReadonlyMap<string, BackendView>;
  readonly frontends: ReadonlyMap<string, FrontendView>;
  info(): ProcessInfo;
  /** Proxies in declaration order (for stats output order). */
  proxiesInOrder(): readonly { readonly name: string; readonly frontend?: FrontendView; readonly backend?: BackendView }[];
}

/** Control-plane operations the stats page and runtime API trigger on checks. */
export interface CheckControl {
  setHealthEnabled(server: ServerControl, enabled: boolean): void; // dhlth / ehlth, disable|enable health
  setAgentEnabled(server: ServerControl, enabled: boolean): void; // dagent / eagent
  /** hrunn / hnolb / hdown and `set server health up|stopping|down`. */
  forceHealth(server: ServerControl, state: 'up' | 'stopping' | 'down', cause?: ServerTransitionCause): void;
  /** arunn / adown and `set server agent up|down`. */
  forceAgent(server: ServerControl, state: 'up' | 'down', cause?: ServerTransitionCause): void;
  /** Optional: the server's admin flags changed (stats page / CLI); health checks pause or resume at once. */
  adminChanged?(server: ServerControl): void;
}

/** A fully read HTTP request handed to an internal service (stats page, Prometheus exporter). */
export interface ServiceRequest {
  readonly method: string;
  readonly uri: string;
  readonly version: string;
  readonly header: (name: string) => string | undefined;
  readonly body: Buffer;
  readonly clientIp: string;
}

export interface ServiceResponse {
  readonly status: number;
  readonly headers: readonly (readonly [string, string])[];
  readonly body: Buffer | string;
}
