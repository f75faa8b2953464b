// Virtual IPs: idempotent add/remove through `ip -force -batch -`, stale-VIP cleanup at start, "deleted behind our back" detection.
import type { Logger } from '../core/logger.js';
import { HaError } from '../core/errors.js';
import type { VipConfig } from './types.js';
import { IpBatch } from './ip-cmd.js';
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

/** One `ip -batch` line (pure). `replace` makes add idempotent. */
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
 * Applies VIP changes idempotently (adding a present VIP or deleting an absent one is a no-op); throws EVIP naming
 * what did not stick.
 */
export class VipManager {
  private readonly batch = new IpBatch();

  constructor(private readonly deps: { logger: Logger; read: () => Promise<NetSnapshot> }) {}

  /** Starts the iproute2 coprocess ahead of the first takeover. */
  warm(): void {
    this.batch.warm();
  }

  close(): void {
    this.batch.close();
  }

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

  /**
   * One `ip -force -batch` request (a persistent coprocess, see IpBatch) for the whole list (-force: a failing line must not stop the others). `replace` makes
   * add idempotent; `del` of an absent address fails harmlessly. Only when iproute2 reports an error do we read the
   * addresses back to tell which VIPs did not stick (EVIP): the fast path is a single process, which matters on
   * takeover because GARPs can only follow once the VIPs are up.
   */
  private async apply(op: 'add' | 'del', vips: readonly ResolvedVip[]): Promise<void> {
    if (vips.length === 0) return;
    const res = await this.batch.run(vips.map((v) => batchLine(op, v)));
    if (res.failed === 0) return;
    const after = await this.deps.read();
    const wrong = vips.filter((v) => (op === 'add') !== isPresent(after, v));
    if (wrong.length > 0) {
      throw new HaError('EVIP', `could not ${op === 'add' ? 'add' : 'remove'} ${wrong.map((v) => `${vipText(v)} dev ${v.dev}`).join(', ')}: ${ipErrorText(res.stderr)}`);
    }
  }
}

/**
 * iproute2's batch stderr as one line for logs, status and alert mails: its "Error: ..." lines, without the
 * "Command failed -:N" bookkeeping and stray continuation lines (pure).
 */
export function ipErrorText(stderr: string): string {
  const lines = stderr.split('\n').map((l) => l.trim()).filter(Boolean);
  const errors = lines.filter((l) => /^Error:/.test(l)).map((l) => l.replace(/^Error:\s*/, ''));
  return [...new Set(errors.length > 0 ? errors : lines.slice(0, 1))].join('; ') || 'iproute2 reported an error';
}

/** VIPs expected on the host but missing from `snap` (tracked ones only: `no_track` VIPs may vanish). */
export function missingVips(snap: NetSnapshot, vips: readonly ResolvedVip[]): ResolvedVip[] {
  return vips.filter((v) => !v.noTrack && !isPresent(snap, v));
}
