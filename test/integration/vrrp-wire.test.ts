// Wire compatibility: hapair's adverts and GARPs are byte-identical to keepalived 2.2.7's for the same config and node.
import test from 'ava';
import { Lab, Capture, vrrpFrames, arpFrames, isKeepalivedGarp, exec, type LabNode } from '../../src/lab/index.js';
import { requireRoot } from '../helpers/root.js';
import { keepalivedConf, startHapair, startKeepalived, waitUntil, type VrrpNode } from '../helpers/lab-vrrp.js';

const VIP = '198.18.0.100';

interface Captured {
  readonly adverts: ReturnType<typeof vrrpFrames>;
  readonly garps: ReturnType<typeof arpFrames>;
  readonly file: string;
}

/** GARPs expected before stopping: first burst (5) + second burst after garp_master_delay 1 (5) + 2 refreshes. */
const GARPS = 12;

/**
 * Runs one implementation alone on node a until it has sent 3 adverts and GARPS gratuitous ARPs, stops it
 * (SIGTERM), returns what the bridge saw.
 */
async function capture(lab: Lab, node: LabNode, kind: 'hapair' | 'keepalived', conf: string): Promise<Captured> {
  const cap = await Capture.start(lab, { filter: ['vrrp', 'or', 'arp'] });
  const n: VrrpNode = kind === 'hapair' ? startHapair(lab, node, conf) : startKeepalived(lab, node, conf);
  const garps = () => arpFrames(cap.snapshot()).filter((g) => isKeepalivedGarp(g, VIP)).length;
  await waitUntil(() => vrrpFrames(cap.snapshot()).length >= 3 && garps() >= GARPS, 15_000, `${kind}: 3 adverts and ${GARPS} GARPs`);
  await n.daemon.stop('SIGTERM');
  // The stop advert (priority 0) follows the stop signal.
  await waitUntil(() => vrrpFrames(cap.snapshot()).some((f) => f.priority === 0), 5000, `${kind}: priority-0 advert`);
  const frames = await cap.stop();
  return { adverts: vrrpFrames(frames), garps: arpFrames(frames), file: cap.file };
}

const CASES: [string, string, number][] = [
  // [title, extra config lines, expected IP total length]
  ['v2 multicast with auth PASS, owner (priority 255)', 'v2', 40],
  ['v3 multicast at 0.5 s, owner (priority 255)', 'v3', 32],
];

for (const [title, v, len] of CASES) {
  test.serial(`wire bytes: ${title}`, async (t) => {
    if (!requireRoot(t)) return;
    const lab = await Lab.create();
    t.teardown(() => lab.teardown());
    const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
    await lab.addNode({ name: 'peer', ip: '198.18.0.12' });
    const conf = keepalivedConf({
      routerId: 'wire',
      priority: 255,
      state: 'MASTER',
      vips: [`${VIP}/24`],
      // Second GARP burst 1 s after becoming MASTER, then a refresh burst of 1 every second (keepalived.md §6.4).
      extra: ['garp_master_delay 1', 'garp_master_refresh 1', 'garp_master_refresh_repeat 1'],
      ...(v === 'v2' ? { authPass: '1111', advertInt: 1 } : { version: 3, advertInt: 0.5 }),
    });
    const k = await capture(lab, a, 'keepalived', conf);
    const h = await capture(lab, a, 'hapair', conf);
    const first = (c: Captured) => c.adverts.find((f) => f.priority === 255);
    const kf = first(k);
    const hf = first(h);
    t.truthy(kf && hf);
    t.is(kf!.ip.length, len);
    // Same node, same config: the whole IPv4 packet (header with IP ID 1, TOS 0xC0, TTL 255, checksums) is identical.
    t.is(hf!.ip.toString('hex'), kf!.ip.toString('hex'));
    t.is(hf!.srcMac, a.mac, 'adverts carry the NIC MAC, not 00:00:5e:00:01:xx');
    // The priority-0 stop advert differs from a regular one only in priority, IP ID and checksums.
    const kz = k.adverts.find((f) => f.priority === 0)!;
    const hz = h.adverts.find((f) => f.priority === 0)!;
    t.is(hz.ip.length, kz.ip.length);
    t.is(h.adverts.filter((f) => f.priority === 0).length, 1, 'exactly one priority-0 advert on stop');
    // Gratuitous ARPs: keepalived's frame; garp_master_repeat (5) at once, 5 more after garp_master_delay (1 s),
    // then garp_master_refresh bursts: both implementations reach GARPS (the capture waited for it) with the same gaps.
    const kg = k.garps.filter((g) => isKeepalivedGarp(g, VIP));
    const hg = h.garps.filter((g) => isKeepalivedGarp(g, VIP));
    t.true(kg.length >= GARPS, `keepalived GARPs: ${kg.length}`);
    t.true(hg.length >= GARPS, `hapair GARPs: ${hg.length}`);
    t.is(hg[0]!.senderMac, a.mac);
    // Takeover latency on the wire: first GARP after the first MASTER advert (keepalived: same loop, microseconds).
    t.log(`first GARP after first advert: keepalived ${((kg[0]!.ts - kf!.ts) * 1000).toFixed(1)} ms, hapair ${((hg[0]!.ts - hf!.ts) * 1000).toFixed(1)} ms`);
    for (const [who, g] of [['keepalived', kg], ['hapair', hg]] as const) {
      const first = g.slice(0, 5).map((x) => x.ts);
      t.true(first[4]! - first[0]! < 0.5, `${who}: first burst of 5 together (${(first[4]! - first[0]!).toFixed(3)} s)`);
      const gap = g[5]!.ts - g[0]!.ts;
      t.true(gap > 0.8 && gap < 2, `${who}: second burst ${gap.toFixed(3)} s after the first (garp_master_delay 1)`);
    }
    // tshark agrees that hapair's ARPs are gratuitous requests for the VIP.
    const ts = await exec(['tshark', '-r', h.file, '-Y', 'arp.isgratuitous == 1', '-T', 'fields', '-e', 'arp.opcode', '-e', 'arp.src.proto_ipv4', '-e', 'arp.dst.proto_ipv4', '-e', 'arp.dst.hw_mac'], { timeoutMs: 30_000 });
    const rows = ts.stdout.trim().split('\n').filter(Boolean);
    t.true(rows.length >= 5, ts.stderr);
    t.true(rows.every((r) => r === `1\t${VIP}\t${VIP}\tff:ff:ff:ff:ff:ff`), rows.join('|'));
  });
}
