// vrrp_instance keyword table (keepalived v2.2.7 vrrp_parser.c; keepalived.md §2.3, §3, §6). Values that
// keepalived would replace by a default with a config error (`priority abc`, `advert_int -1`,
// `virtual_router_id 300`) are ERRORS here: a failover daemon must not start on a guess.
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import type { InstanceDraft, NotifyDraft } from './drafts.js';
import { whereOf } from './drafts.js';
import { intArg, ipv4Arg, optionalBoolArg, secondsArg } from './args.js';
import { notifyCommand } from './command.js';
import { authBlock, trackInterfaceBlock, trackScriptBlock, unicastPeerBlock, vipBlock } from './instance-lists.js';
import type { BlockSpec, KeywordSpec, KeywordTable } from './table.js';
import { INSTANCE_UNSUPPORTED } from './unsupported.js';

type Spec = KeywordSpec<InstanceDraft>;
const UINT = 2 ** 32 - 1;
const IFNAMSIZ = 16;

/** notify_* for instances and sync groups: keepalived keeps the FIRST and ignores a repeat with an error. */
export function notifySpec<S extends { notify: NotifyDraft }>(key: keyof NotifyDraft): KeywordSpec<S> {
  return {
    minArgs: 1,
    handle: (node, s, rep) => {
      if (s.notify[key]) {
        rep.warn(node, 'duplicate-keyword', `${node.keyword} is already set: this one is ignored (as keepalived)`, `keep a single ${node.keyword} line`);
        return;
      }
      const cmd = notifyCommand(node, rep);
      if (cmd) s.notify[key] = cmd;
    },
  };
}

/** Per-instance garp_* settings (keepalived.md §6.4): whole seconds / counts; repeat counts of 0 become 1. */
function garp(key: keyof InstanceDraft['garp'], zeroIsOne: boolean): Spec {
  return {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      let v = intArg(node, rep, 0, UINT);
      if (v === 0 && zeroIsOne) {
        rep.warn(node, 'value-coerced', `${node.keyword} must be greater than 0: using 1 (as keepalived)`, `write '${node.keyword} 1'`);
        v = 1;
      }
      if (v !== undefined) inst.garp[key] = v;
    },
  };
}

function flag(set: (inst: InstanceDraft, v: boolean) => void): Spec {
  return { maxArgs: 1, handle: (node, inst, rep) => { const v = optionalBoolArg(node, rep); if (v !== undefined) set(inst, v); } };
}

const STATES = new Set(['MASTER', 'BACKUP']);

function stateHandler(node: ConfNode, inst: InstanceDraft, rep: Reporter): void {
  const s = node.args[0]!;
  if (!STATES.has(s)) {
    // keepalived: "unknown state 'X', defaulting to BACKUP" — the words are case-sensitive (issue #2256).
    rep.warn(node, 'state-unknown', `unknown state '${s}': using BACKUP (as keepalived; the value is case-sensitive)`, "write 'state MASTER' or 'state BACKUP' in upper case");
    inst.state = 'BACKUP';
  } else if (s === 'BACKUP' && inst.state === 'MASTER') {
    rep.warn(node, 'duplicate-keyword', 'state was already set to MASTER: this BACKUP is ignored (as keepalived)', 'keep a single state line');
    return;
  } else {
    inst.state = s as 'MASTER' | 'BACKUP';
  }
  inst.stateWhere = whereOf(node);
}

const TABLE: KeywordTable<InstanceDraft> = {
  state: { minArgs: 1, maxArgs: 1, handle: stateHandler },
  interface: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      if (node.args[0]!.length >= IFNAMSIZ) rep.error(node, 'invalid-value', `interface: '${node.args[0]}' is longer than ${IFNAMSIZ - 1} characters`);
      else inst.interface = node.args[0]!;
    },
  },
  virtual_router_id: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      const v = intArg(node, rep, 1, 255);
      if (v !== undefined) {
        inst.vrid = v;
        inst.vridWhere = whereOf(node);
      }
    },
  },
  priority: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      // keepalived: "Priority not valid! must be between 1 & 255. Using default 100" — hapair refuses.
      const v = intArg(node, rep, 1, 255);
      if (v !== undefined) {
        inst.priority = v;
        inst.priorityWhere = whereOf(node);
      }
    },
  },
  advert_int: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      // keepalived accepts 0.01..255 s here and rounds per version at completion (complete.ts).
      const us = secondsArg(node, rep, 10_000, 255_000_000);
      if (us !== undefined) {
        inst.advertUs = us;
        inst.advertWhere = whereOf(node);
      }
    },
  },
  version: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      const v = intArg(node, rep, 2, 3);
      if (v === 2 || v === 3) inst.version = v;
    },
  },
  nopreempt: { maxArgs: 0, handle: (node, inst) => { inst.nopreempt = true; inst.nopreemptWhere = whereOf(node); } },
  preempt: { maxArgs: 0, handle: (_node, inst) => { inst.nopreempt = false; } }, // backward compatibility: clears nopreempt
  preempt_delay: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, inst, rep) => {
      const us = secondsArg(node, rep, 0, 1000 * 1_000_000); // TIMER_MAX_SEC = 1000
      if (us !== undefined) {
        inst.preemptDelayUs = us;
        inst.preemptDelayWhere = whereOf(node);
      }
    },
  },
  dont_track_primary: { maxArgs: 0, handle: (_n, inst) => void (inst.dontTrackPrimary = true) },
  track_script: { block: 'required', maxArgs: 0, handle: (n, inst, rep) => trackScriptBlock(n, inst.trackScripts, inst.seq, rep) },
  track_interface: { block: 'required', maxArgs: 0, handle: (n, inst, rep) => trackInterfaceBlock(n, inst.trackInterfaces, rep) },
  mcast_src_ip: { minArgs: 1, maxArgs: 1, handle: (n, inst, rep) => { const ip = ipv4Arg(n, rep); if (ip !== undefined) { inst.mcastSrcIp = ip; inst.srcWhere = whereOf(n); } } },
  unicast_src_ip: {
    minArgs: 1,
    maxArgs: 1,
    handle: (n, inst, rep) => {
      const ip = ipv4Arg(n, rep);
      if (ip === undefined) return;
      inst.unicastSrcIp = ip;
      inst.srcWhere = whereOf(n);
      inst.unicastKeyword ??= whereOf(n);
    },
  },
  unicast_peer: {
    block: 'required',
    maxArgs: 0,
    handle: (n, inst, rep) => {
      inst.unicastKeyword ??= whereOf(n);
      unicastPeerBlock(n, inst, rep);
    },
  },
  // keepalived: both set VRRP_FLAG_UNICAST_CONFIGURED like any unicast keyword (vrrp_parser.c).
  check_unicast_src: {
    maxArgs: 0,
    handle: (n, inst) => {
      inst.checkUnicastSrc = true;
      inst.unicastKeyword ??= whereOf(n);
    },
  },
  unicast_fault_no_peer: {
    maxArgs: 0,
    handle: (n, inst) => {
      inst.unicastFaultNoPeer = whereOf(n);
      inst.unicastKeyword ??= whereOf(n);
    },
  },
  unicast_ttl: {
    minArgs: 1,
    maxArgs: 1,
    handle: (n, inst, rep) => {
      inst.unicastTtl = intArg(n, rep, 0, 255) ?? inst.unicastTtl;
      inst.unicastTtlWhere = whereOf(n);
    },
  },
  virtual_ipaddress: { block: 'required', maxArgs: 0, handle: (n, inst, rep) => vipBlock(n, inst.vips, rep) },
  virtual_ipaddress_excluded: { block: 'required', maxArgs: 0, handle: (n, inst, rep) => vipBlock(n, inst.excludedVips, rep) },
  authentication: { block: 'required', maxArgs: 0, handle: authBlock },
  notify_master: notifySpec('master'),
  notify_backup: notifySpec('backup'),
  notify_fault: notifySpec('fault'),
  notify_stop: notifySpec('stop'),
  notify: notifySpec('generic'),
  smtp_alert: flag((inst, v) => void (inst.smtpAlert = v)),
  garp_master_delay: garp('masterDelaySec', false),
  garp_master_repeat: garp('masterRepeat', true),
  garp_master_refresh: garp('masterRefreshSec', false),
  garp_master_refresh_repeat: garp('masterRefreshRepeat', true),
  garp_lower_prio_delay: garp('lowerPrioDelaySec', false),
  garp_lower_prio_repeat: garp('lowerPrioRepeat', false),
  lower_prio_no_advert: flag((inst, v) => void (inst.lowerPrioNoAdvert = v)),
  higher_prio_send_advert: flag((inst, v) => void (inst.higherPrioSendAdvert = v)),
  down_timer_adverts: { minArgs: 1, maxArgs: 1, handle: (n, inst, rep) => void (inst.downTimerAdverts = intArg(n, rep, 1, 100) ?? inst.downTimerAdverts) },
  // Accepted so the lint can explain it (lints.ts): strict mode is not implemented.
  strict_mode: { maxArgs: 1, handle: (n, inst, rep) => { if (optionalBoolArg(n, rep)) inst.strictMode = whereOf(n); } },
};

export const INSTANCE_BLOCK: BlockSpec<InstanceDraft> = {
  name: 'vrrp_instance',
  table: TABLE,
  unsupported: INSTANCE_UNSUPPORTED,
  splitStray: true,
};

export function newInstance(name: string, node: ConfNode, seq: number): InstanceDraft {
  return {
    name,
    where: whereOf(node),
    seq,
    nopreempt: false,
    vips: [],
    excludedVips: [],
    trackScripts: [],
    trackInterfaces: [],
    dontTrackPrimary: false,
    notify: {},
    unicastPeers: [],
    garp: {},
  };
}
