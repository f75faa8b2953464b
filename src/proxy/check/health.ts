// Pure health-check arithmetic: the one-integer health counter, interval selection, first-round spreading,
// jitter, and the decision of what a completed check does to the server (haproxy.md §2.1-2.3, §3).
import type { CheckStatusCode, ServerOpState } from '../types.js';
import { CHECK_STATUS, agentStatusCounts, type CheckResult } from './status.js';

export type CheckKind = 'check' | 'agent';

export interface HealthStep {
  readonly health: number;
  /** The counter moved (haproxy `report`): a failure here counts in chkfail. */
  readonly changed: boolean;
  readonly countedFailure: boolean;
}

/**
 * Moves `health` (0 .. rise+fall-1, "good" iff >= rise) one step for a completed check, exactly as
 * haproxy's set_server_check_status: a failure decrements and snaps to 0 once below rise; a success
 * increments and snaps to rise+fall-1 once it reaches rise. Agent results below L57DATA (connection
 * errors, timeouts) never move the agent's counter (haproxy.md §3).
 */
export function stepHealth(kind: CheckKind, health: number, rise: number, fall: number, status: CheckStatusCode): HealthStep {
  const result = CHECK_STATUS[status].result;
  const max = rise + fall - 1;
  if (result === 'failed') {
    if (kind === 'agent' && !agentStatusCounts(status)) return { health, changed: false, countedFailure: false };
    if (health <= 0) return { health: 0, changed: false, countedFailure: false };
    const next = health - 1 < rise ? 0 : health - 1;
    return { health: next, changed: true, countedFailure: true };
  }
  if (result === 'passed' || result === 'condpass') {
    if (health >= max) return { health: max, changed: false, countedFailure: false };
    const next = health + 1 >= rise ? max : health + 1;
    return { health: next, changed: true, countedFailure: false };
  }
  return { health, changed: false, countedFailure: false };
}

export interface IntervalParams {
  readonly inter: number;
  readonly fastinter?: number;
  readonly downinter?: number;
}

/**
 * haproxy srv_getinter: fully up -> inter; server down with health 0 -> downinter (else inter); anything in
 * transition -> fastinter (else inter). Agents have neither fastinter nor downinter, so always agent-inter.
 */
export function selectInterval(p: IntervalParams, health: number, rise: number, fall: number, serverDown: boolean): number {
  if (health >= rise + fall - 1) return p.inter;
  if (serverDown && health === 0) return p.downinter ?? p.inter;
  return p.fastinter ?? p.inter;
}

/**
 * First-check delays for N checks in declaration order (haproxy start_checks, haproxy.md §2.2): mininter is the
 * smallest interval >= 1000 ms; check k (0-based) fires at max(mininter, own) [capped by max-spread-checks] * k / N.
 */
export function spreadDelays(intervals: readonly number[], maxSpreadChecks?: number): number[] {
  const n = intervals.length;
  let mininter = 0;
  for (const i of intervals) if (i >= 1000 && (mininter === 0 || i < mininter)) mininter = i;
  return intervals.map((own, k) => {
    let base = Math.max(mininter, own);
    if (maxSpreadChecks !== undefined && maxSpreadChecks > 0 && base > maxSpreadChecks) base = maxSpreadChecks;
    return n === 0 ? 0 : Math.floor((base * k) / n);
  });
}

/** `spread-checks P`: the next check runs after interval +/- interval*P/100, uniformly (rand in [0,1)). */
export function jitter(interval: number, spreadPct: number, rand: number): number {
  if (spreadPct <= 0) return interval;
  const span = (interval * Math.min(spreadPct, 50)) / 100;
  return Math.max(0, Math.round(interval - span + 2 * span * rand));
}

export interface TransitionInput {
  readonly kind: CheckKind;
  readonly status: CheckStatusCode;
  /** Health of the check that just completed, after stepHealth. */
  readonly health: number;
  readonly maint: boolean;
  readonly op: ServerOpState;
  readonly checkEnabled: boolean;
  readonly checkHealth: number;
  readonly checkRise: number;
  readonly agentEnabled: boolean;
  readonly agentHealth: number;
  readonly agentRise: number;
}

export type OpDecision = 'up' | 'down' | 'stopping' | 'none';

/**
 * What the completed check does to the operational state (haproxy check_notify_failure/success/stopping):
 * - failed with health 0 -> DOWN, except an agent whose status is not L7STS (agent down/stopped/fail);
 * - passed -> UP only out of maintenance and when BOTH enabled checks are >= rise; an agent success never
 *   lifts a server out of NOLB (only the health check can);
 * - conditionally passed (disable-on-404) -> NOLB, never from the agent.
 */
export function decideTransition(i: TransitionInput): OpDecision {
  const result: CheckResult = CHECK_STATUS[i.status].result;
  if (result === 'failed') {
    if (i.health !== 0) return 'none';
    if (i.kind === 'agent' && i.status !== 'L7STS') return 'none';
    return i.op === 'down' ? 'none' : 'down';
  }
  if (result === 'passed') {
    if (i.maint) return 'none';
    if (i.checkEnabled && i.checkHealth < i.checkRise) return 'none';
    if (i.agentEnabled && i.agentHealth < i.agentRise) return 'none';
    if (i.kind === 'agent' && i.op === 'stopping') return 'none';
    return i.op === 'up' || i.op === 'starting' ? 'none' : 'up';
  }
  if (result === 'condpass') {
    if (i.maint || i.kind === 'agent') return 'none';
    return i.op === 'stopping' ? 'none' : 'stopping';
  }
  return 'none';
}
