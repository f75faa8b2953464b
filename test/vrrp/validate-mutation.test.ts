// One-byte mutation tables over real adverts (style of keepalived's test/auth_hmac_test.c): offset -> expected verdict.
import test from 'ava';
import fs from 'node:fs';
import { decodeIpv4Packet } from '../../src/vrrp/codec.js';
import { validateAdvert, type RxExpectations } from '../../src/vrrp/validate.js';
import type { RejectReason } from '../../src/vrrp/types.js';
import { fixture } from '../helpers/paths.js';
import { fixVrrpChecksum, fromHex, ipv4, vrrpV3 } from '../helpers/vrrp-bytes.js';

type Verdict = RejectReason | 'ok';
interface Mutation {
  what: string;
  offset: number; // into the IPv4 packet
  value: number; // byte written there
  verdict: Verdict;
  /** The sender recomputed the VRRP checksum after the change (a well-formed but different advert). */
  fixChecksum?: boolean;
}

function verdict(pkt: Buffer, exp: RxExpectations): Verdict {
  const d = decodeIpv4Packet(pkt);
  if (!d.ok) return d.reason;
  const v = validateAdvert(d, exp);
  return v.ok ? 'ok' : v.reason;
}

function runTable(title: string, base: Buffer, exp: RxExpectations, table: Mutation[]): void {
  test(`${title}: the unmodified packet is accepted`, (t) => t.is(verdict(base, exp), 'ok'));
  for (const m of table) {
    test(`${title}: byte ${m.offset} = 0x${m.value.toString(16)} (${m.what}${m.fixChecksum ? ', checksum recomputed' : ''}) -> ${m.verdict}`, (t) => {
      t.not(base[m.offset], m.value, 'the mutation must change the byte');
      let pkt: Buffer = Buffer.from(base);
      pkt[m.offset] = m.value;
      if (m.fixChecksum) pkt = fixVrrpChecksum(pkt);
      t.is(verdict(pkt, exp), m.verdict);
    });
  }
}

// keepalived 2.2.7 frame 7 as received by lb2 (198.18.0.12): v2 unicast, vrid 80, prio 121, PASS 1111.
const capture = JSON.parse(fs.readFileSync(fixture('vrrp', 'keepalived-2.2.7-capture.json'), 'utf8')) as { frames: { ethernetHex: string }[] };
const v2pkt = Buffer.from(fromHex(capture.frames[0]?.ethernetHex ?? "").subarray(14));
const lb2: RxExpectations = {
  vrid: 80,
  version: 2,
  state: 'BACKUP',
  advertIntMs: 2000,
  auth: { type: 'PASS', pass: '1111' },
  vips: ['198.18.0.10'],
  unicastPeers: [{ address: '198.18.0.11' }],
  checkUnicastSrc: true,
  ownAddresses: ['198.18.0.12'],
};

// 45 c0 00 28 00 01 00 00 ff 70 2e 69 c6 12 00 0b c6 12 00 0c | 21 50 79 01 01 02 3c 2d c6 12 00 0a 31 31 31 31 00 00 00 00
runTable('v2 unicast PASS capture', v2pkt, lb2, [
  { what: 'IP version 5', offset: 0, value: 0x55, verdict: 'not-ipv4' },
  { what: 'IHL 6 shifts the VRRP header', offset: 0, value: 0x46, verdict: 'version' },
  { what: 'TOS', offset: 1, value: 0x00, verdict: 'ok' },
  { what: 'total length high byte', offset: 2, value: 0x01, verdict: 'ip-total-length' },
  { what: 'total length low byte', offset: 3, value: 0x29, verdict: 'ip-total-length' },
  { what: 'IP ID', offset: 5, value: 0x99, verdict: 'ok' },
  { what: 'DF flag', offset: 6, value: 0x40, verdict: 'ok' },
  { what: 'TTL 64 (unicast: not checked)', offset: 8, value: 0x40, verdict: 'ok' },
  { what: 'protocol UDP', offset: 9, value: 0x11, verdict: 'protocol' },
  { what: 'protocol AH', offset: 9, value: 0x33, verdict: 'protocol' },
  { what: 'IP header checksum (kernel-verified)', offset: 10, value: 0x00, verdict: 'ok' },
  { what: 'source 198.18.0.13 (v2 checksum does not cover it)', offset: 15, value: 0x0d, verdict: 'unicast-src-not-peer' },
  { what: 'source = our own address (not a peer: checked first)', offset: 15, value: 0x0c, verdict: 'unicast-src-not-peer' },
  { what: 'destination 224.18.0.12 (multicast)', offset: 16, value: 0xe0, verdict: 'mcast-unicast-mismatch' },
  { what: 'destination another unicast address', offset: 19, value: 0x0d, verdict: 'ok' },
  { what: 'version 3 (v3 length is 32)', offset: 20, value: 0x31, verdict: 'packet-length' },
  { what: 'version 1', offset: 20, value: 0x11, verdict: 'version' },
  { what: 'type 2', offset: 20, value: 0x22, verdict: 'type' },
  { what: 'VRID 81', offset: 21, value: 0x51, verdict: 'unknown-vrid' },
  { what: 'priority', offset: 22, value: 0x78, verdict: 'checksum' },
  { what: 'priority', offset: 22, value: 0x78, verdict: 'ok', fixChecksum: true },
  { what: 'count 2', offset: 23, value: 0x02, verdict: 'packet-length' },
  { what: 'count 0', offset: 23, value: 0x00, verdict: 'packet-length' },
  { what: 'auth type none', offset: 24, value: 0x00, verdict: 'auth-type-mismatch' },
  { what: 'auth type AH', offset: 24, value: 0x02, verdict: 'auth-type-mismatch' },
  { what: 'auth type 3', offset: 24, value: 0x03, verdict: 'auth-type-invalid' },
  { what: 'adver int 1', offset: 25, value: 0x01, verdict: 'interval-mismatch' },
  { what: 'checksum high byte', offset: 26, value: 0x00, verdict: 'checksum' },
  { what: 'checksum low byte', offset: 27, value: 0x2e, verdict: 'checksum' },
  { what: 'VIP last byte', offset: 31, value: 0x0b, verdict: 'checksum' },
  { what: 'VIP last byte', offset: 31, value: 0x0b, verdict: 'addr-list', fixChecksum: true },
  { what: 'first password byte', offset: 32, value: 0x32, verdict: 'auth-failure' },
  { what: 'password padding byte', offset: 39, value: 0x01, verdict: 'auth-failure' },
]);

// A v3 multicast advert from the independent builder: 198.18.0.11 -> 224.0.0.18, vrid 51, prio 150, 1 s.
const v3pkt = ipv4(
  { src: '198.18.0.11', dst: '224.0.0.18', id: 300 },
  vrrpV3({ vrid: 51, priority: 150, addresses: ['198.18.0.100'], intervalCs: 100, src: '198.18.0.11', dst: '224.0.0.18' }),
);
const v3backup: RxExpectations = { vrid: 51, version: 3, state: 'BACKUP', advertIntMs: 1000, vips: ['198.18.0.100'], unicastPeers: [], ownAddresses: ['198.18.0.12'] };

// 45 c0 00 20 01 2c 00 00 ff 70 .. .. c6 12 00 0b e0 00 00 12 | 31 33 96 01 00 64 .. .. c6 12 00 64
runTable('v3 multicast vector', v3pkt, v3backup, [
  { what: 'TTL 254', offset: 8, value: 0xfe, verdict: 'ttl' },
  { what: 'TTL 1', offset: 8, value: 0x01, verdict: 'ttl' },
  { what: 'source (covered by the pseudo-header)', offset: 15, value: 0x0d, verdict: 'checksum' },
  { what: 'source = our own address', offset: 15, value: 0x0c, verdict: 'own-packet', fixChecksum: true },
  { what: 'destination 224.0.0.19', offset: 19, value: 0x13, verdict: 'checksum' },
  { what: 'destination unicast', offset: 16, value: 0xc6, verdict: 'checksum' },
  { what: 'destination unicast', offset: 16, value: 0xc6, verdict: 'mcast-unicast-mismatch', fixChecksum: true },
  { what: 'version 2 (v2 length is 40)', offset: 20, value: 0x21, verdict: 'packet-length' },
  { what: 'VRID 52', offset: 21, value: 0x34, verdict: 'unknown-vrid' },
  { what: 'priority 0', offset: 22, value: 0x00, verdict: 'ok', fixChecksum: true },
  { what: 'count 0', offset: 23, value: 0x00, verdict: 'packet-length' },
  { what: 'reserved bits', offset: 24, value: 0xf0, verdict: 'checksum' },
  { what: 'reserved bits (ignored)', offset: 24, value: 0xf0, verdict: 'ok', fixChecksum: true },
  { what: 'interval 0.5 s (v3: adopted, not checked)', offset: 25, value: 0x32, verdict: 'ok', fixChecksum: true },
  { what: 'VIP', offset: 31, value: 0x65, verdict: 'addr-list', fixChecksum: true },
]);
