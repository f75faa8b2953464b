// Codec: byte-identical to keepalived 2.2.7's captured adverts (encode and decode), v3 vectors from the independent builder, decode rejects.
import test from 'ava';
import fs from 'node:fs';
import { decodeIpv4Packet, encodeAdvert, encodeIpv4Packet, makeAdvert, nextIpId, compareIpv4, isIpv4Multicast, VrrpCodecError, type DecodedPacket } from '../../src/vrrp/codec.js';
import type { Advert, RejectReason } from '../../src/vrrp/types.js';
import { fixture } from '../helpers/paths.js';
import { fromHex, ipv4, vrrpV2, vrrpV3 } from '../helpers/vrrp-bytes.js';

interface Capture {
  instance: { version: 2; vrid: number; advertIntMs: number; authPass: string; vips: string[]; src: string; unicastPeer: string };
  frames: { name: string; ethernetHex: string; ipId: number; priority: number; ttl: number }[];
}
const capture = JSON.parse(fs.readFileSync(fixture('vrrp', 'keepalived-2.2.7-capture.json'), 'utf8')) as Capture;
const ci = capture.instance;

function decoded(buf: Buffer): DecodedPacket {
  const r = decodeIpv4Packet(buf);
  if (!r.ok) throw new Error(`decode failed: ${r.reason} ${r.detail}`);
  return r;
}

for (const frame of capture.frames) {
  const ip = fromHex(frame.ethernetHex).subarray(14); // strip the Ethernet header
  test(`capture ${frame.name}: our encoder produces keepalived's exact bytes`, (t) => {
    const advert = makeAdvert({ version: 2, vrid: ci.vrid, priority: frame.priority, vips: ci.vips, advertIntMs: ci.advertIntMs, authPass: ci.authPass });
    const ours = encodeIpv4Packet(advert, { src: ci.src, dst: ci.unicastPeer, id: frame.ipId, ttl: frame.ttl });
    t.is(ours.toString('hex'), ip.toString('hex'));
  });
  test(`capture ${frame.name}: decodes to the configured advert`, (t) => {
    const d = decoded(ip);
    t.like(d.env, { src: ci.src, dst: ci.unicastPeer, ttl: 255, tos: 0xc0, protocol: 112, totalLength: 40, id: frame.ipId });
    t.like(d.advert, { version: 2, type: 1, vrid: 80, priority: frame.priority, advertIntMs: 2000, authType: 1 });
    t.deepEqual(d.advert.addresses, ['198.18.0.10']);
    t.is(d.advert.authData.toString('hex'), '3131313100000000');
    t.like(d.wire, { received: 40, ihl: 20, naddr: 1, typeNibble: 1, fragment: 0, ipHeaderChecksumOk: true });
  });
}

const v3Vectors: { name: string; src: string; dst: string; vrid: number; priority: number; addresses: string[]; intervalCs: number; id: number }[] = [
  { name: 'multicast, 1 VIP, 1 s', src: '198.18.0.11', dst: '224.0.0.18', vrid: 51, priority: 150, addresses: ['198.18.0.100'], intervalCs: 100, id: 7 },
  { name: 'unicast, 3 VIPs, 0.5 s', src: '198.18.1.2', dst: '198.18.1.3', vrid: 255, priority: 254, addresses: ['198.18.5.1', '198.18.5.2', '198.18.5.3'], intervalCs: 50, id: 65535 },
  { name: 'no VIPs, max interval 40.95 s, priority 0', src: '198.19.255.254', dst: '224.0.0.18', vrid: 1, priority: 0, addresses: [], intervalCs: 4095, id: 1 },
];

for (const v of v3Vectors) {
  const expected = ipv4({ src: v.src, dst: v.dst, id: v.id }, vrrpV3({ ...v }));
  const advert: Advert = { version: 3, type: 1, vrid: v.vrid, priority: v.priority, addresses: v.addresses, advertIntMs: v.intervalCs * 10, authType: 0, authData: Buffer.alloc(0) };
  test(`v3 vector ${v.name}: encode matches the independent builder`, (t) => {
    t.is(encodeIpv4Packet(advert, { src: v.src, dst: v.dst, id: v.id }).toString('hex'), expected.toString('hex'));
    t.is(expected.length, 28 + 4 * v.addresses.length); // keepalived.md §1.3: IPv4 total length 28 + 4n
  });
  test(`v3 vector ${v.name}: decode recovers every field`, (t) => {
    const d = decoded(expected);
    t.deepEqual({ ...d.advert, authData: [...d.advert.authData] }, { ...advert, authData: [] });
    t.like(d.env, { src: v.src, dst: v.dst, id: v.id, ttl: 255, totalLength: expected.length });
  });
}

test('v3: reserved bits of the interval word are ignored on decode (keepalived masks 0x0FFF)', (t) => {
  const pkt = ipv4({ src: '198.18.0.1', dst: '224.0.0.18' }, vrrpV3({ vrid: 9, priority: 100, addresses: ['198.18.0.9'], intervalCs: 100, src: '198.18.0.1', dst: '224.0.0.18', reservedBits: 0xf }));
  t.is(decoded(pkt).advert.advertIntMs, 1000);
});

test('v2 without auth: 8 zero bytes trailer, total length 36 + 4n (keepalived.md §9.5)', (t) => {
  const advert = makeAdvert({ version: 2, vrid: 10, priority: 100, vips: ['198.18.0.50'], advertIntMs: 1000 });
  const pkt = encodeIpv4Packet(advert, { src: '198.18.0.1', dst: '224.0.0.18', id: 1 });
  const expected = ipv4({ src: '198.18.0.1', dst: '224.0.0.18', id: 1 }, vrrpV2({ vrid: 10, priority: 100, addresses: ['198.18.0.50'], intervalSec: 1 }));
  t.is(pkt.toString('hex'), expected.toString('hex'));
  t.is(pkt.length, 40);
});

test('encodeAdvert: v2 payload alone has the 16 + 4n layout; PASS is truncated to 8 bytes', (t) => {
  const advert = makeAdvert({ version: 2, vrid: 3, priority: 200, vips: ['198.18.0.5', '198.18.0.6'], advertIntMs: 3000, authPass: 'longpassword' });
  const payload = encodeAdvert(advert, { src: '198.18.0.1', dst: '224.0.0.18' });
  t.is(payload.length, 24);
  t.is(payload.subarray(16).toString('latin1'), 'longpass');
  t.deepEqual([...payload], vrrpV2({ vrid: 3, priority: 200, addresses: ['198.18.0.5', '198.18.0.6'], intervalSec: 3, authType: 1, password: 'longpass' }));
});

test('encodeIpv4Packet: unicast_ttl is honoured, DF is never set', (t) => {
  const advert = makeAdvert({ version: 3, vrid: 3, priority: 100, vips: ['198.18.0.5'], advertIntMs: 1000 });
  const pkt = encodeIpv4Packet(advert, { src: '198.18.0.1', dst: '198.18.0.2', id: 9, ttl: 64 });
  t.is(pkt[8], 64);
  t.is(pkt.readUInt16BE(6), 0);
  t.is(pkt[1], 0xc0);
});

const encodeErrors: { name: string; advert: Partial<Advert>; env?: { src: string; dst: string } }[] = [
  { name: 'v2 interval not whole seconds in range', advert: { version: 2, advertIntMs: 256_000 } },
  { name: 'v2 interval zero', advert: { version: 2, advertIntMs: 0 } },
  { name: 'v3 interval above 40.95 s', advert: { version: 3, advertIntMs: 41_000 } },
  { name: 'vrid above 255', advert: { vrid: 256 } },
  { name: 'priority negative', advert: { priority: -1 } },
  { name: 'address not IPv4', advert: { addresses: ['fe80::1'] } },
  { name: 'too many addresses', advert: { addresses: Array.from({ length: 256 }, () => '198.18.0.1') } },
  { name: 'v3 pseudo-header needs IPv4 src', advert: { version: 3, advertIntMs: 1000 }, env: { src: 'x', dst: '224.0.0.18' } },
];
for (const row of encodeErrors) {
  test(`encode rejects: ${row.name}`, (t) => {
    const base = makeAdvert({ version: 2, vrid: 1, priority: 100, vips: ['198.18.0.1'], advertIntMs: 1000 });
    const advert = { ...base, authData: row.advert.version === 3 ? Buffer.alloc(0) : base.authData, ...row.advert } as Advert;
    t.throws(() => encodeIpv4Packet(advert, { ...(row.env ?? { src: '198.18.0.2', dst: '224.0.0.18' }), id: 1 }));
  });
}

test('encode errors carry the stable code EVRRP_ENCODE', (t) => {
  const advert = makeAdvert({ version: 2, vrid: 1, priority: 100, vips: ['198.18.0.1'], advertIntMs: 1500_000 });
  const err = t.throws(() => encodeAdvert(advert, { src: '198.18.0.2', dst: '224.0.0.18' }), { instanceOf: VrrpCodecError });
  t.is(err?.code, 'EVRRP_ENCODE');
});

const good = ipv4({ src: '198.18.0.11', dst: '224.0.0.18' }, vrrpV2({ vrid: 1, priority: 100, addresses: ['198.18.0.10'], intervalSec: 1 }));
const decodeRejects: { name: string; bytes: Buffer; reason: RejectReason; detail: RegExp }[] = [
  { name: 'empty buffer', bytes: Buffer.alloc(0), reason: 'too-short', detail: /0 bytes/ },
  { name: 'IPv6 version nibble', bytes: Buffer.from([0x60, ...good.subarray(1)]), reason: 'not-ipv4', detail: /ip version 6/ },
  { name: 'IHL below 5', bytes: Buffer.from([0x44, ...good.subarray(1)]), reason: 'not-ipv4', detail: /header length 16/ },
  { name: 'IP header only', bytes: good.subarray(0, 20), reason: 'too-short', detail: /20 bytes, need 28/ },
  { name: 'IP header + 7 bytes', bytes: good.subarray(0, 27), reason: 'too-short', detail: /27 bytes/ },
  { name: 'IHL 15 but 40 bytes', bytes: Buffer.from([0x4f, ...good.subarray(1)]), reason: 'too-short', detail: /need 68/ },
  { name: 'protocol AH', bytes: Buffer.from([...good.subarray(0, 9), 51, ...good.subarray(10)]), reason: 'protocol', detail: /protocol 51.*AH/ },
  { name: 'protocol UDP', bytes: Buffer.from([...good.subarray(0, 9), 17, ...good.subarray(10)]), reason: 'protocol', detail: /protocol 17, expected 112/ },
  { name: 'VRRP version 4', bytes: Buffer.from([...good.subarray(0, 20), 0x41, ...good.subarray(21)]), reason: 'version', detail: /version 4/ },
];
for (const row of decodeRejects) {
  test(`decode rejects: ${row.name}`, (t) => {
    const r = decodeIpv4Packet(row.bytes);
    t.false(r.ok);
    if (!r.ok) {
      t.is(r.reason, row.reason);
      t.regex(r.detail, row.detail);
    }
  });
}

test('decode: a count larger than the data keeps the addresses that are present (validation rejects the length)', (t) => {
  const bytes = ipv4({ src: '198.18.0.11', dst: '224.0.0.18' }, vrrpV2({ vrid: 1, priority: 100, addresses: ['198.18.0.10'], intervalSec: 1, count: 9 }));
  const d = decoded(bytes);
  t.is(d.wire.naddr, 9);
  // 1 real address + the 8-byte auth trailer read as two more; never past the end of the buffer
  t.deepEqual(d.advert.addresses, ['198.18.0.10', '0.0.0.0', '0.0.0.0']);
  t.is(d.advert.authData.length, 0);
});

test('decode: IP options are skipped using IHL', (t) => {
  const base = fromHex(capture.frames[0]?.ethernetHex ?? '').subarray(14);
  const withOpts = Buffer.concat([base.subarray(0, 20), Buffer.from([1, 1, 1, 0]), base.subarray(20)]);
  withOpts[0] = 0x46;
  withOpts.writeUInt16BE(withOpts.length, 2);
  const d = decoded(withOpts);
  t.is(d.wire.ihl, 24);
  t.is(d.advert.priority, 121);
});

test('decode accepts Uint8Array views and does not copy the message', (t) => {
  const backing = new Uint8Array(100);
  backing.set(good, 10);
  const view = backing.subarray(10, 10 + good.length);
  const d = decoded(view as unknown as Buffer);
  t.is(d.advert.vrid, 1);
  backing[10 + 21] = 77;
  t.is(d.wire.message[1], 77);
});

test('nextIpId: counts up and skips 0 on wrap (kernel would fill ID 0)', (t) => {
  t.is(nextIpId(0), 1);
  t.is(nextIpId(1), 2);
  t.is(nextIpId(65534), 65535);
  t.is(nextIpId(65535), 1);
});

const ipCompare: [string, string, number][] = [
  ['198.18.0.11', '198.18.0.12', -1],
  ['198.18.0.12', '198.18.0.11', 1],
  ['198.18.0.11', '198.18.0.11', 0],
  ['200.0.0.1', '10.0.0.1', 1], // unsigned: 200.x must not compare as negative
  ['255.255.255.255', '0.0.0.0', 1],
];
for (const [a, b, want] of ipCompare) {
  test(`compareIpv4 ${a} vs ${b} = ${want}`, (t) => t.is(compareIpv4(a, b), want));
}

test('isIpv4Multicast: 224.0.0.0/4 only', (t) => {
  t.true(isIpv4Multicast('224.0.0.18'));
  t.true(isIpv4Multicast('239.255.255.255'));
  t.false(isIpv4Multicast('223.255.255.255'));
  t.false(isIpv4Multicast('240.0.0.1'));
  t.false(isIpv4Multicast('198.18.0.12'));
  t.false(isIpv4Multicast('not-an-ip'));
});

test('decode never throws on values that are not byte buffers', (t) => {
  for (const v of [undefined, null, 'abc', 42, {}, [1, 2, 3]]) {
    const r = decodeIpv4Packet(v as unknown as Uint8Array);
    t.false(r.ok);
  }
});
