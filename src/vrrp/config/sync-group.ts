// vrrp_sync_group keyword table (keepalived v2.2.7 vrrp_parser.c group handlers; keepalived.md §6.6).
import type { ConfNode } from './ast.js';
import type { GroupDraft } from './drafts.js';
import { whereOf } from './drafts.js';
import { optionalBoolArg } from './args.js';
import { notifySpec } from './instance.js';
import { trackInterfaceBlock, trackScriptBlock } from './instance-lists.js';
import type { BlockSpec, KeywordTable } from './table.js';
import { GROUP_UNSUPPORTED } from './unsupported.js';

const TABLE: KeywordTable<GroupDraft> = {
  group: {
    block: 'required',
    maxArgs: 0,
    handle: (node, g, rep) => {
      if (g.members) {
        rep.error(node, 'duplicate-keyword', `group list already given for sync group ${g.name} (line ${g.members[0]?.where.line ?? node.line})`);
        return;
      }
      g.members = (node.children ?? []).flatMap((c) => [c.keyword, ...c.args].map((name) => ({ name, where: whereOf(c) })));
      if (g.members.length === 0) rep.warn(node, 'sync-group-empty', `sync group ${g.name} has an empty group block`, 'list the member vrrp_instance names');
    },
  },
  track_script: { block: 'required', maxArgs: 0, handle: (n, g, rep) => trackScriptBlock(n, g.trackScripts, g.seq, rep) },
  track_interface: { block: 'required', maxArgs: 0, handle: (n, g, rep) => trackInterfaceBlock(n, g.trackInterfaces, rep) },
  notify_master: notifySpec('master'),
  notify_backup: notifySpec('backup'),
  notify_fault: notifySpec('fault'),
  notify_stop: notifySpec('stop'),
  notify: notifySpec('generic'),
  smtp_alert: { maxArgs: 1, handle: (n, g, rep) => void (g.smtpAlert = optionalBoolArg(n, rep) ?? g.smtpAlert) },
  sync_group_tracking_weight: { maxArgs: 0, handle: (_n, g) => void (g.trackingWeight = true) },
  global_tracking: {
    maxArgs: 0,
    handle: (n, g, rep) => {
      rep.warn(n, 'unsupported-ignored', 'global_tracking is deprecated in keepalived: it means sync_group_tracking_weight', 'write sync_group_tracking_weight, or track at group level');
      g.trackingWeight = true;
    },
  },
};

export const GROUP_BLOCK: BlockSpec<GroupDraft> = { name: 'vrrp_sync_group', table: TABLE, unsupported: GROUP_UNSUPPORTED, splitStray: true };

export function newGroup(name: string, node: ConfNode, seq: number): GroupDraft {
  return { name, where: whereOf(node), seq, notify: {}, trackingWeight: false, trackScripts: [], trackInterfaces: [] };
}
