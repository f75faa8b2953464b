// Proxy types only (no runtime code): the haproxy.cfg model the loader builds (src/proxy/config) and every
// part reads. Times are milliseconds, sizes bytes. Semantics and defaults: ../shared/reference/haproxy.md.

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

/** One `http-request` rule hapair applies, in file order (frontends/listens): `deny [deny_status N]`, `allow`, or
 *  `use-service prometheus-exporter`, each with an optional `if|unless` condition; the first matching rule decides. */
export interface HttpRequestRule {
  readonly action: 'deny' | 'allow' | 'prometheus-exporter';
  /** deny only: the error page sent (haproxy's deny_status, default 403). */
  readonly denyStatus?: number;
  readonly cond?: Condition;
  readonly where: SourceRef;
}

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
  /** Every `http-request` rule hapair applies, in file order (the exporter rule above included). */
  readonly httpRequestRules?: readonly HttpRequestRule[];
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
  /** `tune.bufsize` / `tune.maxrewrite` (bytes): together they bound an HTTP head (config/head-limit.ts). */
  readonly tuneBufsize?: number;
  readonly tuneMaxrewrite?: number;
}

export interface ProxyConfig {
  readonly files: readonly string[];
  readonly global: GlobalConfig;
  /** Frontends, backends and listens in declaration order (defaults sections are folded in). */
  readonly proxies: readonly ProxySection[];
}
