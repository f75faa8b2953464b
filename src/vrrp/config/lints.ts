// Lints over a loaded keepalived config (pure): known traps that load fine but fail in production. Each is a
// warning with a stable code and a concrete fix. Things one file cannot know (e.g. whether a weight exceeds the
// priority gap to the peer) are NOT guessed.
import path from 'node:path';
import type { InstanceConfig, KeepalivedConfig, SourceRef } from '../types.js';
import type { Reporter } from './codes.js';

export interface LintInput {
  readonly config: KeepalivedConfig;
  readonly vrrpStrict?: SourceRef; // global_defs vrrp_strict
  readonly strictModes: readonly SourceRef[]; // vrrp_instance strict_mode
}

type Lint = (input: LintInput, rep: Reporter) => void;

/**
 * keepalived.md §3.3: with nopreempt on the backup, a master whose priority drops through a weighted tracker
 * keeps sending (lower-priority) adverts that the backup accepts, so the VIP never moves (issues #2599,
 * #2483, #2552, #2379, #535). Configs are usually symmetric, so this node's nopreempt implies the peer's.
 */
/** Where operators read about the trap (docs shipped with hapair; test/vrrp/config/lints.test.ts checks the anchor). */
export const NOPREEMPT_DOC = 'docs/migration.md#the-nopreempt--weight-trap';

const nopreemptWeight: Lint = ({ config }, rep) => {
  for (const i of config.instances) {
    if (!i.nopreempt) continue;
    const weighted = [
      ...i.trackScripts.filter((t) => (t.weight ?? config.scripts.get(t.name)?.weight ?? 0) !== 0).map((t) => ({ what: `track_script ${t.name}`, where: t.where })),
      ...i.trackInterfaces.filter((t) => t.weight).map((t) => ({ what: `track_interface ${t.name}`, where: t.where })),
    ];
    const first = weighted[0];
    if (!first) continue;
    rep.warn(first.where, 'nopreempt-weight',
      `${weighted.map((w) => w.what).join(', ')} of ${i.name} can only change the priority, and under nopreempt that never moves the VIP: ` +
        `a backup with nopreempt accepts the degraded master's lower-priority adverts and never takes over (see ${NOPREEMPT_DOC})`,
      'track the check with weight 0 (a failing check then puts the instance in FAULT, it releases the VIP and the peer takes over), ' +
        'or remove nopreempt on both nodes and use a weight larger than the priority gap');
  }
};

const SHELLS = new Set(['sh', 'bash', 'dash', 'ash', 'zsh', 'busybox']);
const BY_NAME = /(^|[\s;&|(`])(killall\s+-0|pidof|pgrep)(\s|$)/;

/** True if a health-check argv looks a process up by name (killall -0 NAME, pidof, pgrep), directly or via sh -c. */
export function checksProcessByName(argv: readonly string[]): boolean {
  const prog = path.basename(argv[0] ?? '');
  if (prog === 'pidof' || prog === 'pgrep') return true;
  if (prog === 'killall') return argv.includes('-0');
  const c = argv.indexOf('-c');
  return SHELLS.has(prog) && c > 0 && BY_NAME.test(argv[c + 1] ?? '');
}

/** PIDs are shared across network namespaces: `killall -0 haproxy` also sees the other node's proxy (DEVELOPERS.md). */
const processNameCheck: Lint = ({ config }, rep) => {
  for (const s of config.scripts.values()) {
    if (!checksProcessByName(s.command.argv)) continue;
    rep.warn(s.command.where, 'process-name-check',
      `vrrp_script ${s.name} ('${s.command.raw.trim()}') finds the process by name in the whole PID space: it also sees processes of other namespaces/containers on this host, and a hung proxy still passes`,
      'use script "hapair proxy-alive", which asks this node\'s own proxy');
  }
};

const strict: Lint = ({ vrrpStrict, strictModes }, rep) => {
  for (const at of [...(vrrpStrict ? [vrrpStrict] : []), ...strictModes]) {
    rep.warn(at, 'vrrp-strict-unsupported', 'strict mode (vrrp_strict / strict_mode) is not supported by hapair: no firewall DROP rules are installed and the strict RFC checks are not enforced',
      'remove it: in keepalived, strict mode adds firewall rules that drop all traffic to the VIPs, the most common reason a VIP does not answer ping; hapair never adds such rules');
  }
};

/** The advert source or a peer must be a node's own fixed address; a VIP moves with mastership. */
const vipAddresses: Lint = ({ config }, rep) => {
  for (const i of config.instances) {
    const vips = [...i.vips, ...i.excludedVips];
    for (const v of vips) {
      for (const [what, ip] of [['unicast_src_ip', i.unicastSrcIp], ['mcast_src_ip', i.mcastSrcIp]] as const) {
        if (ip === v.address) {
          rep.warn(v.where, 'vip-is-src-ip', `VIP ${v.address} of ${i.name} is also its ${what}: the advert source disappears from the backup and follows the VIP`,
            `set ${what} to this node's own fixed address`);
        }
      }
      const peer = i.unicastPeers.find((p) => p.address === v.address);
      if (peer) {
        rep.warn(peer.where, 'vip-is-src-ip', `unicast_peer ${peer.address} of ${i.name} is one of its VIPs: adverts would go to whichever node holds the VIP`, "list the peer's own fixed address");
      }
    }
    const self = i.unicastPeers.find((p) => p.address === i.unicastSrcIp);
    if (self) rep.warn(self.where, 'peer-is-self', `unicast_peer ${self.address} of ${i.name} is this node's own unicast_src_ip`, 'list the other node(s) only');
  }
};

const sharedVips: Lint = ({ config }, rep) => {
  const seen = new Map<string, InstanceConfig>();
  for (const i of config.instances) {
    for (const v of [...i.vips, ...i.excludedVips]) {
      const other = seen.get(v.address);
      if (other && other !== i) {
        rep.warn(v.where, 'vip-shared', `VIP ${v.address} is in both ${other.name} and ${i.name}: the two instances would add and remove it independently`, 'keep each VIP in one instance');
      }
      if (!other) seen.set(v.address, i);
    }
  }
};

const isHapair = (w: string | undefined): boolean => /^hapair(\.js)?$/.test(path.basename(w ?? ''));
const NOTIFY_MAIL_IN_SHELL = /(^|[\s;&|(`/])hapair(\.js)?\s+notify-mail(\s|$)/;

/**
 * True if a notify command runs `hapair notify-mail` (seed 002's drop-in for mail_notify.py): directly, through
 * `env`, as `node .../hapair.js notify-mail`, or inside `sh -c '...'`.
 */
export function runsNotifyMail(argv: readonly string[]): boolean {
  const prog = path.basename(argv[0] ?? '');
  if (isHapair(argv[0])) return argv[1] === 'notify-mail';
  if (prog === 'env') {
    const first = argv.findIndex((w, i) => i > 0 && !/^[A-Za-z_]\w*=/.test(w)); // skip NAME=value words
    return first > 0 && runsNotifyMail(argv.slice(first));
  }
  if (prog === 'node' || prog === 'nodejs') return isHapair(argv[1]) && argv[2] === 'notify-mail';
  const c = argv.indexOf('-c');
  return SHELLS.has(prog) && c > 0 && NOTIFY_MAIL_IN_SHELL.test(argv[c + 1] ?? '');
}

/**
 * keepalived sends mail only for instances/groups with smtp_alert (default off; keepalived.md §5.3). A notify
 * script (notify_* or generic notify) running `hapair notify-mail` sends the alert mail itself from the same
 * global_defs settings, so it counts as alerting too.
 */
const mailWiring: Lint = ({ config }, rep) => {
  const mail = config.global.mail;
  const groups = [...config.instances, ...config.syncGroups];
  const alerting = groups.filter((x) => x.smtpAlert);
  const mailScripts = groups.filter((x) => Object.values(x.notify).some((cmd) => cmd !== undefined && runsNotifyMail(cmd.argv)));
  if (mail.recipients.length > 0 && alerting.length === 0 && mailScripts.length === 0 && groups.length > 0) {
    rep.warn(mail.recipientsWhere ?? { file: config.files[0] ?? '', line: 0 }, 'smtp-alert-off',
      'notification_email is set but no vrrp_instance or vrrp_sync_group has smtp_alert or a notify script running `hapair notify-mail`: no alert mail will ever be sent (smtp_alert is off by default)',
      'add smtp_alert to global_defs (or to each vrrp_instance), or notify_master/notify_backup/notify_fault "hapair notify-mail <state>"');
  }
  // Only when nothing is configured: a half-configured pair is reported by notify's checkMailSettings.
  const first = alerting[0];
  if (first && mail.recipients.length === 0 && !mail.smtpServer) {
    rep.warn(first.where, 'smtp-alert-no-server', `smtp_alert is on for ${first.name} but global_defs has no notification_email and no smtp_server: alert mail cannot be sent`,
      'add notification_email { ... } and smtp_server HOST to global_defs, or remove smtp_alert');
  }
};

export const LINTS: readonly Lint[] = [nopreemptWeight, processNameCheck, strict, vipAddresses, sharedVips, mailWiring];

export function runLints(input: LintInput, rep: Reporter): void {
  for (const lint of LINTS) lint(input, rep);
}
