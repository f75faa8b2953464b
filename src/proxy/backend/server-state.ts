// Pure server-state rules: effective weight with slowstart (haproxy server_recalc_eweight), throttle %,
// dynamic maxconn (queue.c srv_dynamic_maxconn), stats status text (stats.c computestate) — haproxy.md §4.2, §5.7, §6.
import type { CheckState, RuntimeServerView, ServerAdmin, ServerOpState } from '../types.js';

/** BE_WEIGHT_SCALE: dynamic algorithms work on uweight × 16. */
export const WEIGHT_SCALE = 16;

/** Slowstart is stored in whole seconds, rounded up (haproxy srv_parse_slowstart). */
export function slowstartSeconds(slowstartMs: number | undefined): number {
  return slowstartMs && slowstartMs > 0 ? Math.ceil(slowstartMs / 1000) : 0;
}

/** Whole seconds elapsed since the last state change (haproxy compares now.tv_sec with last_change). */
export function elapsedSeconds(nowMs: number, lastChangeMs: number): number {
  return Math.floor(nowMs / 1000) - Math.floor(lastChangeMs / 1000);
}

/** True while a STARTING server is still inside its slowstart window. */
export function inSlowstart(op: ServerOpState, slowstartS: number, elapsedS: number): boolean {
  return op === 'starting' && slowstartS > 0 && elapsedS >= 0 && elapsedS < slowstartS;
}

export interface WeightInput {
  readonly op: ServerOpState;
  readonly admin: ServerAdmin;
  readonly uweight: number;
  readonly slowstartS: number;
  readonly elapsedS: number;
  /** Dynamic algorithm (roundrobin, leastconn, consistent hash, random, first): slowstart ramps the weight. */
  readonly dynamic: boolean;
}

/**
 * Effective weight in ×16 units. Drain (forced drain) => 0; maintenance and DOWN/NOLB servers are not in the LB
 * group anyway but keep their nominal weight for display. While starting: uweight × (1 + floor(16·t/slowstart)),
 * i.e. 1/16 at first then 16 steps up to full weight.
 */
export function effectiveWeight16(w: WeightInput): number {
  if (w.admin.forcedDrain) return 0;
  if (w.dynamic && inSlowstart(w.op, w.slowstartS, w.elapsedS)) {
    const step = Math.floor((WEIGHT_SCALE * w.elapsedS + w.slowstartS) / w.slowstartS);
    return w.uweight * step;
  }
  return w.uweight * WEIGHT_SCALE;
}

/** User-scale effective weight as the stats `weight` column shows it (rounded up). */
export function displayWeight(eweight16: number): number {
  return Math.ceil(eweight16 / WEIGHT_SCALE);
}

/** Stats `throttle` (haproxy server_throttle_rate): eweight as a % of full weight; 100 when uweight is 0. */
export function throttlePercent(eweight16: number, uweight: number): number {
  if (!uweight) return 100;
  return Math.floor((100 * eweight16 + WEIGHT_SCALE - 1) / (WEIGHT_SCALE * uweight));
}

export interface DynLimitInput {
  readonly maxconn: number;
  readonly minconn: number;
  readonly beconn: number;
  readonly fullconn: number;
  readonly op: ServerOpState;
  readonly slowstartS: number;
  readonly elapsedS: number;
}

/**
 * haproxy srv_dynamic_maxconn (haproxy.md §4.2): full maxconn once the backend holds fullconn streams, else
 * proportional to the backend load but never below minconn; the slowstart ramp scales it further (min 1).
 * Callers only use it when maxconn > 0.
 */
export function dynamicMaxconn(d: DynLimitInput): number {
  let limit: number;
  if (d.beconn >= d.fullconn) limit = d.maxconn;
  else if (d.minconn === d.maxconn) limit = d.maxconn;
  else limit = Math.max(d.minconn, Math.floor((d.beconn * d.maxconn) / Math.max(1, d.fullconn)));
  if (inSlowstart(d.op, d.slowstartS, d.elapsedS)) {
    const ratio = Math.floor((100 * d.elapsedS) / d.slowstartS);
    limit = Math.max(1, Math.floor((limit * ratio) / 100));
  }
  return limit;
}

/** True if the server is in maintenance (forced or from the config: `disabled` sets both flags as haproxy). */
export function isMaint(admin: ServerAdmin): boolean {
  return admin.forcedMaint;
}

/** Health-counter display pieces of haproxy's status strings "UP x/y" / "DOWN x/y". */
function healthFraction(op: ServerOpState, c: CheckState): string {
  return op !== 'down' ? `${c.health - c.rise + 1}/${c.fall}` : `${c.health}/${c.rise}`;
}

/**
 * Stats `status` column for a server (haproxy.md §6.4; stats.c stats_fill_sv_stats_computestate): MAINT first,
 * then UP / UP x/y (going down) / DRAIN / DRAIN (agent) / NOLB / DOWN / DOWN x/y (going up) / DOWN (agent) /
 * "no check" (UP without health check). Pure: reused by stats, CSV, JSON, metrics and the runtime API.
 */
export function serverStatusText(v: Pick<RuntimeServerView, 'op' | 'admin' | 'check' | 'agent'>): string {
  if (isMaint(v.admin)) return 'MAINT';
  const check = v.check?.enabled ? v.check : undefined;
  const agent = v.agent?.enabled ? v.agent : undefined;
  const full = (c: CheckState): boolean => c.health >= c.rise + c.fall - 1;
  if (v.op === 'up' || v.op === 'starting') {
    let s = check && !full(check) ? `UP ${healthFraction(v.op, check)}` : 'UP';
    if (v.admin.forcedDrain) {
      if (agent) s = 'DRAIN (agent)';
      else s = s === 'UP' ? 'DRAIN' : `DRAIN ${healthFraction(v.op, check!)}`;
    }
    if (s === 'UP' && !check) s = 'no check';
    return s;
  }
  if (v.op === 'stopping') {
    if (!check || full(check)) return 'NOLB';
    return `NOLB ${healthFraction(v.op, check)}`;
  }
  if (agent && agent.health === 0) return 'DOWN (agent)';
  if (check && check.health === 0) return 'DOWN';
  if (agent || check) return check ? `DOWN ${healthFraction(v.op, check)}` : `DOWN ${agent!.health}/${agent!.rise}`;
  return 'DOWN';
}

/** Short state word used in transition log fields `from` / `to`. */
export function stateWord(op: ServerOpState, admin: ServerAdmin): string {
  if (isMaint(admin)) return 'MAINT';
  if (op === 'down') return 'DOWN';
  if (admin.forcedDrain) return 'DRAIN';
  if (op === 'stopping') return 'NOLB';
  return op === 'starting' ? 'STARTING' : 'UP';
}
