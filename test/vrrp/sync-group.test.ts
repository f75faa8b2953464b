// vrrp_sync_group reducer + stepInGroup: members move together (keepalived.md §6.6), with exact per-member actions.
import test from 'ava';
import { initialSyncGroupState, stepInGroup, syncGroupStep, type GroupMember, type SyncGroupState } from '../../src/vrrp/sync-group.js';
import { initialState } from '../../src/vrrp/fsm.js';
import type { FsmConfig, FsmEvent } from '../../src/vrrp/types.js';
import { compactAction, defaultFsmConfig } from '../helpers/vrrp-fsm.js';

type Ev = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;

/** A small harness: one group, members VI_1 (198.18.0.11) and VI_2 (vrid 52), events in virtual time. */
class Group {
  members = new Map<string, GroupMember>();
  group: SyncGroupState;
  groupLog: string[] = [];
  constructor(names: string[], over: Partial<FsmConfig> = {}) {
    names.forEach((name, i) => {
      const cfg = defaultFsmConfig({ name, vrid: 51 + i, syncGroup: 'VG_1', ...over });
      this.members.set(name, { cfg, state: initialState(cfg) });
    });
    this.group = initialSyncGroupState('VG_1', names);
  }
  /** Returns "member: action" lines (logs and wantState left out) in execution order. */
  send(member: string, ev: Ev, now: number): string[] {
    const r = stepInGroup(this.members, this.group, member, { ...ev, now } as FsmEvent);
    this.members = new Map(r.members);
    this.group = r.group;
    this.groupLog.push(...r.groupTransitions.map((g) => `${g.from}->${g.to} (${g.cause})`));
    return r.actions.flatMap((m) => m.actions.filter((a) => a.type !== 'log' && a.type !== 'wantState').map((a) => `${m.member}: ${compactAction(a)}`));
  }
  state(m: string): string {
    return this.members.get(m)?.state.state ?? '?';
  }
  states(): string {
    return [...this.members.keys()].map((m) => `${m}=${this.state(m)}`).join(' ');
  }
}

const BECOME = (m: string, reason: string): string[] => [
  `${m}: clear masterDown`, `${m}: advert 100`, `${m}: addVips`, `${m}: garp 5`, `${m}: set garpBurst 5000`, `${m}: set advert 1000`, `${m}: BACKUP->MASTER ${reason}`,
];
const LEAVE = (m: string): string[] => [`${m}: clear advert`, `${m}: clear garpBurst`, `${m}: clear garpLowerPrio`, `${m}: removeVips`];

function bothMaster(g: Group): void {
  g.send('VI_1', { type: 'start' }, 0);
  g.send('VI_2', { type: 'start' }, 0);
  g.send('VI_1', { type: 'timer', timer: 'masterDown' }, 3609.375);
  g.send('VI_2', { type: 'timer', timer: 'masterDown' }, 3609.375);
}

test('start: members go BACKUP and the group follows', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  t.deepEqual(g.send('VI_1', { type: 'start' }, 0), ['VI_1: set masterDown 3609.375', 'VI_1: INIT->BACKUP startup']);
  t.deepEqual(g.send('VI_2', { type: 'start' }, 0), ['VI_2: set masterDown 3609.375', 'VI_2: INIT->BACKUP startup']);
  t.is(g.group.state, 'BACKUP');
  t.deepEqual(g.groupLog, ['INIT->BACKUP (VI_1)']);
});

test('MASTER only when every member wants it; then all together', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  g.send('VI_1', { type: 'start' }, 0);
  g.send('VI_2', { type: 'start' }, 0);
  t.deepEqual(g.send('VI_1', { type: 'timer', timer: 'masterDown' }, 3609.375), ['VI_1: set masterDown 3609.375'], 'VI_1 waits');
  t.is(g.states(), 'VI_1=BACKUP VI_2=BACKUP');
  t.deepEqual(g.send('VI_2', { type: 'timer', timer: 'masterDown' }, 3700), [
    'VI_2: set masterDown 3609.375',
    ...BECOME('VI_1', 'sync-group'),
    ...BECOME('VI_2', 'master-down-timer'),
  ]);
  t.is(g.states(), 'VI_1=MASTER VI_2=MASTER');
  t.is(g.group.state, 'MASTER');
});

test('a member hearing a master again no longer wants MASTER', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  g.send('VI_1', { type: 'start' }, 0);
  g.send('VI_2', { type: 'start' }, 0);
  g.send('VI_1', { type: 'timer', timer: 'masterDown' }, 3609.375);
  g.send('VI_1', { type: 'advert', src: '198.18.0.12', priority: 200, advertIntMs: 1000 }, 3650);
  t.deepEqual(g.send('VI_2', { type: 'timer', timer: 'masterDown' }, 3700), ['VI_2: set masterDown 3609.375']);
  t.is(g.states(), 'VI_1=BACKUP VI_2=BACKUP');
});

test('any member FAULT -> all FAULT (a MASTER member sends one priority-0 advert); release when no fault remains', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  bothMaster(g);
  t.deepEqual(g.send('VI_1', { type: 'fault', source: 'script:chk', reason: 'tracker-fault' }, 5000), [
    'VI_1: advert 0', 'VI_1: advert 0', ...LEAVE('VI_1'), 'VI_1: MASTER->FAULT tracker-fault',
    'VI_2: advert 0', ...LEAVE('VI_2'), 'VI_2: MASTER->FAULT sync-group',
  ]);
  t.is(g.group.state, 'FAULT');
  t.deepEqual(g.send('VI_1', { type: 'faultCleared', source: 'script:chk' }, 6000), [
    'VI_1: set masterDown 3609.375', 'VI_1: FAULT->BACKUP fault-cleared',
    'VI_2: set masterDown 3609.375', 'VI_2: FAULT->BACKUP sync-group',
  ]);
  t.is(g.group.state, 'BACKUP');
  t.deepEqual(g.groupLog, ['INIT->BACKUP (VI_1)', 'BACKUP->MASTER (VI_2)', 'MASTER->FAULT (VI_1)', 'FAULT->BACKUP (VI_1)']);
});

test('the group stays FAULT while any member still has a fault of its own', (t) => {
  const g = new Group(['VI_1', 'VI_2', 'VI_3']);
  ['VI_1', 'VI_2', 'VI_3'].forEach((m) => g.send(m, { type: 'start' }, 0));
  g.send('VI_1', { type: 'fault', source: 'interface:eth0', reason: 'interface-down' }, 100);
  t.is(g.states(), 'VI_1=FAULT VI_2=FAULT VI_3=FAULT');
  g.send('VI_2', { type: 'fault', source: 'script:b', reason: 'tracker-fault' }, 200); // already FAULT (held): recorded
  t.deepEqual(g.send('VI_1', { type: 'faultCleared', source: 'interface:eth0' }, 300), []);
  t.is(g.states(), 'VI_1=FAULT VI_2=FAULT VI_3=FAULT');
  t.deepEqual(g.send('VI_2', { type: 'faultCleared', source: 'script:b' }, 400), [
    'VI_1: set masterDown 3609.375', 'VI_1: FAULT->BACKUP sync-group',
    'VI_2: set masterDown 3609.375', 'VI_2: FAULT->BACKUP fault-cleared',
    'VI_3: set masterDown 3609.375', 'VI_3: FAULT->BACKUP sync-group',
  ]);
});

test('a member leaving MASTER by itself pulls the others to BACKUP without priority 0', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  bothMaster(g);
  t.deepEqual(g.send('VI_2', { type: 'advert', src: '198.18.0.12', priority: 200, advertIntMs: 1000 }, 5000), [
    ...LEAVE('VI_2'), 'VI_2: set masterDown 3609.375', 'VI_2: MASTER->BACKUP higher-priority-advert',
    ...LEAVE('VI_1'), 'VI_1: set masterDown 3609.375', 'VI_1: MASTER->BACKUP sync-group',
  ]);
  t.is(g.group.state, 'BACKUP');
});

test('a deleted VIP on one member moves the whole group to BACKUP', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  bothMaster(g);
  const out = g.send('VI_1', { type: 'vipMissing', address: '198.18.0.100' }, 5000);
  t.deepEqual(out.filter((l) => l.includes('->')), ['VI_1: MASTER->BACKUP vip-deleted', 'VI_2: MASTER->BACKUP sync-group']);
  t.is(g.states(), 'VI_1=BACKUP VI_2=BACKUP');
});

test('a member not started yet starts in FAULT when its group is FAULT', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  g.send('VI_1', { type: 'fault', source: 'interface:eth0', reason: 'interface-down' }, 0);
  t.deepEqual(g.send('VI_1', { type: 'start' }, 0), ['VI_1: INIT->FAULT interface-down']);
  t.is(g.group.state, 'FAULT');
  t.deepEqual(g.send('VI_2', { type: 'start' }, 0), ['VI_2: INIT->FAULT sync-group']);
  t.deepEqual(g.send('VI_1', { type: 'faultCleared', source: 'interface:eth0' }, 100), [
    'VI_1: set masterDown 3609.375', 'VI_1: FAULT->BACKUP fault-cleared',
    'VI_2: set masterDown 3609.375', 'VI_2: FAULT->BACKUP sync-group',
  ]);
});

test('owners in a group go MASTER together once all have started', (t) => {
  const g = new Group(['VI_1', 'VI_2'], { basePriority: 255, configuredState: 'MASTER' });
  t.deepEqual(g.send('VI_1', { type: 'start' }, 0), ['VI_1: set masterDown 3003.906', 'VI_1: INIT->BACKUP startup']);
  const out = g.send('VI_2', { type: 'start' }, 0);
  t.deepEqual(out.filter((l) => l.includes('->')), ['VI_2: INIT->BACKUP startup', 'VI_1: BACKUP->MASTER sync-group', 'VI_2: BACKUP->MASTER master-down-timer']);
  t.is(g.group.state, 'MASTER');
});

test('stopped members are ignored by the group', (t) => {
  const g = new Group(['VI_1', 'VI_2']);
  g.send('VI_1', { type: 'start' }, 0);
  g.send('VI_2', { type: 'start' }, 0);
  g.send('VI_2', { type: 'shutdown', reason: 'reload' }, 10);
  t.deepEqual(g.send('VI_1', { type: 'timer', timer: 'masterDown' }, 3609.375).filter((l) => l.includes('->')), ['VI_1: BACKUP->MASTER master-down-timer']);
});

test('syncGroupStep ignores unknown members and non-state actions', (t) => {
  const g0 = initialSyncGroupState('VG', ['a']);
  t.deepEqual(syncGroupStep(g0, 'zz', [{ type: 'addVips' }], 0), { group: g0, directives: [] });
  const r = syncGroupStep(g0, 'a', [{ type: 'sendAdvert', priority: 1 }, { type: 'log', level: 'info', msg: 'x' }], 0);
  t.is(r.group.state, 'INIT');
  t.deepEqual(r.directives, []);
});
