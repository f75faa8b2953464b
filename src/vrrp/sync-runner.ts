// Steppers: run an instance's FSM alone (`step`) or inside its vrrp_sync_group (`stepInGroup`), and notify GROUP changes.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { NotifySink } from '../notify/types.js';
import type { FsmEvent, SyncGroupConfig } from './types.js';
import { step } from './fsm.js';
import { initialSyncGroupState, stepInGroup, type GroupMember, type GroupTransition, type SyncGroupState } from './sync-group.js';
import type { Instance, Stepper } from './instance.js';

/** A standalone instance: one FSM step, actions executed in order. */
export const soloStepper: Stepper = {
  step(inst: Instance, event: FsmEvent): void {
    const r = step(inst.fsmCfg, inst.fsm, event);
    inst.fsm = r.state;
    inst.execute(r.actions);
  },
};

/** All members of one vrrp_sync_group share this stepper (keepalived.md §6.6). */
export class GroupStepper implements Stepper {
  group: SyncGroupState;
  private readonly members = new Map<string, Instance>();

  constructor(
    readonly cfg: SyncGroupConfig,
    private readonly deps: { clock: Clock; logger: Logger; notifier: NotifySink; routerId: string; nextSeq: () => number },
  ) {
    this.group = initialSyncGroupState(cfg.name, cfg.members);
  }

  add(inst: Instance): void {
    this.members.set(inst.name, inst);
    inst.stepper = this;
  }

  step(inst: Instance, event: FsmEvent): void {
    const views = new Map<string, GroupMember>();
    for (const [name, m] of this.members) views.set(name, { cfg: m.fsmCfg, state: m.fsm });
    const r = stepInGroup(views, this.group, inst.name, event);
    this.group = r.group;
    for (const [name, m] of r.members) {
      const member = this.members.get(name);
      if (member) member.fsm = m.state;
    }
    for (const { member, actions } of r.actions) this.members.get(member)?.execute(actions);
    for (const t of r.groupTransitions) this.notifyGroup(t);
  }

  private notifyGroup(t: GroupTransition): void {
    this.deps.logger.info({ event: 'group-transition', group: t.group, from: t.from, to: t.to, cause: t.cause }, `VRRP_Group(${t.group}) Syncing instances to ${t.to} state`);
    if (t.to === 'INIT') return;
    // keepalived gives group notifies priority 0 (keepalived.md §5.1).
    this.deps.notifier.transition({
      kind: 'GROUP',
      name: t.group,
      from: t.from,
      to: t.to,
      reason: 'sync-group',
      detail: `caused by ${t.cause}`,
      basePriority: 0,
      effectivePriority: 0,
      vips: [...this.members.values()].flatMap((m) => m.status().vips),
      routerId: this.deps.routerId,
      wallTime: this.deps.clock.wallNow(),
      seq: this.deps.nextSeq(),
    });
  }

  /** Group notify for shutdown: every instance got STOP, then every group (keepalived notify_shutdown order). */
  stopNotify(): void {
    if (this.group.state === 'INIT') return;
    this.notifyGroup({ group: this.cfg.name, from: this.group.state, to: 'STOP' as never, cause: 'shutdown' });
  }
}
