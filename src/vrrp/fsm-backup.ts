// FSM handlers for startup and the BACKUP state: receiving adverts, preempt/nopreempt/preempt_delay, master-down timer.

import type { FsmConfig, FsmEvent, FsmState } from './types.js';
import {
  armMasterDown,
  becomeMaster,
  downIntervalOf,
  emit,
  enterBackup,
  fmtMs,
  isOwner,
  isSyncMember,
  log,
  seq,
  skewOf,
  transition,
  unchanged,
  want,
  type Out,
} from './fsm-common.js';

type Ev<T extends FsmEvent['type']> = Extract<FsmEvent, { type: T }>;

/**
 * `start` ([sched] vrrp_init_state): faults already known → FAULT; address owner → MASTER at once; everyone
 * else (including `state MASTER` below 255) → BACKUP with a full Master_Down_Interval, so a lone node
 * sends its first advert after 3 × advert_int + skew (keepalived.md §2.3, §9.4).
 * Sync-group members never jump to MASTER on their own: they report `wantState` and wait for the group.
 */
export function onStart(cfg: FsmConfig, s: FsmState, ev: Ev<'start'>): Out {
  if (s.state !== 'INIT') return unchanged(s);
  if (s.faults.length > 0) {
    const lf = s.lastFault && s.faults.includes(s.lastFault.source) ? s.lastFault : undefined;
    const detail = lf ? faultDetail(lf.source, lf.detail) : `faults: ${s.faults.join(', ')}`;
    return seq(
      { ...s, state: 'FAULT' },
      (st) => want(cfg, st, 'FAULT'),
      emit(transition('INIT', 'FAULT', lf?.reason ?? 'tracker-fault', detail)),
    );
  }
  if (isSyncMember(cfg) && s.groupState === 'FAULT') {
    return seq({ ...s, state: 'FAULT' }, (st) => want(cfg, st, 'BACKUP'), emit(transition('INIT', 'FAULT', 'sync-group', 'sync group is in FAULT')));
  }
  if (isOwner(cfg, s) && (!isSyncMember(cfg) || s.groupState === 'MASTER')) {
    return becomeMaster(cfg, { ...s, masterAdverIntMs: cfg.advertIntMs }, 'startup', 'address owner (priority 255)');
  }
  const r = enterBackup(cfg, s, ev.now, 'startup');
  if (isSyncMember(cfg)) return seq(r.state, emit(...r.actions), (st) => want(cfg, st, isOwner(cfg, st) ? 'MASTER' : 'BACKUP'));
  return r;
}

export function faultDetail(source: string, detail?: string): string {
  return detail ? `${source}: ${detail}` : source;
}

/**
 * A validated advert while BACKUP ([vrrp.c] vrrp_state_backup; RFC 5798 §6.4.2):
 * 1. priority 0 → Master_Down_Timer := Skew_Time (fast takeover);
 * 2. nopreempt, or priority ≥ ours, or preempt_delay not yet expired → accept: (v3) adopt the master's
 *    interval, reset the down timer, remember the master; preempt_delay starts on the first lower-priority
 *    advert and is cancelled by a higher/equal one (keepalived.md §3.1);
 * 3. otherwise (preempt, lower priority) → discard: the timer keeps running and we take over when it fires.
 * Equal priority is accepted: the IP tie-break only happens between masters (issue #1440).
 */
export function onBackupAdvert(cfg: FsmConfig, s: FsmState, ev: Ev<'advert'>): Out {
  const ours = s.effectivePriority;
  if (ev.priority === 0) {
    const skew = skewOf(cfg, s);
    return seq(
      { ...s, masterIp: ev.src, masterPriority: 0 },
      emit(log('info', `master ${ev.src} sent priority 0: taking over after skew time ${fmtMs(skew)}`, { src: ev.src })),
      (st) => armMasterDown(st, ev.now, skew, 'priority0'),
    );
  }
  const delayRunning = cfg.preemptDelayMs > 0 && (s.preemptDelayUntil === undefined || s.preemptDelayUntil > ev.now);
  if (cfg.nopreempt || ev.priority >= ours || delayRunning) return acceptAdvert(cfg, s, ev);
  return {
    state: { ...s, masterIp: ev.src, masterPriority: ev.priority, downCause: 'preempt' },
    actions: [log('info', `received lower priority (${ev.priority}) advert from ${ev.src} - discarding`, { src: ev.src, priority: ev.priority, ours })],
  };
}

function acceptAdvert(cfg: FsmConfig, s: FsmState, ev: Ev<'advert'>): Out {
  const ours = s.effectivePriority;
  let next: FsmState = {
    ...s,
    masterAdverIntMs: cfg.version === 3 ? ev.advertIntMs : s.masterAdverIntMs, // RFC 5798 §6.4.2
    masterIp: ev.src,
    masterPriority: ev.priority,
  };
  const actions = [];
  if (cfg.version === 3 && ev.advertIntMs !== s.masterAdverIntMs) {
    actions.push(log('info', `advertisement interval updated from ${s.masterAdverIntMs} ms to ${ev.advertIntMs} ms by master ${ev.src}`));
  }
  if (cfg.preemptDelayMs > 0) {
    if (ev.priority >= ours) {
      if (s.preemptDelayUntil !== undefined) actions.push(log('info', 'stop preempt delay'));
      next = { ...next, preemptDelayUntil: undefined };
    } else if (s.preemptDelayUntil === undefined) {
      actions.push(log('info', `start preempt delay (${cfg.preemptDelayMs / 1000} s)`, { src: ev.src, priority: ev.priority, ours }));
      next = { ...next, preemptDelayUntil: ev.now + cfg.preemptDelayMs };
    }
  }
  return seq(next, emit(...actions), (st) => armMasterDown(st, ev.now, downIntervalOf(cfg, st), 'timeout'), (st) => want(cfg, st, 'BACKUP'));
}

/**
 * Master-down timer expiry in BACKUP ("Receive advertisement timeout") → MASTER. A sync-group member whose
 * group is not MASTER only reports that it wants MASTER and re-arms a full interval, as keepalived's
 * vrrp_sync_can_goto_master does; the group then sends it `syncGroup MASTER` when every member wants it.
 */
export function onMasterDown(cfg: FsmConfig, s: FsmState, ev: Ev<'timer'>): Out {
  if (s.state !== 'BACKUP') return unchanged(s);
  if (isSyncMember(cfg) && s.groupState !== 'MASTER') {
    return seq(
      s,
      (st) => want(cfg, st, 'MASTER'),
      emit(log('info', `master-down timer expired; waiting for sync group ${cfg.syncGroup ?? ''} to agree on MASTER`)),
      (st) => armMasterDown(st, ev.now, downIntervalOf(cfg, st), st.downCause),
    );
  }
  const { reason, detail } = takeoverReason(s);
  return becomeMaster(cfg, s, reason, detail);
}

/** Reason/detail of a BACKUP → MASTER takeover, from why the down timer was armed. */
export function takeoverReason(s: FsmState): { reason: 'preempt' | 'master-down-timer'; detail: string } {
  const master = s.masterIp ? ` from ${s.masterIp}` : '';
  switch (s.downCause) {
    case 'preempt':
      return { reason: 'preempt', detail: `preempting lower-priority master${master} (priority ${s.masterPriority ?? '?'}, ours ${s.effectivePriority})` };
    case 'priority0':
      return { reason: 'master-down-timer', detail: `master${master} sent priority 0` };
    default:
      return { reason: 'master-down-timer', detail: `no advert${master} within the master-down interval` };
  }
}
