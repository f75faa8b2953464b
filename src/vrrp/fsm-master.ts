// FSM handlers for the MASTER state: periodic adverts and GARP timers, adverts from other routers, deleted VIPs.

import type { FsmAction, FsmConfig, FsmEvent, FsmState } from './types.js';
import { PRIORITY_MAX_BACKUP, PRIORITY_OWNER } from './constants.js';
import { compareIpv4 } from './codec.js';
import { downIntervalOf, emit, leaveMaster, log, seq, skewOf, unchanged, type Out } from './fsm-common.js';

type Ev<T extends FsmEvent['type']> = Extract<FsmEvent, { type: T }>;

/** Priority-0 adverts sent when MASTER goes to FAULT because of its own fault: keepalived 2.2.7 sends two
 *  back to back (down_instance → vrrp_state_leave_master sends one, vrrp_restore_interface another);
 *  we do the same so a capture of either implementation looks alike (keepalived.md §2.7, §9.3). */
export const FAULT_PRIORITY_ZERO_ADVERTS = 2;

/** Timers that only mean something while MASTER ([vrrp.c] vrrp_state_master_tx, [sched] GARP threads). */
export function onMasterTimer(cfg: FsmConfig, s: FsmState, ev: Ev<'timer'>): Out {
  if (s.state !== 'MASTER') return unchanged(s);
  switch (ev.timer) {
    case 'advert': // Master sends an advert every advert_int, not jittered (keepalived.md §2.2)
      return {
        state: s,
        actions: [
          { type: 'sendAdvert', priority: s.effectivePriority },
          { type: 'setTimer', timer: 'advert', ms: cfg.advertIntMs },
        ],
      };
    case 'garpBurst': // second burst garp_master_delay after becoming MASTER
      return { state: s, actions: cfg.garp.masterRepeat > 0 ? [{ type: 'sendGarp', repeat: cfg.garp.masterRepeat }] : [] };
    case 'garpLowerPrio': // delayed burst after a lower-priority advert (garp_lower_prio_delay)
      return { state: s, actions: cfg.garp.lowerPrioRepeat > 0 ? [{ type: 'sendGarp', repeat: cfg.garp.lowerPrioRepeat }] : [] };
    case 'garpRefresh': // periodic refresh while MASTER (garp_master_refresh / _repeat)
      return {
        state: s,
        actions: [
          { type: 'sendGarp', repeat: cfg.garp.masterRefreshRepeat },
          { type: 'setTimer', timer: 'garpRefresh', ms: cfg.garp.masterRefreshSec * 1000 },
        ],
      };
    default:
      return unchanged(s);
  }
}

/**
 * A validated advert while MASTER ([vrrp.c] vrrp_state_master_rx; RFC 5798 §6.4.3). `cmp` compares the
 * sender's address with ours (unsigned). nopreempt plays no role here.
 * - priority 0 → send an advert now (the leaving master's backups must hear us), stay MASTER;
 * - both 255 → v2.2.7 "CONFIGURATION ERROR": our base/effective priority becomes 254 (and the 255 advert
 *   then sends us to BACKUP below);
 * - lower priority, or equal with a lower sender IP → re-assert: advert now unless lower_prio_no_advert,
 *   garp_lower_prio_repeat GARPs now and again after garp_lower_prio_delay (keepalived.md §2.5, §9.8–9.9);
 * - higher priority, or equal with a higher sender IP → BACKUP without a priority-0 advert (optionally one
 *   own advert first with higher_prio_send_advert), VIPs removed, full Master_Down_Interval (v3: with the
 *   sender's interval).
 */
export function onMasterAdvert(cfg: FsmConfig, s0: FsmState, ev: Ev<'advert'>): Out {
  const cmp = compareIpv4(ev.src, cfg.srcIp);
  const resetAdvert: FsmAction[] = cfg.lowerPrioNoAdvert ? [] : [{ type: 'setTimer', timer: 'advert', ms: cfg.advertIntMs }];
  if (ev.priority === 0) {
    return {
      state: s0,
      actions: [
        log('info', `master received priority 0 advert from ${ev.src}: advertising now`, { src: ev.src }),
        { type: 'sendAdvert', priority: s0.effectivePriority },
        ...resetAdvert,
      ],
    };
  }
  let s = s0;
  const pre: FsmAction[] = [];
  if (ev.priority === s.effectivePriority && cmp === 0) {
    pre.push(log('warn', `equal priority advert received from remote host ${ev.src} with our IP address`, { src: ev.src }));
  } else if (ev.priority === PRIORITY_OWNER && s.effectivePriority === PRIORITY_OWNER) {
    pre.push(
      log('warn', 'CONFIGURATION ERROR: local instance and a remote instance are both configured as address owner, please fix - reducing local priority', {
        src: ev.src,
      }),
    );
    s = { ...s, basePriority: PRIORITY_MAX_BACKUP, effectivePriority: PRIORITY_MAX_BACKUP, masterPriority: PRIORITY_MAX_BACKUP };
  }
  const ours = s.effectivePriority;
  const lower = ev.priority < ours || (ev.priority === ours && cmp < 0);
  const higher = ev.priority > ours || (ev.priority === ours && cmp > 0);
  if (lower) {
    const actions: FsmAction[] = [
      ...pre,
      log('info', `received advert from ${ev.src} with lower priority ${ev.priority}, ours ${ours}${cfg.lowerPrioNoAdvert ? '' : ', forcing new election'}`, {
        src: ev.src,
        priority: ev.priority,
        ours,
      }),
    ];
    if (!cfg.lowerPrioNoAdvert) actions.push({ type: 'sendAdvert', priority: ours }, ...resetAdvert);
    if (cfg.garp.lowerPrioRepeat > 0) {
      actions.push({ type: 'sendGarp', repeat: cfg.garp.lowerPrioRepeat });
      if (cfg.garp.lowerPrioDelaySec > 0) actions.push({ type: 'setTimer', timer: 'garpLowerPrio', ms: cfg.garp.lowerPrioDelaySec * 1000 });
    }
    return { state: s, actions };
  }
  if (!higher) return { state: s, actions: pre };
  const sendFirst = cfg.higherPrioSendAdvert;
  const why = ev.priority > ours ? `higher priority ${ev.priority}, ours ${ours}` : `same priority ${ours} but higher IP address than ours (${cfg.srcIp})`;
  const yielded: FsmState = {
    ...s,
    masterAdverIntMs: cfg.version === 3 ? ev.advertIntMs : s.masterAdverIntMs,
    masterIp: ev.src,
    masterPriority: ev.priority,
  };
  return seq(
    yielded,
    emit(...pre, log('info', `master received advert from ${ev.src} with ${why}`, { src: ev.src, priority: ev.priority, ours })),
    (st) =>
      leaveMaster(cfg, st, ev.now, {
        to: 'BACKUP',
        reason: 'higher-priority-advert',
        detail: `advert from ${ev.src} with ${why}`,
        zeroAdverts: 0,
        ownAdvertFirst: sendFirst,
        downMs: downIntervalOf(cfg, st),
      }),
  );
}

/**
 * A VIP was deleted behind our back while MASTER ([nl] set_vrrp_backup): leave MASTER with a priority-0
 * advert, remove the VIPs and come back after Skew_Time (re-adding them), unless the VIP is `no_track`.
 */
export function onVipMissing(cfg: FsmConfig, s: FsmState, ev: Ev<'vipMissing'>): Out {
  if (s.state !== 'MASTER') return unchanged(s);
  if (cfg.noTrackVips?.includes(ev.address)) {
    return { state: s, actions: [log('info', `VIP ${ev.address} deleted but it is no_track: staying MASTER`, { address: ev.address })] };
  }
  return seq(
    s,
    emit(log('warn', `VIP ${ev.address} was deleted while MASTER: releasing and re-taking mastership`, { address: ev.address })),
    (st) =>
      leaveMaster(cfg, st, ev.now, {
        to: 'BACKUP',
        reason: 'vip-deleted',
        detail: `VIP ${ev.address} was deleted`,
        zeroAdverts: 1,
        downMs: skewOf(cfg, st),
        downCause: 'timeout',
      }),
  );
}
