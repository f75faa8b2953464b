// Hash functions of `hash-type` (sdbm, djb2, wt6, crc32) and the full-avalanche integer hash, bit-exact with
// haproxy's src/hash.c and lb_chash.h full_hash() so keys land on the same servers as with haproxy.
import type { HashType } from '../types.js';

/** sdbm: h = c + (h << 6) + (h << 16) - h, 32-bit unsigned. haproxy's default `hash-type` function. */
export function sdbm(data: Uint8Array): number {
  let h = 0;
  for (const c of data) h = (c + (h << 6) + (h << 16) - h) >>> 0;
  return h;
}

/** djb2: h = h * 33 + c starting at 5381. */
export function djb2(data: Uint8Array): number {
  let h = 5381;
  for (const c of data) h = (Math.imul(h, 33) + c) >>> 0;
  return h;
}

/** wt6 (Willy Tarreau's 6-step hash): two rotating accumulators whose rotation amounts depend on the data. */
export function wt6(data: Uint8Array): number {
  let h0 = 0xa53c965a;
  let h1 = 0x5ca6953a;
  let step0 = 6;
  let step1 = 18;
  const rotl = (v: number, n: number): number => ((v << n) | (v >>> ((32 - n) & 31))) >>> 0;
  for (const c of data) {
    h0 = ~(h0 ^ c) >>> 0;
    h1 = ~((h1 + c) >>> 0) >>> 0;
    // A C shift by 32 (step 0) yields v | v = v; rotl with n = 0 gives the same.
    const t = rotl(h1, step0);
    h1 = rotl(h0, step1);
    h0 = t;
    const mix = ((h0 >>> 16) ^ h1) & 0xffff;
    step0 = mix & 0x1f;
    step1 = mix >>> 11;
  }
  return (h0 ^ h1) >>> 0;
}

/** Bitwise CRC-32 (IEEE, reflected polynomial 0xedb88320), as haproxy's small non-table version. */
export function crc32(data: Uint8Array): number {
  let h = 0xffffffff;
  for (const c of data) {
    h ^= c;
    for (let bit = 0; bit < 8; bit++) h = (h >>> 1) ^ (h & 1 ? 0xedb88320 : 0);
  }
  return ~h >>> 0;
}

/**
 * Bob Jenkins' 32-bit full-avalanche integer hash (haproxy full_hash): used for `avalanche`, for the
 * consistent-hash ring points and for the source hash with avalanche.
 */
export function fullHash(input: number): number {
  let a = input >>> 0;
  a = (a + 0x7ed55d16 + (a << 12)) >>> 0;
  a = (a ^ 0xc761c23c ^ (a >>> 19)) >>> 0;
  a = (a + 0x165667b1 + (a << 5)) >>> 0;
  a = ((a + 0xd3a2646c) ^ (a << 9)) >>> 0;
  a = (a + 0xfd7046c5 + (a << 3)) >>> 0;
  a = (a ^ 0xb55a4f09 ^ (a >>> 16)) >>> 0;
  // haproxy then multiplies by a large prime close to 3/4 of 2^32 to spread values around the ring.
  return Math.imul(a, 3221225473) >>> 0;
}

const FUNCTIONS: Readonly<Record<HashType['fn'], (d: Uint8Array) => number>> = { sdbm, djb2, wt6, crc32 };

/** haproxy gen_hash() followed by the optional avalanche modifier. Strings are hashed as latin1 bytes. */
export function hashString(type: HashType, key: string): number {
  const h = FUNCTIONS[type.fn](Buffer.from(key, 'latin1'));
  return type.avalanche ? fullHash(h) : h;
}
