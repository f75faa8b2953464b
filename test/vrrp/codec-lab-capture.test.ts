// Codec vs real keepalived 2.2.7 adverts captured in a lab namespace: v3 multicast, v2 multicast, v3 unicast to two peers, priority 0 on stop.
import test from 'ava';
import fs from 'node:fs';
import { decodeIpv4Packet, encodeIpv4Packet, makeAdvert, nextIpId } from '../../src/vrrp/codec.js';
import { validateAdvert } from '../../src/vrrp/validate.js';
import { fixture } from '../helpers/paths.js';

interface Lab {
  instances: Record<string, { name: string; version: 2 | 3; advertIntMs: number; vips: string[] }>;
  frames: { frame: number; vrid: number; priority: number; ipId: number; src: string; dst: string; ipHex: string }[];
}
const lab = JSON.parse(fs.readFileSync(fixture('vrrp', 'keepalived-2.2.7-lab-capture.json'), 'utf8')) as Lab;

function inst(vrid: number): Lab['instances'][string] {
  const i = lab.instances[String(vrid)];
  if (!i) throw new Error(`no instance for vrid ${vrid}`);
  return i;
}

for (const f of lab.frames) {
  const i = inst(f.vrid);
  const title = `frame ${f.frame} (${i.name} v${i.version} -> ${f.dst}, prio ${f.priority}, id ${f.ipId})`;
  test(`lab capture ${title}: encoder output is byte-identical`, (t) => {
    const advert = makeAdvert({ version: i.version, vrid: f.vrid, priority: f.priority, vips: i.vips, advertIntMs: i.advertIntMs });
    t.is(encodeIpv4Packet(advert, { src: f.src, dst: f.dst, id: f.ipId }).toString('hex'), f.ipHex);
  });
  test(`lab capture ${title}: decodes and validates at a backup`, (t) => {
    const d = decodeIpv4Packet(Buffer.from(f.ipHex, 'hex'));
    if (!d.ok) return t.fail(`${d.reason}: ${d.detail}`);
    t.like(d.advert, { version: i.version, vrid: f.vrid, priority: f.priority, advertIntMs: i.advertIntMs });
    t.deepEqual(d.advert.addresses, i.vips);
    const unicast = f.dst !== '224.0.0.18';
    const v = validateAdvert(d, {
      vrid: f.vrid,
      version: i.version,
      state: 'BACKUP',
      advertIntMs: i.advertIntMs,
      vips: i.vips,
      unicastPeers: unicast ? [{ address: f.src }] : [],
      checkUnicastSrc: unicast,
      ownAddresses: [f.dst === '224.0.0.18' ? '198.18.7.2' : f.dst],
    });
    t.deepEqual(v, { ok: true, priorityZero: f.priority === 0 });
  });
}

test('lab capture: keepalived IP IDs are a per-instance counter from 1, shared by all unicast peers of one advert', (t) => {
  for (const vrid of Object.keys(lab.instances).map(Number)) {
    const ids = lab.frames.filter((f) => f.vrid === vrid).map((f) => f.ipId);
    const perAdvert = vrid === 63 ? ids.filter((_, k) => k % 2 === 0) : ids; // two peers per advert
    if (vrid === 63) t.deepEqual(ids.filter((_, k) => k % 2 === 1), perAdvert, 'same ID for both peers');
    t.is(perAdvert[0], 1);
    perAdvert.slice(1).forEach((id, k) => t.is(id, nextIpId(perAdvert[k] as number)));
  }
});

test('lab capture: the same v3 advert to two unicast peers differs only in dst and checksums', (t) => {
  const [a, b] = lab.frames.filter((f) => f.vrid === 63).slice(0, 2).map((f) => Buffer.from(f.ipHex, 'hex'));
  if (!a || !b) return t.fail('missing frames');
  const diff = [...a.keys()].filter((k) => a[k] !== b[k]);
  // 10/11 IP header checksum, 19 last byte of dst, 26/27 VRRP checksum (pseudo-header covers dst)
  t.deepEqual(diff.filter((k) => ![10, 11, 19, 26, 27].includes(k)), []);
  t.true(diff.includes(19) && (diff.includes(26) || diff.includes(27)));
});

test('lab capture: each instance sent exactly one priority-0 advert (per peer) on SIGTERM, as its last frame', (t) => {
  for (const vrid of [61, 62]) {
    const fr = lab.frames.filter((f) => f.vrid === vrid);
    t.deepEqual(fr.filter((f) => f.priority === 0).map((f) => f.frame), [fr.at(-1)?.frame]);
  }
  t.is(lab.frames.filter((f) => f.vrid === 63 && f.priority === 0).length, 2);
});
