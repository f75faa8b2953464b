// Network-namespace lab: isolated node namespaces on a bridge that lives in its own namespace (never the root one).
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { exec, execOk, type ExecOptions, type ExecResult } from './exec.js';
import { DEFAULT_LAB_PREFIX, macFor, newLabBase, nsName, portName } from './names.js';
import { register, sweepStaleLabs, teardownSync, unregister, type Teardownable } from './cleanup.js';

/** Test addresses must come from the benchmarking range 198.18.0.0/15 (RFC 2544), nothing else. */
function assertLabAddress(ip: string): void {
  const o = ip.split('.').map(Number);
  if (o.length !== 4 || o.some((x) => !Number.isInteger(x) || x < 0 || x > 255) || o[0] !== 198 || (o[1] !== 18 && o[1] !== 19)) {
    throw new Error(`lab address ${ip} is outside 198.18.0.0/15`);
  }
}

export interface LabNodeSpec {
  readonly name: string; // [a-z0-9]{1,12}, e.g. 'lb1', 'client'
  readonly ip: string; // primary address, 198.18.0.0/15
  readonly prefix?: number; // default 24
}

export interface LabNode {
  readonly name: string;
  readonly ns: string;
  readonly iface: string; // always 'eth0' inside the node namespace
  readonly ip: string;
  readonly prefix: number;
  readonly mac: string;
  readonly port: string; // bridge-side veth name (in the switch namespace)
}

export interface LabOptions {
  readonly prefix?: string; // namespace name prefix, default 'hpl'
}

/** A running lab. Create with `Lab.create()`, always `await lab.teardown()` (also done on exit/signals). */
export class Lab implements Teardownable {
  readonly base: string;
  readonly switchNs: string;
  readonly bridge = 'br0';
  private readonly nodes = new Map<string, LabNode>();
  private readonly created: string[] = [];
  private readonly children = new Set<ChildProcess>();
  private torn = false;

  private constructor(base: string) {
    this.base = base;
    this.switchNs = nsName(base, 'sw');
  }

  /** Sweeps stale labs of the same prefix, then creates the switch namespace with a bridge. */
  static async create(opts: LabOptions = {}): Promise<Lab> {
    const prefix = opts.prefix ?? DEFAULT_LAB_PREFIX;
    await sweepStaleLabs(prefix);
    const lab = new Lab(newLabBase(prefix));
    register(lab);
    try {
      await lab.addNamespace(lab.switchNs);
      // Multicast snooping off: VRRP's 224.0.0.18 must reach every port without IGMP state.
      await lab.ip(lab.switchNs, ['link', 'add', lab.bridge, 'type', 'bridge', 'stp_state', '0', 'mcast_snooping', '0']);
      await lab.ip(lab.switchNs, ['link', 'set', lab.bridge, 'up']);
    } catch (err) {
      await lab.teardown();
      throw err;
    }
    return lab;
  }

  private async addNamespace(ns: string): Promise<void> {
    await execOk(['ip', 'netns', 'add', ns]);
    this.created.push(ns);
    await this.ip(ns, ['link', 'set', 'lo', 'up']);
  }

  /** `ip -n NS ...` (rejects with stderr on failure). */
  ip(ns: string, args: readonly string[]): Promise<string> {
    return execOk(['ip', '-n', ns, ...args]);
  }

  /** Creates a node namespace linked to the bridge by a veth pair created directly between the two namespaces. */
  async addNode(spec: LabNodeSpec): Promise<LabNode> {
    if (this.nodes.has(spec.name)) throw new Error(`lab node '${spec.name}' exists`);
    assertLabAddress(spec.ip);
    const ns = nsName(this.base, spec.name);
    const port = portName(this.nodes.size, spec.name);
    const node: LabNode = { name: spec.name, ns, iface: 'eth0', ip: spec.ip, prefix: spec.prefix ?? 24, mac: macFor(spec.ip), port };
    await this.addNamespace(ns);
    // Both ends are born inside lab namespaces: nothing ever appears in the root namespace.
    await this.ip(ns, ['link', 'add', 'eth0', 'address', node.mac, 'type', 'veth', 'peer', 'name', port, 'netns', this.switchNs]);
    await this.ip(this.switchNs, ['link', 'set', port, 'master', this.bridge]);
    await this.ip(this.switchNs, ['link', 'set', port, 'up']);
    await this.ip(ns, ['addr', 'add', `${spec.ip}/${node.prefix}`, 'dev', 'eth0']);
    await this.ip(ns, ['link', 'set', 'eth0', 'up']);
    this.nodes.set(spec.name, node);
    return node;
  }

  node(name: string): LabNode {
    const n = this.nodes.get(name);
    if (!n) throw new Error(`no lab node '${name}'`);
    return n;
  }

  /** Runs argv inside the namespace of `where` (a node name or a namespace name), bounded by opts.timeoutMs. */
  exec(where: string, argv: readonly string[], opts: ExecOptions = {}): Promise<ExecResult> {
    return exec(['ip', 'netns', 'exec', this.resolveNs(where), ...argv], opts);
  }

  execOk(where: string, argv: readonly string[], opts: ExecOptions = {}): Promise<string> {
    return execOk(['ip', 'netns', 'exec', this.resolveNs(where), ...argv], opts);
  }

  /** argv to start a long-running program inside a namespace (`ip netns exec` execs it: same PID). */
  wrap(where: string, argv: readonly string[]): string[] {
    return ['ip', 'netns', 'exec', this.resolveNs(where), ...argv];
  }

  /** Spawns a tracked child inside a namespace; teardown kills it by PID if still running. */
  spawn(where: string, argv: readonly string[], opts: SpawnOptions = {}): ChildProcess {
    const [cmd, ...args] = this.wrap(where, argv);
    const child = spawn(cmd!, args, opts);
    this.track(child);
    return child;
  }

  /** Adopts a child started elsewhere (e.g. by a test helper) so teardown kills it. */
  track(child: ChildProcess): void {
    this.children.add(child);
    child.once('exit', () => this.children.delete(child));
  }

  private resolveNs(where: string): string {
    if (where === 'sw' || where === this.switchNs) return this.switchNs;
    const node = this.nodes.get(where);
    if (node) return node.ns;
    if (this.created.includes(where)) return where;
    throw new Error(`'${where}' is not a namespace of lab ${this.base}`);
  }

  /**
   * Cuts a node off the segment. 'partition' detaches its port from the bridge: the node keeps carrier (like
   * a failed switch path) and hears nothing. 'carrier' sets the bridge-side veth down: the node sees NO-CARRIER.
   */
  async cutLink(name: string, mode: 'partition' | 'carrier' = 'partition'): Promise<void> {
    const node = this.node(name);
    if (mode === 'partition') await this.ip(this.switchNs, ['link', 'set', node.port, 'nomaster']);
    else await this.ip(this.switchNs, ['link', 'set', node.port, 'down']);
  }

  /** Undoes cutLink (either mode). */
  async restoreLink(name: string): Promise<void> {
    const node = this.node(name);
    await this.ip(this.switchNs, ['link', 'set', node.port, 'master', this.bridge]);
    await this.ip(this.switchNs, ['link', 'set', node.port, 'up']);
  }

  childPids(): number[] {
    return [...this.children].map((c) => c.pid).filter((p): p is number => typeof p === 'number');
  }

  namespaces(): string[] {
    // Node namespaces first: the switch goes last so nothing dangles.
    return [...this.created].reverse();
  }

  /** Stops our children (SIGTERM, SIGKILL after 2 s), then deletes every namespace. Idempotent. */
  async teardown(): Promise<void> {
    if (this.torn) return;
    this.torn = true;
    const running = [...this.children].filter((c) => c.exitCode === null && c.signalCode === null);
    await Promise.all(
      running.map(
        (c) =>
          new Promise<void>((resolve) => {
            const t = setTimeout(() => {
              c.kill('SIGKILL');
              resolve();
            }, 2000);
            c.once('exit', () => {
              clearTimeout(t);
              resolve();
            });
            c.kill('SIGTERM');
          }),
      ),
    );
    teardownSync(this);
    unregister(this);
  }
}
