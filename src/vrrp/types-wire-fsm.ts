// VRRP types only (no runtime code): wire adverts and receive checks (RFC 3768 §5 / RFC 5798 §5), and the pure state
// machine's config, state, events and actions (RFC 5798 §6.4 + keepalived behaviour).

import type { GarpSettings } from './types-config.js';

// ---------------------------------------------------------------------------------------------
// Wire (RFC 3768 §5 / RFC 5798 §5). The codec works on these; addresses are dotted-quad strings.
// ---------------------------------------------------------------------------------------------

export interface Advert {
  readonly version: 2 | 3;
  readonly type: number; // 1 = ADVERTISEMENT
  readonly vrid: number;
  readonly priority: number;
  readonly addresses: readonly string[];
  /** v2: seconds field * 1000; v3: centiseconds field * 10. Always milliseconds here. */
  readonly advertIntMs: number;
  readonly authType: number; // v2 only (0 none, 1 PASS, 2 AH); 0 for v3
  readonly authData: Buffer; // v2: 8 bytes; v3: empty
}

/** IPv4 envelope fields the receive checks need (RFC 5798 §7.1). */
export interface IpEnvelope {
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly tos: number;
  readonly protocol: number;
  readonly totalLength: number;
  readonly id: number;
}

/** Why a received packet was dropped; each reason has its own counter. Order follows keepalived.md §1.7. */
export type RejectReason =
  | 'too-short'
  | 'unknown-vrid'
  | 'not-listening' // instance in INIT/FAULT
  | 'packet-length'
  | 'ttl'
  | 'version'
  | 'auth-type-invalid'
  | 'auth-type-mismatch'
  | 'auth-failure'
  | 'interval-mismatch' // v2 only
  | 'type'
  | 'addr-count'
  | 'ip-total-length'
  | 'checksum'
  | 'mcast-unicast-mismatch'
  | 'addr-list'
  | 'unicast-src-not-peer'
  | 'own-packet'
  | 'not-ipv4'
  | 'protocol';

// ---------------------------------------------------------------------------------------------
// State machine (RFC 5798 §6.4 + keepalived behaviour). Pure: step(cfg, state, event) -> {state, actions}.
// ---------------------------------------------------------------------------------------------

export type VrrpState = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';

/** Why a transition happened; shown in logs, `hapair status` and alert mails. */
export type TransitionReason =
  | 'startup' // INIT -> BACKUP / MASTER (owner)
  | 'master-down-timer' // no advert for Master_Down_Interval (or skew after priority 0)
  | 'higher-priority-advert' // MASTER -> BACKUP: peer with higher priority (or equal and higher IP)
  | 'preempt' // BACKUP -> MASTER after discarding lower-priority adverts
  | 'tracker-fault' // a weight-0 tracked script failed (detail names it)
  | 'interface-down' // tracked/own interface lost carrier or was set down (detail names it)
  | 'no-address' // interface has no IPv4 address
  | 'fault-cleared' // all fault sources gone
  | 'vip-deleted' // a VIP was deleted behind our back while MASTER
  | 'sync-group' // followed another member of the vrrp_sync_group
  | 'shutdown' // SIGTERM / instance removed
  | 'reload' // instance removed by SIGHUP
  | 'runtime-error' // (added) the runtime could not do what the state needs (e.g. add a VIP): FAULT, retried
  | 'unicast-no-peer'; // (added) unicast_fault_no_peer with no unicast_peer: FAULT for as long as the config says so

export interface FsmConfig {
  readonly name: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly basePriority: number;
  readonly advertIntMs: number;
  readonly nopreempt: boolean;
  readonly preemptDelayMs: number;
  readonly configuredState: 'MASTER' | 'BACKUP';
  readonly downTimerAdverts: number;
  readonly lowerPrioNoAdvert: boolean;
  readonly higherPrioSendAdvert: boolean;
  readonly garp: GarpSettings;
  /** Our advert source address (primary IPv4 of the interface or unicast_src_ip) for the IP tie-break. */
  readonly srcIp: string;
  /** (added by the protocol core) Set when the instance is in a vrrp_sync_group: the FSM then asks the
   *  group (`wantState` actions) before leaving FAULT or becoming MASTER, see src/vrrp/sync-group.ts. */
  readonly syncGroup?: string;
  /** (added by the protocol core) VIPs marked `no_track`: a `vipMissing` event for them is ignored. */
  readonly noTrackVips?: readonly string[];
}

export interface FsmState {
  readonly state: VrrpState;
  readonly effectivePriority: number;
  /** Interval used for the down timer: own in MASTER/v2, master's advertised one in v3 BACKUP. */
  readonly masterAdverIntMs: number;
  readonly masterIp?: string; // last accepted master (BACKUP) or self (MASTER)
  readonly masterPriority?: number;
  /** Active fault sources (e.g. 'script:chk_proxy', 'interface:eth0'); non-empty => FAULT. */
  readonly faults: readonly string[];
  /** Absolute (event clock) deadline of the master-down timer while BACKUP, for re-skewing. */
  readonly masterDownDeadline?: number;
  /** preempt_delay bookkeeping: when lower-priority adverts may start being discarded. */
  readonly preemptDelayUntil?: number;
  // --- optional fields added by the protocol core (src/vrrp/fsm*.ts); the runtime just passes them back ---
  /** Base priority after an owner conflict (v2.2.7 lowers 255 to 254); absent = config's basePriority. */
  readonly basePriority?: number;
  /** Why the pending master-down timer will fire: no advert, a priority-0 advert, or preemption. */
  readonly downCause?: 'timeout' | 'priority0' | 'preempt';
  /** The fault that put (or will put, if raised before `start`) the instance in FAULT, for reason/detail. */
  readonly lastFault?: { readonly source: string; readonly reason: TransitionReason; readonly detail?: string };
  /** Sync-group members only: the state this instance wants ignoring the group (keepalived `wantstate`). */
  readonly want?: 'BACKUP' | 'MASTER' | 'FAULT';
  /** Sync-group members only: the last state the group told this member (`syncGroup` events). */
  readonly groupState?: 'BACKUP' | 'MASTER' | 'FAULT';
}

/** `garpLowerPrio` (added by the protocol core): delayed GARP burst after a lower-priority advert (garp_lower_prio_delay). */
export type TimerName = 'masterDown' | 'advert' | 'garpBurst' | 'garpRefresh' | 'garpLowerPrio';

/** Inputs to the FSM. `now` is the monotonic clock in ms; the FSM never reads a clock itself. */
export type FsmEvent =
  | { readonly type: 'start'; readonly now: number }
  | {
      readonly type: 'advert'; // an advert that passed validation
      readonly now: number;
      readonly src: string;
      readonly priority: number;
      readonly advertIntMs: number;
    }
  | { readonly type: 'timer'; readonly now: number; readonly timer: TimerName }
  | { readonly type: 'priority'; readonly now: number; readonly effectivePriority: number }
  | { readonly type: 'fault'; readonly now: number; readonly source: string; readonly reason: TransitionReason; readonly detail?: string }
  | { readonly type: 'faultCleared'; readonly now: number; readonly source: string; readonly detail?: string }
  | { readonly type: 'vipMissing'; readonly now: number; readonly address: string }
  | {
      readonly type: 'syncGroup'; // produced by src/vrrp/sync-group.ts, never by the runtime directly
      readonly now: number;
      readonly to: 'BACKUP' | 'MASTER' | 'FAULT';
      readonly detail?: string;
      readonly reason?: TransitionReason; // (added) default 'sync-group'
    }
  | { readonly type: 'shutdown'; readonly now: number; readonly reason: 'shutdown' | 'reload' };

/** Outputs of the FSM, executed in order by the runtime (src/vrrp/instance.ts). */
export type FsmAction =
  | { readonly type: 'sendAdvert'; readonly priority: number } // priority 0 on stop / MASTER->FAULT
  | { readonly type: 'addVips' }
  | { readonly type: 'removeVips' }
  | { readonly type: 'sendGarp'; readonly repeat: number }
  | { readonly type: 'setTimer'; readonly timer: TimerName; readonly ms: number }
  | { readonly type: 'clearTimer'; readonly timer: TimerName }
  | {
      readonly type: 'transition';
      readonly from: VrrpState;
      readonly to: VrrpState;
      readonly reason: TransitionReason;
      readonly detail?: string;
    }
  | { readonly type: 'log'; readonly level: 'info' | 'warn'; readonly msg: string; readonly fields?: Record<string, unknown> }
  /** (added by the protocol core) Sync-group members only: feed to src/vrrp/sync-group.ts; nothing to execute. */
  | { readonly type: 'wantState'; readonly want: 'BACKUP' | 'MASTER' | 'FAULT' };

export interface FsmResult {
  readonly state: FsmState;
  readonly actions: readonly FsmAction[];
}
