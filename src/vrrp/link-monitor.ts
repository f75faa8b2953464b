// Interface up/down for tracked interfaces, derived from NetSnapshots (ip monitor + poll): IFF_UP && carrier.
import type { NetSnapshot } from './netstate.js';
import type { LinkView } from './trackers.js';

/** Pure: what a snapshot says about `iface` (missing counts as down, like a deleted interface in keepalived). */
export function linkView(snap: NetSnapshot | undefined, iface: string): LinkView {
  if (!snap) return { up: null };
  const st = snap.ifaces.get(iface);
  if (!st) return { up: false, detail: 'interface missing' };
  if (!st.flags.includes('UP')) return { up: false, detail: 'admin down' };
  if (!st.flags.includes('LOWER_UP')) return { up: false, detail: 'carrier down' };
  return { up: true, detail: 'up' };
}

/**
 * Remembers the last view of each watched interface and reports only changes, so a poll that sees the same
 * state twice does not re-trigger tracker arithmetic or logs.
 */
export class LinkMonitor {
  private readonly last = new Map<string, LinkView>();

  constructor(private readonly onChange: (iface: string, view: LinkView) => void) {}

  watch(ifaces: Iterable<string>): void {
    for (const i of ifaces) if (!this.last.has(i)) this.last.set(i, { up: null });
  }

  view(iface: string): LinkView {
    return this.last.get(iface) ?? { up: null };
  }

  update(snap: NetSnapshot): void {
    for (const [iface, prev] of this.last) {
      const v = linkView(snap, iface);
      if (v.up === prev.up) continue;
      this.last.set(iface, v);
      this.onChange(iface, v);
    }
  }
}
