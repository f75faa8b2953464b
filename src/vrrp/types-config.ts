// VRRP types only (no runtime code): the keepalived.conf model the loader builds (semantics and defaults:
// ../shared/reference/keepalived.md; keepalived v2.2.7).

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
  /** (added) Where each recipient was written, parallel to `recipients` (an address's own line in the block). */
  readonly recipientsAt?: readonly SourceRef[];
  readonly from?: string; // notification_email_from; default `<user>@<hostname>` resolved at run time
  readonly smtpServer?: SmtpServerConfig; // smtp_server HOST [PORT]
  readonly connectTimeoutSec: number; // smtp_connect_timeout, default 30
  readonly heloName?: string; // smtp_helo_name, default local host name
  readonly authUser?: string; // EXT smtp_auth_user NAME
  readonly authPasswordFile?: string; // EXT smtp_auth_password_file PATH (read at start)
  readonly authPasswordEnv?: string; // EXT smtp_auth_password_env VAR (read at start)
  readonly tls: SmtpTlsMode; // EXT smtp_tls none|starttls|require-starttls|implicit; default 'starttls'
  readonly tlsCaFile?: string; // EXT smtp_tls_ca_file PATH
  readonly tlsRejectUnauthorized: boolean; // EXT smtp_tls_verify yes|no; plain starttls verifies only with a CA file or an explicit yes (see notify/transport.ts verifiesCertificate)
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
