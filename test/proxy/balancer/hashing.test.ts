// Hash-based balancing: consistent hashing moves only the leaving server's keys (measured), map-based moves
// most keys; missing inputs fall back to round robin; the avoided server is skipped on the ring.
import test from 'ava';
import { createBalancer } from '../../../src/proxy/balancer/index.js';
import type { HashType } from '../../../src/proxy/types.js';
import { fakeServers } from '../../helpers/backend-fixtures.js';

const KEYS = Array.from({ length: 3000 }, (_, i) => `/item/${i}/${(i * 7919) % 1000}`);
const CONS: HashType = { method: 'consistent', fn: 'sdbm', avalanche: true };
const MAPB: HashType = { method: 'map-based', fn: 'sdbm', avalanche: false };
const URI = { kind: 'uri', whole: false, pathOnly: false } as const;

function placement(hash: HashType, weights: number[], down: number[] = []): { names: (string | undefined)[]; counts: Record<string, number> } {
  const servers = fakeServers(weights);
  for (const d of down) servers[d]!.lbUsable = false;
  const b = createBalancer({ servers, allBackups: false, random32: () => 0 }, URI, hash);
  const names = KEYS.map((k) => b.pick({ uri: k })?.name);
  const counts: Record<string, number> = {};
  for (const n of names) counts[n!] = (counts[n!] ?? 0) + 1;
  return { names, counts };
}

test('consistent: removing a server moves exactly its own keys, and they spread over the others', (t) => {
  const before = placement(CONS, [1, 1, 1, 1, 1]);
  const after = placement(CONS, [1, 1, 1, 1, 1], [2]);
  let moved = 0;
  KEYS.forEach((_, i) => {
    if (before.names[i] !== after.names[i]) {
      moved++;
      t.is(before.names[i], 's3', 'only keys of the removed server may move');
    }
  });
  t.is(moved, before.counts.s3 ?? -1);
  t.true(moved / KEYS.length < 0.35, `moved ${moved}`);
  const gainers = Object.keys(after.counts).filter((n) => after.counts[n]! > before.counts[n]!);
  t.true(gainers.length >= 2, 'the moved keys are shared by several servers');
});

test('consistent: weight shares follow uweight (16 points per unit of weight)', (t) => {
  const { counts } = placement(CONS, [1, 3]);
  const share = counts.s2! / KEYS.length;
  t.true(share > 0.6 && share < 0.9, `share ${share}`);
});

test('map-based: removing a server moves most keys (hash % Σweights changes)', (t) => {
  const before = placement(MAPB, [1, 1, 1, 1, 1]);
  const after = placement(MAPB, [1, 1, 1, 1, 1], [2]);
  const moved = KEYS.filter((_, i) => before.names[i] !== after.names[i]).length;
  t.true(moved / KEYS.length > 0.6, `moved ${moved}`);
});

test('missing hash input falls back to round robin; the avoided server is skipped', (t) => {
  for (const hash of [CONS, MAPB]) {
    const b = createBalancer({ servers: fakeServers([1, 1, 1]), allBackups: false, random32: () => 0 }, { kind: 'url_param', param: 'id' }, hash);
    const seen = new Set<string>();
    for (let i = 0; i < 60; i++) seen.add(b.pick({ uri: '/no-query' })!.name);
    t.is(seen.size, 3, hash.method);
  }
  const servers = fakeServers([1, 1, 1]);
  const ring = createBalancer({ servers, allBackups: false, random32: () => 0 }, URI, CONS);
  for (const k of KEYS.slice(0, 200)) {
    const home = ring.pick({ uri: k })!;
    t.not(ring.pick({ uri: k, avoid: home })!.name, home.name);
  }
});

test('one usable server: no hashing, every key goes there', (t) => {
  const { counts } = placement(CONS, [1, 1], [0]);
  t.deepEqual(counts, { s2: KEYS.length });
});
