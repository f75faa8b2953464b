// Fresh TrafficCounters objects and the small helpers that keep max/queue figures consistent.
import type { TrafficCounters } from '../types.js';

export function newCounters(): TrafficCounters {
  return {
    cur: 0, max: 0, total: 0, lbtot: 0, bytesIn: 0, bytesOut: 0,
    connErrors: 0, respErrors: 0, reqErrors: 0, deniedReq: 0, retries: 0, redispatches: 0,
    cliAborts: 0, srvAborts: 0, queueCur: 0, queueMax: 0,
    hrsp: { '1xx': 0, '2xx': 0, '3xx': 0, '4xx': 0, '5xx': 0, other: 0 },
    qtime: 0, ctime: 0, rtime: 0, ttime: 0, reqTotal: 0, connRateMax: 0,
  };
}

/** A stream started on this object: cur/max/total (and last session time). */
export function countStart(c: TrafficCounters, wallNow: number): void {
  c.cur++;
  c.total++;
  if (c.cur > c.max) c.max = c.cur;
  c.lastSessMs = wallNow;
}

export function countEnd(c: TrafficCounters): void {
  if (c.cur > 0) c.cur--;
}

export function setQueue(c: TrafficCounters, length: number): void {
  c.queueCur = length;
  if (length > c.queueMax) c.queueMax = length;
}

/** haproxy swrate over the last 1024 samples (stats qtime/ctime/rtime/ttime): new = old + (v - old) / n. */
export function slidingAverage(old: number, sample: number, n = 1024): number {
  return old + (sample - old) / n;
}
