// Cross-references after every block is read (pure): track_script names, sync-group members, weighted trackers
// in sync groups / on address owners, duplicate VRIDs, unused scripts (keepalived v2.2.7 [vrrp.c]
// `vrrp_complete_instance`, `sync_group_tracking_init`, `check_vrid_conflicts`; [vrrp_sync.c]; keepalived.md §4.4).
import type { InstanceConfig, SyncGroupConfig, TrackInterfaceRef, TrackScriptRef, VrrpScriptConfig } from '../types.js';
import type { Reporter } from './codes.js';
import type { GroupDraft, ScriptDraft, TrackScriptDraft } from './drafts.js';
import { suggest } from './table.js';

export interface Resolved {
  readonly instances: InstanceConfig[];
  readonly syncGroups: SyncGroupConfig[];
  readonly scripts: Map<string, VrrpScriptConfig>;
}

type Inst = { -readonly [K in keyof InstanceConfig]: InstanceConfig[K] };

/** Checks each track_script name; keepalived resolves names while parsing, so a later definition is missed. */
function checkScriptRefs(refs: readonly TrackScriptDraft[], drafts: readonly ScriptDraft[], owner: string, rep: Reporter): TrackScriptDraft[] {
  return refs.filter((r) => {
    const def = drafts.find((s) => s.name === r.name);
    if (!def) {
      rep.error(r.where, 'track-script-unknown', `${owner}: track_script '${r.name}' names no vrrp_script${suggest(r.name, drafts.map((s) => s.name))}`);
      return false;
    }
    if (def.seq > r.seq) {
      rep.warn(r.where, 'track-script-forward-ref', `vrrp_script ${r.name} is defined after ${owner} (${def.where.file}:${def.where.line}): keepalived 2.2.7 would ignore this track_script ("not found"); hapair uses it`,
        `move vrrp_script ${r.name} above ${owner} so both behave the same`);
    }
    return true;
  });
}

const weightOf = (r: TrackScriptRef, scripts: ReadonlyMap<string, VrrpScriptConfig>): number => r.weight ?? scripts.get(r.name)?.weight ?? 0;

export function resolve(
  instances: InstanceConfig[],
  instanceRefs: ReadonlyMap<string, TrackScriptDraft[]>,
  groups: readonly GroupDraft[],
  scriptDrafts: readonly ScriptDraft[],
  scripts: Map<string, VrrpScriptConfig>,
  globalSmtpAlert: boolean | undefined,
  failed: ReadonlySet<string>, // instances already reported as broken: not "unknown" members
  rep: Reporter,
): Resolved {
  const insts: Inst[] = instances.map((i) => ({
    ...i,
    trackScripts: checkScriptRefs(instanceRefs.get(i.name) ?? [], scriptDrafts, `vrrp_instance ${i.name}`, rep).map(({ seq: _s, ...t }) => t),
  }));
  for (const i of insts) dropOwnInterface(i, rep);

  const syncGroups: SyncGroupConfig[] = [];
  const memberOf = new Map<string, string>();
  for (const g of groups) {
    const members: string[] = [];
    for (const m of g.members ?? []) {
      if (failed.has(m.name)) continue;
      if (!insts.some((i) => i.name === m.name)) {
        rep.error(m.where, 'sync-group-unknown-member', `sync group ${g.name}: no vrrp_instance named '${m.name}'${suggest(m.name, insts.map((i) => i.name))}`);
      } else if (memberOf.has(m.name)) {
        rep.error(m.where, 'sync-group-multiple', `vrrp_instance ${m.name} is already in sync group ${memberOf.get(m.name)}: an instance can be in one sync group only`);
      } else {
        memberOf.set(m.name, g.name);
        members.push(m.name);
      }
    }
    if (members.length === 0) {
      if ((g.members?.length ?? 0) === 0) rep.warn(g.where, 'sync-group-empty', `sync group ${g.name} has no members: ignored (as keepalived)`, 'add a group { } block naming its instances, or remove it');
      continue;
    }
    if (members.length === 1) rep.warn(g.where, 'sync-group-single', `sync group ${g.name} has only one member: this is probably not what you want (keepalived says the same)`, 'add the other instances that must fail over together, or remove the group');
    const groupRefs = checkScriptRefs(g.trackScripts, scriptDrafts, `vrrp_sync_group ${g.name}`, rep);
    applyGroup(g, members, groupRefs, insts, scripts, rep);
    syncGroups.push({ name: g.name, members, notify: { ...g.notify }, smtpAlert: g.smtpAlert ?? globalSmtpAlert ?? false, where: g.where });
  }
  for (const i of insts) if (!memberOf.has(i.name)) ownerWeights(i, scripts, rep);
  checkVrids(insts, rep);
  const referenced = new Set([...instanceRefs.values(), ...groups.map((g) => g.trackScripts)].flat().map((t) => t.name));
  for (const s of scriptDrafts) {
    if (!scripts.has(s.name) || insts.some((i) => i.trackScripts.some((t) => t.name === s.name))) continue;
    // Referenced but dropped (sync group / owner weights) was reported there; never referenced is reported here.
    if (!referenced.has(s.name)) {
      rep.warn(s.where, 'script-unused', `vrrp_script ${s.name} is not tracked by any vrrp_instance or sync group: it is not run (as keepalived)`, 'add it to a track_script block, or remove it');
    }
    scripts.delete(s.name);
  }
  return { instances: insts, syncGroups, scripts };
}

/** keepalived: "Ignoring track_interface X since own interface" — the own interface is tracked anyway. */
function dropOwnInterface(i: Inst, rep: Reporter): void {
  i.trackInterfaces = i.trackInterfaces.filter((t) => {
    if (t.name !== i.interface) return true;
    rep.warn(t.where, 'track-own-interface', `track_interface ${t.name} is the instance's own interface, which is always tracked: ignored (as keepalived)`, 'remove it (use dont_track_primary to stop tracking the own interface)');
    return false;
  });
}

/**
 * Sync group without sync_group_tracking_weight: weighted trackers of member instances are dropped (scripts) or
 * zeroed (interfaces, which then mean FAULT) — keepalived.md §4.4. Group-level trackers are added to every member
 * (`sync_group_tracking_init`), their weights cleared if a member is an address owner.
 */
function applyGroup(g: GroupDraft, members: string[], groupRefs: TrackScriptDraft[], insts: Inst[], scripts: ReadonlyMap<string, VrrpScriptConfig>, rep: Reporter): void {
  const mine = insts.filter((i) => members.includes(i.name));
  const owners = mine.filter((i) => i.basePriority === 255);
  if (owners.length > 0 && owners.length < mine.length) {
    rep.warn(g.where, 'sync-group-mixed-owner', `sync group ${g.name} mixes address owners (priority 255) and other members: this won't work (keepalived says the same)`, 'give all members priority 255, or none');
  }
  for (const i of mine) {
    i.syncGroup = g.name;
    if (!g.trackingWeight) {
      i.trackScripts = i.trackScripts.filter((t) => {
        if (weightOf(t, scripts) === 0) return true;
        rep.warn(t.where, 'sync-group-weight', `weighted track_script ${t.name} of ${i.name} is dropped because ${i.name} is in sync group ${g.name} (as keepalived)`,
          `track it at sync group level (track_script in vrrp_sync_group ${g.name}), use weight 0, or add sync_group_tracking_weight`);
        return false;
      });
      i.trackInterfaces = i.trackInterfaces.map((t) => {
        if (!t.weight) return t;
        rep.warn(t.where, 'sync-group-weight', `weighted track_interface ${t.name} of ${i.name} has its weight zeroed because ${i.name} is in sync group ${g.name}: it now means FAULT when down (as keepalived)`,
          `track it at sync group level, or add sync_group_tracking_weight`);
        return { ...t, weight: 0 };
      });
    }
    ownerWeights(i, scripts, rep);
    const clear = owners.length > 0;
    const gs: TrackScriptRef[] = groupRefs.map(({ seq: _s, ...t }) => (clear && weightOf(t, scripts) !== 0 ? { ...t, weight: 0 } : t));
    const gi: TrackInterfaceRef[] = g.trackInterfaces.map((t) => (clear && t.weight ? { ...t, weight: 0 } : t));
    i.trackScripts = [...i.trackScripts, ...gs.filter((t) => !i.trackScripts.some((x) => x.name === t.name))];
    i.trackInterfaces = [...i.trackInterfaces, ...gi.filter((t) => !i.trackInterfaces.some((x) => x.name === t.name))];
  }
  if (owners.length > 0) {
    for (const t of [...groupRefs.filter((r) => weightOf(r, scripts) !== 0), ...g.trackInterfaces.filter((r) => r.weight)]) {
      rep.warn(t.where, 'owner-weight-removed', `weight of ${t.name} is cleared: sync group ${g.name} has an address owner (priority 255) (as keepalived)`, 'use weight 0');
    }
  }
}

/** Address owner (priority 255): its priority never changes, so weighted trackers are removed (keepalived.md §2.6). */
function ownerWeights(i: Inst, scripts: ReadonlyMap<string, VrrpScriptConfig>, rep: Reporter): void {
  if (i.basePriority !== 255) return;
  const drop = <T extends { name: string; where: { file: string; line: number } }>(t: T, kind: string): false => {
    rep.warn(t.where, 'owner-weight-removed', `weighted ${kind} ${t.name} is ignored: ${i.name} has priority 255 (address owner), which tracking never changes (as keepalived)`, 'use weight 0 (FAULT on failure) or a priority below 255');
    return false;
  };
  i.trackScripts = i.trackScripts.filter((t) => weightOf(t, scripts) === 0 || drop(t, 'track_script'));
  i.trackInterfaces = i.trackInterfaces.filter((t) => !t.weight || drop(t, 'track_interface'));
}

/** Same VRID on the same interface: both multicast, or both unicast with a common peer and source (RFC 5798 §5.2.3). */
function checkVrids(insts: readonly Inst[], rep: Reporter): void {
  for (let a = 0; a < insts.length; a++) {
    for (let b = a + 1; b < insts.length; b++) {
      const x = insts[a]!;
      const y = insts[b]!;
      if (x.vrid !== y.vrid || x.interface !== y.interface) continue;
      const ux = x.unicastPeers.length > 0;
      const uy = y.unicastPeers.length > 0;
      if (ux !== uy) continue; // unicast and multicast are separate VRID spaces
      if (ux) {
        const sameSrc = x.unicastSrcIp === undefined || y.unicastSrcIp === undefined || x.unicastSrcIp === y.unicastSrcIp;
        const commonPeer = x.unicastPeers.some((p) => y.unicastPeers.some((q) => q.address === p.address));
        if (!sameSrc || !commonPeer) continue;
      }
      rep.error(y.where, 'vrid-duplicate', `vrrp_instance ${y.name} uses virtual_router_id ${y.vrid} on ${y.interface} like ${x.name} (${x.where.file}:${x.where.line}): their adverts would be taken for each other's`);
    }
  }
}
