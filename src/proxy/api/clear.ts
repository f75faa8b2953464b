// `clear counters` / `clear counters all` (haproxy management guide §9.3, stats.c cli_parse_clear_counters): the
// first resets the maxima (smax, qmax, rate maxima) of every frontend, backend and server, the second every
// statistics counter, as a restart would; current values (scur, qcur) are facts, not counters, and stay.
import type { ProxyRuntimeView, TrafficCounters } from '../types.js';
import { clearRateMaxima } from '../stats/rates.js';

type NumKey = { [K in keyof TrafficCounters]-?: TrafficCounters[K] extends number ? K : never }[keyof TrafficCounters];
/** Counters `clear counters all` zeroes (everything numeric but the current values). */
const ALL: readonly NumKey[] = [
  'max', 'total', 'lbtot', 'bytesIn', 'bytesOut', 'connErrors', 'respErrors', 'reqErrors', 'deniedReq', 'retries',
  'redispatches', 'cliAborts', 'srvAborts', 'queueMax', 'qtime', 'ctime', 'rtime', 'ttime', 'reqTotal', 'connRateMax',
];
const MAXIMA: readonly NumKey[] = ['max', 'queueMax', 'connRateMax'];

function clearOne(view: object, roCounters: Readonly<TrafficCounters>, all: boolean): void {
  // The views expose the live counters objects (read-only to readers); the API is their one other writer.
  const c = roCounters as TrafficCounters;
  for (const k of all ? ALL : MAXIMA) c[k] = 0;
  if (all) {
    for (const h of Object.keys(c.hrsp) as (keyof TrafficCounters['hrsp'])[]) c.hrsp[h] = 0;
    delete c.lastSessMs;
  } else {
    // A maximum restarts from the current value (haproxy sets it back as soon as the next event comes).
    c.max = c.cur;
    c.queueMax = c.queueCur;
  }
  clearRateMaxima(view);
}

/** Runs the command; returns haproxy's answer (empty on success). */
export function clearCounters(rt: ProxyRuntimeView, all: boolean): string {
  // With nbthread > 1 the control process shows the workers' counters summed at each sync: a reset here would be
  // undone a quarter of a second later.
  if (rt.info().nbthread > 1) return 'clear counters is not supported with nbthread > 1 (counters are summed from the workers).';
  for (const fe of rt.frontends.values()) clearOne(fe, fe.counters, all);
  for (const be of rt.backends.values()) {
    clearOne(be, be.counters, all);
    for (const s of be.servers) clearOne(s, s.counters, all);
  }
  return '';
}
