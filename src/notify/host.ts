// Facts about this node for alert bodies: host name and its own addresses (VIPs excluded).
import os from 'node:os';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { HostFacts } from './templates.js';

/** Non-loopback addresses of this host (this network namespace), minus the configured VIPs. */
export function nodeAddresses(config: KeepalivedConfig): string[] {
  const vips = new Set(config.instances.flatMap((i) => [...i.vips, ...i.excludedVips].map((v) => v.address)));
  const out: string[] = [];
  for (const list of Object.values(os.networkInterfaces())) {
    for (const a of list ?? []) {
      if (a.internal || vips.has(a.address) || a.address.startsWith('fe80:')) continue;
      out.push(a.address);
    }
  }
  return out;
}

export function hostFacts(config: KeepalivedConfig, hostname?: string): HostFacts {
  return { hostname: hostname ?? os.hostname(), addresses: nodeAddresses(config) };
}

/** keepalived's default sender: <user running it>@<local host name> ([gdata], keepalived.md §5.3). */
export function defaultFrom(hostname: string): string {
  let user = 'root';
  try {
    user = os.userInfo().username;
  } catch {
    /* no passwd entry: keep root */
  }
  return `${user}@${hostname}`;
}
