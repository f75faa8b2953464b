// Which servers take load-balanced traffic now: active servers, else the first usable backup or all
// backups with `option allbackups` (haproxy backend.c recount_servers/update_backend_weight, haproxy.md §6.5).
import type { LbServer } from './types.js';

export interface LbGroup {
  /** Servers in the group, in declaration order. */
  readonly servers: readonly LbServer[];
  /** True when the group is made of backup servers (no active server usable). */
  readonly backup: boolean;
  /** Sum of lbWeight over the group (haproxy tot_weight); 0 = backend has no usable server. */
  readonly totalWeight: number;
}

/** A server may receive load-balanced traffic: running, not in maintenance, weight > 0. */
export function inLb(s: LbServer): boolean {
  return s.lbUsable && s.lbWeight > 0;
}

/** Pure: computes the current LB group from every server in declaration order. */
export function lbGroup(servers: readonly LbServer[], allBackups: boolean): LbGroup {
  const active = servers.filter((s) => !s.backup && inLb(s));
  if (active.length > 0) return { servers: active, backup: false, totalWeight: sum(active) };
  const backups = servers.filter((s) => s.backup && inLb(s));
  const chosen = allBackups ? backups : backups.slice(0, 1);
  return { servers: chosen, backup: true, totalWeight: sum(chosen) };
}

function sum(list: readonly LbServer[]): number {
  let t = 0;
  for (const s of list) t += s.lbWeight;
  return t;
}

function gcd(a: number, b: number): number {
  while (b) [a, b] = [b, a % b];
  return a;
}

/** GCD of all non-zero user weights (haproxy init_server_map: map weights are uweight / gcd, rounded up). */
export function weightGcd(servers: readonly LbServer[]): number {
  let g = 0;
  for (const s of servers) if (s.uweight > 0) g = g === 0 ? s.uweight : gcd(g, s.uweight);
  return g === 0 ? 1 : g;
}

/**
 * Pure: haproxy lb_map.c recalc_server_map. Each slot goes to the server with the highest
 * `(wscore + tot) / tot` after every server added its weight to its score (first declared wins ties),
 * then the winner pays `tot` back: a smooth interleave of size Σweights.
 */
export function buildMap(group: readonly LbServer[], weightOf: (s: LbServer) => number): LbServer[] {
  const weights = group.map(weightOf);
  const tot = weights.reduce((a, b) => a + b, 0);
  const map: LbServer[] = [];
  if (tot === 0) return map;
  const score = group.map(() => 0);
  for (let o = 0; o < tot; o++) {
    let best = -1;
    let max = 0;
    for (let i = 0; i < group.length; i++) {
      if (tot === 1) {
        best = i;
        break;
      }
      score[i]! += weights[i]!;
      const v = Math.floor((score[i]! + tot) / tot);
      if (best < 0 || v > max) {
        max = v;
        best = i;
      }
    }
    map.push(group[best]!);
    score[best]! -= tot;
  }
  return map;
}
