// Turns drafts into the KeepalivedConfig model with keepalived v2.2.7 defaults and completion rules
// ([vrrp.c] `vrrp_complete_instance`; keepalived.md §1.5, §2.3, §2.6, §3.2, §6.4, §6.7). Pure.
import type { GarpSettings, GlobalDefs, InstanceConfig, MailSettings, VrrpScriptConfig } from '../types.js';
import type { Reporter } from './codes.js';
import type { GlobalDraft, InstanceDraft, ScriptDraft } from './drafts.js';
import { formatSeconds } from './values.js';

const S = 1_000_000; // microseconds per second
const CS = 10_000; // 10 ms

/** Built-in defaults (keepalived.md §5.3, §6.4 and the MailSettings contract). */
export const DEFAULTS = {
  vrrpVersion: 2 as const,
  priority: 100,
  ownerPriority: 255,
  advertUs: S,
  garpMasterDelaySec: 5,
  garpMasterRepeat: 5,
  garpMasterRefreshSec: 0,
  garpMasterRefreshRepeat: 1,
  downTimerAdverts: 3,
  unicastTtl: 255,
  smtpPort: 25,
  smtpConnectTimeoutSec: 30,
  smtpTls: 'starttls' as const,
  spoolDir: '/var/spool/hapair',
  alertMaxAgeSec: 86_400,
  flapDamping: { maxTransitions: 6, windowMin: 10 },
  /** Count IP Addrs is 8 bits, and a 1500-byte frame holds (1500-14-20-8-8)/4 = 362 (keepalived caps at 255). */
  maxVipsPerAdvert: 255,
};

export function completeGlobal(g: GlobalDraft, hostname: string): GlobalDefs {
  const masterDelaySec = g.garp.masterDelaySec ?? DEFAULTS.garpMasterDelaySec;
  const masterRepeat = g.garp.masterRepeat ?? DEFAULTS.garpMasterRepeat;
  const garp: GarpSettings = {
    masterDelaySec,
    masterRepeat,
    masterRefreshSec: g.garp.masterRefreshSec ?? DEFAULTS.garpMasterRefreshSec,
    masterRefreshRepeat: g.garp.masterRefreshRepeat ?? DEFAULTS.garpMasterRefreshRepeat,
    lowerPrioDelaySec: g.garp.lowerPrioDelaySec ?? masterDelaySec,
    lowerPrioRepeat: g.garp.lowerPrioRepeat ?? masterRepeat,
  };
  const m = g.mail;
  const mail: MailSettings = {
    recipients: [...m.recipients],
    ...(m.recipientsWhere ? { recipientsWhere: m.recipientsWhere } : {}),
    ...(m.recipientsAt.length > 0 ? { recipientsAt: [...m.recipientsAt] } : {}),
    ...(m.from !== undefined ? { from: m.from } : {}),
    ...(m.smtpServer ? { smtpServer: m.smtpServer } : {}),
    connectTimeoutSec: m.connectTimeoutSec ?? DEFAULTS.smtpConnectTimeoutSec,
    ...(m.heloName !== undefined ? { heloName: m.heloName } : {}),
    ...(m.authUser !== undefined ? { authUser: m.authUser } : {}),
    ...(m.authPasswordFile !== undefined ? { authPasswordFile: m.authPasswordFile } : {}),
    ...(m.authPasswordEnv !== undefined ? { authPasswordEnv: m.authPasswordEnv } : {}),
    tls: m.tls ?? DEFAULTS.smtpTls,
    ...(m.tlsCaFile !== undefined ? { tlsCaFile: m.tlsCaFile } : {}),
    tlsRejectUnauthorized: m.tlsRejectUnauthorized ?? true,
    spoolDir: m.spoolDir ?? DEFAULTS.spoolDir,
    maxAgeSec: m.maxAgeSec ?? DEFAULTS.alertMaxAgeSec,
    ...(m.flapDamping === 'off' ? {} : { flapDamping: m.flapDamping ?? { ...DEFAULTS.flapDamping } }),
    ...(m.reportCron !== undefined ? { reportCron: m.reportCron } : {}),
    where: { ...m.where },
  };
  const smtpAlert = g.smtpAlertVrrp ?? g.smtpAlert; // keepalived: smtp_alert_vrrp, else smtp_alert
  return {
    routerId: g.routerId ?? hostname,
    vrrpVersion: g.vrrpVersion ?? DEFAULTS.vrrpVersion,
    ...(g.scriptUser ? { scriptUser: g.scriptUser } : {}),
    enableScriptSecurity: g.enableScriptSecurity,
    ...(smtpAlert !== undefined ? { smtpAlert } : {}),
    garp,
    ...(g.checkUnicastSrc ? { checkUnicastSrc: true } : {}),
    mail,
  };
}

/** A vrrp_script with defaults resolved; undefined (after an error) when it has no `script` line. */
export function completeScript(s: ScriptDraft, global: GlobalDefs, rep: Reporter): VrrpScriptConfig | undefined {
  if (!s.command) {
    // keepalived: "No script set for vrrp_script X - removing" — a tracker that never runs is refused here.
    rep.error(s.where, 'missing-keyword', `vrrp_script ${s.name} has no 'script' line`);
    return undefined;
  }
  const intervalSec = s.intervalSec ?? 1;
  const owner = s.user ?? global.scriptUser;
  return {
    name: s.name,
    command: { ...s.command, ...(owner ? { user: owner.user, ...(owner.group !== undefined ? { group: owner.group } : {}) } : {}) },
    intervalSec,
    timeoutSec: s.timeoutSec ? s.timeoutSec : intervalSec, // 0 / absent = the interval (keepalived.md §4.1)
    weight: s.weight ?? 0,
    weightReverse: s.weightReverse,
    rise: s.rise ?? 1,
    fall: s.fall ?? 1,
    initFail: s.initFail,
    where: s.where,
  };
}

/** keepalived rounds the advert interval per version ([vrrp.c] `vrrp_complete_instance`; keepalived.md §1.5). */
export function roundAdvert(us: number, version: 2 | 3): { ms: number; note?: 'subsecond' | 'rounded' | 'clamped' } {
  if (version === 2) {
    if (us % S === 0) return { ms: us / 1000 };
    const rounded = Math.max(S, Math.floor((us + S / 2) / S) * S);
    return { ms: rounded / 1000, note: us < S ? 'subsecond' : 'rounded' };
  }
  if (us >= 4096 * CS) return { ms: 4095 * 10, note: 'clamped' }; // 12-bit centiseconds field
  if (us % CS === 0) return { ms: us / 1000 };
  return { ms: Math.max(CS, Math.floor((us + CS / 2) / CS) * CS) / 1000, note: 'rounded' };
}

/** One vrrp_instance, completed; undefined when a required keyword is missing (errors reported). */
export function completeInstance(d: InstanceDraft, global: GlobalDefs, g: GlobalDraft, rep: Reporter): InstanceConfig | undefined {
  let ok = true;
  if (d.interface === undefined) {
    // keepalived allows omitting it with unicast_src_ip; hapair needs it to place the VIPs and to track link.
    rep.error(d.where, 'interface-required', `vrrp_instance ${d.name} has no 'interface' line`);
    ok = false;
  }
  if (d.vrid === undefined) {
    rep.error(d.where, 'missing-keyword', `vrrp_instance ${d.name} has no 'virtual_router_id' line (1..255)`);
    ok = false;
  }
  const version = d.version ?? global.vrrpVersion;
  const basePriority = d.priority ?? (d.state === 'MASTER' ? DEFAULTS.ownerPriority : DEFAULTS.priority);
  let configuredState: 'MASTER' | 'BACKUP' = d.state ?? (basePriority === DEFAULTS.ownerPriority ? 'MASTER' : 'BACKUP');
  if (d.vips.length === 0) {
    if (version === 3) {
      rep.error(d.where, 'vip-none', `vrrp_instance ${d.name}: VRRPv3 needs at least one virtual_ipaddress (as keepalived)`);
      ok = false;
    } else {
      rep.warn(d.where, 'vip-none', `vrrp_instance ${d.name} has no virtual_ipaddress`, 'add a virtual_ipaddress block');
    }
  }
  const auth = completeAuth(d, version, rep);
  if (auth?.type === 'AH' && configuredState === 'MASTER' && basePriority !== 255) {
    rep.warn(d.stateWhere ?? d.where, 'auth-ah-master', 'initial state MASTER does not work with AH authentication: using BACKUP (as keepalived)', "write 'state BACKUP'");
    configuredState = 'BACKUP';
  }
  const vips = d.vips.slice(0, DEFAULTS.maxVipsPerAdvert);
  const excludedVips = [...d.excludedVips, ...d.vips.slice(DEFAULTS.maxVipsPerAdvert)];
  if (d.vips.length > DEFAULTS.maxVipsPerAdvert) {
    rep.warn(d.vips[DEFAULTS.maxVipsPerAdvert]!.where, 'vip-excess', `more than ${DEFAULTS.maxVipsPerAdvert} VIPs: the rest are handled as virtual_ipaddress_excluded (as keepalived)`, 'move them to virtual_ipaddress_excluded');
  }
  const { nopreempt, preemptDelayUs } = completePreempt(d, configuredState, basePriority, rep);
  const advert = roundAdvert(d.advertUs ?? DEFAULTS.advertUs, version);
  reportAdvert(d, advert, version, rep);
  const unicastPeers = [...d.unicastPeers];
  if (d.unicastFaultNoPeer && unicastPeers.length === 0) {
    // keepalived 2.2.7 unicast_fault_no_peer: no fallback to multicast, the instance is held in FAULT.
    rep.warn(d.unicastFaultNoPeer, 'unicast-fault-no-peer', `unicast_fault_no_peer and no unicast_peer entries: ${d.name} stays in FAULT (it never falls back to multicast)`, 'add a unicast_peer { } block listing the other node');
  } else if (d.unicastKeyword && unicastPeers.length === 0) {
    rep.warn(d.unicastKeyword, 'unicast-no-peers', 'a unicast keyword without unicast_peer entries: adverts go to multicast 224.0.0.18 (keepalived does the same, deprecated)', 'add a unicast_peer { } block or remove unicast_src_ip (or add unicast_fault_no_peer to fail instead)');
  }
  if (d.unicastTtlWhere && unicastPeers.length === 0) {
    rep.warn(d.unicastTtlWhere, 'unicast-ttl-no-peers', 'unicast_ttl without unicast peers is ignored (as keepalived)', 'remove unicast_ttl');
  }
  if (!ok) return undefined;
  const smtpAlert = d.smtpAlert ?? global.smtpAlert ?? false;
  return {
    name: d.name,
    configuredState,
    interface: d.interface!,
    vrid: d.vrid!,
    basePriority,
    advertIntMs: advert.ms,
    version,
    nopreempt,
    preemptDelayMs: Math.round(preemptDelayUs / 1000),
    ...(auth ? { auth } : {}),
    vips,
    excludedVips,
    trackScripts: d.trackScripts.map(({ seq: _seq, ...t }) => t),
    trackInterfaces: [...d.trackInterfaces],
    dontTrackPrimary: d.dontTrackPrimary,
    notify: { ...d.notify },
    smtpAlert,
    ...(d.mcastSrcIp !== undefined ? { mcastSrcIp: d.mcastSrcIp } : {}),
    ...(d.unicastSrcIp !== undefined ? { unicastSrcIp: d.unicastSrcIp } : {}),
    unicastPeers,
    unicastTtl: unicastPeers.length > 0 ? (d.unicastTtl ?? DEFAULTS.unicastTtl) : DEFAULTS.unicastTtl,
    ...(d.checkUnicastSrc || global.checkUnicastSrc ? { checkUnicastSrc: true } : {}),
    ...(d.unicastFaultNoPeer ? { unicastFaultNoPeer: true } : {}),
    garp: completeGarp(d, global, g),
    lowerPrioNoAdvert: d.lowerPrioNoAdvert ?? g.lowerPrioNoAdvert ?? false,
    higherPrioSendAdvert: d.higherPrioSendAdvert ?? g.higherPrioSendAdvert ?? false,
    downTimerAdverts: d.downTimerAdverts ?? g.downTimerAdverts ?? DEFAULTS.downTimerAdverts,
    where: d.where,
  };
}

/** Instance garp_* fall back to the global vrrp_garp_*; the lower-priority pair to the GLOBAL values. */
function completeGarp(d: InstanceDraft, global: GlobalDefs, g: GlobalDraft): GarpSettings {
  return {
    masterDelaySec: d.garp.masterDelaySec ?? global.garp.masterDelaySec,
    masterRepeat: d.garp.masterRepeat ?? global.garp.masterRepeat,
    masterRefreshSec: d.garp.masterRefreshSec ?? global.garp.masterRefreshSec,
    masterRefreshRepeat: d.garp.masterRefreshRepeat ?? global.garp.masterRefreshRepeat,
    // keepalived: instance garp_lower_prio_* default to the global ones, which default to the global master ones.
    lowerPrioDelaySec: d.garp.lowerPrioDelaySec ?? g.garp.lowerPrioDelaySec ?? global.garp.masterDelaySec,
    lowerPrioRepeat: d.garp.lowerPrioRepeat ?? g.garp.lowerPrioRepeat ?? global.garp.masterRepeat,
  };
}

function completeAuth(d: InstanceDraft, version: 2 | 3, rep: Reporter): InstanceConfig['auth'] {
  const a = d.auth;
  if (!a || a.type === 'invalid' || (a.type === undefined && a.pass === undefined)) return undefined; // invalid: already reported
  if (version === 3) {
    rep.warn(a.where, 'auth-v3-ignored', 'VRRP version 3 has no authentication: this block is ignored (as keepalived)', 'remove the authentication block (or use version 2 on both nodes)');
    return undefined;
  }
  if (a.type === undefined) {
    rep.warn(a.passWhere ?? a.where, 'auth-pass-without-type', 'auth_pass without auth_type: no authentication is used (as keepalived)', 'add auth_type PASS, or remove the authentication block');
    return undefined;
  }
  if (a.pass === undefined) {
    // keepalived: "Authentication specified but no password given. Ignoring" — peers would disagree: refuse.
    rep.error(a.where, 'auth-no-pass', `auth_type ${a.type} without auth_pass`);
    return undefined;
  }
  return { type: a.type, pass: a.pass };
}

function completePreempt(d: InstanceDraft, state: 'MASTER' | 'BACKUP', priority: number, rep: Reporter): { nopreempt: boolean; preemptDelayUs: number } {
  let nopreempt = d.nopreempt;
  let preemptDelayUs = d.preemptDelayUs ?? 0;
  const at = d.nopreemptWhere ?? d.where;
  if (nopreempt && priority === 255) {
    rep.warn(at, 'owner-nopreempt', 'nopreempt does not apply to the address owner (priority 255): cleared (as keepalived)', 'remove nopreempt or lower the priority');
    nopreempt = false;
  }
  if (state === 'MASTER' && nopreempt) {
    rep.warn(at, 'state-master-nopreempt', 'nopreempt does not work with state MASTER: keepalived clears it silently, so this node WILL preempt',
      "write 'state BACKUP' (or omit state) on every node that uses nopreempt");
    nopreempt = false;
  }
  if (state === 'MASTER' && preemptDelayUs > 0) {
    rep.warn(d.preemptDelayWhere ?? d.where, 'preempt-delay-cleared', 'preempt_delay does not work with state MASTER: cleared (as keepalived)', "write 'state BACKUP' (or omit state)");
    preemptDelayUs = 0;
  }
  if (nopreempt && preemptDelayUs > 0) {
    rep.warn(d.preemptDelayWhere ?? d.where, 'preempt-delay-cleared', 'preempt_delay has no meaning with nopreempt: cleared (as keepalived)', 'remove one of them');
    preemptDelayUs = 0;
  }
  return { nopreempt, preemptDelayUs };
}

function reportAdvert(d: InstanceDraft, a: ReturnType<typeof roundAdvert>, version: 2 | 3, rep: Reporter): void {
  const at = d.advertWhere ?? d.where;
  const given = formatSeconds(d.advertUs ?? DEFAULTS.advertUs);
  const now = formatSeconds(a.ms * 1000);
  if (a.note === 'subsecond') {
    rep.warn(at, 'v2-subsecond-advert', `VRRPv2 advertises whole seconds: advert_int ${given} becomes ${now} s (as keepalived)`,
      "use 'version 3' on both nodes for sub-second adverts, or write 'advert_int 1'");
  } else if (a.note === 'rounded') {
    rep.warn(at, 'advert-int-rounded', `VRRPv${version} advert_int ${given} is rounded to ${now} s (as keepalived)`, `write 'advert_int ${now}'`);
  } else if (a.note === 'clamped') {
    rep.warn(at, 'advert-int-rounded', `VRRPv3 advert_int must be below 40.96 s: ${given} becomes ${now} s (as keepalived)`, `write 'advert_int ${now}'`);
  }
}
