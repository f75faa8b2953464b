// Deterministic discrete-event simulation of several pure VRRP FSMs on one ideal L2 segment (virtual time,
// fixed one-way latency, per-node link up/down). Used to check timing behaviour across nodes without sockets.
import { initialState, step } from '../../src/vrrp/fsm.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState, TimerName, TransitionReason, VrrpState } from '../../src/vrrp/types.js';

export interface SimTransition {
  readonly at: number;
  readonly node: string;
  readonly from: VrrpState;
  readonly to: VrrpState;
  readonly reason: TransitionReason;
}
export interface SimAdvert {
  readonly at: number;
  readonly node: string;
  readonly priority: number;
}

interface Node {
  readonly name: string;
  readonly cfg: FsmConfig;
  state: FsmState;
  link: boolean;
  vipsUp: boolean;
  readonly timers: Map<TimerName, number>; // timer -> generation of the armed instance
}

type Job = { at: number; seq: number; run: () => void };
/** An FsmEvent without `now` (the simulation supplies the virtual time). */
export type SimEvent = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;

export class VrrpSim {
  now = 0;
  readonly transitions: SimTransition[] = [];
  readonly adverts: SimAdvert[] = [];
  /** [time, node, true=VIPs added | false=removed] */
  readonly vipChanges: [number, string, boolean][] = [];
  private readonly nodes = new Map<string, Node>();
  private readonly jobs: Job[] = [];
  private seq = 0;
  private gen = 0;

  constructor(cfgs: readonly FsmConfig[], private readonly latencyMs = 1) {
    for (const cfg of cfgs) this.nodes.set(cfg.name, { name: cfg.name, cfg, state: initialState(cfg), link: true, vipsUp: false, timers: new Map() });
  }

  /** Schedule something to happen at virtual time `at` (start a node, cut a link, change a priority...). */
  at(at: number, fn: (sim: VrrpSim) => void): this {
    this.push(at, () => fn(this));
    return this;
  }

  /** Feed an event to a node now (its `now` is the current virtual time). */
  send(node: string, ev: SimEvent): void {
    const n = this.node(node);
    const r = step(n.cfg, n.state, { ...ev, now: this.now } as FsmEvent);
    n.state = r.state;
    for (const a of r.actions) this.execute(n, a);
  }

  setLink(node: string, up: boolean): void {
    this.node(node).link = up;
  }

  /** Run until virtual time `until` (bounded in number of events). */
  run(until: number, maxEvents = 200_000): this {
    for (let i = 0; i < maxEvents; i++) {
      const job = this.jobs[0];
      if (!job || job.at > until) break;
      this.jobs.shift();
      this.now = job.at;
      job.run();
    }
    this.now = Math.max(this.now, until);
    return this;
  }

  state(node: string): VrrpState {
    return this.node(node).state.state;
  }
  fsm(node: string): FsmState {
    return this.node(node).state;
  }
  masters(): string[] {
    return [...this.nodes.values()].filter((n) => n.state.state === 'MASTER').map((n) => n.name);
  }
  vipHolders(): string[] {
    return [...this.nodes.values()].filter((n) => n.vipsUp).map((n) => n.name);
  }
  /** When `node` entered `to` (first time at or after `after`). */
  enteredAt(node: string, to: VrrpState, after = 0): number | undefined {
    return this.transitions.find((t) => t.node === node && t.to === to && t.at >= after)?.at;
  }

  private node(name: string): Node {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no node ${name}`);
    return n;
  }

  private push(at: number, run: () => void): void {
    const job = { at, seq: this.seq++, run };
    let i = this.jobs.length;
    while (i > 0 && ((this.jobs[i - 1] as Job).at > at || ((this.jobs[i - 1] as Job).at === at && (this.jobs[i - 1] as Job).seq > job.seq))) i--;
    this.jobs.splice(i, 0, job);
  }

  private execute(n: Node, a: FsmAction): void {
    switch (a.type) {
      case 'sendAdvert': {
        this.adverts.push({ at: this.now, node: n.name, priority: a.priority });
        if (!n.link) return;
        for (const peer of this.nodes.values()) {
          if (peer === n) continue;
          const ev = { type: 'advert' as const, src: n.cfg.srcIp, priority: a.priority, advertIntMs: n.cfg.advertIntMs };
          this.push(this.now + this.latencyMs, () => {
            if (peer.link && n.link) this.send(peer.name, ev);
          });
        }
        return;
      }
      case 'setTimer': {
        const g = ++this.gen;
        n.timers.set(a.timer, g);
        this.push(this.now + a.ms, () => {
          if (n.timers.get(a.timer) !== g) return; // cancelled or re-armed
          n.timers.delete(a.timer);
          this.send(n.name, { type: 'timer', timer: a.timer });
        });
        return;
      }
      case 'clearTimer':
        n.timers.delete(a.timer);
        return;
      case 'addVips':
      case 'removeVips':
        n.vipsUp = a.type === 'addVips';
        this.vipChanges.push([this.now, n.name, n.vipsUp]);
        return;
      case 'transition':
        this.transitions.push({ at: this.now, node: n.name, from: a.from, to: a.to, reason: a.reason });
        return;
      default:
        return; // sendGarp, log, wantState: nothing to simulate
    }
  }
}
