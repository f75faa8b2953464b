// Mutable drafts the keyword handlers fill while walking the tree; completion turns them into KeepalivedConfig.
import type {
  CommandLine,
  GarpSettings,
  SourceRef,
  SmtpTlsMode,
  TrackInterfaceRef,
  TrackScriptRef,
  UnicastPeer,
  VipConfig,
} from '../types.js';

export type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface NotifyDraft {
  master?: CommandLine;
  backup?: CommandLine;
  fault?: CommandLine;
  stop?: CommandLine;
  generic?: CommandLine;
}

export interface MailDraft {
  recipients: string[];
  recipientsWhere?: SourceRef;
  recipientsAt: SourceRef[]; // parallel to recipients: each address's own line
  from?: string;
  smtpServer?: { host: string; port: number; where: SourceRef };
  connectTimeoutSec?: number;
  heloName?: string;
  authUser?: string;
  authPasswordFile?: string;
  authPasswordEnv?: string;
  tls?: SmtpTlsMode;
  tlsCaFile?: string;
  tlsRejectUnauthorized?: boolean;
  spoolDir?: string;
  maxAgeSec?: number;
  flapDamping?: { maxTransitions: number; windowMin: number } | 'off';
  reportCron?: string;
  where: Record<string, SourceRef>;
  rejected?: SourceRef; // first mail statement refused with an error: the settings are incomplete
}

export interface GlobalDraft {
  routerId?: string;
  vrrpVersion?: 2 | 3;
  scriptUser?: { user: string; group?: string };
  enableScriptSecurity: boolean;
  smtpAlert?: boolean; // smtp_alert
  smtpAlertVrrp?: boolean; // smtp_alert_vrrp (wins over smtp_alert for VRRP, as keepalived)
  garp: Partial<Mutable<GarpSettings>>;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  downTimerAdverts?: number;
  vrrpStrict?: SourceRef;
  checkUnicastSrc?: boolean; // vrrp_check_unicast_src
  mail: MailDraft;
  seen: Set<string>; // single-valued keywords already set

}

export interface ScriptDraft {
  name: string;
  where: SourceRef;
  seq: number; // position in the file, to spot keepalived's "defined after use" trap
  command?: CommandLine;
  intervalSec?: number;
  timeoutSec?: number;
  timeoutWhere?: SourceRef;
  weight?: number;
  weightReverse: boolean;
  rise?: number;
  fall?: number;
  user?: { user: string; group?: string };
  initFail: boolean;
}

/** A track_script reference plus where the referring block was, for forward-reference detection. */
export interface TrackScriptDraft extends Mutable<TrackScriptRef> {
  seq: number;
}

export interface InstanceDraft {
  name: string;
  where: SourceRef;
  seq: number;
  state?: 'MASTER' | 'BACKUP';
  stateWhere?: SourceRef;
  interface?: string;
  vrid?: number;
  vridWhere?: SourceRef;
  priority?: number;
  priorityWhere?: SourceRef;
  advertUs?: number;
  advertWhere?: SourceRef;
  version?: 2 | 3;
  nopreempt: boolean;
  nopreemptWhere?: SourceRef;
  preemptDelayUs?: number;
  preemptDelayWhere?: SourceRef;
  auth?: { type?: 'PASS' | 'AH' | 'invalid'; pass?: string; where: SourceRef; passWhere?: SourceRef };
  vips: VipConfig[];
  excludedVips: VipConfig[];
  trackScripts: TrackScriptDraft[];
  trackInterfaces: Mutable<TrackInterfaceRef>[];
  dontTrackPrimary: boolean;
  notify: NotifyDraft;
  smtpAlert?: boolean;
  mcastSrcIp?: string;
  unicastSrcIp?: string;
  srcWhere?: SourceRef;
  unicastPeers: UnicastPeer[];
  unicastKeyword?: SourceRef; // any unicast_* keyword seen (keepalived's VRRP_FLAG_UNICAST_CONFIGURED)
  unicastTtl?: number;
  unicastTtlWhere?: SourceRef;
  checkUnicastSrc?: boolean; // check_unicast_src
  unicastFaultNoPeer?: SourceRef; // unicast_fault_no_peer
  garp: Partial<Mutable<GarpSettings>>;
  lowerPrioNoAdvert?: boolean;
  higherPrioSendAdvert?: boolean;
  downTimerAdverts?: number;
  strictMode?: SourceRef;
}

export interface GroupDraft {
  name: string;
  where: SourceRef;
  seq: number;
  members?: { name: string; where: SourceRef }[];
  notify: NotifyDraft;
  smtpAlert?: boolean;
  trackingWeight: boolean; // sync_group_tracking_weight
  trackScripts: TrackScriptDraft[];
  trackInterfaces: Mutable<TrackInterfaceRef>[];
}

export interface LoadState {
  global: GlobalDraft;
  scripts: ScriptDraft[];
  instances: InstanceDraft[];
  groups: GroupDraft[];
  seq: number;
}

export function newState(): LoadState {
  return {
    global: { enableScriptSecurity: false, garp: {}, mail: { recipients: [], recipientsAt: [], where: {} }, seen: new Set() },
    scripts: [],
    instances: [],
    groups: [],
    seq: 0,
  };
}

export function whereOf(n: { file: string; line: number }): SourceRef {
  return { file: n.file, line: n.line };
}
