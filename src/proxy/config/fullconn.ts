// Pure computation of haproxy's default backend `fullconn` (haproxy.md §4.1; src/cfgparse.c / proxy.c
// proxy_adjust_all_maxconn): ceil(sum of the maxconn of the frontends that can reach the backend / 10), >= 1.
import type { ProxyConfig, ProxySection } from '../types.js';

/** Static backend names a frontend can route to: default_backend, itself (a listen without one), static use_backend targets. */
export function reachableBackends(fe: ProxySection): string[] {
  const out = new Set<string>();
  if (fe.defaultBackend !== undefined) out.add(fe.defaultBackend);
  else if (fe.kind === 'listen') out.add(fe.name);
  for (const r of fe.useBackends) {
    // log-format names (`%[...]`) are dynamic: haproxy cannot count them, neither do we.
    if (!r.backend.includes('%[') && r.backend !== fe.defaultBackend) out.add(r.backend);
  }
  return [...out];
}

/**
 * Effective fullconn of every backend-capable proxy. `globalMaxconn` is what a frontend without its own
 * maxconn accepts: pass effectiveGlobalMaxconn(config) (./maxconn.ts, derived from the fd limit when the config
 * sets none) to get a number for every backend; with the default (the configured value only) a backend whose
 * default depends on an unset global maxconn maps to undefined.
 */
export function computeFullconn(config: ProxyConfig, globalMaxconn: number | undefined = config.global.maxconn): Map<string, number | undefined> {
  const total = new Map<string, number>();
  const unknown = new Set<string>();
  for (const fe of config.proxies) {
    if (fe.kind === 'backend' || fe.disabled) continue;
    const maxconn = fe.maxconn || globalMaxconn; // 0 or unset => global value
    for (const be of reachableBackends(fe)) {
      if (maxconn === undefined) unknown.add(be);
      else total.set(be, (total.get(be) ?? 0) + maxconn);
    }
  }
  const out = new Map<string, number | undefined>();
  for (const be of config.proxies) {
    if (be.kind === 'frontend') continue;
    if (be.fullconn !== undefined && be.fullconn > 0) out.set(be.name, be.fullconn);
    else if (unknown.has(be.name)) out.set(be.name, undefined);
    else out.set(be.name, Math.max(1, Math.ceil((total.get(be.name) ?? 0) / 10)));
  }
  return out;
}
