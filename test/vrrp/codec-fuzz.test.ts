// Property tests (fast-check): decode and validate never throw and always classify; decode∘encode is the identity for valid adverts.
import test from 'ava';
import fc from 'fast-check';
import { decodeIpv4Packet, encodeIpv4Packet } from '../../src/vrrp/codec.js';
import { validateAdvert, type RxExpectations } from '../../src/vrrp/validate.js';
import type { Advert, RejectReason, VrrpState } from '../../src/vrrp/types.js';

// Fixed seed keeps runs reproducible; set FC_SEED to explore others.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x5eed) });

const REASONS: ReadonlySet<RejectReason> = new Set<RejectReason>([
  'too-short', 'unknown-vrid', 'not-listening', 'packet-length', 'ttl', 'version', 'auth-type-invalid', 'auth-type-mismatch',
  'auth-failure', 'interval-mismatch', 'type', 'addr-count', 'ip-total-length', 'checksum', 'mcast-unicast-mismatch',
  'addr-list', 'unicast-src-not-peer', 'own-packet', 'not-ipv4', 'protocol',
]);

const ipArb = fc.tuple(fc.integer({ min: 1, max: 223 }), fc.nat(255), fc.nat(255), fc.integer({ min: 1, max: 254 })).map((p) => p.join('.'));
const dstArb = fc.oneof(ipArb, fc.constant('224.0.0.18'));

const advertArb: fc.Arbitrary<Advert> = fc.oneof(
  fc.record({
    version: fc.constant(2 as const),
    type: fc.constant(1),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.nat(255),
    addresses: fc.array(ipArb, { maxLength: 20 }),
    advertIntMs: fc.integer({ min: 1, max: 255 }).map((s) => s * 1000),
    authType: fc.constantFrom(0, 1),
    authData: fc.uint8Array({ minLength: 8, maxLength: 8 }).map((a) => Buffer.from(a)),
  }).map((a) => (a.authType === 0 ? { ...a, authData: Buffer.alloc(8) } : a)),
  fc.record({
    version: fc.constant(3 as const),
    type: fc.constant(1),
    vrid: fc.integer({ min: 1, max: 255 }),
    priority: fc.nat(255),
    addresses: fc.array(ipArb, { maxLength: 20 }),
    advertIntMs: fc.integer({ min: 1, max: 4095 }).map((cs) => cs * 10),
    authType: fc.constant(0),
    authData: fc.constant(Buffer.alloc(0)),
  }),
);

const stateArb = fc.constantFrom<VrrpState>('INIT', 'BACKUP', 'MASTER', 'FAULT', 'STOP');
const expArb: fc.Arbitrary<RxExpectations> = fc.record({
  vrid: fc.integer({ min: 1, max: 255 }),
  version: fc.constantFrom(2 as const, 3 as const),
  state: stateArb,
  advertIntMs: fc.integer({ min: 1, max: 5 }).map((s) => s * 1000),
  auth: fc.option(fc.record({ type: fc.constantFrom('PASS' as const, 'AH' as const), pass: fc.string({ maxLength: 10 }) }), { nil: undefined }),
  vips: fc.array(ipArb, { maxLength: 4 }),
  unicastPeers: fc.array(fc.record({ address: ipArb, minTtl: fc.option(fc.nat(255), { nil: undefined }) }), { maxLength: 3 }),
  checkUnicastSrc: fc.boolean(),
  ownAddresses: fc.array(ipArb, { maxLength: 2 }),
  checkAddresses: fc.boolean(),
});

test('decode never throws and every input is accepted or gets a known RejectReason', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 120 }), (bytes) => {
      const r = decodeIpv4Packet(bytes);
      return r.ok || (REASONS.has(r.reason) && r.detail.length > 0);
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('decode never throws on IPv4/VRRP-shaped random packets (header fixed, body random)', (t) => {
  const shaped = fc.tuple(fc.nat(255), fc.nat(255), fc.uint8Array({ maxLength: 80 })).map(([ttl, first, body]) =>
    Buffer.from([0x45, 0xc0, 0, 20 + body.length + 1, 0, 1, 0, 0, ttl, 112, 0, 0, 198, 18, 0, 1, 224, 0, 0, 18, first, ...body]),
  );
  fc.assert(fc.property(shaped, (pkt) => {
    const r = decodeIpv4Packet(pkt);
    return r.ok || REASONS.has(r.reason);
  }), { numRuns: 3000 });
  t.pass();
});

test('validate never throws and always classifies (random packets x random expectations)', (t) => {
  const pktArb = fc.tuple(advertArb, ipArb, dstArb, fc.nat(255), fc.nat(0xffff)).map(([a, src, dst, ttl, id]) => encodeIpv4Packet(a, { src, dst, id, ttl }));
  const mutated = fc.tuple(pktArb, fc.nat(200), fc.nat(255)).map(([p, off, val]) => {
    const out = Buffer.from(p);
    if (out.length > 0) out[off % out.length] = val;
    return out;
  });
  fc.assert(
    fc.property(fc.oneof(pktArb, mutated), expArb, (pkt, exp) => {
      const d = decodeIpv4Packet(pkt);
      if (!d.ok) return REASONS.has(d.reason);
      const v = validateAdvert(d, exp);
      return v.ok ? typeof v.priorityZero === 'boolean' : REASONS.has(v.reason) && v.detail.length > 0;
    }),
    { numRuns: 3000 },
  );
  t.pass();
});

test('decode(encode(advert)) returns the same advert and envelope', (t) => {
  fc.assert(
    fc.property(advertArb, ipArb, dstArb, fc.nat(0xffff), fc.nat(255), (advert, src, dst, id, ttl) => {
      const pkt = encodeIpv4Packet(advert, { src, dst, id, ttl });
      const d = decodeIpv4Packet(pkt);
      if (!d.ok) return false;
      const same =
        JSON.stringify({ ...d.advert, authData: [...d.advert.authData] }) === JSON.stringify({ ...advert, authData: [...advert.authData] });
      return same && d.env.src === src && d.env.dst === dst && d.env.id === id && d.env.ttl === ttl && d.env.totalLength === pkt.length && d.wire.ipHeaderChecksumOk;
    }),
    { numRuns: 2000 },
  );
  t.pass();
});

test('an encoded advert validates against the matching expectations', (t) => {
  fc.assert(
    fc.property(advertArb, ipArb, fc.boolean(), (raw, src, unicast) => {
      // keep PASS passwords ASCII so the configured string maps 1:1 onto the 8 auth bytes
      const advert: Advert = raw.authType === 1 ? { ...raw, authData: Buffer.from(raw.authData.map((b) => b & 0x7f)) } : raw;
      const dst = unicast ? '198.18.200.1' : '224.0.0.18';
      const pkt = encodeIpv4Packet(advert, { src, dst, id: 1 });
      const d = decodeIpv4Packet(pkt);
      if (!d.ok) return false;
      const exp: RxExpectations = {
        vrid: advert.vrid,
        version: advert.version,
        state: 'BACKUP',
        advertIntMs: advert.advertIntMs,
        auth: advert.authType === 1 ? { type: 'PASS', pass: advert.authData.toString('latin1') } : undefined,
        vips: [...advert.addresses].reverse(),
        unicastPeers: unicast ? [{ address: src }] : [],
      };
      return validateAdvert(d, exp).ok;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});
