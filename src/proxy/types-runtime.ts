// Proxy types only (no runtime code): the runtime seams between the data plane (frontends/HTTP/TCP), the backend
// core (servers, balancers, queues) and the control plane (checks, stats, runtime API).

import type { ProxyConfig, ProxySection, ServerConfig } from './types-config.js';

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
  /** Optional: this server's state transitions since start, counted by the state entered (UP, DOWN, MAINT, DRAIN,
   *  NOLB, ...). haproxy only counts UP->DOWN (chkdown); hapair counts every logged transition. */
  transitionCounts?(backend: string, server: string): Readonly<Record<string, number>> | undefined;
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
