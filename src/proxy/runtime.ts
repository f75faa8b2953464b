// The running proxy (implements ProxyRuntimeView): backends from the backend core, frontends with their
// listeners, the idle server-connection pool, process counters; start, reload in place, soft/hard stop.
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/clock.js';
import type { ProcessInfo, ProxyConfig, ProxyRuntimeView } from './types.js';
import { createBackends, reloadBackends, type Backend } from './backend/index.js';
import { TransitionCounts } from './backend/transition-counts.js';
import { Frontend } from './frontend.js';
import { IdlePool } from './http/pool.js';
import type { EngineDeps, GlobalState, ServiceHooks } from './frontend-types.js';
import { effectiveGlobalMaxconn } from './config/maxconn.js';
import { headLimit } from './config/head-limit.js';
import { proxiesInOrder, type ProxyEntry } from './proxies-in-order.js';

export const VERSION = '0.1.0';

export interface RuntimeDeps {
  readonly logger: Logger;
  /** Logger for the backend core (server transitions); defaults to `logger`. Workers pass a silent one. */
  readonly backendLogger?: Logger;
  readonly clock: Clock;
  readonly services?: ServiceHooks;
  /** Share of the global/frontend maxconn this process enforces (nbthread workers); default 1. */
  readonly share?: { readonly index: number; readonly count: number };
}

export class ProxyRuntime implements ProxyRuntimeView {
  config: ProxyConfig;
  backends = new Map<string, Backend>();
  readonly frontends = new Map<string, Frontend>();
  readonly pool = new IdlePool();
  readonly global: GlobalState = { actconn: 0, cumConns: 0, cumReq: 0, stopping: false, headLimit: 0 };
  readonly services: ServiceHooks;
  readonly startedAt = Date.now();
  private retired: Backend[] = [];
  /** Every transition the backend core logs is also counted (hapair_server_transitions_total). */
  private readonly transitions = new TransitionCounts();
  private readonly log: Logger;
  private readonly deps: RuntimeDeps;
  private readonly engine: EngineDeps;

  constructor(config: ProxyConfig, deps: RuntimeDeps) {
    this.config = config;
    this.global.headLimit = headLimit(config.global);
    this.deps = deps;
    this.log = deps.logger;
    this.services = deps.services ?? {};
    const self = this;
    this.engine = {
      backend: (name) => self.backends.get(name),
      pool: this.pool,
      get services() {
        return self.services;
      },
      global: this.global,
    };
  }

  /** Process-wide maxconn (configured, else derived from the fd limit as haproxy does), divided among workers.
   *  Computed once per configuration: the accept path reads it for every connection. */
  get globalMaxconn(): number {
    if (this.maxconnFor !== this.config) {
      this.maxconnFor = this.config;
      this.maxconnCache = this.share(effectiveGlobalMaxconn(this.config));
    }
    return this.maxconnCache;
  }
  private maxconnFor: ProxyConfig | undefined;
  private maxconnCache = 0;

  private share(total: number): number {
    const s = this.deps.share;
    if (!s || s.count <= 1) return total;
    return Math.max(1, Math.ceil(total / s.count));
  }

  /** Creates backends and binds every frontend; throws (nothing left listening) if a bind fails. */
  async start(): Promise<void> {
    // Parked idle server connections are capped at half the global maxconn, close to haproxy's
    // tune.pool-high-fd-ratio (25% of the descriptors, which are about twice maxconn).
    this.pool.setMaxIdle(Math.max(16, Math.floor(this.globalMaxconn / 2)));
    this.backends = createBackends(this.config, { logger: this.deps.backendLogger ?? this.log, clock: this.deps.clock, globalMaxconn: effectiveGlobalMaxconn(this.config) });
    this.transitions.watch(this.backends.values());
    try {
      for (const p of this.config.proxies) {
        if (p.kind === 'backend' || p.disabled) continue;
        const fe = this.newFrontend(p);
        this.frontends.set(p.name, fe);
        await fe.bindAll();
      }
    } catch (err) {
      this.stop(false);
      throw err;
    }
  }

  /** Subscribes once to each backend's transition events (kept backends keep their subscription over reloads). */
  transitionCounts(backend: string, server: string): Readonly<Record<string, number>> | undefined {
    return this.transitions.of(backend, server);
  }

  private newFrontend(p: ProxyConfig['proxies'][number]): Frontend {
    return new Frontend(p, this.engine, {
      logger: this.log,
      globalMaxconn: () => this.globalMaxconn,
      slotFreed: () => this.slotFreed(),
    });
  }

  private slotFreed(): void {
    for (const fe of this.frontends.values()) fe.pump();
    if (this.retired.length) this.reapRetired();
  }

  /**
   * Reload in place with an already validated config: backends that remain keep server state (backend core),
   * frontends that remain keep their listening sockets; new ones start; removed ones stop accepting and finish.
   */
  async reload(config: ProxyConfig): Promise<void> {
    this.config = config;
    this.global.headLimit = headLimit(config.global);
    this.pool.setMaxIdle(Math.max(16, Math.floor(this.globalMaxconn / 2)));
    const { backends, removed } = reloadBackends(this.backends, config, { logger: this.deps.backendLogger ?? this.log, clock: this.deps.clock, globalMaxconn: effectiveGlobalMaxconn(config) });
    this.backends = backends;
    this.transitions.watch(this.backends.values());
    for (const b of removed) {
      this.pool.closeAll();
      this.retired.push(b);
    }
    const wanted = new Map(config.proxies.filter((p) => p.kind !== 'backend' && !p.disabled).map((p) => [p.name, p]));
    for (const [name, fe] of this.frontends) {
      if (wanted.has(name)) continue;
      fe.stop(true);
      this.frontends.delete(name);
    }
    for (const [name, section] of wanted) {
      const fe = this.frontends.get(name);
      if (fe) await fe.reconfigure(section);
      else {
        const nfe = this.newFrontend(section);
        this.frontends.set(name, nfe);
        await nfe.bindAll();
      }
    }
    this.reapRetired();
  }

  private reapRetired(): void {
    this.retired = this.retired.filter((b) => {
      if (b.beconn > 0) return true;
      b.close();
      return false;
    });
  }

  /** Soft stop (SIGUSR1): stop accepting, let requests finish. Hard stop (SIGTERM): drop everything. */
  stop(soft: boolean): void {
    this.global.stopping = true;
    for (const fe of this.frontends.values()) fe.stop(soft);
    this.pool.closeAll();
    if (!soft) for (const b of this.backends.values()) b.close();
  }

  /** Resolves when every frontend has no session left. */
  async whenIdle(): Promise<void> {
    await Promise.all([...this.frontends.values()].map((f) => f.whenIdle()));
  }

  // ---- ProxyRuntimeView -------------------------------------------------------------------------------
  info(): ProcessInfo {
    return {
      pid: process.pid,
      version: VERSION,
      startedAt: this.startedAt,
      uptimeSec: Math.floor((Date.now() - this.startedAt) / 1000),
      nbthread: this.config.global.nbthread,
      maxconn: this.globalMaxconn,
      currConns: this.global.actconn,
      cumConns: this.global.cumConns,
      cumReq: this.global.cumReq,
      node: this.config.global.node ?? (process.env.HOSTNAME || 'hapair'),
    };
  }

  proxiesInOrder(): readonly ProxyEntry[] {
    return proxiesInOrder(this.config, this.frontends, this.backends);
  }
}
