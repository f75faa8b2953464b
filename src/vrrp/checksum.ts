// Internet checksum (RFC 1071) for VRRP: plain over the message for v2, with the IPv4 pseudo-header for v3.

import { IPPROTO_VRRP } from './constants.js';
import { ipv4Bytes } from '../core/ipv4.js';

/**
 * One's-complement sum of 16-bit big-endian words, folded to 16 bits, NOT complemented.
 * `initial` lets callers chain several buffers (pseudo-header then message). An odd trailing byte is
 * padded with zero on the right (RFC 1071 §4.1).
 */
export function onesComplementSum(buf: Uint8Array, initial = 0): number {
  let sum = initial;
  const even = buf.length & ~1;
  for (let i = 0; i < even; i += 2) sum += ((buf[i] as number) << 8) | (buf[i + 1] as number);
  if (even !== buf.length) sum += (buf[even] as number) << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16);
  return sum;
}

/** The Internet checksum of `buf`: complement of the one's-complement sum. 0 means "verifies" when the
 *  checksum field is included in `buf`. */
export function internetChecksum(buf: Uint8Array, initial = 0): number {
  return ~onesComplementSum(buf, initial) & 0xffff;
}

/**
 * The 12-byte IPv4 pseudo-header of RFC 5798 §5.2.8 (same layout as TCP/UDP, RFC 768): source, destination,
 * zero, protocol 112, VRRP message length. keepalived uses the real IP header addresses, so each unicast
 * peer's packet carries a different checksum ([vrrp.c] vrrp_build_vrrp_v3, vrrp_update_pkt).
 */
export function ipv4PseudoHeader(src: string, dst: string, vrrpLength: number, protocol = IPPROTO_VRRP): Buffer {
  const s = ipv4Bytes(src);
  const d = ipv4Bytes(dst);
  if (!s || !d) throw new RangeError(`pseudo-header needs IPv4 addresses, got ${src} -> ${dst}`);
  return Buffer.from([...s, ...d, 0, protocol, (vrrpLength >>> 8) & 0xff, vrrpLength & 0xff]);
}

/** VRRPv2 checksum (RFC 3768 §5.3.8): over the VRRP message only (header, addresses, auth data). */
export function vrrpV2Checksum(message: Uint8Array): number {
  return internetChecksum(message);
}

/** VRRPv3/IPv4 checksum (RFC 5798 §5.2.8): pseudo-header followed by the VRRP message. */
export function vrrpV3Checksum(message: Uint8Array, src: string, dst: string): number {
  return internetChecksum(message, onesComplementSum(ipv4PseudoHeader(src, dst, message.length)));
}

/** IPv4 header checksum (RFC 791 §3.1): over the header with the checksum field zeroed. */
export function ipv4HeaderChecksum(header: Uint8Array): number {
  return internetChecksum(header);
}
