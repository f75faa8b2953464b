// Public surface of the backend core: build every backend of a ProxyConfig, reload them in place, and re-export
// the pieces other parts use (status text, cookie persistence, fullconn, connect result types).
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/clock.js';
import type { ProxyConfig } from '../types.js';
import { Backend, type BackendDeps } from './backend.js';
import { computeFullconn } from './limits.js';

export { Backend, type BackendDeps } from './backend.js';
export { Server, type ServerTransitionEvent } from './server.js';
export type { ConnectOptions, ConnectResult, ConnectFailure } from './connect.js';
export { computeFullconn } from './limits.js';
export { serverStatusText, throttlePercent, dynamicMaxconn, effectiveWeight16, stateWord } from './server-state.js';
export { BackendError, isBackendError, type BackendErrorCode } from './errors.js';

/** Sections that carry servers: `backend` and `listen`. */
function backendSections(config: ProxyConfig): ProxyConfig['proxies'] {
  return config.proxies.filter((p) => p.kind === 'backend' || p.kind === 'listen');
}

/** Creates one Backend per backend/listen section, keyed by name, with fullconn computed as haproxy.md §4.1. */
export function createBackends(config: ProxyConfig, deps: { logger: Logger; clock: Clock; random32?: () => number }): Map<string, Backend> {
  const out = new Map<string, Backend>();
  for (const section of backendSections(config)) {
    out.set(section.name, new Backend(section, computeFullconn(config, section.name), deps as BackendDeps));
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
  deps: { logger: Logger; clock: Clock; random32?: () => number },
): { backends: Map<string, Backend>; removed: Backend[] } {
  const backends = new Map<string, Backend>();
  for (const section of backendSections(config)) {
    const fullconn = computeFullconn(config, section.name);
    const existing = current.get(section.name);
    if (existing) {
      existing.reload(section, fullconn);
      backends.set(section.name, existing);
    } else backends.set(section.name, new Backend(section, fullconn, deps as BackendDeps));
  }
  const removed = [...current.values()].filter((b) => !backends.has(b.name));
  return { backends, removed };
}
export { parseRequestCookies, applyResponseCookie, type CookieServer, type CookieStatus, type RequestCookieResult, type ResponseCookieInput, type ResponseCookieResult } from './cookie.js';
