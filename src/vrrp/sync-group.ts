// Pure vrrp_sync_group reducer: keeps member instances together (keepalived.md §6.6, [sync] vrrp_sync_*).
//
// How the runtime wires it (src/vrrp/instance.ts / daemon.ts):
//   - instances whose InstanceConfig.syncGroup is set get FsmConfig.syncGroup = <group name>; their FSM
//     then never leaves FAULT nor becomes MASTER on its own: it reports what it wants ({type:'wantState'}
//     actions, keepalived's `wantstate`) and waits for `syncGroup` events;
//   - keep one SyncGroupState per group (initialSyncGroupState) next to the members' FsmStates, and feed
//     every event of a member through `stepInGroup(members, group, name, event)` instead of `step`. It runs
//     the member's FSM, feeds its transitions/wants to the reducer and delivers the resulting `syncGroup`
//     events to the other members (whose actions come back too), until nothing changes;
//   - execute `actions` member by member in the returned order (they are ordinary FsmActions), and send a
//     GROUP notification (notify scripts / mail of the vrrp_sync_group) for each `groupTransitions` entry.
// Rules (keepalived 2.2.7): any member FAULT → all FAULT (a MASTER member sends one priority-0 advert);
// the group leaves FAULT only when no member has a fault of its own; a member leaving MASTER by itself
// (higher-priority advert, deleted VIP) pulls every member to BACKUP; the group goes MASTER only when
// every member wants MASTER (its master-down timer expired) — "prefer backup to avoid thrashing".

import type { FsmAction, FsmConfig, FsmEvent, FsmState, TransitionReason, VrrpState } from './types.js';
import { step } from './fsm.js';

export type SyncGroupStateName = 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT';

export interface SyncMemberView {
  readonly state: VrrpState;
  readonly want?: 'BACKUP' | 'MASTER' | 'FAULT';
}

export interface SyncGroupState {
  readonly name: string;
  readonly state: SyncGroupStateName;
  readonly members: Readonly<Record<string, SyncMemberView>>;
}

export type SyncGroupEvent = Extract<FsmEvent, { type: 'syncGroup' }>;

export interface SyncDirective {
  readonly member: string;
  readonly event: SyncGroupEvent;
}

export interface GroupTransition {
  readonly group: string;
  readonly from: SyncGroupStateName;
  readonly to: SyncGroupStateName;
  /** Member whose change caused it. */
  readonly cause: string;
}

export interface SyncGroupResult {
  readonly group: SyncGroupState;
  readonly directives: readonly SyncDirective[];
  readonly transition?: GroupTransition;
}

export function initialSyncGroupState(name: string, members: readonly string[]): SyncGroupState {
  const views: Record<string, SyncMemberView> = {};
  for (const m of members) views[m] = { state: 'INIT' };
  return { name, state: 'INIT', members: views };
}

/**
 * Feed one member's FSM actions (its `transition` and `wantState` actions; others are ignored) into the
 * group, and get the `syncGroup` events the other members must receive. Pure.
 */
export function syncGroupStep(group: SyncGroupState, member: string, actions: readonly FsmAction[], now: number): SyncGroupResult {
  const prev = group.members[member];
  if (!prev) return { group, directives: [] };
  let view: SyncMemberView = prev;
  let leftMasterByItself = false;
  for (const a of actions) {
    if (a.type === 'transition') {
      view = { ...view, state: a.to };
      if (a.from === 'MASTER' && a.to === 'BACKUP' && a.reason !== 'sync-group') leftMasterByItself = true;
    } else if (a.type === 'wantState') {
      view = { ...view, want: a.want };
    }
  }
  const members = { ...group.members, [member]: view };
  const views = Object.entries(members);
  const target = targetState(group.state, views, leftMasterByItself);
  const directives = directivesFor(target, group.state, views, member, now, group.name);
  const next: SyncGroupState = { ...group, members, state: target };
  const transition = target !== group.state ? { group: group.name, from: group.state, to: target, cause: member } : undefined;
  return transition ? { group: next, directives, transition } : { group: next, directives };
}

/** The group state the members' wants call for (see the rules in the header). */
function targetState(current: SyncGroupStateName, views: [string, SyncMemberView][], leftMasterByItself: boolean): SyncGroupStateName {
  const live = views.filter(([, v]) => v.state !== 'STOP');
  if (live.some(([, v]) => v.want === 'FAULT')) return 'FAULT';
  if (current === 'FAULT') return 'BACKUP';
  if (leftMasterByItself) return 'BACKUP';
  const allWantMaster = live.length > 0 && live.every(([, v]) => v.want === 'MASTER' && (v.state === 'BACKUP' || v.state === 'MASTER'));
  if (allWantMaster) return 'MASTER';
  if (current === 'INIT' && live.some(([, v]) => v.state === 'BACKUP')) return 'BACKUP';
  return current;
}

/** The syncGroup events that bring members in line with `target` (level-triggered and idempotent). */
function directivesFor(
  target: SyncGroupStateName,
  previous: SyncGroupStateName,
  views: [string, SyncMemberView][],
  cause: string,
  now: number,
  name: string,
): SyncDirective[] {
  const out: SyncDirective[] = [];
  const send = (member: string, to: SyncGroupEvent['to'], reason: TransitionReason, detail: string): void => {
    out.push({ member, event: { type: 'syncGroup', now, to, reason, detail } });
  };
  for (const [m, v] of views) {
    if (v.state === 'STOP') continue;
    switch (target) {
      case 'FAULT':
        if (v.state !== 'FAULT') send(m, 'FAULT', 'sync-group', `sync group ${name}: member ${cause} is in FAULT`);
        break;
      case 'BACKUP':
        if (v.state === 'MASTER') send(m, 'BACKUP', 'sync-group', `sync group ${name}: member ${cause} left MASTER`);
        else if (v.state === 'FAULT' && v.want !== 'FAULT' && previous === 'FAULT') {
          send(m, 'BACKUP', m === cause ? 'fault-cleared' : 'sync-group', `sync group ${name}: no member is in FAULT any more`);
        } else if (v.state === 'INIT' && previous !== 'BACKUP') send(m, 'BACKUP', 'sync-group', `sync group ${name} is BACKUP`);
        break;
      case 'MASTER':
        if (v.state === 'BACKUP' && previous !== 'MASTER') {
          send(m, 'MASTER', m === cause ? 'master-down-timer' : 'sync-group', `sync group ${name}: every member wants MASTER`);
        }
        break;
      default:
        break;
    }
  }
  return out;
}

export interface GroupMember {
  readonly cfg: FsmConfig;
  readonly state: FsmState;
}

export interface GroupStepResult {
  readonly members: ReadonlyMap<string, GroupMember>;
  readonly group: SyncGroupState;
  /** Actions to execute, member by member, in this order. */
  readonly actions: readonly { readonly member: string; readonly actions: readonly FsmAction[] }[];
  readonly groupTransitions: readonly GroupTransition[];
}

/**
 * Step one member of a sync group and propagate: the FSM result goes through the reducer, the reducer's
 * directives go to the other members' FSMs, and so on until quiet. Bounded (each member can change state
 * at most a few times per call); pure.
 */
export function stepInGroup(members: ReadonlyMap<string, GroupMember>, group: SyncGroupState, member: string, event: FsmEvent): GroupStepResult {
  const states = new Map(members);
  const actions: { member: string; actions: readonly FsmAction[] }[] = [];
  const groupTransitions: GroupTransition[] = [];
  const queue: { member: string; event: FsmEvent }[] = [{ member, event }];
  let g = group;
  const limit = 8 * (members.size + 1);
  for (let i = 0; i < limit && queue.length > 0; i++) {
    const next = queue.shift() as { member: string; event: FsmEvent };
    const m = states.get(next.member);
    if (!m) continue;
    const r = step(m.cfg, m.state, next.event);
    states.set(next.member, { cfg: m.cfg, state: r.state });
    if (r.actions.length > 0) actions.push({ member: next.member, actions: r.actions });
    const sg = syncGroupStep(g, next.member, r.actions, next.event.now);
    g = sg.group;
    if (sg.transition) groupTransitions.push(sg.transition);
    // A member not started yet only records the group state; do not re-send what it already recorded
    // (the FAULT rule is level-triggered and would otherwise repeat for it on every pass).
    for (const d of sg.directives) {
      const target = states.get(d.member)?.state;
      if (target && target.state === 'INIT' && target.groupState === d.event.to) continue;
      queue.push(d);
    }
  }
  return { members: states, group: g, actions, groupTransitions };
}
