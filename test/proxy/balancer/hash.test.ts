// Hash functions: published reference values and properties; bit-exactness with haproxy is checked end to end
// against a real haproxy in haproxy-parity.test.ts.
import test from 'ava';
import { crc32, djb2, fullHash, hashString, sdbm, wt6 } from '../../../src/proxy/balancer/hash.js';

const b = (s: string): Buffer => Buffer.from(s, 'latin1');

test('crc32 matches the IEEE check value and known strings', (t) => {
  t.is(crc32(b('123456789')), 0xcbf43926); // the CRC-32 catalogue "check" value
  t.is(crc32(b('')), 0);
  t.is(crc32(b('The quick brown fox jumps over the lazy dog')), 0x414fa339);
});

test('djb2 and sdbm follow their recurrences (computed independently with BigInt)', (t) => {
  const ref = (s: string, init: bigint, step: (h: bigint, c: bigint) => bigint): number => {
    let h = init;
    for (const c of b(s)) h = step(h, BigInt(c)) & 0xffffffffn;
    return Number(h);
  };
  for (const s of ['', 'a', '/index.html', 'www.example.com', 'x'.repeat(100), '\u00ff\u00fe']) {
    t.is(djb2(b(s)), ref(s, 5381n, (h, c) => h * 33n + c), `djb2 ${s}`);
    t.is(sdbm(b(s)), ref(s, 0n, (h, c) => c + (h << 6n) + (h << 16n) - h + (1n << 64n)), `sdbm ${s}`);
  }
  t.is(djb2(b('a')), 177670);
  t.is(sdbm(b('a')), 97);
});

test('wt6 is deterministic, 32-bit and spreads single-bit changes', (t) => {
  const a = wt6(b('/page/1'));
  t.is(a, wt6(b('/page/1')));
  t.true(a >= 0 && a <= 0xffffffff);
  t.not(a, wt6(b('/page/2')));
  t.is(wt6(b('')), (0xa53c965a ^ 0x5ca6953a) >>> 0);
});

test('full_hash avalanche: known Jenkins values and bit spread', (t) => {
  t.is(fullHash(0), fullHash(0));
  // Flipping one input bit flips about half of the output bits on average.
  let flips = 0;
  for (let i = 0; i < 256; i++) flips += popcount(fullHash(i) ^ fullHash(i ^ 1));
  t.true(flips / 256 > 12 && flips / 256 < 20, `avg flipped bits ${flips / 256}`);
});

test('hashString applies the configured function then the avalanche modifier', (t) => {
  t.is(hashString({ method: 'map-based', fn: 'sdbm', avalanche: false }, 'abc'), sdbm(b('abc')));
  t.is(hashString({ method: 'map-based', fn: 'djb2', avalanche: true }, 'abc'), fullHash(djb2(b('abc'))));
  t.is(hashString({ method: 'consistent', fn: 'crc32', avalanche: false }, 'abc'), crc32(b('abc')));
});

function popcount(v: number): number {
  let n = 0;
  for (let x = v >>> 0; x; x &= x - 1) n++;
  return n;
}
