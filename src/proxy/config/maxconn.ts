// The process-wide (global) maxconn when the config sets none, derived from the descriptor limit like haproxy's
// compute_ideal_maxconn (haproxy.md §1.5 / §4.1). This is the ONE place hapair computes that default: frontends
// accept up to it and backend fullconn defaults are derived from it (./fullconn.ts).
import type { ProxyConfig } from '../types.js';
import { processFdLimit } from '../../core/rlimit.js';

/** haproxy DEFAULT_MAXCONN: the floor when the descriptor limit leaves less (haproxy.md §1.5 "never below 100"). */
export const DEFAULT_MAXCONN = 100;
/** Descriptors haproxy reserves before counting listeners and checks (global.maxsock = 10 at start-up). */
const RESERVED_FDS = 10;
/** maxconn of the stats socket frontend (haproxy `stats maxconn`, default 10; hapair ignores that keyword). */
const STATS_FRONTEND_MAXCONN = 10;

/**
 * Descriptors haproxy 2.6.12 reserves per check: one per health check, two per agent check (measured: each
 * `agent-check` server lowers `show info` Maxconn by one, i.e. two descriptors, with or without `check`).
 */
const HEALTH_CHECK_FDS = 1;
const AGENT_CHECK_FDS = 2;

/** What eats descriptors besides connections: listeners (binds + stats sockets) and health/agent checks. */
export function descriptorReserve(config: ProxyConfig): { listeners: number; checks: number; statsFrontend: number } {
  let listeners = config.global.statsSockets.length;
  let checks = 0;
  for (const p of config.proxies) {
    if (p.disabled) continue;
    if (p.kind !== 'backend') listeners += p.binds.length;
    if (p.kind === 'frontend') continue;
    for (const s of p.servers) {
      if (s.check) checks += HEALTH_CHECK_FDS;
      if (s.agentCheck && s.agentPort !== undefined) checks += AGENT_CHECK_FDS;
    }
  }
  return { listeners, checks, statsFrontend: config.global.statsSockets.length > 0 ? STATS_FRONTEND_MAXCONN : 0 };
}

/**
 * haproxy 2.6 compute_ideal_maxconn without splicing or SSL engines: from the fd limit take away the reserved
 * descriptors, one per listener, the checks' descriptors, the stats frontend's maxconn and 3 per thread (poller + wake-up
 * pipe); two descriptors per connection; at least DEFAULT_MAXCONN. Matches `show info` Maxconn of haproxy
 * 2.6.12 under prlimit (test/proxy/config/maxconn.test.ts), e.g. 20000 fds, one bind, one stats socket,
 * nbthread 2 -> 9986. `nbthread` is hapair's (default 1), haproxy's default being the CPU count.
 */
export function idealGlobalMaxconn(config: ProxyConfig, fdLimit: number): number {
  const r = descriptorReserve(config);
  const maxsock = RESERVED_FDS + r.listeners + r.checks + r.statsFrontend;
  const remain = fdLimit - maxsock - 3 * config.global.nbthread;
  return Math.max(DEFAULT_MAXCONN, Math.floor(remain / 2));
}

/** The configured global maxconn, else the ideal one for this process's descriptor limit. */
export function effectiveGlobalMaxconn(config: ProxyConfig, fdLimit: number = processFdLimit()): number {
  return config.global.maxconn ?? idealGlobalMaxconn(config, fdLimit);
}
