// Snapshot of this namespace's links and IPv4 addresses (`ip -j addr show`), refreshed on `ip monitor` events and by polling.
import { spawn, type ChildProcess } from 'node:child_process';
import { EventEmitter } from 'node:events';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { HaError, errorMessage } from '../core/errors.js';
import { IP_BIN, ipOk } from './ip-cmd.js';
import type { InstanceConfig } from './types.js';

export interface Ipv4Addr {
  readonly address: string;
  readonly prefix: number;
  readonly secondary: boolean;
  readonly label?: string;
}

export interface IfaceState {
  readonly name: string;
  readonly ifindex: number;
  readonly flags: readonly string[];
  /** Administratively up and the lower layer passes traffic (keepalived: IFF_UP && IFF_RUNNING). */
  readonly up: boolean;
  readonly operstate: string;
  readonly mac?: string;
  readonly ipv4: readonly Ipv4Addr[];
}

export interface NetSnapshot {
  /** Monotonic time at which the read STARTED: anything changed before it is reflected. */
  readonly takenAt: number;
  readonly ifaces: ReadonlyMap<string, IfaceState>;
}

interface IpJsonAddr {
  family?: string;
  local?: string;
  prefixlen?: number;
  secondary?: boolean;
  label?: string;
}
interface IpJsonLink {
  ifindex?: number;
  ifname?: string;
  flags?: string[];
  operstate?: string;
  address?: string;
  addr_info?: IpJsonAddr[];
}

/** Parses `ip -j addr show` output (pure). */
export function parseIpAddrJson(json: string, takenAt: number): NetSnapshot {
  const rows = JSON.parse(json || '[]') as IpJsonLink[];
  const ifaces = new Map<string, IfaceState>();
  for (const r of rows) {
    if (!r.ifname) continue;
    const flags = r.flags ?? [];
    const ipv4 = (r.addr_info ?? [])
      .filter((a) => a.family === 'inet' && typeof a.local === 'string')
      .map((a) => ({ address: a.local!, prefix: a.prefixlen ?? 32, secondary: a.secondary === true, ...(a.label ? { label: a.label } : {}) }));
    ifaces.set(r.ifname, {
      name: r.ifname,
      ifindex: r.ifindex ?? 0,
      flags,
      up: flags.includes('UP') && flags.includes('LOWER_UP'),
      operstate: r.operstate ?? 'UNKNOWN',
      ...(r.address ? { mac: r.address } : {}),
      ipv4,
    });
  }
  return { takenAt, ifaces };
}

export async function readNetState(clock: Clock): Promise<NetSnapshot> {
  const takenAt = clock.now();
  return parseIpAddrJson(await ipOk(['-j', 'addr', 'show'], 'EPLATFORM'), takenAt);
}

/** The instance's source address: the interface's first IPv4 address that is not one of our VIPs (keepalived uses the primary). */
export function primaryIpv4(snap: NetSnapshot, iface: string, vips: ReadonlySet<string>): string | undefined {
  const st = snap.ifaces.get(iface);
  if (!st) return undefined;
  const own = st.ipv4.filter((a) => !vips.has(a.address));
  return (own.find((a) => !a.secondary) ?? own[0])?.address;
}

export function requireIface(snap: NetSnapshot, iface: string): IfaceState {
  const st = snap.ifaces.get(iface);
  if (!st) {
    const known = [...snap.ifaces.keys()].join(', ');
    throw new HaError('ENOIFACE', `interface '${iface}' does not exist (this host has: ${known})`);
  }
  return st;
}

/**
 * Every interface the config places something on must exist before anything is touched (pure; throws ENOIFACE
 * naming the config line): the instance's `interface` and each VIP's `dev`. A VIP on a missing device would
 * otherwise fail only at takeover, after this node had claimed the VRID. Missing track_interface entries are
 * not refused: they count as down, like keepalived.
 */
export function checkInterfaces(snap: NetSnapshot, instances: readonly InstanceConfig[]): void {
  const known = () => [...snap.ifaces.keys()].join(', ');
  for (const i of instances) {
    if (!snap.ifaces.has(i.interface)) {
      throw new HaError('ENOIFACE', `${i.where.file}:${i.where.line}: vrrp_instance ${i.name}: interface '${i.interface}' does not exist (this host has: ${known()})`);
    }
    for (const v of [...i.vips, ...i.excludedVips]) {
      if (v.dev !== undefined && !snap.ifaces.has(v.dev)) {
        throw new HaError('ENOIFACE', `${v.where.file}:${v.where.line}: VIP ${v.address}/${v.prefix} of ${i.name}: interface '${v.dev}' does not exist (this host has: ${known()})`);
      }
    }
  }
}

/**
 * Keeps a current NetSnapshot: one `ip -o monitor link address` child triggers an immediate re-read (debounced),
 * and a poll every `pollMs` covers a lost or crashed monitor. Emits 'snapshot' after every read.
 */
export class NetWatcher extends EventEmitter {
  private current: NetSnapshot | undefined;
  private monitor: ChildProcess | undefined;
  private pollTimer: TimerHandle | undefined;
  private debounce: TimerHandle | undefined;
  private reading: Promise<NetSnapshot> | undefined;
  private again = false;
  private stopped = false;
  private restarts = 0;

  constructor(
    private readonly deps: { clock: Clock; logger: Logger },
    private readonly pollMs = 1000,
  ) {
    super();
  }

  get snapshot(): NetSnapshot | undefined {
    return this.current;
  }

  async start(): Promise<NetSnapshot> {
    this.startMonitor();
    const snap = await this.refresh();
    this.schedulePoll();
    return snap;
  }

  /** Re-reads now (coalescing concurrent requests into at most one extra read) and emits the result. */
  refresh(): Promise<NetSnapshot> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    this.reading = (async () => {
      let snap: NetSnapshot;
      do {
        this.again = false;
        snap = await readNetState(this.deps.clock);
        this.current = snap;
        if (!this.stopped) this.emit('snapshot', snap);
      } while (this.again && !this.stopped);
      return snap;
    })().finally(() => {
      this.reading = undefined;
    });
    return this.reading;
  }

  private kick(): void {
    if (this.stopped || this.debounce) return;
    this.debounce = this.deps.clock.setTimeout(() => {
      this.debounce = undefined;
      this.refresh().catch((err) => this.deps.logger.warn({ event: 'netstate-error', err: errorMessage(err) }, 'cannot read interfaces'));
    }, 10);
  }

  private schedulePoll(): void {
    if (this.stopped) return;
    this.pollTimer = this.deps.clock.setTimeout(() => {
      this.refresh()
        .catch((err) => this.deps.logger.warn({ event: 'netstate-error', err: errorMessage(err) }, 'cannot read interfaces'))
        .finally(() => this.schedulePoll());
    }, this.pollMs);
  }

  private startMonitor(): void {
    if (this.stopped) return;
    const child = spawn(IP_BIN, ['-o', 'monitor', 'link', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
    this.monitor = child;
    child.stdout!.on('data', () => this.kick());
    child.on('error', () => undefined);
    child.on('exit', () => {
      if (this.stopped) return;
      // Polling keeps working meanwhile; restart the monitor with a bounded back-off.
      this.restarts += 1;
      const delay = Math.min(30_000, 1000 * this.restarts);
      this.deps.logger.warn({ event: 'netstate-monitor-exit', restartInMs: delay }, 'ip monitor exited; restarting');
      this.deps.clock.setTimeout(() => this.startMonitor(), delay);
    });
  }

  stop(): void {
    this.stopped = true;
    this.deps.clock.clearTimeout(this.pollTimer);
    this.deps.clock.clearTimeout(this.debounce);
    if (this.monitor && this.monitor.exitCode === null) this.monitor.kill('SIGTERM');
    this.removeAllListeners();
  }
}
