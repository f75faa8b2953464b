// Balancer factory: `balance` + `hash-type` of a backend -> one Balancer (table of constructors per algorithm).
import { First } from './first.js';
import { ConsistentHash, MapHash } from './hashing.js';
import { LeastConn } from './leastconn.js';
import { RandomDraws } from './random.js';
import { RoundRobin } from './roundrobin.js';
import { StaticRoundRobin } from './static-rr.js';
import type { BalanceAlgo, HashType } from '../types.js';
import type { Balancer, BalancerContext } from './types.js';

export type { Balancer, BalancerContext, LbServer, PickInput } from './types.js';
export { isFull } from './types.js';
export { lbGroup, inLb, buildMap, weightGcd } from './group.js';
export { sdbm, djb2, wt6, crc32, fullHash, hashString } from './hash.js';
export { ChashRing } from './chash-ring.js';

const FACTORIES: { readonly [K in BalanceAlgo['kind']]: (ctx: BalancerContext, algo: Extract<BalanceAlgo, { kind: K }>, hash: HashType) => Balancer } = {
  roundrobin: (ctx) => new RoundRobin(ctx),
  'static-rr': (ctx) => new StaticRoundRobin(ctx),
  leastconn: (ctx) => new LeastConn(ctx),
  first: (ctx) => new First(ctx),
  random: (ctx, a) => new RandomDraws(ctx, a.draws),
  source: (ctx, a, h) => hashed(ctx, a, h),
  uri: (ctx, a, h) => hashed(ctx, a, h),
  hdr: (ctx, a, h) => hashed(ctx, a, h),
  url_param: (ctx, a, h) => hashed(ctx, a, h),
};

function hashed(ctx: BalancerContext, algo: Extract<BalanceAlgo, { kind: 'source' | 'uri' | 'hdr' | 'url_param' }>, h: HashType): Balancer {
  return h.method === 'consistent' ? new ConsistentHash(ctx, algo, h) : new MapHash(ctx, algo, h);
}

export function createBalancer(ctx: BalancerContext, algo: BalanceAlgo, hash: HashType): Balancer {
  return (FACTORIES[algo.kind] as (c: BalancerContext, a: BalanceAlgo, h: HashType) => Balancer)(ctx, algo, hash);
}

/** True for algorithms whose weights are static (runtime weight only 0 % or 100 %, no slowstart weight ramp). */
export function isStaticAlgo(algo: BalanceAlgo, hash: HashType): boolean {
  if (algo.kind === 'static-rr') return true;
  const hashing = algo.kind === 'source' || algo.kind === 'uri' || algo.kind === 'hdr' || algo.kind === 'url_param';
  return hashing && hash.method === 'map-based';
}
