// nbthread support, control side: the ProxyRuntimeView of the control (primary) process. It owns the backends
// (server state, checks, runtime API act on these) and shows frontends/backends/servers with the sum of the
// workers' counters; it carries no traffic itself.
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/clock.js';
import type { FrontendView, ProcessInfo, ProxyConfig, ProxyRuntimeView, ProxySection, TrafficCounters } from './types.js';
import { createBackends, reloadBackends, type Backend } from './backend/index.js';
import { newCounters } from './backend/counters.js';
import { TransitionCounts } from './backend/transition-counts.js';
import { proxiesInOrder, type ProxyEntry } from './proxies-in-order.js';
import { VERSION } from './runtime.js';
import { effectiveGlobalMaxconn } from './config/maxconn.js';
import { mergeCounters, type CountersReport, type ServerSnapshot } from './workers-sync.js';

/** A frontend as seen from the control process: config + summed counters. */
class RemoteFrontend implements FrontendView {
  readonly counters: TrafficCounters = newCounters();
  feconn = 0;
  constructor(public section: ProxySection, private readonly globalMaxconn: () => number) {}
  get name(): string {
    return this.section.name;
  }
  get id(): number {
    return this.section.id;
  }
  get maxconn(): number {
    return this.section.maxconn ?? this.globalMaxconn();
  }
  get status(): 'OPEN' | 'STOP' | 'FULL' {
    return this.feconn >= this.maxconn ? 'FULL' : 'OPEN';
  }
}

export class ControlRuntime implements ProxyRuntimeView {
  config: ProxyConfig;
  backends = new Map<string, Backend>();
  readonly frontends = new Map<string, RemoteFrontend>();
  readonly startedAt = Date.now();
  private readonly reports = new Map<number, CountersReport>();
  /** Server state lives here (checks, API), so transitions are counted here too (hapair_server_transitions_total). */
  private readonly transitions = new TransitionCounts();

  constructor(config: ProxyConfig, private readonly deps: { logger: Logger; clock: Clock }) {
    this.config = config;
    this.backends = createBackends(config, deps);
    this.transitions.watch(this.backends.values());
    this.syncFrontends();
  }

  transitionCounts(backend: string, server: string): Readonly<Record<string, number>> | undefined {
    return this.transitions.of(backend, server);
  }

  get globalMaxconn(): number {
    if (this.maxconnFor !== this.config) {
      this.maxconnFor = this.config;
      this.maxconnCache = effectiveGlobalMaxconn(this.config);
    }
    return this.maxconnCache;
  }
  private maxconnFor: ProxyConfig | undefined;
  private maxconnCache = 0;

  private syncFrontends(): void {
    const wanted = this.config.proxies.filter((p) => p.kind !== 'backend' && !p.disabled);
    for (const name of [...this.frontends.keys()]) if (!wanted.some((p) => p.name === name)) this.frontends.delete(name);
    for (const p of wanted) {
      const fe = this.frontends.get(p.name);
      if (fe) fe.section = p;
      else this.frontends.set(p.name, new RemoteFrontend(p, () => this.globalMaxconn));
    }
  }

  reload(config: ProxyConfig): void {
    this.config = config;
    const { backends, removed } = reloadBackends(this.backends, config, this.deps);
    this.backends = backends;
    this.transitions.watch(backends.values());
    for (const b of removed) b.close();
    this.syncFrontends();
  }

  /** Records one worker's report and recomputes every displayed counter as the sum over workers. */
  report(worker: number, r: CountersReport): void {
    this.reports.set(worker, r);
    this.aggregate();
  }

  forget(worker: number): void {
    this.reports.delete(worker);
    this.aggregate();
  }

  private aggregate(): void {
    const all = [...this.reports.values()];
    for (const fe of this.frontends.values()) {
      const parts = all.map((r) => r.frontends[fe.name]).filter((c): c is TrafficCounters => c !== undefined);
      mergeCounters(fe.counters, parts);
      fe.feconn = fe.counters.cur;
    }
    for (const be of this.backends.values()) {
      const reps = all.map((r) => r.backends[be.name]).filter((x) => x !== undefined);
      mergeCounters(be.counters, reps.map((x) => x.counters));
      for (const s of be.servers) mergeCounters(s.counters, reps.map((x) => x.servers[s.name]).filter((c): c is TrafficCounters => c !== undefined));
    }
  }

  /** The state every worker must follow. */
  snapshot(): ServerSnapshot[] {
    const out: ServerSnapshot[] = [];
    for (const be of this.backends.values()) {
      for (const s of be.servers) {
        const a = s.admin;
        out.push({ backend: be.name, server: s.name, op: s.op, forcedMaint: a.forcedMaint, forcedDrain: a.forcedDrain, uweight: s.uweight, maxconn: s.maxconn, addr: s.addr, port: s.port });
      }
    }
    return out;
  }

  stop(): void {
    for (const b of this.backends.values()) b.close();
  }

  info(): ProcessInfo {
    const all = [...this.reports.values()];
    const sum = (k: 'actconn' | 'cumConns' | 'cumReq'): number => all.reduce((a, r) => a + r[k], 0);
    return {
      pid: process.pid,
      version: VERSION,
      startedAt: this.startedAt,
      uptimeSec: Math.floor((Date.now() - this.startedAt) / 1000),
      nbthread: this.config.global.nbthread,
      maxconn: this.globalMaxconn,
      currConns: sum('actconn'),
      cumConns: sum('cumConns'),
      cumReq: sum('cumReq'),
      node: this.config.global.node ?? (process.env.HOSTNAME || 'hapair'),
    };
  }

  proxiesInOrder(): readonly ProxyEntry[] {
    return proxiesInOrder(this.config, this.frontends, this.backends);
  }
}
