// The VRRP daemon: loads keepalived.conf, checks the host, runs instances, control socket, reload/stop/dump.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type net from 'node:net';
import { realClock, type Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { errorMessage } from '../core/errors.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import { startControlServer } from '../core/control.js';
import { vrrpControlSocket } from '../core/paths.js';
import { checkNotifierConfig, createNotifier, type Notifier } from '../notify/index.js';
import type { NotifySink } from '../notify/types.js';
import type { InstanceConfig, KeepalivedConfig, VrrpStatus } from './types.js';
import { loadKeepalivedConfig, loadKeepalivedConfigOrThrow } from './config/load.js';
import { NetWatcher, checkInterfaces, primaryIpv4, type NetSnapshot } from './netstate.js';
import { VipManager } from './vip.js';
import { GarpSender } from './garp.js';
import { nativePacket } from './packet-native.js';
import { LinkMonitor } from './link-monitor.js';
import { ScriptTrackers, usedScripts } from './trackers.js';
import { Instance } from './instance.js';
import { GroupStepper, soloStepper } from './sync-runner.js';
import { RxDispatcher } from './rx-dispatch.js';
import { planReload, sameScript } from './reload.js';
import { checkPrivileges } from './privileges.js';

export interface VrrpDaemonOptions {
  readonly configFile: string;
  readonly runDir: string;
  readonly logger: Logger;
  readonly clock?: Clock;
  /** keepalived -V: leave VIPs in place on stop. */
  readonly dontReleaseVips?: boolean;
  /** Tests/embedding may pass their own notifier; default createNotifier(config). */
  readonly notifier?: NotifySink;
}

/** Nice value of the daemon (keepalived `vrrp_priority` equivalent; helpers like ip/arping inherit it). */
export const VRRP_NICE = -10;

/** keepalived gives notify_stop scripts 1 s; we also flush mail spooling within this budget on stop. */
const NOTIFY_CLOSE_MS = 3000;

export class VrrpDaemon {
  private config: KeepalivedConfig;
  private instances: Instance[] = [];
  private groups = new Map<string, GroupStepper>();
  private scripts!: ScriptTrackers;
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly net: NetWatcher;
  private readonly rx: RxDispatcher;
  private readonly vips: VipManager;
  private readonly garp: GarpSender;
  private readonly links: LinkMonitor;
  /** Ours (createNotifier) can reload and report delivery health; an embedder's plain NotifySink cannot. */
  private notifier!: NotifySink & Partial<Pick<Notifier, 'reload' | 'deliveryHealth'>>;
  private control: net.Server | undefined;
  private seq = 0;
  private readonly startedAt: string;
  private stopping: Promise<void> | undefined;

  private constructor(config: KeepalivedConfig, private readonly opts: VrrpDaemonOptions) {
    this.config = config;
    this.clock = opts.clock ?? realClock;
    this.log = opts.logger;
    this.startedAt = new Date(this.clock.wallNow()).toISOString();
    const deps = { clock: this.clock, logger: this.log };
    this.net = new NetWatcher(deps);
    this.rx = new RxDispatcher(this.log);
    this.vips = new VipManager({ logger: this.log, read: () => this.net.refresh() });
    this.garp = new GarpSender({ logger: this.log });
    this.links = new LinkMonitor((iface, view) => {
      this.log.info({ event: 'link', iface, up: view.up, detail: view.detail }, `interface ${iface} is ${view.up ? 'up' : `down (${view.detail})`}`);
      for (const i of this.instances) i.recompute(this.net.snapshot);
    });
  }

  /**
   * Loads the config (ConfigError/ECONFIG with file:line on errors: nothing is started), checks capabilities
   * (ENOTROOT naming CAP_NET_ADMIN/CAP_NET_RAW), interfaces (ENOIFACE) and opens raw sockets BEFORE touching any
   * address, then starts.
   */
  static async start(opts: VrrpDaemonOptions): Promise<VrrpDaemon> {
    const { config, warnings } = loadKeepalivedConfigOrThrow(opts.configFile);
    for (const w of warnings) opts.logger.warn({ event: 'config-warning', file: w.file, line: w.line, code: w.code }, formatDiagnostic(w));
    const d = new VrrpDaemon(config, opts);
    try {
      await d.boot();
    } catch (err) {
      d.net.stop();
      d.rx.close();
      d.vips.close();
      throw err;
    }
    return d;
  }

  private async boot(): Promise<void> {
    checkPrivileges();
    this.raisePriority();
    const snap = await this.net.start();
    checkInterfaces(snap, this.config.instances);
    this.notifier = this.opts.notifier ?? createNotifier(this.config, { logger: this.log, clock: this.clock, statusProvider: () => this.status() });
    this.scripts = this.makeScripts(this.config);
    this.instances = this.config.instances.map((c) => this.makeInstance(c, snap));
    this.rx.sync(this.instances, snap);
    this.wireGroups(this.config, this.instances);
    await this.startInstances(this.instances, snap);
    this.net.on('snapshot', (s: NetSnapshot) => this.onSnapshot(s));
    fs.mkdirSync(this.opts.runDir, { recursive: true });
    this.control = await startControlServer(vrrpControlSocket(this.opts.runDir), {
      status: () => this.status(),
      dump: () => this.dump(),
      reload: () => this.reload(),
      // Alert delivery health for `hapair status`: spool queue, oldest pending alert, relay reachability.
      delivery: async (args) => (await this.notifier.deliveryHealth?.({ probe: args.probe === true })) ?? null,
    });
    fs.writeFileSync(path.join(this.opts.runDir, 'vrrp.pid'), `${process.pid}\n`);
    this.vips.warm();
    this.log.info({ event: 'started', config: this.opts.configFile, instances: this.instances.map((i) => i.name), runDir: this.opts.runDir, garp: this.garp.method }, 'hapair vrrp started');
    if (this.garp.method === 'arping') this.log.warn({ event: 'garp-method', garp: 'arping', why: nativePacket().why }, `gratuitous ARPs go through arping (in-process sender: ${nativePacket().why}); takeover is ~1.5 ms slower`);
  }

  /**
   * Adverts must leave on time when the host is CPU-bound (a late advert at advert_int 0.1 s is a spurious
   * failover): run at nice VRRP_NICE, like keepalived's `vrrp_priority`. Tracked scripts are put back to nice 0
   * (script-runner.ts). Best effort: without the privilege we only log.
   */
  private raisePriority(): void {
    try {
      os.setPriority(VRRP_NICE);
    } catch (err) {
      this.log.warn({ event: 'priority', err: errorMessage(err) }, `cannot raise scheduling priority to nice ${VRRP_NICE}`);
    }
  }

  private makeScripts(config: KeepalivedConfig): ScriptTrackers {
    return new ScriptTrackers(config, usedScripts(config.instances), { clock: this.clock, logger: this.log }, (name) => {
      for (const i of this.instances) if (i.cfg.trackScripts.some((t) => t.name === name)) i.recompute(this.net.snapshot);
    });
  }

  private vipAddresses(): Set<string> {
    return new Set(this.instances.flatMap((i) => i.allVips().map((v) => v.address)).concat(this.config.instances.flatMap((c) => c.vips.map((v) => v.address))));
  }

  private makeInstance(cfg: InstanceConfig, snap: NetSnapshot): Instance {
    const vipSet = new Set(this.config.instances.flatMap((c) => [...c.vips, ...c.excludedVips].map((v) => v.address)));
    const src = cfg.unicastSrcIp ?? cfg.mcastSrcIp ?? primaryIpv4(snap, cfg.interface, vipSet);
    if (!src) this.log.error({ event: 'no-address', code: 'ENOADDR', instance: cfg.name, iface: cfg.interface }, `interface ${cfg.interface} has no IPv4 address: ${cfg.name} stays in FAULT until one appears`);
    const inst = new Instance(cfg, this.config, src, {
      clock: this.clock,
      logger: this.log,
      notifier: { transition: (e) => this.notifier.transition(e), close: (ms) => this.notifier.close(ms) },
      routerId: this.config.global.routerId,
      vips: this.vips,
      garp: this.garp,
      send: (pkt, dst) => this.rx.send(cfg.interface, pkt, dst),
      nextSeq: () => ++this.seq,
      dontReleaseVips: this.opts.dontReleaseVips ?? false,
      scripts: (name) => this.scripts.state(name),
      link: (iface) => this.links.view(iface),
    });
    inst.stepper = soloStepper;
    this.links.watch([cfg.interface, ...cfg.trackInterfaces.map((t) => t.name)]);
    return inst;
  }

  private wireGroups(config: KeepalivedConfig, instances: readonly Instance[]): void {
    for (const g of config.syncGroups) {
      let stepper = this.groups.get(g.name);
      if (!stepper) {
        stepper = new GroupStepper(g, { clock: this.clock, logger: this.log, notifier: { transition: (e) => this.notifier.transition(e), close: (ms) => this.notifier.close(ms) }, routerId: config.global.routerId, nextSeq: () => ++this.seq });
        this.groups.set(g.name, stepper);
      }
      for (const i of instances) if (i.cfg.syncGroup === g.name) stepper.add(i);
    }
  }

  /**
   * Removes stale VIPs, waits (bounded) for the first result of every tracked script so weight-0 failures start
   * the instance in FAULT like keepalived's "(init)", feeds tracker state, then `start`.
   */
  private async startInstances(list: readonly Instance[], snap: NetSnapshot): Promise<void> {
    for (const i of list) {
      const protect = new Set(snap.ifaces.get(i.cfg.interface)?.ipv4.filter((a) => !this.vipAddresses().has(a.address)).map((a) => a.address) ?? []);
      if (i.srcIp) protect.add(i.srcIp);
      try {
        await this.vips.removeStale(i.allVips(), protect);
      } catch (err) {
        this.log.error({ event: 'stale-vips-error', instance: i.name, err: errorMessage(err) }, 'could not remove stale VIPs');
      }
    }
    this.links.update(snap);
    this.scripts.start();
    const deadline = this.clock.now() + this.scripts.maxTimeoutMs() + 1000;
    for (let n = 0; n < 1000 && !this.scripts.allReported() && this.clock.now() < deadline; n++) {
      await new Promise((r) => setTimeout(r, 10));
    }
    for (const i of list) {
      i.recompute(snap);
      i.feed({ type: 'start', now: this.clock.now() });
    }
  }

  private onSnapshot(snap: NetSnapshot): void {
    this.links.update(snap);
    const vipSet = this.vipAddresses();
    if (this.instances.some((i) => !this.rx.hasSocket(i.cfg.interface)) && !this.stopping) {
      try {
        this.rx.sync(this.instances, snap);
      } catch (err) {
        this.log.warn({ event: 'socket-reopen-failed', err: errorMessage(err) }, 'cannot reopen VRRP socket yet');
      }
    }
    for (const i of this.instances) {
      try {
        i.onSnapshot(snap, primaryIpv4(snap, i.cfg.interface, vipSet));
      } catch (err) {
        i.fail('interface update', err);
      }
    }
  }

  status(): VrrpStatus {
    const unmatched = this.rx.unmatchedCounts();
    return {
      routerId: this.config.global.routerId,
      pid: process.pid,
      configFile: this.opts.configFile,
      startedAt: this.startedAt,
      instances: this.instances.map((i) => i.status()),
      ...(Object.keys(unmatched).length > 0 ? { unmatched } : {}),
    };
  }

  /** SIGUSR1 / `dump`: status plus the effective config and FSM internals, as JSON (keepalived writes /tmp/keepalived.data). */
  dump(): Record<string, unknown> {
    return {
      status: this.status(),
      fsm: Object.fromEntries(this.instances.map((i) => [i.name, { config: i.fsmCfg, state: i.fsm }])),
      groups: Object.fromEntries([...this.groups].map(([n, g]) => [n, g.group])),
      config: { files: this.config.files, routerId: this.config.global.routerId, instances: this.config.instances.map((c) => c.name), scripts: [...this.config.scripts.keys()] },
    };
  }

  writeStateDump(): string {
    const file = path.join(this.opts.runDir, 'vrrp-state.json');
    fs.writeFileSync(file, JSON.stringify(this.dump(), null, 2) + '\n');
    this.log.info({ event: 'state-dump', file }, `state written to ${file}`);
    return file;
  }

  /**
   * SIGHUP: parse the new config; on errors log them and keep running the old one. Matched instances keep their
   * state (VIP lists diffed), removed ones stop (priority 0 if MASTER, notify STOP), new ones start from INIT.
   */
  async reload(): Promise<{ ok: boolean; errors?: string[]; kept?: string[]; added?: string[]; removed?: string[] }> {
    const r = loadKeepalivedConfig(this.opts.configFile);
    if (!r.config) {
      const errors = r.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic);
      this.log.error({ event: 'reload-failed', code: 'ECONFIG', errors }, 'reload aborted: configuration has errors; still running the previous one');
      return { ok: false, errors };
    }
    const next = r.config;
    const snap = await this.net.refresh();
    try {
      checkInterfaces(snap, next.instances);
      // Unreadable mail credentials abort the reload before anything changes (the old notifier keeps running).
      if (!this.opts.notifier) checkNotifierConfig(next);
    } catch (err) {
      this.log.error({ event: 'reload-failed', err: errorMessage(err) }, 'reload aborted; still running the previous configuration');
      return { ok: false, errors: [errorMessage(err)] };
    }
    const plan = planReload(this.instances, next);
    for (const old of plan.removed) old.feed({ type: 'shutdown', now: this.clock.now(), reason: 'reload' });
    await Promise.all(plan.removed.map((i) => i.drain()));
    plan.removed.forEach((i) => i.stopTimers());
    // Removed instances were notified (STOP) with the old scripts; the same notifier now takes the new config,
    // keeping its per-instance script queues so scripts never run out of order across the reload.
    try {
      this.notifier.reload?.(next);
    } catch (err) {
      this.log.error({ event: 'notify-reload-failed', err: errorMessage(err) }, 'notify settings not reloaded; the previous ones stay in use');
    }
    const oldScripts = this.scripts;
    const oldConfig = this.config;
    this.config = next;
    this.scripts = this.makeScripts(next);
    for (const name of this.scripts.names()) {
      const a = oldConfig.scripts.get(name);
      const b = next.scripts.get(name);
      const st = oldScripts.state(name);
      if (a && b && st && sameScript(a, b)) this.scripts.adopt(name, st);
    }
    await oldScripts.stop();
    for (const { old, next: cfg } of plan.kept) await old.reconfigure(cfg, next);
    const added = plan.added.map((c) => this.makeInstance(c, snap));
    this.instances = [...plan.kept.map((k) => k.old), ...added];
    this.rx.sync(this.instances, snap);
    this.wireGroups(next, added);
    this.scripts.start();
    await this.startInstances(added, snap);
    for (const i of this.instances) i.recompute(snap);
    this.garp.retain(this.instances.flatMap((i) => i.allVips()));
    const summary = { kept: plan.kept.map((k) => k.next.name), added: plan.added.map((c) => c.name), removed: plan.removed.map((i) => i.name) };
    this.log.info({ event: 'reloaded', ...summary }, 'configuration reloaded');
    return { ok: true, ...summary };
  }

  /** SIGTERM/SIGINT: MASTERs send priority 0 and drop VIPs, every instance and group gets STOP, then notify flushes. */
  stop(): Promise<void> {
    this.stopping ??= (async () => {
      for (const i of this.instances) i.feed({ type: 'shutdown', now: this.clock.now(), reason: 'shutdown' });
      await Promise.all(this.instances.map((i) => i.drain()));
      for (const g of this.groups.values()) g.stopNotify();
      for (const i of this.instances) i.stopTimers();
      await this.scripts.stop();
      this.garp.stop();
      this.vips.close();
      this.net.stop();
      this.rx.close();
      await this.notifier.close(NOTIFY_CLOSE_MS).catch((err) => this.log.warn({ event: 'notify-close-error', err: errorMessage(err) }, 'notifier close failed'));
      await new Promise<void>((resolve) => (this.control ? this.control.close(() => resolve()) : resolve()));
      try {
        fs.unlinkSync(path.join(this.opts.runDir, 'vrrp.pid'));
      } catch {
        /* already gone */
      }
      this.log.info({ event: 'stopped' }, 'hapair vrrp stopped');
    })();
    return this.stopping;
  }
}
