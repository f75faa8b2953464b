// balance source|uri|hdr|url_param with hash-type map-based (key % Σweights over the static map) or
// consistent (closest ring point), haproxy.md §5.4. A missing hash input falls back to round robin.
import { ChashRing } from './chash-ring.js';
import { buildMap, lbGroup, weightGcd } from './group.js';
import { fullHash, hashString } from './hash.js';
import { hdrKey, sourceWord, uriKey, urlParamKey, type HashAlgo } from './keys.js';
import { mapWeight, StaticRoundRobin } from './static-rr.js';
import type { HashType } from '../types.js';
import type { Balancer, BalancerContext, LbServer, PickInput } from './types.js';

/** Computes the 32-bit key for a request, or undefined when the input is missing (table per algorithm). */
const KEYERS: { readonly [K in HashAlgo['kind']]: (algo: Extract<HashAlgo, { kind: K }>, t: HashType, i: PickInput) => number | undefined } = {
  source: (_a, t, i) => {
    const w = i.clientIp === undefined ? undefined : sourceWord(i.clientIp);
    if (w === undefined) return undefined;
    // Source hashing never uses the string functions; only the avalanche modifier applies.
    return t.avalanche ? fullHash(w) : w;
  },
  uri: (a, t, i) => (i.uri === undefined ? undefined : hashString(t, uriKey(i.uri, a))),
  url_param: (a, t, i) => {
    const v = i.uri === undefined ? undefined : urlParamKey(i.uri, a.param);
    return v === undefined ? undefined : hashString(t, v);
  },
  hdr: (a, t, i) => {
    const v = hdrKey(i.header?.(a.header), a.useDomainOnly);
    return v === undefined ? undefined : hashString(t, v);
  },
};

export function hashKey(algo: HashAlgo, type: HashType, input: PickInput): number | undefined {
  return (KEYERS[algo.kind] as (a: HashAlgo, t: HashType, i: PickInput) => number | undefined)(algo, type, input);
}

/** Map-based hashing: static (weights only on/off), most keys move when the server set changes. */
export class MapHash extends StaticRoundRobin {
  override readonly name: string;
  override readonly fifoWhenQueued = false;
  readonly #algo: HashAlgo;
  readonly #type: HashType;

  constructor(ctx: BalancerContext, algo: HashAlgo, type: HashType) {
    super(ctx);
    this.name = algo.kind;
    this.#algo = algo;
    this.#type = type;
  }

  override pick(input: PickInput): LbServer | undefined {
    if (this.map.length === 0) return undefined;
    // With a single server in the group haproxy skips hashing (tot_used == 1): same result, no work.
    const key = this.map.length === 1 ? 0 : hashKey(this.#algo, this.#type, input);
    if (key === undefined) return this.nextInMap(input.avoid);
    return this.map[key % this.map.length];
  }
}

/** Consistent hashing: dynamic (weights and slowstart move ring points); only a leaving server's keys move. */
export class ConsistentHash implements Balancer {
  readonly name: string;
  readonly dynamic = true;
  readonly fifoWhenQueued = false;
  readonly #ctx: BalancerContext;
  readonly #algo: HashAlgo;
  readonly #type: HashType;
  readonly #ring = new ChashRing();
  #used = 0;

  constructor(ctx: BalancerContext, algo: HashAlgo, type: HashType) {
    this.#ctx = ctx;
    this.name = algo.kind;
    this.#algo = algo;
    this.#type = type;
    this.update();
  }

  update(): void {
    const group = lbGroup(this.#ctx.servers, this.#ctx.allBackups).servers;
    this.#used = group.length;
    this.#ring.rebuild(group);
  }

  pick(input: PickInput): LbServer | undefined {
    if (this.#ring.size === 0) return undefined;
    const key = this.#used === 1 ? 0 : hashKey(this.#algo, this.#type, input);
    if (key === undefined) return this.#ring.next(input.avoid);
    return this.#ring.lookup(key, input.avoid);
  }

  taken(): void {}
  dropped(): void {}
}

export { buildMap, weightGcd, mapWeight };
