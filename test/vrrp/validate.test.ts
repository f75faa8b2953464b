// Receive validation: one table row per reject reason (with its detail), keepalived's check order, and expectationsFor.
import test from 'ava';
import { decodeIpv4Packet, type DecodedPacket } from '../../src/vrrp/codec.js';
import { expectationsFor, passwordField, validateAdvert, type RxExpectations } from '../../src/vrrp/validate.js';
import type { InstanceConfig, RejectReason } from '../../src/vrrp/types.js';
import { ipv4, vrrpV2, vrrpV3, type IpFields, type V2Fields } from '../helpers/vrrp-bytes.js';
import { loadInstance } from '../helpers/kaconf.js';

const SRC = '198.18.0.11';
const MCAST = '224.0.0.18';

function dec(buf: Buffer): DecodedPacket {
  const r = decodeIpv4Packet(buf);
  if (!r.ok) throw new Error(`decode: ${r.reason} ${r.detail}`);
  return r;
}

const v2Fields: V2Fields = { vrid: 7, priority: 100, addresses: ['198.18.0.100', '198.18.0.101'], intervalSec: 1 };
const v2 = (f: Partial<V2Fields> = {}, ip: Partial<IpFields> = {}): Buffer => ipv4({ src: SRC, dst: MCAST, ...ip }, vrrpV2({ ...v2Fields, ...f }));
const v3 = (ip: Partial<IpFields> = {}, prio = 100, addrs = ['198.18.0.100', '198.18.0.101']): Buffer => {
  const src = ip.src ?? SRC;
  const dst = ip.dst ?? MCAST;
  return ipv4({ src, dst, ...ip }, vrrpV3({ vrid: 7, priority: prio, addresses: addrs, intervalCs: 100, src, dst }));
};

const mcastExp: RxExpectations = {
  vrid: 7,
  version: 2,
  state: 'BACKUP',
  advertIntMs: 1000,
  vips: ['198.18.0.101', '198.18.0.100'], // order irrelevant
  unicastPeers: [],
  ownAddresses: ['198.18.0.12'],
};
const unicastExp: RxExpectations = { ...mcastExp, unicastPeers: [{ address: SRC }, { address: '198.18.0.13' }] };
const passExp: RxExpectations = { ...mcastExp, auth: { type: 'PASS', pass: 'secret' } };
const v3Exp: RxExpectations = { ...mcastExp, version: 3 };

interface Row {
  name: string;
  pkt: Buffer;
  exp: RxExpectations;
  reason: RejectReason | 'ok';
  detail?: RegExp;
}

const rows: Row[] = [
  { name: 'valid v2 multicast advert', pkt: v2(), exp: mcastExp, reason: 'ok' },
  { name: 'valid v3 multicast advert', pkt: v3(), exp: v3Exp, reason: 'ok' },
  { name: 'valid v2 PASS advert', pkt: v2({ authType: 1, password: 'secret' }), exp: passExp, reason: 'ok' },
  { name: 'valid unicast advert with any TTL', pkt: v2({}, { dst: '198.18.0.12', ttl: 3 }), exp: unicastExp, reason: 'ok' },
  { name: 'VRID not ours', pkt: v2({ vrid: 8 }), exp: mcastExp, reason: 'unknown-vrid', detail: /^vrid 8, expected 7$/ },
  { name: 'instance in FAULT', pkt: v2(), exp: { ...mcastExp, state: 'FAULT' }, reason: 'not-listening', detail: /FAULT/ },
  { name: 'instance in INIT', pkt: v2(), exp: { ...mcastExp, state: 'INIT' }, reason: 'not-listening', detail: /INIT/ },
  { name: 'instance configured for AH', pkt: v2({ authType: 2 }), exp: { ...mcastExp, auth: { type: 'AH', pass: 'x' } }, reason: 'auth-type-mismatch', detail: /AH/ },
  { name: 'count says 3 but 2 present', pkt: v2({ count: 3 }), exp: mcastExp, reason: 'packet-length', detail: /too short: length 44, expected 48/ },
  { name: 'trailing padding', pkt: Buffer.concat([v2(), Buffer.alloc(4)]), exp: mcastExp, reason: 'packet-length', detail: /too long: length 48, expected 44/ },
  { name: 'multicast TTL 254', pkt: v2({}, { ttl: 254 }), exp: mcastExp, reason: 'ttl', detail: /^ttl 254, expected 255$/ },
  { name: 'v3 advert on a v2 instance with the v3 length', pkt: v3(), exp: mcastExp, reason: 'version', detail: /^version 3, expected 2$/ },
  { name: 'v2 advert on a v3 instance', pkt: v2(), exp: v3Exp, reason: 'version', detail: /^version 2, expected 3$/ },
  { name: 'auth type 5', pkt: v2({ authType: 5 }), exp: mcastExp, reason: 'auth-type-invalid', detail: /auth type 5/ },
  { name: 'PASS advert to a no-auth instance', pkt: v2({ authType: 1, password: 'secret' }), exp: mcastExp, reason: 'auth-type-mismatch', detail: /PASS, expected none/ },
  { name: 'no-auth advert to a PASS instance', pkt: v2(), exp: passExp, reason: 'auth-type-mismatch', detail: /none, expected PASS/ },
  { name: 'wrong password', pkt: v2({ authType: 1, password: 'secreT' }), exp: passExp, reason: 'auth-failure' },
  { name: 'password longer than 8 compares the first 8', pkt: v2({ authType: 1, password: 'longpass' }), exp: { ...passExp, auth: { type: 'PASS', pass: 'longpassword' } }, reason: 'ok' },
  { name: 'v2 interval 2 s vs ours 1 s', pkt: v2({ intervalSec: 2 }), exp: mcastExp, reason: 'interval-mismatch', detail: /adver int 2 s, expected 1 s/ },
  { name: 'type 2', pkt: v2({ type: 2 }), exp: mcastExp, reason: 'type', detail: /^type 2, expected 1$/ },
  { name: 'one VIP advertised, two configured', pkt: v2({ addresses: ['198.18.0.100'] }), exp: mcastExp, reason: 'addr-count', detail: /count 1, expected 2/ },
  { name: 'IP total length lies', pkt: v2({}, { totalLength: 60 }), exp: mcastExp, reason: 'ip-total-length', detail: /total length 60, received 44/ },
  { name: 'bad v2 checksum', pkt: corrupt(v2(), 20 + 6), exp: mcastExp, reason: 'checksum', detail: /^v2 checksum/ },
  { name: 'v3 checksum computed without pseudo-header', pkt: v3NoPseudo(), exp: v3Exp, reason: 'checksum', detail: /pseudo-header/ },
  { name: 'unicast packet on a multicast instance', pkt: v2({}, { dst: '198.18.0.12' }), exp: mcastExp, reason: 'mcast-unicast-mismatch', detail: /expected multicast/ },
  { name: 'multicast packet on a unicast instance', pkt: v2(), exp: unicastExp, reason: 'mcast-unicast-mismatch', detail: /expected unicast/ },
  { name: 'different VIP list of the same size', pkt: v2({ addresses: ['198.18.0.100', '198.18.0.102'] }), exp: mcastExp, reason: 'addr-list', detail: /VIP 198\.18\.0\.101/ },
  { name: 'unicast source not a peer (check_unicast_src)', pkt: v2({}, { src: '198.18.0.99', dst: '198.18.0.12' }), exp: { ...unicastExp, checkUnicastSrc: true }, reason: 'unicast-src-not-peer', detail: /198\.18\.0\.99/ },
  { name: 'unicast source not a peer, no check configured', pkt: v2({}, { src: '198.18.0.99', dst: '198.18.0.12' }), exp: unicastExp, reason: 'ok' },
  { name: 'min_ttl implies source checking', pkt: v2({}, { src: '198.18.0.99', dst: '198.18.0.12' }), exp: { ...unicastExp, unicastPeers: [{ address: SRC, minTtl: 250 }] }, reason: 'unicast-src-not-peer' },
  { name: 'peer TTL below min_ttl', pkt: v2({}, { dst: '198.18.0.12', ttl: 200 }), exp: { ...unicastExp, unicastPeers: [{ address: SRC, minTtl: 250 }] }, reason: 'ttl', detail: /ttl 200 not in range 250 - 255/ },
  { name: 'peer TTL above max_ttl', pkt: v2({}, { dst: '198.18.0.12', ttl: 255 }), exp: { ...unicastExp, unicastPeers: [{ address: SRC, maxTtl: 64 }] }, reason: 'ttl', detail: /range 0 - 64/ },
  { name: 'our own advert looped back', pkt: v2({}, { src: '198.18.0.12' }), exp: mcastExp, reason: 'own-packet', detail: /198\.18\.0\.12/ },
  { name: 'skip_check_adv_addr skips count/list checks', pkt: v2({ addresses: ['198.18.0.200'] }), exp: { ...mcastExp, checkAddresses: false }, reason: 'ok' },
  // keepalived's order: the earliest failing check wins
  { name: 'order: wrong VRID beats wrong TTL', pkt: v2({ vrid: 9 }, { ttl: 1 }), exp: mcastExp, reason: 'unknown-vrid' },
  { name: 'order: TTL beats version', pkt: v3({ ttl: 1 }), exp: mcastExp, reason: 'ttl' },
  { name: 'order: a truncated v3 packet fails on length before version', pkt: v3({}, 100, ['198.18.0.100', '198.18.0.101', '198.18.0.102', '198.18.0.103']).subarray(0, 40), exp: mcastExp, reason: 'packet-length' },
  { name: 'order: interval mismatch beats bad checksum', pkt: corrupt(v2({ intervalSec: 3 }), 27), exp: mcastExp, reason: 'interval-mismatch' },
  { name: 'order: address count beats IP total length', pkt: v2({ addresses: ['198.18.0.100'] }, { totalLength: 99 }), exp: mcastExp, reason: 'addr-count' },
  { name: 'order: checksum beats multicast mismatch', pkt: corrupt(v2({}, { dst: '198.18.0.12' }), 27), exp: mcastExp, reason: 'checksum' },
  { name: 'priority 0 is valid', pkt: v2({ priority: 0 }), exp: mcastExp, reason: 'ok' },
];

function corrupt(pkt: Buffer, offset: number): Buffer {
  const out = Buffer.from(pkt);
  out[offset] = (out[offset] as number) ^ 0x5a;
  return out;
}

/** A v3 packet whose checksum was computed like v2 (no pseudo-header): some vendors do that. */
function v3NoPseudo(): Buffer {
  const good = v3();
  const msg = good.subarray(20);
  msg[6] = 0;
  msg[7] = 0;
  let sum = 0;
  for (let i = 0; i < msg.length; i += 2) sum += msg.readUInt16BE(i);
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  msg.writeUInt16BE(~sum & 0xffff, 6);
  return good;
}

for (const row of rows) {
  test(`validate: ${row.name} -> ${row.reason}`, (t) => {
    const r = validateAdvert(dec(row.pkt), row.exp);
    if (row.reason === 'ok') {
      t.true(r.ok, r.ok ? '' : `${r.reason}: ${r.detail}`);
      return;
    }
    t.false(r.ok);
    if (!r.ok) {
      t.is(r.reason, row.reason, r.detail);
      if (row.detail) t.regex(r.detail, row.detail);
    }
  });
}

test('validate: priority 0 is flagged for the pri_zero_rcvd counter', (t) => {
  t.deepEqual(validateAdvert(dec(v2({ priority: 0 })), mcastExp), { ok: true, priorityZero: true });
  t.deepEqual(validateAdvert(dec(v2()), mcastExp), { ok: true, priorityZero: false });
});

test('validate: the password never appears in a detail', (t) => {
  const r = validateAdvert(dec(v2({ authType: 1, password: 'hunter2' })), passExp);
  t.false(r.ok);
  if (!r.ok) {
    t.notRegex(r.detail, /hunter2|secret/);
  }
});

test('passwordField: zero padded / truncated to 8 bytes', (t) => {
  t.is(passwordField('1111').toString('hex'), '3131313100000000');
  t.is(passwordField('123456789').toString('latin1'), '12345678');
  t.is(passwordField('').length, 8);
});

test('expectationsFor: built from the instance config (v3 drops auth)', (t) => {
  const inst = {
    name: 'VI_1',
    vrid: 51,
    version: 3,
    advertIntMs: 500,
    auth: { type: 'PASS', pass: 'x' },
    vips: [{ address: '198.18.0.10', prefix: 32, noTrack: false }],
    unicastPeers: [{ address: '198.18.0.12', minTtl: 250, where: { file: 'k', line: 1 } }],
  } as unknown as InstanceConfig;
  const exp = expectationsFor(inst, 'BACKUP', ['198.18.0.11']);
  t.like(exp, { vrid: 51, version: 3, state: 'BACKUP', advertIntMs: 500, auth: undefined, vips: ['198.18.0.10'], ownAddresses: ['198.18.0.11'] });
  t.is(exp.unicastPeers[0]?.minTtl, 250);
  const v2inst = expectationsFor({ ...inst, version: 2 } as InstanceConfig, 'MASTER', []);
  t.deepEqual(v2inst.auth, { type: 'PASS', pass: 'x' });
});

test('expectationsFor: check_unicast_src from the loaded config rejects a unicast advert from a non-peer', (t) => {
  const { inst } = loadInstance('check_unicast_src\nunicast_src_ip 198.18.0.12\nunicast_peer {\n198.18.0.13\n}', '');
  const pkt = dec(v2({}, { src: '198.18.0.99', dst: '198.18.0.12' }));
  const checked = validateAdvert(pkt, { ...expectationsFor(inst, 'BACKUP', ['198.18.0.12']), vrid: 7, vips: ['198.18.0.101', '198.18.0.100'] });
  t.like(checked, { ok: false, reason: 'unicast-src-not-peer' });
  const { inst: lax } = loadInstance('unicast_src_ip 198.18.0.12\nunicast_peer {\n198.18.0.13\n}', '');
  t.like(validateAdvert(pkt, { ...expectationsFor(lax, 'BACKUP', ['198.18.0.12']), vrid: 7, vips: ['198.18.0.101', '198.18.0.100'] }), { ok: true });
});
