// The proxies of a configuration in declaration order with their running frontend and/or backend (a `listen` has
// both): the order haproxy's stats page, CSV and exporter list them. Shared by the single-process runtime and the
// nbthread control process.
import type { BackendView, FrontendView, ProxyConfig } from './types.js';

export interface ProxyEntry {
  readonly name: string;
  readonly frontend?: FrontendView;
  readonly backend?: BackendView;
}

export function proxiesInOrder(
  config: ProxyConfig,
  frontends: ReadonlyMap<string, FrontendView>,
  backends: ReadonlyMap<string, BackendView>,
): ProxyEntry[] {
  const out: ProxyEntry[] = [];
  for (const p of config.proxies) {
    const frontend = frontends.get(p.name);
    const backend = p.kind === 'frontend' ? undefined : backends.get(p.name);
    if (frontend || backend) out.push({ name: p.name, frontend, backend });
  }
  return out;
}
