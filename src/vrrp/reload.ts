// SIGHUP reload planning (pure): match old and new instances like keepalived's vrrp_exist, not by name.
import type { InstanceConfig, KeepalivedConfig, VrrpScriptConfig } from './types.js';

/**
 * keepalived.md §7.1: instances are the same across a reload when VRID, address family, interface and the
 * unicast flag (with the unicast source address, or the multicast destination) agree; the name may change.
 */
export function instanceKey(i: InstanceConfig): string {
  const unicast = i.unicastPeers.length > 0;
  return [i.vrid, 'inet', i.interface, unicast ? `unicast:${i.unicastSrcIp ?? ''}` : 'multicast:224.0.0.18'].join('|');
}

export interface ReloadPlan<T> {
  readonly kept: readonly { readonly old: T; readonly next: InstanceConfig }[];
  readonly removed: readonly T[];
  readonly added: readonly InstanceConfig[];
}

/** Pairs running instances (anything with a `cfg`) with the new config's instances. */
export function planReload<T extends { readonly cfg: InstanceConfig }>(running: readonly T[], next: KeepalivedConfig): ReloadPlan<T> {
  const byKey = new Map(running.map((r) => [instanceKey(r.cfg), r] as const));
  const kept: { old: T; next: InstanceConfig }[] = [];
  const added: InstanceConfig[] = [];
  for (const inst of next.instances) {
    const old = byKey.get(instanceKey(inst));
    if (old) {
      kept.push({ old, next: inst });
      byKey.delete(instanceKey(inst));
    } else added.push(inst);
  }
  return { kept, removed: [...byKey.values()], added };
}

/** A script keeps its rise/fall state across a reload only if it still runs the same command the same way. */
export function sameScript(a: VrrpScriptConfig, b: VrrpScriptConfig): boolean {
  return (
    a.command.argv.join('\0') === b.command.argv.join('\0') &&
    a.command.user === b.command.user &&
    a.command.group === b.command.group &&
    a.intervalSec === b.intervalSec &&
    a.timeoutSec === b.timeoutSec &&
    a.rise === b.rise &&
    a.fall === b.fall
  );
}
