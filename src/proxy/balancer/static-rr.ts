// balance static-rr: round robin over a precomputed weight map (haproxy lb_map.c map_get_server_rr,
// haproxy.md §5.2). Weights are uweight / gcd(all weights); runtime weight changes only act as on/off.
import { buildMap, lbGroup, weightGcd } from './group.js';
import { isFull, type Balancer, type BalancerContext, type LbServer, type PickInput } from './types.js';

/** Map weight of a server for map-based algorithms: ceil(uweight / gcd) while in the LB group. */
export function mapWeight(s: LbServer, gcd: number): number {
  return Math.ceil(s.uweight / gcd);
}

export class StaticRoundRobin implements Balancer {
  readonly name: string = 'static-rr';
  readonly dynamic: boolean = false;
  readonly fifoWhenQueued: boolean = true;
  protected readonly ctx: BalancerContext;
  protected map: LbServer[] = [];
  #idx = 0;
  readonly #gcd: number;

  constructor(ctx: BalancerContext) {
    this.ctx = ctx;
    this.#gcd = weightGcd(ctx.servers);
    this.update();
  }

  update(): void {
    const group = lbGroup(this.ctx.servers, this.ctx.allBackups);
    this.map = buildMap(group.servers, (s) => mapWeight(s, this.#gcd));
  }

  /** Walks the map from the last position, skipping full servers; the avoided server only as a last resort. */
  pick(input: PickInput): LbServer | undefined {
    return this.nextInMap(input.avoid);
  }

  protected nextInMap(avoid: LbServer | undefined): LbServer | undefined {
    const map = this.map;
    if (map.length === 0) return undefined;
    if (this.#idx < 0 || this.#idx >= map.length) this.#idx = 0;
    const start = this.#idx;
    let idx = start;
    let fallback: { s: LbServer; at: number } | undefined;
    do {
      const s = map[idx++]!;
      if (!isFull(s)) {
        fallback = { s, at: idx };
        if (s !== avoid) {
          this.#idx = idx;
          return s;
        }
      }
      if (idx === map.length) idx = 0;
    } while (idx !== start);
    if (fallback) this.#idx = fallback.at;
    return fallback?.s;
  }

  taken(): void {}
  dropped(): void {}
}
