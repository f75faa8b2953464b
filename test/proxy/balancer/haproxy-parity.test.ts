// Parity with the real haproxy 2.6 (Debian) on loopback: for the same servers, weights, ids and requests, our
// balancers choose the same server as haproxy does — round robin sequences, static-rr maps, and every hash input
// (uri/url_param/hdr/source) with every hash function, map-based and consistent, with and without avalanche.
import test from 'ava';
import { createBalancer } from '../../../src/proxy/balancer/index.js';
import type { BalanceAlgo, HashType } from '../../../src/proxy/types.js';
import { fakeServers } from '../../helpers/backend-fixtures.js';
import { ask, namedServers, startHaproxy, type Probe } from '../../helpers/backend-haproxy.js';

interface Scenario {
  readonly title: string;
  readonly balance: string; // haproxy `balance` line
  readonly hashType?: string; // haproxy `hash-type` line
  readonly algo: BalanceAlgo;
  readonly hash?: HashType;
  readonly weights: number[];
  readonly probes: Probe[];
}

const paths = Array.from({ length: 40 }, (_, i) => ({ path: `/static/${i % 7}/file-${i * 37}.css?v=${i}` }));
const params = Array.from({ length: 30 }, (_, i) => ({ path: `/app?a=1&user=u${i * 13}&z=${i}` }));
const hosts = Array.from({ length: 30 }, (_, i) => ({ host: `app${i}.shop${i * 13}.com` }));
const sources = Array.from({ length: 24 }, (_, i) => ({ localAddress: `127.0.${i}.${(i * 11) % 250 + 2}` }));
const plain = (n: number): Probe[] => Array.from({ length: n }, () => ({}));

const H = (method: HashType['method'], fn: HashType['fn'], avalanche: boolean): HashType => ({ method, fn, avalanche });

const SCENARIOS: Scenario[] = [
  { title: 'roundrobin 1:2', balance: 'roundrobin', algo: { kind: 'roundrobin' }, weights: [1, 2], probes: plain(12) },
  { title: 'roundrobin 1:3', balance: 'roundrobin', algo: { kind: 'roundrobin' }, weights: [1, 3], probes: plain(12) },
  { title: 'roundrobin 3:5', balance: 'roundrobin', algo: { kind: 'roundrobin' }, weights: [3, 5], probes: plain(16) },
  { title: 'roundrobin 2:3:5:1', balance: 'roundrobin', algo: { kind: 'roundrobin' }, weights: [2, 3, 5, 1], probes: plain(22) },
  { title: 'static-rr 1:2', balance: 'static-rr', algo: { kind: 'static-rr' }, weights: [1, 2], probes: plain(9) },
  { title: 'static-rr 2:4:6', balance: 'static-rr', algo: { kind: 'static-rr' }, weights: [2, 4, 6], probes: plain(12) },
  { title: 'uri map-based sdbm', balance: 'uri', hashType: 'map-based', algo: { kind: 'uri', whole: false, pathOnly: false }, hash: H('map-based', 'sdbm', false), weights: [1, 1, 1, 1], probes: paths },
  { title: 'uri whole map-based djb2 avalanche', balance: 'uri whole', hashType: 'map-based djb2 avalanche', algo: { kind: 'uri', whole: true, pathOnly: false }, hash: H('map-based', 'djb2', true), weights: [1, 2, 3], probes: paths },
  { title: 'uri depth 2 map-based wt6', balance: 'uri depth 2', hashType: 'map-based wt6', algo: { kind: 'uri', whole: false, depth: 2, pathOnly: false }, hash: H('map-based', 'wt6', false), weights: [1, 1, 1], probes: paths },
  { title: 'uri consistent (sdbm+avalanche)', balance: 'uri', hashType: 'consistent', algo: { kind: 'uri', whole: false, pathOnly: false }, hash: H('consistent', 'sdbm', true), weights: [1, 1, 1, 1], probes: paths },
  { title: 'uri len 12 consistent crc32', balance: 'uri len 12', hashType: 'consistent crc32', algo: { kind: 'uri', whole: false, len: 12, pathOnly: false }, hash: H('consistent', 'crc32', false), weights: [2, 1, 3], probes: paths },
  { title: 'url_param consistent wt6 avalanche', balance: 'url_param user', hashType: 'consistent wt6 avalanche', algo: { kind: 'url_param', param: 'user' }, hash: H('consistent', 'wt6', true), weights: [1, 1, 1], probes: params },
  { title: 'hdr(host) use_domain_only map-based crc32', balance: 'hdr(host) use_domain_only', hashType: 'map-based crc32', algo: { kind: 'hdr', header: 'host', useDomainOnly: true }, hash: H('map-based', 'crc32', false), weights: [1, 1, 1, 1], probes: hosts },
  { title: 'hdr(host) consistent djb2', balance: 'hdr(host)', hashType: 'consistent djb2', algo: { kind: 'hdr', header: 'host', useDomainOnly: false }, hash: H('consistent', 'djb2', false), weights: [1, 1, 1], probes: hosts },
  { title: 'source map-based', balance: 'source', hashType: 'map-based', algo: { kind: 'source' }, hash: H('map-based', 'sdbm', false), weights: [1, 1, 1], probes: sources },
  { title: 'source consistent', balance: 'source', hashType: 'consistent', algo: { kind: 'source' }, hash: H('consistent', 'sdbm', true), weights: [1, 1, 1, 1], probes: sources },
];

let backends: Awaited<ReturnType<typeof namedServers>>;
test.before(async () => {
  backends = await namedServers(4);
});
test.after.always(async () => {
  await backends?.close();
});

for (const sc of SCENARIOS) {
  test.serial(`same choices as haproxy 2.6: ${sc.title}`, async (t) => {
    const lines = [`  balance ${sc.balance}`];
    if (sc.hashType) lines.push(`  hash-type ${sc.hashType}`);
    sc.weights.forEach((w, i) => lines.push(`  server s${i + 1} 127.0.0.1:${backends.ports[i]} weight ${w}`));
    const hap = await startHaproxy(lines.join('\n'));
    let theirs: string[];
    try {
      theirs = [];
      for (const p of sc.probes) theirs.push(await ask(hap.port, p));
    } finally {
      await hap.stop();
    }
    const b = createBalancer(
      { servers: fakeServers(sc.weights), allBackups: false, random32: () => 0 },
      sc.algo,
      sc.hash ?? H('map-based', 'sdbm', false),
    );
    const ours = sc.probes.map((p) =>
      b.pick({ uri: p.path ?? '/', clientIp: p.localAddress ?? '127.0.0.1', header: (n) => (n.toLowerCase() === 'host' ? p.host ?? `127.0.0.1:${hap.port}` : undefined) })?.name,
    );
    t.deepEqual(ours, theirs, sc.title);
    // The scenario must exercise more than one server, or it proves nothing.
    t.true(new Set(theirs).size > 1, `${sc.title}: haproxy used ${[...new Set(theirs)].join(',')}`);
  });
}
