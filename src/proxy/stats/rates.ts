// Session / request rates for the stats columns rate, rate_max, req_rate, req_rate_max, conn_rate, conn_rate_max,
// without any work on the data path: a 1 s sampler in the control process reads the cumulative counters (stot,
// req_tot) of every frontend, backend and server and keeps the last second's increase and the highest seen
// (haproxy's freq_ctr: events over the last second; *_max = highest rate since start or `clear counters`).
import type { ProxyRuntimeView, TrafficCounters } from '../types.js';

export interface Rates {
  /** Sessions (connections) in the last sampled second, and the highest such value. */
  rate: number;
  rateMax: number;
  /** HTTP requests in the last sampled second, and the highest such value. */
  reqRate: number;
  reqRateMax: number;
}

interface State extends Rates {
  lastTotal: number;
  lastReq: number;
  lastAt: number;
}

/** Keyed by the view object (frontend, backend, server): stable across reloads and counter syncs. */
const states = new WeakMap<object, State>();
const NONE: Readonly<Rates> = { rate: 0, rateMax: 0, reqRate: 0, reqRateMax: 0 };

export function ratesOf(view: object): Readonly<Rates> {
  return states.get(view) ?? NONE;
}

/** One sample of one object's cumulative counters at `now` (ms): rates are per second of elapsed time. */
export function sampleRates(view: object, c: Readonly<TrafficCounters>, now: number): void {
  const s = states.get(view);
  if (!s) {
    states.set(view, { ...NONE, lastTotal: c.total, lastReq: c.reqTotal, lastAt: now });
    return;
  }
  const secs = (now - s.lastAt) / 1000;
  if (secs <= 0) return;
  // A counter that went down was cleared (clear counters all) or restarted: count from there.
  s.rate = Math.round(Math.max(0, c.total - s.lastTotal) / secs);
  s.reqRate = Math.round(Math.max(0, c.reqTotal - s.lastReq) / secs);
  s.rateMax = Math.max(s.rateMax, s.rate);
  s.reqRateMax = Math.max(s.reqRateMax, s.reqRate);
  s.lastTotal = c.total;
  s.lastReq = c.reqTotal;
  s.lastAt = now;
}

/** `clear counters`: the maxima start again from the current rates. */
export function clearRateMaxima(view: object): void {
  const s = states.get(view);
  if (s) {
    s.rateMax = s.rate;
    s.reqRateMax = s.reqRate;
  }
}

/** Samples every frontend, backend and server of `rt`. */
export function sampleAll(rt: ProxyRuntimeView, now: number): void {
  for (const fe of rt.frontends.values()) sampleRates(fe, fe.counters, now);
  for (const be of rt.backends.values()) {
    sampleRates(be, be.counters, now);
    for (const s of be.servers) sampleRates(s, s.counters, now);
  }
}

/** Starts the 1 s sampler (unref'd: it never keeps the process alive). */
export function startRateSampler(rt: ProxyRuntimeView, intervalMs = 1000): { stop(): void } {
  sampleAll(rt, Date.now());
  const timer = setInterval(() => sampleAll(rt, Date.now()), intervalMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
