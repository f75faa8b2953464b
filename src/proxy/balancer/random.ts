// balance random(draws): draw random keys on the consistent-hash ring `draws` times and keep the server with
// the lower served/weight (haproxy backend.c get_server_rnd, haproxy.md §5.5); a full result goes to the queue.
import { ChashRing } from './chash-ring.js';
import { lbGroup } from './group.js';
import { isFull, type Balancer, type BalancerContext, type LbServer, type PickInput } from './types.js';

export class RandomDraws implements Balancer {
  readonly name = 'random';
  readonly dynamic = true;
  readonly fifoWhenQueued = false;
  readonly #ctx: BalancerContext;
  readonly #ring = new ChashRing();
  readonly #draws: number;

  constructor(ctx: BalancerContext, draws: number) {
    this.#ctx = ctx;
    this.#draws = Math.max(1, draws);
    this.update();
  }

  update(): void {
    this.#ring.rebuild(lbGroup(this.#ctx.servers, this.#ctx.allBackups).servers);
  }

  pick(input: PickInput): LbServer | undefined {
    let curr: LbServer | undefined;
    for (let d = 0; d < this.#draws; d++) {
      const prev = curr;
      curr = this.#ring.lookup(this.#ctx.random32(), input.avoid);
      if (!curr) break;
      // Keep the one with fewer served streams per unit of weight (cross-multiplied as haproxy does).
      if (prev && prev !== curr && curr.served * prev.lbWeight > prev.served * curr.lbWeight) curr = prev;
    }
    return curr && isFull(curr) ? undefined : curr;
  }

  taken(): void {}
  dropped(): void {}
}
