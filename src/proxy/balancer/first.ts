// balance first: the lowest-id server below its connection limit takes the stream (haproxy lb_fas.c,
// haproxy.md §5.5); weights are ignored. Meant for use with maxconn to pack load onto few servers.
import { lbGroup } from './group.js';
import { isFull, type Balancer, type BalancerContext, type LbServer, type PickInput } from './types.js';

export class First implements Balancer {
  readonly name = 'first';
  readonly dynamic = true;
  readonly fifoWhenQueued = true;
  readonly #ctx: BalancerContext;

  constructor(ctx: BalancerContext) {
    this.#ctx = ctx;
  }

  update(): void {}

  pick(input: PickInput): LbServer | undefined {
    const group = [...lbGroup(this.#ctx.servers, this.#ctx.allBackups).servers].sort((a, b) => a.id - b.id);
    let avoided: LbServer | undefined;
    for (const s of group) {
      if (isFull(s)) continue;
      if (s === input.avoid) {
        avoided = s;
        continue;
      }
      return s;
    }
    return avoided;
  }

  taken(): void {}
  dropped(): void {}
}
