// balance leastconn: the server with the fewest in-flight streams relative to its weight wins (haproxy
// lb_fwlc.c, haproxy.md §5.3); equally loaded servers rotate because a server that changes load goes to the
// end of its equal-key group.
import { lbGroup } from './group.js';
import type { Balancer, BalancerContext, LbServer, PickInput } from './types.js';

/** haproxy fwlc key: (inflight + 1) * 4096 / eweight, 0 for an idle server (always preferred). */
export function leastconnKey(s: LbServer): number {
  const inflight = s.served + s.queueLength;
  if (inflight === 0 || s.lbWeight === 0) return 0;
  return Math.floor(((inflight + 1) * 4096) / s.lbWeight);
}

export class LeastConn implements Balancer {
  readonly name = 'leastconn';
  readonly dynamic = true;
  readonly fifoWhenQueued = false;
  readonly #ctx: BalancerContext;
  /** Insertion stamps: lower = inserted earlier in its key group. */
  readonly #stamp = new Map<LbServer, number>();
  #seq = 0;

  constructor(ctx: BalancerContext) {
    this.#ctx = ctx;
    for (const s of ctx.servers) this.#stamp.set(s, ++this.#seq);
  }

  update(): void {}

  pick(input: PickInput): LbServer | undefined {
    const group = lbGroup(this.#ctx.servers, this.#ctx.allBackups).servers;
    let best: LbServer | undefined;
    let bestKey = 0;
    let avoided: LbServer | undefined;
    for (const s of group) {
      // Eligible while unlimited or served + queue < limit + maxqueue (a server queue is acceptable here).
      if (s.maxconn > 0 && s.served + s.queueLength >= s.dynamicMaxconn() + s.maxqueue) continue;
      if (s === input.avoid) {
        avoided = s;
        continue;
      }
      const key = leastconnKey(s);
      if (!best || key < bestKey || (key === bestKey && this.#stamp.get(s)! < this.#stamp.get(best)!)) {
        best = s;
        bestKey = key;
      }
    }
    return best ?? avoided;
  }

  taken(s: LbServer): void {
    this.#stamp.set(s, ++this.#seq);
  }

  dropped(s: LbServer): void {
    this.#stamp.set(s, ++this.#seq);
  }
}
