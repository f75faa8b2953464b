// Hostile packets injected into a running pair: each is dropped, counted by reason in `hapair status --json`, nothing changes.
import test from 'ava';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import { encodeIpv4Packet, makeAdvert } from '../../src/vrrp/codec.js';
import type { RejectReason, VrrpStatus } from '../../src/vrrp/types.js';
import { requireRoot } from '../helpers/root.js';
import { outDir } from '../helpers/paths.js';
import { runCli } from '../helpers/proc.js';
import { startHapair, vipHolders, waitHolders } from '../helpers/lab-vrrp.js';
import { VIP, conf, nodeFiles } from '../helpers/lab-timeline.js';

const GROUP = '224.0.0.18';
const EVIL = '198.18.0.66';

interface Hostile {
  readonly what: string;
  readonly reason: RejectReason;
  readonly unmatched?: boolean; // counted per interface: no instance has that VRID
  readonly dst?: string;
  readonly bytes: () => Buffer;
}

function pkt(o: { vrid?: number; priority?: number; vips?: string[]; advertIntMs?: number; pass?: string | null; src?: string; dst?: string; ttl?: number; version?: 2 | 3 }): Buffer {
  const pass = o.pass === undefined ? 'secret12' : o.pass;
  const advert = makeAdvert({ version: o.version ?? 2, vrid: o.vrid ?? 51, priority: o.priority ?? 200, vips: o.vips ?? [VIP], advertIntMs: o.advertIntMs ?? 1000, ...(pass === null ? {} : { authPass: pass }) });
  return encodeIpv4Packet(advert, { src: o.src ?? EVIL, dst: o.dst ?? GROUP, id: 7, ...(o.ttl !== undefined ? { ttl: o.ttl } : {}) });
}

const HOSTILE: readonly Hostile[] = [
  { what: 'shorter than IP header + VRRP header', reason: 'too-short', bytes: () => pkt({}).subarray(0, 26) },
  {
    what: 'bad VRRP checksum',
    reason: 'checksum',
    bytes: () => {
      const b = Buffer.from(pkt({}));
      b[26] = (b[26] ?? 0) ^ 0xff;
      return b;
    },
  },
  {
    what: 'unknown version nibble (4)',
    reason: 'version',
    bytes: () => {
      const b = Buffer.from(pkt({}));
      b[20] = 0x41;
      return b;
    },
  },
  {
    // keepalived checks the length implied by the packet's own version/count (#6) before the version (#8).
    what: 'v3 nibble on a v2-sized packet',
    reason: 'packet-length',
    bytes: () => {
      const b = Buffer.from(pkt({}));
      b[20] = 0x31;
      return b;
    },
  },
  {
    // The type nibble is checked (#14) before the checksum (#17): the stale checksum does not matter.
    what: 'advert type 2',
    reason: 'type',
    bytes: () => {
      const b = Buffer.from(pkt({}));
      b[20] = 0x22;
      return b;
    },
  },
  { what: 'no authentication to a PASS instance', reason: 'auth-type-mismatch', bytes: () => pkt({ pass: null }) },
  { what: 'unconfigured VRID', reason: 'unknown-vrid', unmatched: true, bytes: () => pkt({ vrid: 99 }) },
  { what: 'TTL 254 on a multicast instance', reason: 'ttl', bytes: () => pkt({ ttl: 254 }) },
  { what: 'wrong auth_pass', reason: 'auth-failure', bytes: () => pkt({ pass: 'wrongpw!' }) },
  { what: 'v2 advert interval mismatch', reason: 'interval-mismatch', bytes: () => pkt({ advertIntMs: 2000 }) },
  { what: 'address count differs', reason: 'addr-count', bytes: () => pkt({ vips: [VIP, '198.18.0.101'] }) },
  { what: 'address list differs', reason: 'addr-list', bytes: () => pkt({ vips: ['198.18.0.101'] }) },
  { what: 'unicast destination on a multicast instance', reason: 'mcast-unicast-mismatch', dst: '198.18.0.12', bytes: () => pkt({ dst: '198.18.0.12' }) },
  // Priority below a's: a (which rightly accepts it as b's) keeps MASTER; b must see it as its own and drop it.
  { what: 'our own source address', reason: 'own-packet', bytes: () => pkt({ src: '198.18.0.12', priority: 120 }) },
];

test.serial('hostile adverts are dropped and counted by reason; the pair keeps its roles and keeps running', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  await lab.addNode({ name: 'evil', ip: EVIL });
  // The kernel drops packets claiming one of our own source addresses (martians) unless accept_local is set:
  // allow them in b's namespace so our own-packet check is what drops them.
  await lab.execOk('b', ['sysctl', '-q', '-w', 'net.ipv4.conf.all.accept_local=1', 'net.ipv4.conf.eth0.accept_local=1']);
  const fa = nodeFiles();
  const fb = nodeFiles();
  const hi = startHapair(lab, a, conf(a, b, 150, fa, { unicast: false, authPass: 'secret12' }), fa.dir);
  const lo = startHapair(lab, b, conf(b, a, 100, fb, { unicast: false, authPass: 'secret12' }), fb.dir);
  await waitHolders(lab, [hi, lo], VIP, ['a'], 8000);

  // The hostile packets claim priority 200: had any been accepted, b would see a better master and a would yield.
  for (const h of HOSTILE) {
    const dst = h.dst ?? GROUP;
    const out = await lab.execOk('evil', [process.execPath, path.join(outDir, 'test/helpers/lab-rawsend.js'), 'eth0', dst, h.bytes().toString('hex')]);
    t.regex(out, /sent 1/);
  }
  await new Promise((r) => setTimeout(r, 1500));

  // Exit status 1: no proxy runs on these nodes; the VRRP section is what this test reads.
  const res = await runCli(['status', '--run-dir', path.join(lo.dir, 'run'), '--json']);
  t.is(res.code, 1, res.stderr);
  const st = (JSON.parse(res.stdout) as { vrrp: VrrpStatus }).vrrp;
  t.is((st as { error?: string }).error, undefined);
  const inst = st.instances[0]!;
  const counted = Object.fromEntries(HOSTILE.map((h) => [h.what, h.unmatched ? st.unmatched?.eth0?.[h.reason] : inst.counters.rejected[h.reason]]));
  t.deepEqual(counted, Object.fromEntries(HOSTILE.map((h) => [h.what, 1])), `counters: ${JSON.stringify(inst.counters.rejected)} unmatched: ${JSON.stringify(st.unmatched)}`);
  t.is(inst.state, 'BACKUP');
  t.is(inst.masterSeen?.ip, '198.18.0.11');
  t.true(inst.counters.rx > 0);
  t.deepEqual(await vipHolders(lab, [hi, lo], VIP), ['a']);
  t.is(lo.daemon.child.exitCode, null, 'daemon still running');
  // One log line per reason (rate-limited until the next valid advert), not a flood.
  t.true(lo.daemon.lines.filter((l) => l.event === 'advert-rejected').length <= HOSTILE.length * 2);
  await lo.daemon.stop();
  await hi.daemon.stop();
});
