// Shared building blocks of the pure VRRP state machine: timer math on the state, and the enter/leave MASTER and BACKUP sequences.

import type { FsmAction, FsmConfig, FsmResult, FsmState, TransitionReason, VrrpState } from './types.js';
import { PRIORITY_OWNER, PRIORITY_STOP } from './constants.js';
import { masterDownIntervalMs, skewTimeMs } from './timers.js';

/** Result of a handler; actions are executed by the runtime in order. */
export type Out = FsmResult;
type Want = NonNullable<FsmState['want']>;

export const unchanged = (state: FsmState): Out => ({ state, actions: [] });

/** Base priority, after a possible owner-conflict reduction (v2.2.7 lowers 255 to 254). */
export function baseOf(cfg: FsmConfig, s: FsmState): number {
  return s.basePriority ?? cfg.basePriority;
}

/** Address owner that goes MASTER at once: priority 255 with `state MASTER` (or no state) (keepalived.md §2.3). */
export function isOwner(cfg: FsmConfig, s: FsmState): boolean {
  return baseOf(cfg, s) === PRIORITY_OWNER && cfg.configuredState === 'MASTER';
}

export const isSyncMember = (cfg: FsmConfig): boolean => cfg.syncGroup !== undefined;

/** Skew_Time for the current effective priority and Master_Adver_Interval. */
export function skewOf(cfg: FsmConfig, s: FsmState): number {
  return skewTimeMs(cfg.version, s.effectivePriority, s.masterAdverIntMs);
}

/** Master_Down_Interval for the current effective priority and Master_Adver_Interval. */
export function downIntervalOf(cfg: FsmConfig, s: FsmState): number {
  return masterDownIntervalMs(cfg.version, s.effectivePriority, s.masterAdverIntMs, cfg.downTimerAdverts);
}

export function transition(from: VrrpState, to: VrrpState, reason: TransitionReason, detail?: string): FsmAction {
  return detail === undefined ? { type: 'transition', from, to, reason } : { type: 'transition', from, to, reason, detail };
}

export function log(level: 'info' | 'warn', msg: string, fields?: Record<string, unknown>): FsmAction {
  return fields === undefined ? { type: 'log', level, msg } : { type: 'log', level, msg, fields };
}

/** (Re)arm the master-down timer `ms` from `now`; remembers the absolute deadline for re-skewing. */
export function armMasterDown(s: FsmState, now: number, ms: number, cause: FsmState['downCause']): Out {
  return {
    state: { ...s, masterDownDeadline: now + ms, downCause: cause },
    actions: [{ type: 'setTimer', timer: 'masterDown', ms }],
  };
}

/** Sync-group members report what they want ignoring the group (keepalived `wantstate`), once per change. */
export function want(cfg: FsmConfig, s: FsmState, w: Want): Out {
  if (!isSyncMember(cfg) || s.want === w) return unchanged(s);
  return { state: { ...s, want: w }, actions: [{ type: 'wantState', want: w }] };
}

/** Chain handlers: each gets the previous state, actions concatenate in order. */
export function seq(s: FsmState, ...fns: ((s: FsmState) => Out)[]): Out {
  const actions: FsmAction[] = [];
  let state = s;
  for (const fn of fns) {
    const r = fn(state);
    state = r.state;
    actions.push(...r.actions);
  }
  return { state, actions };
}

export const emit = (...actions: FsmAction[]) => (s: FsmState): Out => ({ state: s, actions });

/** Timers that may be armed while MASTER, to cancel on the way out. */
function masterTimerClears(cfg: FsmConfig): FsmAction[] {
  const out: FsmAction[] = [{ type: 'clearTimer', timer: 'advert' }];
  if (cfg.garp.masterDelaySec > 0) out.push({ type: 'clearTimer', timer: 'garpBurst' });
  if (cfg.garp.masterRefreshSec > 0) out.push({ type: 'clearTimer', timer: 'garpRefresh' });
  if (cfg.garp.lowerPrioDelaySec > 0 && cfg.garp.lowerPrioRepeat > 0) out.push({ type: 'clearTimer', timer: 'garpLowerPrio' });
  return out;
}

/**
 * Become MASTER ([vrrp.c] vrrp_state_master_tx / vrrp_state_become_master). Order matters: advert first
 * so the old master drops the VIPs before our GARPs, then VIPs, the first GARP burst (garp_master_repeat),
 * the delayed second burst (garp_master_delay), the refresh timer, the periodic advert timer, and the
 * transition (notifies run after the VIPs are up). v3 reverts to its own advert interval.
 */
export function becomeMaster(cfg: FsmConfig, s: FsmState, reason: TransitionReason, detail?: string): Out {
  const actions: FsmAction[] = [];
  if (s.masterDownDeadline !== undefined) actions.push({ type: 'clearTimer', timer: 'masterDown' });
  actions.push({ type: 'sendAdvert', priority: s.effectivePriority }, { type: 'addVips' });
  if (cfg.garp.masterRepeat > 0) actions.push({ type: 'sendGarp', repeat: cfg.garp.masterRepeat });
  if (cfg.garp.masterDelaySec > 0) actions.push({ type: 'setTimer', timer: 'garpBurst', ms: cfg.garp.masterDelaySec * 1000 });
  if (cfg.garp.masterRefreshSec > 0) actions.push({ type: 'setTimer', timer: 'garpRefresh', ms: cfg.garp.masterRefreshSec * 1000 });
  actions.push({ type: 'setTimer', timer: 'advert', ms: cfg.advertIntMs });
  const state: FsmState = {
    ...s,
    state: 'MASTER',
    masterAdverIntMs: cfg.advertIntMs,
    masterIp: cfg.srcIp,
    masterPriority: s.effectivePriority,
    masterDownDeadline: undefined,
    downCause: undefined,
    preemptDelayUntil: undefined,
  };
  return seq(state, emit(...actions), (st) => want(cfg, st, 'MASTER'), emit(transition(s.state, 'MASTER', reason, detail)));
}

export interface LeaveMaster {
  readonly to: 'BACKUP' | 'FAULT' | 'STOP';
  readonly reason: TransitionReason;
  readonly detail?: string;
  /** Priority-0 adverts to send first (RFC 5798 §6.4.3 "Shutdown"): 0, 1, or 2 (keepalived on tracker FAULT). */
  readonly zeroAdverts: number;
  /** higher_prio_send_advert: one advert at our own priority before yielding. */
  readonly ownAdvertFirst?: boolean;
  /** BACKUP only: master-down timer to arm (full interval, or skew after a deleted VIP). */
  readonly downMs?: number;
  readonly downCause?: FsmState['downCause'];
  /** Sync members: what to report as wanted afterwards (default: FAULT for FAULT, BACKUP for BACKUP). A
   *  member forced to FAULT by its group has no fault of its own, so it reports BACKUP. */
  readonly want?: 'BACKUP' | 'FAULT';
}

/** Leave MASTER ([vrrp.c] vrrp_state_leave_master / vrrp_restore_interface): adverts, cancel timers, remove VIPs. */
export function leaveMaster(cfg: FsmConfig, s: FsmState, now: number, o: LeaveMaster): Out {
  const actions: FsmAction[] = [];
  if (o.ownAdvertFirst) actions.push({ type: 'sendAdvert', priority: s.effectivePriority });
  for (let i = 0; i < o.zeroAdverts; i++) actions.push({ type: 'sendAdvert', priority: PRIORITY_STOP });
  actions.push(...masterTimerClears(cfg), { type: 'removeVips' });
  const left: FsmState = { ...s, state: o.to, preemptDelayUntil: undefined, masterDownDeadline: undefined, downCause: undefined };
  const steps: ((st: FsmState) => Out)[] = [emit(...actions)];
  if (o.to === 'BACKUP') steps.push((st) => armMasterDown(st, now, o.downMs ?? downIntervalOf(cfg, st), o.downCause ?? 'timeout'));
  if (o.to !== 'STOP') steps.push((st) => want(cfg, st, o.want ?? (o.to === 'FAULT' ? 'FAULT' : 'BACKUP')));
  steps.push(emit(transition('MASTER', o.to, o.reason, o.detail)));
  return seq(left, ...steps);
}

/** Enter BACKUP from INIT or FAULT: own advert interval, preempt_delay reset, full Master_Down_Interval. */
export function enterBackup(cfg: FsmConfig, s: FsmState, now: number, reason: TransitionReason, detail?: string): Out {
  const base: FsmState = { ...s, state: 'BACKUP', masterAdverIntMs: cfg.advertIntMs, preemptDelayUntil: undefined };
  const down = downIntervalOf(cfg, base);
  const why = detail ?? `priority ${base.effectivePriority}, waiting ${fmtMs(down)} for a master's advert`;
  return seq(base, (st) => armMasterDown(st, now, down, 'timeout'), emit(transition(s.state, 'BACKUP', reason, why)));
}

/** Leave BACKUP for FAULT or STOP: cancel the master-down timer. */
export function leaveBackup(s: FsmState, to: 'FAULT' | 'STOP', reason: TransitionReason, detail?: string): Out {
  return {
    state: { ...s, state: to, masterDownDeadline: undefined, downCause: undefined, preemptDelayUntil: undefined },
    actions: [{ type: 'clearTimer', timer: 'masterDown' }, transition('BACKUP', to, reason, detail)],
  };
}

export function fmtMs(ms: number): string {
  return `${Math.round(ms * 1000) / 1000} ms`;
}
