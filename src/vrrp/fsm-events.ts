// FSM handlers for priority changes, faults, sync-group directives and shutdown (keepalived.md §2.7, §4.3, §6.6, §7.1).

import type { FsmConfig, FsmEvent, FsmState } from './types.js';
import { PRIORITY_OWNER } from './constants.js';
import { clampPriority } from './priority.js';
import {
  baseOf,
  becomeMaster,
  emit,
  enterBackup,
  isOwner,
  isSyncMember,
  leaveBackup,
  leaveMaster,
  log,
  seq,
  skewOf,
  transition,
  unchanged,
  want,
  type Out,
} from './fsm-common.js';
import { faultDetail } from './fsm-backup.js';
import { FAULT_PRIORITY_ZERO_ADVERTS } from './fsm-master.js';

type Ev<T extends FsmEvent['type']> = Extract<FsmEvent, { type: T }>;

/**
 * New effective priority from the trackers ([track] vrrp_set_effective_priority). Owners (base 255) never
 * change. BACKUP shifts its pending master-down deadline by the change in Skew_Time; MASTER sends nothing
 * now — the next periodic advert carries the new value (keepalived.md §4.3). Never a state change by itself.
 * (keepalived shifts by the change of the whole down timer value, which after a priority-0 advert would
 * push the fast takeover back by ~3 intervals; we shift by the skew difference only.)
 */
export function onPriority(cfg: FsmConfig, s: FsmState, ev: Ev<'priority'>): Out {
  if (baseOf(cfg, s) === PRIORITY_OWNER || s.state === 'STOP') return unchanged(s);
  const next = clampPriority(Math.round(ev.effectivePriority));
  if (next === s.effectivePriority) return unchanged(s);
  const changed: FsmState = { ...s, effectivePriority: next, masterPriority: s.state === 'MASTER' ? next : s.masterPriority };
  const msg = log('info', `Changing effective priority from ${s.effectivePriority} to ${next}`, { from: s.effectivePriority, to: next });
  if (s.state !== 'BACKUP' || s.masterDownDeadline === undefined) return { state: changed, actions: [msg] };
  const deadline = s.masterDownDeadline + (skewOf(cfg, changed) - skewOf(cfg, s));
  return {
    state: { ...changed, masterDownDeadline: deadline },
    actions: [msg, { type: 'setTimer', timer: 'masterDown', ms: Math.max(0, deadline - ev.now) }],
  };
}

/**
 * A fault source appeared (weight-0 tracker failed, interface down, no address). The first one moves the
 * instance to FAULT: from MASTER with priority-0 adverts and VIP removal, from BACKUP by stopping the
 * down timer. Before `start` it is only recorded (start then enters FAULT directly, like keepalived's init).
 */
export function onFault(cfg: FsmConfig, s: FsmState, ev: Ev<'fault'>): Out {
  if (s.state === 'STOP' || s.faults.includes(ev.source)) return unchanged(s);
  const first = s.faults.length === 0;
  const recorded: FsmState = {
    ...s,
    faults: [...s.faults, ev.source],
    lastFault: first ? { source: ev.source, reason: ev.reason, detail: ev.detail } : s.lastFault,
  };
  const detail = faultDetail(ev.source, ev.detail);
  const note = emit(log('info', `fault source ${detail}`, { source: ev.source, reason: ev.reason }));
  if (!first) return seq(recorded, note);
  switch (s.state) {
    case 'MASTER':
      return seq(recorded, note, (st) =>
        leaveMaster(cfg, st, ev.now, { to: 'FAULT', reason: ev.reason, detail, zeroAdverts: FAULT_PRIORITY_ZERO_ADVERTS }),
      );
    case 'BACKUP':
      return seq(recorded, note, (st) => want(cfg, st, 'FAULT'), (st) => leaveBackup(st, 'FAULT', ev.reason, detail));
    default: // INIT (recorded for start) or FAULT held by the sync group
      return seq(recorded, note, (st) => want(cfg, st, 'FAULT'));
  }
}

/**
 * A fault source went away. When none is left, FAULT is left ([sched] try_up_instance,
 * [vrrp.c] vrrp_state_leave_fault): the owner straight to MASTER, everyone else to BACKUP with a full
 * Master_Down_Interval and its own advert interval. Sync-group members instead report `wantState BACKUP`
 * and wait for the group's `syncGroup BACKUP` (keepalived keeps them down while any member is faulted).
 */
export function onFaultCleared(cfg: FsmConfig, s: FsmState, ev: Ev<'faultCleared'>): Out {
  if (s.state === 'STOP' || !s.faults.includes(ev.source)) return unchanged(s);
  const faults = s.faults.filter((f) => f !== ev.source);
  const cleared: FsmState = { ...s, faults, lastFault: faults.length === 0 ? undefined : s.lastFault };
  const note = emit(log('info', `fault source ${faultDetail(ev.source, ev.detail)} cleared${faults.length ? `; still faulty: ${faults.join(', ')}` : ''}`));
  if (faults.length > 0 || s.state !== 'FAULT') {
    return seq(cleared, note, (st) => (faults.length === 0 && st.state === 'INIT' ? want(cfg, st, 'BACKUP') : unchanged(st)));
  }
  const detail = faultDetail(ev.source, ev.detail ?? 'cleared');
  if (isSyncMember(cfg)) return seq(cleared, note, (st) => want(cfg, st, isOwner(cfg, st) ? 'MASTER' : 'BACKUP'));
  if (isOwner(cfg, cleared)) return seq(cleared, note, (st) => becomeMaster(cfg, st, 'fault-cleared', detail));
  return seq(cleared, note, (st) => enterBackup(cfg, st, ev.now, 'fault-cleared', detail));
}

/**
 * Directive from the sync-group reducer (src/vrrp/sync-group.ts; keepalived [sync] vrrp_sync_fault /
 * vrrp_sync_backup / vrrp_sync_master). FAULT: a MASTER sends one priority-0 advert and removes its VIPs
 * (vrrp_state_leave_master with wantstate FAULT). BACKUP: a MASTER yields without priority 0; a FAULT
 * member with no fault of its own comes up as BACKUP. MASTER: a BACKUP member takes over now.
 */
export function onSyncGroup(cfg: FsmConfig, s0: FsmState, ev: Ev<'syncGroup'>): Out {
  if (s0.state === 'STOP') return unchanged(s0);
  const s: FsmState = { ...s0, groupState: ev.to };
  const reason = ev.reason ?? 'sync-group';
  const detail = ev.detail ?? `sync group ${cfg.syncGroup ?? ''} is ${ev.to}`;
  switch (ev.to) {
    case 'FAULT':
      if (s.state === 'MASTER') return leaveMaster(cfg, s, ev.now, { to: 'FAULT', reason, detail, zeroAdverts: 1, want: 'BACKUP' });
      if (s.state === 'BACKUP') return leaveBackup(s, 'FAULT', reason, detail);
      return unchanged(s);
    case 'BACKUP':
      if (s.state === 'MASTER') return leaveMaster(cfg, s, ev.now, { to: 'BACKUP', reason, detail, zeroAdverts: 0 });
      if (s.state === 'FAULT' && s.faults.length === 0) return seq(s, (st) => enterBackup(cfg, st, ev.now, reason, detail), (st) => want(cfg, st, 'BACKUP'));
      return unchanged(s);
    case 'MASTER':
      if (s.state === 'BACKUP') return becomeMaster(cfg, s, reason, detail);
      return unchanged(s);
    default:
      return unchanged(s);
  }
}

/**
 * SIGTERM / instance removed by reload: a MASTER sends one priority-0 advert and removes its VIPs
 * (keepalived.md §2.6, §9.6: exactly one per peer); every state ends in STOP (notify_stop).
 */
export function onShutdown(cfg: FsmConfig, s: FsmState, ev: Ev<'shutdown'>): Out {
  const detail = ev.reason === 'reload' ? 'instance removed by reload' : 'stopping';
  switch (s.state) {
    case 'STOP':
      return unchanged(s);
    case 'MASTER':
      return leaveMaster(cfg, s, ev.now, { to: 'STOP', reason: ev.reason, detail, zeroAdverts: 1 });
    case 'BACKUP':
      return leaveBackup(s, 'STOP', ev.reason, detail);
    default:
      return { state: { ...s, state: 'STOP' }, actions: [transition(s.state, 'STOP', ev.reason, detail)] };
  }
}
