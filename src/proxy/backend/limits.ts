// Backend fullconn default (haproxy proxy.c proxy_adjust_all_maxconn, haproxy.md §4.1): ceil(Σ frontend
// maxconn / 10) over every frontend that can route to the backend, minimum 1.
import type { ProxyConfig, ProxySection } from '../types.js';

/** haproxy's fallback global maxconn when none is configured (compute_ideal_maxconn floor). */
export const DEFAULT_GLOBAL_MAXCONN = 100;

/**
 * Computes fullconn for `backendName`: an explicit `fullconn` wins; otherwise each frontend-capable proxy adds its
 * maxconn (or global maxconn) once if the backend is its default_backend, a static use_backend target, or itself
 * when it is a listen without default_backend. Dynamic (`%[...]`) targets are ignored.
 */
export function computeFullconn(config: ProxyConfig, backendName: string): number {
  const be = config.proxies.find((p) => p.name === backendName && p.kind !== 'frontend');
  if (be?.fullconn !== undefined && be.fullconn > 0) return be.fullconn;
  const globalMax = config.global.maxconn ?? DEFAULT_GLOBAL_MAXCONN;
  let total = 0;
  for (const fe of config.proxies) {
    if (fe.kind === 'backend') continue;
    if (routesTo(fe, backendName)) total += fe.maxconn || globalMax;
  }
  return Math.max(1, Math.ceil(total / 10));
}

function routesTo(fe: ProxySection, backendName: string): boolean {
  if (fe.defaultBackend === backendName) return true;
  if (fe.kind === 'listen' && fe.defaultBackend === undefined && fe.name === backendName) return true;
  return fe.useBackends.some((r) => !r.backend.includes('%[') && r.backend === backendName);
}
