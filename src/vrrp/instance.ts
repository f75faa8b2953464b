// Runs one vrrp_instance: feeds events to the pure FSM (via a Stepper), executes its actions in order, keeps status.
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import type { NotifySink } from '../notify/types.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState, InstanceConfig, InstanceStatus, KeepalivedConfig, TimerName, TransitionReason, VrrpState } from './types.js';
import { initialState } from './fsm.js';
import { NO_PEER_FAULT, fsmConfigFor, noPeerFault } from './instance-config.js';
import { encodeIpv4Packet, makeAdvert, nextIpId, type DecodedPacket } from './codec.js';
import { expectationsFor, validateAdvert, type ValidateResult } from './validate.js';
import { computePriority } from './priority.js';
import { VRRP_MCAST_GROUP4 } from './constants.js';
import { InstanceCounters } from './instance-rx.js';
import { missingVips, resolveVips, vipText, type ResolvedVip, type VipManager } from './vip.js';
import type { GarpSender } from './garp.js';
import type { NetSnapshot } from './netstate.js';
import { instanceTrackers, trackerStatus, type InstanceTracker, type LinkView, type ScriptState } from './trackers.js';

/** Runs the FSM for an instance: plain `step`, or `stepInGroup` for sync-group members (src/vrrp/sync-runner.ts). */
export interface Stepper {
  step(inst: Instance, event: FsmEvent): void;
}

export interface InstanceDeps {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly notifier: NotifySink;
  readonly routerId: string;
  readonly vips: VipManager;
  readonly garp: GarpSender;
  /** Sends one whole IPv4 packet on the instance's interface. */
  readonly send: (packet: Buffer, dst: string) => Promise<void>;
  readonly nextSeq: () => number;
  readonly dontReleaseVips: boolean;
  readonly scripts: (name: string) => ScriptState | undefined;
  readonly link: (iface: string) => LinkView;
}

/** Runtime failures (VIP add, socket) fault the instance under this source; it retries after RUNTIME_RETRY_MS. */
const RUNTIME_FAULT = 'runtime';
const RUNTIME_RETRY_MS = 5000;
const ADVERT_FLUSH_MS = 200; // longest wait for in-flight adverts before VIPs are removed

export { noPeerFault };

export class Instance {
  cfg: InstanceConfig;
  fsmCfg: FsmConfig;
  fsm: FsmState;
  stepper: Stepper | undefined;
  readonly counters: InstanceCounters;
  private log: Logger;
  private readonly timers = new Map<TimerName, TimerHandle>();
  private queue: Promise<void> = Promise.resolve();
  private ipId = 0;
  private vips: ResolvedVip[];
  private vipsInstalled = false;
  private vipsInstalledAt = Infinity;
  private faults = new Set<string>();
  private effective: number;
  private trackers: InstanceTracker[] = [];
  private since: number;
  private lastReason: TransitionReason | undefined;
  private lastDetail: string | undefined;
  private retry: TimerHandle | undefined;
  private readonly inflight = new Set<Promise<void>>();

  constructor(
    cfg: InstanceConfig,
    readonly config: KeepalivedConfig,
    srcIp: string | undefined,
    private readonly deps: InstanceDeps,
  ) {
    this.cfg = cfg;
    this.fsmCfg = fsmConfigFor(cfg, srcIp ?? '0.0.0.0');
    this.fsm = initialState(this.fsmCfg);
    this.effective = cfg.basePriority;
    this.vips = resolveVips(cfg.vips, cfg.interface);
    this.counters = new InstanceCounters(deps.logger.child({ instance: cfg.name }));
    this.log = deps.logger.child({ instance: cfg.name });
    this.since = deps.clock.wallNow();
  }

  get name(): string {
    return this.cfg.name;
  }

  get state(): VrrpState {
    return this.fsm.state;
  }

  get srcIp(): string | undefined {
    return this.fsmCfg.srcIp === '0.0.0.0' ? undefined : this.fsmCfg.srcIp;
  }

  /** All VIPs of the instance (virtual_ipaddress + virtual_ipaddress_excluded), resolved to devices. */
  allVips(): ResolvedVip[] {
    return [...this.vips, ...resolveVips(this.cfg.excludedVips, this.cfg.interface)];
  }

  feed(event: FsmEvent): void {
    if (!this.stepper) throw new Error(`instance ${this.name} has no stepper`);
    try {
      this.stepper.step(this, event);
    } catch (err) {
      // A bug in one instance must not take the daemon down: log it, the instance keeps its last state.
      this.log.error({ event: 'fsm-error', err: errorMessage(err), input: event.type }, 'FSM step failed');
    }
  }

  private now(): number {
    return this.deps.clock.now();
  }

  /** Executes FSM actions in order. Timers act at once; I/O, logs and notifications go through one ordered queue. */
  execute(actions: readonly FsmAction[]): void {
    for (const a of actions) {
      if (a.type === 'setTimer') this.setTimer(a.timer, a.ms);
      else if (a.type === 'clearTimer') this.clearTimer(a.timer);
      else if (a.type === 'wantState') continue;
      else {
        // The state is entered now (status() reads fsm.state at once): its time, reason and counters too, so a
        // status read while the transition's I/O is still queued (VIP add before the log and notify) is coherent.
        if (a.type === 'transition') this.entered(a);
        this.enqueue(a);
      }
    }
  }

  private setTimer(name: TimerName, ms: number): void {
    this.clearTimer(name);
    this.timers.set(
      name,
      this.deps.clock.setTimeout(() => {
        this.timers.delete(name);
        this.feed({ type: 'timer', now: this.now(), timer: name });
      }, ms),
    );
  }

  private clearTimer(name: TimerName): void {
    this.deps.clock.clearTimeout(this.timers.get(name));
    this.timers.delete(name);
  }

  private enqueue(a: FsmAction): void {
    this.queue = this.queue.then(() => this.run(a)).catch((err) => this.fail(a.type, err));
  }

  /** Resolves when every queued action has run and every advert is on the wire (shutdown: priority 0, VIPs). */
  async drain(): Promise<void> {
    await this.queue;
    await Promise.allSettled([...this.inflight]);
  }

  private async run(a: FsmAction): Promise<void> {
    switch (a.type) {
      case 'sendAdvert':
        return this.sendAdvert(a.priority);
      case 'addVips':
        await this.deps.vips.add(this.allVips());
        this.vipsInstalled = true;
        this.vipsInstalledAt = this.now();
        this.log.info({ event: 'vips-added', vips: this.allVips().map(vipText) }, 'VIPs added');
        return;
      case 'removeVips': {
        // Never drop the VIP before the priority-0 advert has left (RFC 5798 §6.4.3: the backup's skew timer starts
        // when it arrives, an early removal is pure outage); bounded, a send stuck on a dead socket must not keep it.
        let flushed: TimerHandle | undefined;
        if (this.inflight.size > 0) await Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => (flushed = this.deps.clock.setTimeout(() => r(0), ADVERT_FLUSH_MS)))]);
        this.deps.clock.clearTimeout(flushed);
        this.vipsInstalled = false;
        this.vipsInstalledAt = Infinity;
        if (this.fsm.state === 'STOP' && this.deps.dontReleaseVips) return;
        await this.deps.vips.remove(this.allVips());
        this.log.info({ event: 'vips-removed', vips: this.allVips().map(vipText) }, 'VIPs removed');
        return;
      }
      case 'sendGarp':
        this.deps.garp.burst(this.allVips(), a.repeat);
        return;
      case 'transition':
        return this.onTransition(a);
      case 'log':
        this.log[a.level]({ event: 'fsm', ...(a.fields ?? {}) }, a.msg);
        return;
      default:
        return;
    }
  }

  /** Builds and sends one advert (keepalived's per-instance IP ID counter; one packet per unicast peer). */
  private async sendAdvert(priority: number): Promise<void> {
    const src = this.srcIp;
    if (!src) return;
    const advert = makeAdvert({
      version: this.cfg.version,
      vrid: this.cfg.vrid,
      priority,
      vips: this.cfg.vips.map((v) => v.address),
      advertIntMs: this.cfg.advertIntMs,
      ...(this.cfg.auth?.type === 'PASS' ? { authPass: this.cfg.auth.pass } : {}),
    });
    this.ipId = nextIpId(this.ipId);
    if (noPeerFault(this.cfg)) return; // never falls back to multicast
    const unicast = this.cfg.unicastPeers.length > 0;
    const dsts = unicast ? this.cfg.unicastPeers.map((p) => p.address) : [VRRP_MCAST_GROUP4];
    for (const dst of dsts) {
      const pkt = encodeIpv4Packet(advert, { src, dst, id: this.ipId, ...(unicast ? { ttl: this.cfg.unicastTtl } : {}) });
      // Not awaited (the packet is usually on the wire already, socket.ts); keepalived logs "Cant send advert" and goes on.
      const p: Promise<void> = this.deps.send(pkt, dst).then(
        () => this.counters.sent(priority),
        (err: unknown) => this.log.warn({ event: 'advert-send-error', dst, err: errorMessage(err) }, `cannot send advert to ${dst}`),
      );
      this.inflight.add(p);
      void p.finally(() => this.inflight.delete(p));
    }
  }

  private entered(a: Extract<FsmAction, { type: 'transition' }>): void {
    this.counters.transition(a.from, a.to);
    this.since = this.deps.clock.wallNow();
    this.lastReason = a.reason;
    this.lastDetail = a.detail;
  }

  private onTransition(a: Extract<FsmAction, { type: 'transition' }>): void {
    this.deps.logger.info(
      { event: 'transition', instance: this.name, from: a.from, to: a.to, reason: a.reason, detail: a.detail, priority: this.fsm.effectivePriority },
      `(${this.name}) Entering ${a.to} STATE${a.detail ? ` (${a.detail})` : ''}`,
    );
    if (a.to === 'INIT') return;
    if (a.to === 'BACKUP') this.deps.garp.prepare(this.allVips()); // the next takeover's first GARPs need no fork
    this.deps.notifier.transition({
      kind: 'INSTANCE',
      name: this.name,
      from: a.from,
      to: a.to,
      reason: a.reason,
      ...(a.detail !== undefined ? { detail: a.detail } : {}),
      basePriority: this.cfg.basePriority,
      effectivePriority: this.fsm.effectivePriority,
      vips: this.allVips().map(vipText),
      ...(this.fsm.masterIp !== undefined && this.fsm.masterPriority !== undefined ? { masterSeen: { ip: this.fsm.masterIp, priority: this.fsm.masterPriority } } : {}),
      interface: this.cfg.interface,
      routerId: this.deps.routerId,
      wallTime: this.deps.clock.wallNow(),
      seq: this.deps.nextSeq(),
    });
  }

  /**
   * Something failed for this instance (an action such as a VIP add, or an unexpected error while handling its
   * input): FAULT with a logged reason, then retry by clearing the fault. Never throws.
   */
  fail(action: string, err: unknown): void {
    const detail = `${action} failed: ${errorMessage(err)}`;
    this.log.error({ event: 'runtime-error', action, err: errorMessage(err), code: (err as { code?: string }).code }, detail);
    if (this.fsm.state === 'STOP') return;
    this.feed({ type: 'fault', now: this.now(), source: RUNTIME_FAULT, reason: 'runtime-error', detail });
    this.deps.clock.clearTimeout(this.retry);
    this.retry = this.deps.clock.setTimeout(() => this.feed({ type: 'faultCleared', now: this.now(), source: RUNTIME_FAULT, detail: 'retrying' }), RUNTIME_RETRY_MS);
  }

  /** Validates a decoded packet against this instance (the daemon picks the instance by VRID). */
  check(pkt: DecodedPacket): ValidateResult {
    const own = this.srcIp ? [this.srcIp] : [];
    return validateAdvert(pkt, expectationsFor(this.cfg, this.fsm.state, own));
  }

  /** A packet that passed `check`: count it and hand it to the FSM. */
  accept(pkt: DecodedPacket): void {
    this.counters.accepted(pkt.advert.priority, pkt.env.src);
    this.feed({ type: 'advert', now: this.now(), src: pkt.env.src, priority: pkt.advert.priority, advertIntMs: pkt.advert.advertIntMs });
  }

  /**
   * Recomputes trackers (scripts, links, own address) and feeds the FSM the differences: fault/faultCleared per
   * source and the new effective priority (keepalived.md §4.3). Call after any tracker or link change.
   */
  recompute(snap?: NetSnapshot): void {
    this.trackers = instanceTrackers(this.cfg, this.config, this.deps.scripts, this.deps.link);
    const pr = computePriority(this.cfg.basePriority, this.trackers.map((t) => t.view));
    const now = this.now();
    const faults = new Map<string, { reason: TransitionReason; detail: string }>();
    for (const src of pr.faults) {
      const t = this.trackers.find((x) => x.view.source === src);
      const isIf = t?.kind === 'interface';
      faults.set(src, {
        reason: isIf ? 'interface-down' : 'tracker-fault',
        detail: isIf ? `${t?.name} ${t?.lastResult ?? 'down'}` : `vrrp_script ${t?.name} failed (${t?.lastResult ?? 'no result'})`,
      });
    }
    if (noPeerFault(this.cfg)) {
      faults.set(NO_PEER_FAULT, { reason: 'unicast-no-peer', detail: 'no unicast_peer configured' });
    }
    if (snap && !this.cfg.unicastSrcIp && !this.cfg.mcastSrcIp && !this.srcIp) {
      faults.set(`address:${this.cfg.interface}`, { reason: 'no-address', detail: `no IPv4 address on ${this.cfg.interface}` });
    }
    for (const [src, f] of faults) if (!this.faults.has(src)) this.feed({ type: 'fault', now, source: src, reason: f.reason, detail: f.detail });
    // The `runtime` fault is raised and cleared by fail() only.
    for (const src of this.faults) if (!faults.has(src)) this.feed({ type: 'faultCleared', now, source: src });
    this.faults = new Set(faults.keys());
    if (pr.effective !== this.effective) {
      this.effective = pr.effective;
      this.feed({ type: 'priority', now, effectivePriority: pr.effective });
    }
  }

  /** Called on every NetSnapshot: source address changes and VIPs deleted behind our back while MASTER. */
  onSnapshot(snap: NetSnapshot, primary: string | undefined): void {
    const fixed = this.cfg.unicastSrcIp ?? this.cfg.mcastSrcIp;
    const src = fixed ?? primary;
    if ((src ?? '0.0.0.0') !== this.fsmCfg.srcIp) this.fsmCfg = { ...this.fsmCfg, srcIp: src ?? '0.0.0.0' };
    this.recompute(snap);
    if (this.fsm.state !== 'MASTER' || !this.vipsInstalled || snap.takenAt <= this.vipsInstalledAt) return;
    for (const v of missingVips(snap, this.allVips())) {
      this.log.warn({ event: 'vip-missing', vip: vipText(v) }, `VIP ${vipText(v)} was deleted behind our back`);
      this.feed({ type: 'vipMissing', now: this.now(), address: v.address });
    }
  }

  /** Reload: adopt a matched instance's new config, keeping FSM state; VIP list diffed while MASTER. */
  async reconfigure(next: InstanceConfig, config: KeepalivedConfig): Promise<void> {
    const oldVips = this.allVips();
    this.cfg = next;
    (this as { config: KeepalivedConfig }).config = config;
    this.log = this.deps.logger.child({ instance: next.name });
    this.vips = resolveVips(next.vips, next.interface);
    this.fsmCfg = fsmConfigFor(next, this.fsmCfg.srcIp);
    this.counters.reload();
    if (this.fsm.state !== 'MASTER') return;
    const key = (v: ResolvedVip) => `${v.address}/${v.prefix}@${v.dev}`;
    const newVips = this.allVips();
    const removed = oldVips.filter((v) => !newVips.some((n) => key(n) === key(v)));
    const added = newVips.filter((v) => !oldVips.some((o) => key(o) === key(v)));
    // Until the new list is installed, a snapshot must not read the not-yet-added VIPs as "deleted".
    this.vipsInstalledAt = Infinity;
    this.queue = this.queue
      .then(async () => {
        await this.deps.vips.remove(removed);
        await this.deps.vips.add(added);
        this.vipsInstalledAt = this.now();
        if (added.length > 0) this.deps.garp.burst(added, next.garp.masterRepeat);
        await this.sendAdvert(this.fsm.effectivePriority); // keepalived: a kept master re-advertises at once
      })
      .catch((err) => this.fail('reload', err));
  }

  stopTimers(): void {
    for (const name of [...this.timers.keys()]) this.clearTimer(name);
    this.deps.clock.clearTimeout(this.retry);
  }

  status(): InstanceStatus {
    const f = this.fsm;
    return {
      name: this.name,
      state: f.state,
      since: new Date(this.since).toISOString(),
      ...(this.lastReason ? { lastReason: this.lastReason } : {}),
      ...(this.lastDetail ? { lastDetail: this.lastDetail } : {}),
      interface: this.cfg.interface,
      vrid: this.cfg.vrid,
      version: this.cfg.version,
      basePriority: this.cfg.basePriority,
      effectivePriority: f.effectivePriority,
      nopreempt: this.cfg.nopreempt,
      ...(f.masterIp !== undefined && f.masterPriority !== undefined && (f.state === 'BACKUP' || f.state === 'MASTER')
        ? { masterSeen: { ip: f.masterIp, priority: f.masterPriority } }
        : {}),
      vips: this.vips.map(vipText),
      vipsInstalled: this.vipsInstalled,
      trackers: this.trackers.map(trackerStatus),
      counters: this.counters.snapshot(),
      ...(this.cfg.syncGroup ? { syncGroup: this.cfg.syncGroup } : {}),
    };
  }
}
