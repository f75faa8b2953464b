// VRRP timer arithmetic: Skew_Time, Master_Down_Interval and advert-interval field conversions (RFC 3768 §6.1, RFC 5798 §6.1).

import { DEFAULT_DOWN_TIMER_ADVERTS, V3_INTERVAL_MASK } from './constants.js';

/**
 * Skew_Time in milliseconds, computed in whole microseconds exactly like keepalived's VRRP_TIMER_SKEW
 * (include/vrrp.h), so a hapair backup and a keepalived backup of equal priority time out together:
 * - v2 (RFC 3768 §6.1): (256 − priority) / 256 seconds, independent of the advert interval;
 * - v3 (RFC 5798 §6.1): ((256 − priority) × Master_Adver_Interval) / 256, keepalived: (256−p) × cs × 625/16 µs.
 * `priority` is the instance's effective priority.
 */
export function skewTimeMs(version: 2 | 3, priority: number, masterAdverIntMs: number): number {
  const p = 256 - priority;
  if (version === 2) return Math.floor((p * 1_000_000) / 256) / 1000;
  const cs = Math.floor(masterAdverIntMs / 10);
  return Math.floor((p * cs * 625) / 16) / 1000;
}

/**
 * Master_Down_Interval = down_timer_adverts × Master_Adver_Interval + Skew_Time (RFC 5798 §6.1 with
 * keepalived's configurable multiplier, default 3). Worked values (v2, 1 s): prio 100 → 3609.375 ms,
 * 150 → 3414.062 ms, 200 → 3218.75 ms, 254 → 3007.812 ms.
 */
export function masterDownIntervalMs(
  version: 2 | 3,
  priority: number,
  masterAdverIntMs: number,
  downTimerAdverts: number = DEFAULT_DOWN_TIMER_ADVERTS,
): number {
  return downTimerAdverts * masterAdverIntMs + skewTimeMs(version, priority, masterAdverIntMs);
}

/** v2 Adver Int byte (whole seconds) -> ms. */
export function msFromV2Interval(field: number): number {
  return (field & 0xff) * 1000;
}

/** v3 Max Adver Int word (centiseconds in the low 12 bits; reserved bits masked) -> ms. */
export function msFromV3Interval(field: number): number {
  return (field & V3_INTERVAL_MASK) * 10;
}

/** ms -> v2 field, rounded to the nearest second and at least 1 as keepalived's config completion does. */
export function v2IntervalFromMs(ms: number): number {
  return Math.min(255, Math.max(1, Math.round(ms / 1000)));
}

/** ms -> v3 field, rounded to 10 ms, 1..4095 centiseconds. */
export function v3IntervalFromMs(ms: number): number {
  return Math.min(V3_INTERVAL_MASK, Math.max(1, Math.round(ms / 10)));
}
