// Test doubles of the runtime INTERFACES for the control plane (ServerControl, BackendView, ProxyRuntimeView)
// plus config builders with haproxy defaults. Sockets are never faked: checks hit real loopback servers.
import type {
  BackendView, CheckState, FrontendView, HealthCheckConfig, ProcessInfo, ProxyConfig, ProxyRuntimeView, ProxySection,
  ServerAdmin, ServerConfig, ServerControl, ServerOpState, ServerTransitionCause, StatsConfig, TrafficCounters, GlobalConfig,
} from '../../src/proxy/types.js';

const where = { file: 'test.cfg', line: 1 };

export function counters(): TrafficCounters {
  return {
    cur: 0, max: 0, total: 0, lbtot: 0, bytesIn: 0, bytesOut: 0, connErrors: 0, respErrors: 0, reqErrors: 0, deniedReq: 0,
    retries: 0, redispatches: 0, cliAborts: 0, srvAborts: 0, queueCur: 0, queueMax: 0,
    hrsp: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 }, qtime: 0, ctime: 0, rtime: 0, ttime: 0, reqTotal: 0, connRateMax: 0,
  };
}

export function serverConfig(p: Partial<ServerConfig> & { name: string }): ServerConfig {
  return {
    id: 1, address: '127.0.0.1', weight: 1, backup: false, disabled: false, maxconn: 0, minconn: 0, maxqueue: 0, check: false,
    inter: 2000, rise: 2, fall: 3, agentCheck: false, agentInter: 2000, errorLimit: 10, onError: 'fail-check', where, ...p,
  };
}

export function healthCheck(p: Partial<HealthCheckConfig> = {}): HealthCheckConfig {
  return { type: 'tcp', rules: [], sendState: false, disableOn404: false, ...p };
}

export function section(p: Partial<ProxySection> & { name: string }): ProxySection {
  return {
    kind: 'backend', id: 1, mode: 'tcp', binds: [], timeouts: {},
    options: { httplog: false, tcplog: false, dontlognull: false, httpConnMode: 'keep-alive', httpTunnel: false, allbackups: false, persist: false, abortonclose: false },
    retries: 3, httpReuse: 'safe', acls: [], useBackends: [], balance: { kind: 'roundrobin' },
    hashType: { method: 'map-based', fn: 'sdbm', avalanche: false }, servers: [], healthCheck: healthCheck(), logs: [], where, ...p,
  };
}

export function statsConfig(p: Partial<StatsConfig> = {}): StatsConfig {
  return { enabled: true, uri: '/haproxy?stats', realm: 'HAProxy Statistics', auth: [], hideVersion: false, adminRules: [], scopes: [], where, ...p };
}

export function globalConfig(p: Partial<GlobalConfig> = {}): GlobalConfig {
  return { nbthread: 1, statsSockets: [], statsTimeout: 10000, spreadChecks: 0, externalCheck: false, insecureForkWanted: false, logs: [], daemon: false, ...p };
}

export interface Transition {
  readonly server: string;
  readonly to: string;
  readonly cause: ServerTransitionCause;
}

/** A ServerControl double with haproxy's state rules that matter to the control plane (no LB, no queues). */
export class FakeServer implements ServerControl {
  readonly name: string;
  readonly id: number;
  addr: string;
  port?: number;
  op: ServerOpState;
  admin: ServerAdmin;
  uweight: number;
  iweight: number;
  maxconn: number;
  minconn: number;
  check?: CheckState;
  agent?: CheckState;
  lastChangeMs = Date.now();
  downtimeMs = 0;
  downTransitions = 0;
  failedChecks = 0;
  counters = counters();
  killed: string[] = [];
  sessions = 0;
  constructor(readonly config: ServerConfig, readonly backendName: string, readonly log: Transition[]) {
    this.name = config.name;
    this.id = config.id;
    this.addr = config.address;
    if (config.port !== undefined) this.port = config.port;
    this.op = config.disabled ? 'down' : 'up';
    this.admin = { forcedMaint: config.disabled, configMaint: config.disabled, forcedDrain: false };
    this.uweight = this.iweight = config.weight;
    this.maxconn = config.maxconn;
    this.minconn = config.minconn;
  }
  get eweight(): number {
    return this.admin.forcedDrain || this.admin.forcedMaint || this.op === 'down' ? 0 : this.uweight;
  }
  private record(to: string, cause: ServerTransitionCause): void {
    this.lastChangeMs = Date.now();
    this.log.push({ server: this.name, to, cause });
  }
  setAdmin(state: 'ready' | 'drain' | 'maint', cause: ServerTransitionCause): void {
    if (state === 'maint') this.admin = { ...this.admin, forcedMaint: true, forcedDrain: false };
    else if (state === 'drain') this.admin = { ...this.admin, forcedDrain: true, forcedMaint: false };
    else {
      // Leaving MAINT: UP unless an enabled agent is at health 0 (haproxy srv_clr_admin_flag, like backend/server.ts).
      if (this.admin.forcedMaint) this.op = this.agent?.enabled && this.agent.health < this.agent.rise ? 'down' : 'up';
      this.admin = { ...this.admin, forcedMaint: false, forcedDrain: false };
    }
    this.record(state.toUpperCase(), cause);
  }
  setOperational(next: 'up' | 'down' | 'stopping', cause: ServerTransitionCause): void {
    if (next === 'down') this.downTransitions++;
    if (next === 'down' && this.config.onMarkedDown === 'shutdown-sessions') this.killSessions('D');
    this.op = next;
    this.record(next === 'stopping' ? 'NOLB' : next.toUpperCase(), cause);
  }
  setWeight(uweight: number, cause: ServerTransitionCause): void {
    this.uweight = uweight;
    this.record(`weight ${uweight}`, cause);
  }
  setAddr(addr: string, port: number | undefined, _cause: ServerTransitionCause): string {
    const msg = `IP changed from '${this.addr}' to '${addr}'${port !== undefined ? `, port changed from '${this.port}' to '${port}'` : ''} by 'stats socket command'`;
    this.addr = addr;
    if (port !== undefined) this.port = port;
    return msg;
  }
  setMaxconn(maxconn: number): void {
    this.maxconn = maxconn;
  }
  setCheckState(kind: 'check' | 'agent', state: CheckState | undefined, failedCheck = false): void {
    if (kind === 'check' && failedCheck) this.failedChecks++; // real failed checks only, as backend/server.ts
    if (kind === 'check') this.check = state;
    else this.agent = state;
  }
  killSessions(flag: 'D' | 'K' | 'U'): number {
    const n = this.sessions;
    this.sessions = 0;
    this.killed.push(`${flag}x${n}`);
    return n;
  }
  isUsable(): boolean {
    return (this.op === 'up' || this.op === 'starting') && !this.admin.forcedMaint && !this.admin.forcedDrain && this.eweight > 0;
  }
}

export class FakeBackend implements BackendView {
  readonly name: string;
  readonly id: number;
  readonly servers: FakeServer[];
  readonly counters = counters();
  fullconn = 100;
  beconn = 0;
  queueLength = 0;
  lastChangeMs = Date.now();
  constructor(readonly section: ProxySection, readonly log: Transition[]) {
    this.name = section.name;
    this.id = section.id;
    this.servers = section.servers.map((c) => new FakeServer(c, section.name, log));
  }
  findServer(nameOrId: string): FakeServer | undefined {
    if (nameOrId.startsWith('#')) return this.servers.find((s) => String(s.id) === nameOrId.slice(1));
    return this.servers.find((s) => s.name === nameOrId);
  }
  usableWeight(): number {
    return this.servers.filter((s) => s.isUsable() && !s.config.backup).reduce((n, s) => n + s.eweight, 0);
  }
}

export class FakeFrontend implements FrontendView {
  readonly name: string;
  readonly id: number;
  readonly counters = counters();
  maxconn = 2000;
  status: 'OPEN' | 'STOP' | 'FULL' = 'OPEN';
  constructor(readonly section: ProxySection) {
    this.name = section.name;
    this.id = section.id;
  }
}

/** ProxyRuntimeView over the doubles: backends for backend/listen sections, frontends for frontend/listen. */
export class FakeRuntime implements ProxyRuntimeView {
  readonly backends = new Map<string, FakeBackend>();
  readonly frontends = new Map<string, FakeFrontend>();
  readonly transitions: Transition[] = [];
  readonly startedAt = Date.now();
  constructor(readonly config: ProxyConfig) {
    for (const s of config.proxies) {
      if (s.kind !== 'frontend') this.backends.set(s.name, new FakeBackend(s, this.transitions));
      if (s.kind !== 'backend') this.frontends.set(s.name, new FakeFrontend(s));
    }
  }
  static of(sections: ProxySection[], global: Partial<GlobalConfig> = {}): FakeRuntime {
    return new FakeRuntime({ files: ['test.cfg'], global: globalConfig(global), proxies: sections });
  }
  info(): ProcessInfo {
    return {
      pid: process.pid, version: '0.1.0', startedAt: this.startedAt, uptimeSec: Math.floor((Date.now() - this.startedAt) / 1000),
      nbthread: 1, maxconn: 2000, currConns: 0, cumConns: 0, cumReq: 0, node: 'testnode',
    };
  }
  proxiesInOrder() {
    return this.config.proxies.map((s) => ({
      name: s.name,
      ...(this.frontends.has(s.name) ? { frontend: this.frontends.get(s.name)! } : {}),
      ...(this.backends.has(s.name) ? { backend: this.backends.get(s.name)! } : {}),
    }));
  }
  server(be: string, name: string): FakeServer {
    const s = this.backends.get(be)?.findServer(name);
    if (!s) throw new Error(`no server ${be}/${name}`);
    return s;
  }
}
