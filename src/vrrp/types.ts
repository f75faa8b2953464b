// VRRP types only (no runtime code): keepalived.conf model, FSM states/events/actions, status snapshot.
// This file is the contract between the config loader, the pure protocol core and the runtime.

/** Where a value came from, for `file:line` messages at check time and at run time. */
export interface SourceRef {
  readonly file: string;
  readonly line: number;
}

// ---------------------------------------------------------------------------------------------
// Configuration model (semantics and defaults: ../shared/reference/keepalived.md; keepalived v2.2.7)
// ---------------------------------------------------------------------------------------------

/** TLS handling for alert mail (hapair extension; keepalived has none). */
export type SmtpTlsMode =
  | 'none' // plain SMTP, never STARTTLS
  | 'starttls' // opportunistic STARTTLS if offered (nodemailer default behaviour)
  | 'require-starttls' // refuse to send unless STARTTLS succeeds
  | 'implicit'; // TLS from the first byte (port 465 style)

export interface SmtpServerConfig {
  readonly host: string;
  readonly port: number; // default 25 (keepalived), 465 is typical with implicit TLS
  readonly where: SourceRef;
}

/**
 * E-mail alerting settings from global_defs. Standard keepalived keywords plus hapair extensions
 * (marked EXT) that keepalived itself would only log as unknown.
 */
export interface MailSettings {
  readonly recipients: readonly string[]; // notification_email { ... }
  readonly recipientsWhere?: SourceRef;
  readonly from?: string; // notification_email_from; default `<user>@<hostname>` resolved at run time
  readonly smtpServer?: SmtpServerConfig; // smtp_server HOST [PORT]
  readonly connectTimeoutSec: number; // smtp_connect_timeout, default 30
  readonly heloName?: string; // smtp_helo_name, default local host name
  readonly authUser?: string; // EXT smtp_auth_user NAME
  readonly authPasswordFile?: string; // EXT smtp_auth_password_file PATH (read at start)
  readonly authPasswordEnv?: string; // EXT smtp_auth_password_env VAR (read at start)
  readonly tls: SmtpTlsMode; // EXT smtp_tls none|starttls|require-starttls|implicit; default 'starttls'
  readonly tlsCaFile?: string; // EXT smtp_tls_ca_file PATH
  readonly tlsRejectUnauthorized: boolean; // EXT smtp_tls_verify yes|no; default yes
  readonly spoolDir: string; // EXT alert_spool_dir PATH; default /var/spool/hapair
  readonly maxAgeSec: number; // EXT alert_max_age SECS; default 86400: give up delivering after this
  readonly flapDamping?: { readonly maxTransitions: number; readonly windowMin: number }; // EXT alert_flap_damping N MIN | off; default 6 in 10 min
  readonly reportCron?: string; // EXT alert_report_cron "0 8 * * *"; off unless set
  readonly where: Readonly<Record<string, SourceRef>>; // keyword -> where it was set, for diagnostics
}

export interface GarpSettings {
  readonly masterDelaySec: number; // garp_master_delay, default 5 (second burst), 0 = none
  readonly masterRepeat: number; // garp_master_repeat, default 5 per burst
  readonly masterRefreshSec: number; // garp_master_refresh, default 0 = off
  readonly masterRefreshRepeat: number; // garp_master_refresh_repeat, default 1
  readonly lowerPrioDelaySec: number; // garp_lower_prio_delay, default = masterDelaySec
  readonly lowerPrioRepeat: number; // garp_lower_prio_repeat, default = masterRepeat
}

export interface GlobalDefs {
  readonly routerId: string; // router_id, default local host name
  readonly vrrpVersion: 2 | 3; // vrrp_version, default 2
  readonly scriptUser?: { readonly user: string; readonly group?: string }; // script_user
  readonly enableScriptSecurity: boolean; // enable_script_security
  readonly smtpAlert?: boolean; // global smtp_alert / smtp_alert_vrrp (default for instances)
  readonly garp: GarpSettings; // vrrp_garp_* defaults inherited by instances
  /** (added) `vrrp_check_unicast_src`: default of every instance's checkUnicastSrc. */
  readonly checkUnicastSrc?: boolean;
  readonly mail: MailSettings;
}

/** A command to execute: `argv[0]` is the program; run with execFile, never through a shell. */
export interface CommandLine {
  readonly raw: string; // as written in the config (for messages)
  readonly argv: readonly string[]; // split like keepalived does (quotes honoured)
  readonly user?: string;
  readonly group?: string;
  readonly where: SourceRef;
}

export interface VrrpScriptConfig {
  readonly name: string;
  readonly command: CommandLine; // script "..."
  readonly intervalSec: number; // default 1
  readonly timeoutSec: number; // default 0 in config = use interval; stored resolved (>= 1)
  readonly weight: number; // -253..253, default 0 (0 = failure means FAULT)
  readonly weightReverse: boolean;
  readonly rise: number; // default 1
  readonly fall: number; // default 1
  readonly initFail: boolean;
  readonly where: SourceRef;
}

export interface TrackScriptRef {
  readonly name: string;
  readonly weight?: number; // overrides the script's weight when present
  readonly reverse?: boolean;
  readonly where: SourceRef;
}

export interface TrackInterfaceRef {
  readonly name: string;
  readonly weight?: number; // absent or 0 => down means FAULT
  readonly reverse?: boolean;
  readonly where: SourceRef;
}

export interface VipConfig {
  readonly address: string; // dotted quad (IPv4 only in this version)
  readonly prefix: number; // default 32
  readonly dev?: string; // default: instance interface
  readonly label?: string;
  readonly brd?: string;
  readonly scope?: string;
  readonly noTrack: boolean; // `no_track`: deleting it behind our back does not leave MASTER
  readonly where: SourceRef;
}

export interface NotifyScripts {
  readonly master?: CommandLine;
  readonly backup?: CommandLine;
  readonly fault?: CommandLine;
  readonly stop?: CommandLine;
  readonly generic?: CommandLine; // `notify`: gets TYPE NAME STATE PRIORITY appended
}

export interface UnicastPeer {
  readonly address: string;
  readonly minTtl?: number;
  readonly maxTtl?: number;
  readonly where: SourceRef;
}

export interface AuthConfig {
  readonly type: 'PASS' | 'AH';
  readonly pass: string; // already truncated to 8 bytes (with a warning) as keepalived does
}

export interface InstanceConfig {
  readonly name: string;
  readonly configuredState: 'MASTER' | 'BACKUP'; // `state`; absent => MASTER iff priority 255
  readonly interface: string;
  readonly vrid: number; // 1..255
  readonly basePriority: number; // resolved: default 100, or 255 for `state MASTER` without priority
  readonly advertIntMs: number; // v2 whole seconds, v3 multiple of 10 ms (rounded as keepalived)
  readonly version: 2 | 3;
  readonly nopreempt: boolean; // already cleared for state MASTER / priority 255 (with a warning)
  readonly preemptDelayMs: number; // 0 = none
  readonly auth?: AuthConfig; // v2 only (dropped with a warning for v3)
  readonly vips: readonly VipConfig[];
  readonly excludedVips: readonly VipConfig[];
  readonly trackScripts: readonly TrackScriptRef[];
  readonly trackInterfaces: readonly TrackInterfaceRef[];
  readonly dontTrackPrimary: boolean;
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean; // resolved with the global default
  readonly mcastSrcIp?: string;
  readonly unicastSrcIp?: string;
  readonly unicastPeers: readonly UnicastPeer[]; // empty => multicast 224.0.0.18
  readonly unicastTtl: number; // default 255
  /** (added) `check_unicast_src` or global `vrrp_check_unicast_src`: a unicast advert's source must be a peer. */
  readonly checkUnicastSrc?: boolean;
  /** (added) `unicast_fault_no_peer`: no unicast_peer => FAULT instead of falling back to multicast. */
  readonly unicastFaultNoPeer?: boolean;
  readonly garp: GarpSettings;
  readonly lowerPrioNoAdvert: boolean; // default false
  readonly higherPrioSendAdvert: boolean; // default false
  readonly downTimerAdverts: number; // default 3
  readonly syncGroup?: string; // name of the vrrp_sync_group containing it
  readonly where: SourceRef;
}

export interface SyncGroupConfig {
  readonly name: string;
  readonly members: readonly string[];
  readonly notify: NotifyScripts;
  readonly smtpAlert: boolean;
  readonly where: SourceRef;
}

export interface KeepalivedConfig {
  readonly files: readonly string[]; // main file first, then includes in load order
  readonly global: GlobalDefs;
  readonly scripts: ReadonlyMap<string, VrrpScriptConfig>;
  readonly instances: readonly InstanceConfig[];
  readonly syncGroups: readonly SyncGroupConfig[];
}

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

// ---------------------------------------------------------------------------------------------
// Runtime status (control socket `status` reply; `hapair status`; SIGUSR1 dump)
// ---------------------------------------------------------------------------------------------

export interface TrackerStatus {
  readonly kind: 'script' | 'interface';
  readonly name: string;
  readonly ok: boolean | null; // null = no result yet
  readonly weight: number; // 0 => FAULT on failure
  readonly contribution: number; // what it adds to the priority right now
  readonly lastResult?: string; // e.g. 'exit 0', 'exit 1', 'timeout', 'signal SIGKILL', 'carrier down'
}

export interface RxCounters {
  readonly rx: number; // adverts accepted
  readonly tx: number; // adverts sent
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly becameMaster: number;
  readonly releasedMaster: number;
  readonly priorityZeroRx: number;
  readonly priorityZeroTx: number;
}

export interface InstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly since: string; // ISO time of the last transition
  readonly lastReason?: TransitionReason;
  /** (added) Detail of the last transition, e.g. "addVips failed: ..." for 'runtime-error'. */
  readonly lastDetail?: string;
  readonly interface: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly nopreempt: boolean;
  readonly masterSeen?: { readonly ip: string; readonly priority: number };
  readonly vips: readonly string[]; // "a.b.c.d/nn"
  readonly vipsInstalled: boolean;
  readonly trackers: readonly TrackerStatus[];
  readonly counters: RxCounters;
  readonly syncGroup?: string;
}

export interface VrrpStatus {
  readonly routerId: string;
  readonly pid: number;
  readonly configFile: string;
  readonly startedAt: string;
  readonly instances: readonly InstanceStatus[];
  /** (added by the runtime) Packets dropped before any instance could claim them (undecodable without a
   *  known VRID, or a VRID not configured on that interface), per interface and reason. */
  readonly unmatched?: Readonly<Record<string, Readonly<Partial<Record<RejectReason, number>>>>>;
}
