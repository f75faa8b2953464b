// Start-up privilege check: the capabilities `hapair vrrp` needs, read from /proc/self/status (CapEff), named in the error.
import fs from 'node:fs';
import { HaError } from '../core/errors.js';

/** Capability bits (linux/capability.h) and what hapair vrrp needs each one for. */
export const NEEDED_CAPS: readonly { readonly name: string; readonly bit: number; readonly why: string }[] = [
  { name: 'CAP_NET_ADMIN', bit: 12, why: 'add and remove the VIPs' },
  { name: 'CAP_NET_RAW', bit: 13, why: 'send and receive VRRP packets (raw IP protocol 112)' },
];

/** The effective capability mask of a /proc/PID/status text; undefined when absent (not Linux, no procfs). */
export function effectiveCaps(status: string): bigint | undefined {
  const m = /^CapEff:\s*([0-9a-f]+)\s*$/im.exec(status);
  return m ? BigInt(`0x${m[1]}`) : undefined;
}

/** Names of the needed capabilities missing from `eff` (pure). */
export function missingCaps(eff: bigint): string[] {
  return NEEDED_CAPS.filter((c) => (eff & (1n << BigInt(c.bit))) === 0n).map((c) => c.name);
}

/**
 * Throws ENOTROOT naming every missing capability and its purpose, before any socket or address is touched:
 * with CAP_NET_RAW alone the daemon would win elections and then fail to add its VIPs at every takeover.
 * Without /proc (or a CapEff line) nothing is checked here; the raw socket open still reports ENOTROOT.
 */
export function checkPrivileges(readStatus: () => string = () => fs.readFileSync('/proc/self/status', 'utf8')): void {
  let eff: bigint | undefined;
  try {
    eff = effectiveCaps(readStatus());
  } catch {
    return;
  }
  if (eff === undefined) return;
  const missing = missingCaps(eff);
  if (missing.length === 0) return;
  const needs = NEEDED_CAPS.filter((c) => missing.includes(c.name)).map((c) => `${c.name} (to ${c.why})`).join(' and ');
  throw new HaError('ENOTROOT', `hapair vrrp lacks ${needs}: run it as root, or grant CAP_NET_ADMIN and CAP_NET_RAW (systemd: AmbientCapabilities=CAP_NET_ADMIN CAP_NET_RAW)`);
}
