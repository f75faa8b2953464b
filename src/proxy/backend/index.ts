// Public surface of the backend core: build every backend of a ProxyConfig, reload them in place, and re-export
// the pieces other parts use (status text, cookie persistence, fullconn, connect result types).
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/clock.js';
import type { ProxyConfig } from '../types.js';
import { computeFullconn } from '../config/fullconn.js';
import { effectiveGlobalMaxconn } from '../config/maxconn.js';
import { Backend, type BackendDeps } from './backend.js';

export { Backend, type BackendDeps } from './backend.js';
export { Server, type ServerTransitionEvent } from './server.js';
export type { ConnectOptions, ConnectOptionsOf, ConnectResult, ConnectResultOf, ConnectFailure, Dialer, DialTarget, Attempt } from './connect.js';
export { dialTarget, ConnectFlow } from './connect.js';
export { computeFullconn } from '../config/fullconn.js';
export { serverStatusText, throttlePercent, dynamicMaxconn, effectiveWeight16, stateWord } from './server-state.js';
export { BackendError, isBackendError, type BackendErrorCode } from './errors.js';

export interface BackendsDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random32?: () => number;
  /** Process-wide maxconn the frontends enforce; default effectiveGlobalMaxconn(config) (configured, else from the fd limit). */
  readonly globalMaxconn?: number;
}

/** Sections that carry servers: `backend` and `listen`. */
function backendSections(config: ProxyConfig): ProxyConfig['proxies'] {
  return config.proxies.filter((p) => p.kind === 'backend' || p.kind === 'listen');
}

/** fullconn of every backend (haproxy.md §4.1), with the global maxconn resolved so none is unknown. */
function fullconns(config: ProxyConfig, deps: BackendsDeps): (name: string) => number {
  const fc = computeFullconn(config, deps.globalMaxconn ?? effectiveGlobalMaxconn(config));
  return (name) => fc.get(name) ?? 1;
}

/** Creates one Backend per backend/listen section, keyed by name, with fullconn computed as haproxy.md §4.1. */
export function createBackends(config: ProxyConfig, deps: BackendsDeps): Map<string, Backend> {
  const out = new Map<string, Backend>();
  const fullconn = fullconns(config, deps);
  for (const section of backendSections(config)) {
    out.set(section.name, new Backend(section, fullconn(section.name), deps as BackendDeps));
  }
  return out;
}

/**
 * Reload: backends that remain are updated in place (server state kept, see Backend.reload); new ones are created;
 * removed ones are closed once the caller has drained them. Returns the new map and the removed backends.
 */
export function reloadBackends(
  current: ReadonlyMap<string, Backend>,
  config: ProxyConfig,
  deps: BackendsDeps,
): { backends: Map<string, Backend>; removed: Backend[] } {
  const backends = new Map<string, Backend>();
  const fullconnOf = fullconns(config, deps);
  for (const section of backendSections(config)) {
    const fullconn = fullconnOf(section.name);
    const existing = current.get(section.name);
    if (existing) {
      existing.reload(section, fullconn);
      backends.set(section.name, existing);
    } else backends.set(section.name, new Backend(section, fullconn, deps as BackendDeps));
  }
  const removed = [...current.values()].filter((b) => !backends.has(b.name));
  return { backends, removed };
}
export { parseRequestCookies, applyResponseCookie, responseCacheable, type CookieServer, type CookieStatus, type RequestCookieResult, type ResponseCookieInput, type ResponseCookieResult } from './cookie.js';
