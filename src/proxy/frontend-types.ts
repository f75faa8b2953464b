// Types shared by the frontends and the TCP/HTTP session engines (types only): what a session needs from its
// frontend and from the running proxy.
import type { Logger } from '../core/logger.js';
import type { Backend } from './backend/index.js';
import type { ProxySection, ServiceRequest, ServiceResponse, TrafficCounters } from './types.js';
import type { Router } from './acl/condition.js';
import type { AclPredicate } from './acl/match.js';
import type { IdlePool } from './http/pool.js';

/** Internal HTTP services the data plane intercepts (wired by the daemon to the control plane). */
export interface ServiceHooks {
  /** The stats page of `section` (haproxy.md §7.1). */
  stats?(section: ProxySection, req: ServiceRequest): Promise<ServiceResponse>;
  /** `http-request use-service prometheus-exporter`. */
  metrics?(req: ServiceRequest): Promise<ServiceResponse>;
}

/** Process-wide counters (show info: CurrConns, CumConns, CumReq) and the stopping flag. */
export interface GlobalState {
  actconn: number;
  cumConns: number;
  cumReq: number;
  /** Soft stop in progress: sessions close after their current transaction. */
  stopping: boolean;
  /** Bytes an HTTP head may use: tune.bufsize - tune.maxrewrite (config/head-limit.ts); set from the config. */
  headLimit: number;
}

export interface EngineDeps {
  backend(name: string): Backend | undefined;
  readonly pool: IdlePool;
  readonly services: ServiceHooks;
  readonly global: GlobalState;
}

/** A running client session as its frontend tracks it. */
export interface Session {
  /** Soft stop: close when idle (now, if idle already). */
  drain(): void;
  /** Hard stop. */
  destroy(): void;
}

/** One compiled `http-request` rule (config HttpRequestRule): the first whose `test` matches decides. */
export interface RequestRule {
  readonly action: 'deny' | 'allow' | 'prometheus-exporter';
  /** deny: the error page to send (deny_status, default 403). */
  readonly status: number;
  readonly test: AclPredicate;
}

/** The frontend as sessions see it; `section`, `router` and `log` change on reload. */
export interface SessionFrontend {
  readonly name: string;
  readonly section: ProxySection;
  readonly counters: TrafficCounters;
  readonly router: Router;
  /** Per-request/session log sink; undefined when the section has no `log` target. */
  readonly log: Logger | undefined;
  readonly feconn: number;
  /** The section's `http-request` rules in file order; undefined when it has none (the common, free case). */
  readonly requestRules: readonly RequestRule[] | undefined;
  readonly deps: EngineDeps;
  sessionEnded(s: Session): void;
}
