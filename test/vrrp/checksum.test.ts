// Internet checksum and the VRRPv3 IPv4 pseudo-header: RFC 1071 vectors, keepalived capture values, cross-check with the test builder.
import test from 'ava';
import fc from 'fast-check';
import {
  internetChecksum,
  ipv4HeaderChecksum,
  ipv4PseudoHeader,
  onesComplementSum,
  vrrpV2Checksum,
  vrrpV3Checksum,
} from '../../src/vrrp/checksum.js';
import { fromHex, rfc1071 } from '../helpers/vrrp-bytes.js';

// Fixed seed keeps runs reproducible; set FC_SEED to explore others.
fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x5eed) });

const sumTable: { name: string; hex: string; sum: number; checksum: number }[] = [
  // RFC 1071 §3 worked example: 0001 f203 f4f5 f6f7 -> one's complement sum ddf2
  { name: 'RFC 1071 §3 example', hex: '0001f203f4f5f6f7', sum: 0xddf2, checksum: 0x220d },
  { name: 'empty', hex: '', sum: 0, checksum: 0xffff },
  { name: 'odd length pads a zero byte on the right', hex: '01', sum: 0x0100, checksum: 0xfeff },
  { name: 'end-around carry', hex: 'ffff0001', sum: 0x0001, checksum: 0xfffe },
  // keepalived 2.2.7 capture, frame 7: IPv4 header with checksum field zeroed -> 0x2e69 on the wire
  { name: 'capture IPv4 header', hex: '45c0002800010000ff700000c612000bc612000c', sum: 0xd196, checksum: 0x2e69 },
  // same frame, VRRPv2 message with checksum zeroed -> 0x3c2d on the wire
  { name: 'capture VRRPv2 message', hex: '215079010102' + '0000' + 'c612000a' + '3131313100000000', sum: 0xc3d2, checksum: 0x3c2d },
];

for (const row of sumTable) {
  test(`checksum: ${row.name}`, (t) => {
    const buf = fromHex(row.hex);
    t.is(onesComplementSum(buf), row.sum);
    t.is(internetChecksum(buf), row.checksum);
  });
}

test('checksum: a message including its own valid checksum verifies to 0', (t) => {
  t.is(ipv4HeaderChecksum(fromHex('45c0002800010000ff702e69c612000bc612000c')), 0);
  t.is(vrrpV2Checksum(fromHex('2150790101023c2dc612000a3131313100000000')), 0);
  // the priority-0 frame from the same capture
  t.is(vrrpV2Checksum(fromHex('215000010102b52dc612000a3131313100000000')), 0);
});

test('checksum: chaining with `initial` equals summing the concatenation', (t) => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 64 }).map((a) => a.subarray(0, a.length & ~1)), fc.uint8Array({ maxLength: 64 }), (a, b) => {
      const whole = Buffer.concat([Buffer.from(a), Buffer.from(b)]);
      return internetChecksum(b, onesComplementSum(a)) === internetChecksum(whole);
    }),
  );
  t.pass();
});

test('checksum: agrees with the independent test implementation on random data', (t) => {
  fc.assert(fc.property(fc.uint8Array({ maxLength: 300 }), (a) => internetChecksum(a) === rfc1071([...a])));
  t.pass();
});

test('pseudo-header: RFC 5798 §5.2.8 layout {src, dst, 0, 112, length}', (t) => {
  t.deepEqual([...ipv4PseudoHeader('198.18.0.11', '224.0.0.18', 12)], [198, 18, 0, 11, 224, 0, 0, 18, 0, 112, 0, 12]);
  t.deepEqual([...ipv4PseudoHeader('10.0.0.1', '10.0.0.2', 0x1234, 51)], [10, 0, 0, 1, 10, 0, 0, 2, 0, 51, 0x12, 0x34]);
  t.throws(() => ipv4PseudoHeader('::1', '224.0.0.18', 8), { instanceOf: RangeError });
});

test('v3 checksum depends on src and dst (each unicast peer gets its own)', (t) => {
  const msg = fromHex('31016401006400000a000001'); // v3 vrid 1 prio 100, 1 addr, 100 cs, checksum zero
  const a = vrrpV3Checksum(msg, '198.18.0.11', '224.0.0.18');
  const b = vrrpV3Checksum(msg, '198.18.0.11', '198.18.0.12');
  const c = vrrpV3Checksum(msg, '198.18.0.13', '224.0.0.18');
  t.not(a, b);
  t.not(a, c);
  const pseudo = [198, 18, 0, 11, 224, 0, 0, 18, 0, 112, 0, msg.length];
  t.is(a, rfc1071([...pseudo, ...msg]));
});
