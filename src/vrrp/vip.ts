// Virtual IPs: idempotent add/remove through `ip -force -batch -`, stale-VIP cleanup at start, "deleted behind our back" detection.
import type { Logger } from '../core/logger.js';
import { HaError } from '../core/errors.js';
import type { VipConfig } from './types.js';
import { runIp } from './ip-cmd.js';
import type { NetSnapshot } from './netstate.js';

/** A VIP resolved against its instance: the device is always known. */
export interface ResolvedVip {
  readonly address: string;
  readonly prefix: number;
  readonly dev: string;
  readonly label?: string;
  readonly brd?: string;
  readonly scope?: string;
  readonly noTrack: boolean;
}

export function resolveVips(vips: readonly VipConfig[], instanceIface: string): ResolvedVip[] {
  return vips.map((v) => ({
    address: v.address,
    prefix: v.prefix,
    dev: v.dev ?? instanceIface,
    ...(v.label ? { label: v.label } : {}),
    ...(v.brd ? { brd: v.brd } : {}),
    ...(v.scope ? { scope: v.scope } : {}),
    noTrack: v.noTrack,
  }));
}

export function vipText(v: ResolvedVip): string {
  return `${v.address}/${v.prefix}`;
}

/** True if the snapshot shows `v` on its device (address match; the kernel keys IPv4 addresses by address+prefix+dev). */
export function isPresent(snap: NetSnapshot, v: ResolvedVip): boolean {
  return snap.ifaces.get(v.dev)?.ipv4.some((a) => a.address === v.address && a.prefix === v.prefix) ?? false;
}

/** One `ip -batch` line (pure). `replace` makes add idempotent; del lines are only emitted for present addresses. */
export function batchLine(op: 'add' | 'del', v: ResolvedVip): string {
  const words = ['address', op === 'add' ? 'replace' : 'del', vipText(v), 'dev', v.dev];
  if (op === 'add') {
    if (v.brd) words.push('brd', v.brd);
    if (v.scope) words.push('scope', v.scope);
    if (v.label) words.push('label', v.label);
  }
  return words.join(' ');
}

/**
 * Applies VIP changes. Reads the current addresses first so `add` of a present VIP and `del` of an absent one are
 * no-ops (idempotent), then verifies with a second read; throws EVIP naming what did not stick.
 */
export class VipManager {
  constructor(private readonly deps: { logger: Logger; read: () => Promise<NetSnapshot> }) {}

  async add(vips: readonly ResolvedVip[]): Promise<void> {
    await this.apply('add', vips);
  }

  async remove(vips: readonly ResolvedVip[]): Promise<void> {
    await this.apply('del', vips);
  }

  /**
   * At start-up, removes configured VIPs still present from a crashed earlier run (keepalived.md §2.3/§6.3:
   * `remove_residual_vips`), except addresses in `protect` (e.g. the interface's own primary address).
   */
  async removeStale(vips: readonly ResolvedVip[], protect: ReadonlySet<string>): Promise<string[]> {
    const snap = await this.deps.read();
    const stale = vips.filter((v) => isPresent(snap, v) && !protect.has(v.address));
    if (stale.length === 0) return [];
    await this.apply('del', stale);
    this.deps.logger.warn({ event: 'stale-vips-removed', vips: stale.map(vipText) }, 'removed VIPs left over by an earlier run');
    return stale.map(vipText);
  }

  private async apply(op: 'add' | 'del', vips: readonly ResolvedVip[]): Promise<void> {
    if (vips.length === 0) return;
    const before = await this.deps.read();
    const todo = vips.filter((v) => (op === 'add') !== isPresent(before, v));
    if (todo.length > 0) {
      const input = todo.map((v) => batchLine(op, v)).join('\n') + '\n';
      // -force: one failing line (e.g. a device that vanished) must not stop the others.
      const res = await runIp(['-force', '-batch', '-'], { input });
      if (res.code !== 0) this.deps.logger.warn({ event: 'vip-batch-error', op, stderr: res.stderr.trim() }, 'ip -batch reported errors');
    }
    const after = await this.deps.read();
    const wrong = vips.filter((v) => (op === 'add') !== isPresent(after, v));
    if (wrong.length > 0) {
      throw new HaError('EVIP', `could not ${op === 'add' ? 'add' : 'remove'} ${wrong.map((v) => `${vipText(v)} dev ${v.dev}`).join(', ')}`);
    }
  }
}

/** VIPs expected on the host but missing from `snap` (tracked ones only: `no_track` VIPs may vanish). */
export function missingVips(snap: NetSnapshot, vips: readonly ResolvedVip[]): ResolvedVip[] {
  return vips.filter((v) => !v.noTrack && !isPresent(snap, v));
}
