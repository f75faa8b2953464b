// VRRP advert wire codec: encode v2/v3 adverts and whole IPv4 packets exactly as keepalived 2.2.7, decode without throwing.

import type { Advert, IpEnvelope, RejectReason } from './types.js';
import {
  AUTH_PASS,
  IPPROTO_AH,
  IPPROTO_VRRP,
  IPV4_ADDR_LEN,
  IPV4_HEADER_LEN,
  MAX_ADDRESSES,
  V2_AUTH_LEN,
  V2_MAX_INTERVAL_SEC,
  V3_INTERVAL_MASK,
  V3_MAX_INTERVAL_CS,
  VRRP_HEADER_LEN,
  VRRP_TOS,
  VRRP_TTL,
  VRRP_TYPE_ADVERT,
} from './constants.js';
import { internetChecksum, ipv4HeaderChecksum, vrrpV3Checksum } from './checksum.js';
import { ipv4ToNumber, numberToIpv4 } from '../core/ipv4.js';

// ---------------------------------------------------------------------------------------------
// IPv4 address helpers (dotted quad <-> unsigned 32-bit host order)
// ---------------------------------------------------------------------------------------------

// Dotted quad <-> number live in core/ipv4.ts (shared with the checksum and the config); re-exported here.
export { ipv4ToNumber, numberToIpv4 };

/** 224.0.0.0/4 (RFC 5771); keepalived's IN_MULTICAST test for "multicast instance" checks. */
export function isIpv4Multicast(addr: string): boolean {
  const n = ipv4ToNumber(addr);
  return n !== undefined && n >>> 28 === 0xe;
}

/**
 * Unsigned numeric compare of two IPv4 addresses: <0, 0, >0. This is the master-vs-master tie-break
 * (RFC 5798 §6.4.3: "primary IP address of the sender is greater than the local primary IP address";
 * keepalived `vrrp_saddr_cmp` -> `inet_inaddrcmp`, host byte order). Unparsable addresses sort as 0.
 */
export function compareIpv4(a: string, b: string): number {
  return Math.sign((ipv4ToNumber(a) ?? 0) - (ipv4ToNumber(b) ?? 0));
}

function writeIpv4(buf: Buffer, offset: number, addr: string): void {
  const n = ipv4ToNumber(addr);
  if (n === undefined) throw new VrrpCodecError(`not an IPv4 address: '${addr}'`);
  buf.writeUInt32BE(n, offset);
}

// ---------------------------------------------------------------------------------------------
// Encoding
// ---------------------------------------------------------------------------------------------

/** Encoding errors are programming/config errors (the config loader validates first); they carry a code. */
export type VrrpCodecErrorCode = 'EVRRP_ENCODE';
export class VrrpCodecError extends Error {
  readonly code: VrrpCodecErrorCode = 'EVRRP_ENCODE';
  constructor(message: string) {
    super(message);
    this.name = 'VrrpCodecError';
  }
}

/** The addresses an advert's checksum depends on (v3 pseudo-header). For v2 they are not used. */
export interface AdvertEnvelope {
  readonly src: string;
  readonly dst: string;
}

/** Length of the VRRP message for `version` and `naddr` addresses (v2 adds the 8-byte auth trailer). */
export function vrrpMessageLength(version: number, naddr: number): number {
  return VRRP_HEADER_LEN + naddr * IPV4_ADDR_LEN + (version === 2 ? V2_AUTH_LEN : 0);
}

/** v2 Adver Int byte: whole seconds (RFC 3768 §5.3.7). */
export function v2IntervalField(advertIntMs: number): number {
  const sec = Math.round(advertIntMs / 1000);
  if (sec < 1 || sec > V2_MAX_INTERVAL_SEC) throw new VrrpCodecError(`v2 advert interval ${advertIntMs} ms not 1..255 s`);
  return sec;
}

/** v3 Max Adver Int: centiseconds in the low 12 bits, reserved bits zero (RFC 5798 §5.2.7). */
export function v3IntervalField(advertIntMs: number): number {
  const cs = Math.round(advertIntMs / 10);
  if (cs < 1 || cs > V3_MAX_INTERVAL_CS) throw new VrrpCodecError(`v3 advert interval ${advertIntMs} ms not 10..40950 ms`);
  return cs & V3_INTERVAL_MASK;
}

/**
 * The VRRP message (no IP header) for `advert`, checksum filled in: v2 over the message only, v3 over the
 * IPv4 pseudo-header built from `env` (RFC 5798 §5.2.8). Layout per keepalived `vrrp_build_vrrp_v2/v3`:
 * the PASS password is written only for auth type 1, otherwise the auth trailer stays 8 zero bytes.
 */
export function encodeAdvert(advert: Advert, env: AdvertEnvelope): Buffer {
  const n = advert.addresses.length;
  if (n > MAX_ADDRESSES) throw new VrrpCodecError(`${n} addresses, at most ${MAX_ADDRESSES} fit in an advert`);
  if (!isByte(advert.vrid) || !isByte(advert.priority)) throw new VrrpCodecError(`vrid ${advert.vrid} / priority ${advert.priority} not 0..255`);
  const buf = Buffer.alloc(vrrpMessageLength(advert.version, n));
  buf[0] = (advert.version << 4) | (advert.type & 0x0f);
  buf[1] = advert.vrid;
  buf[2] = advert.priority;
  buf[3] = n;
  if (advert.version === 2) {
    buf[4] = advert.authType & 0xff;
    buf[5] = v2IntervalField(advert.advertIntMs);
  } else {
    buf.writeUInt16BE(v3IntervalField(advert.advertIntMs), 4);
  }
  advert.addresses.forEach((a, i) => writeIpv4(buf, VRRP_HEADER_LEN + i * IPV4_ADDR_LEN, a));
  if (advert.version === 2 && advert.authType === AUTH_PASS) {
    advert.authData.copy(buf, VRRP_HEADER_LEN + n * IPV4_ADDR_LEN, 0, Math.min(V2_AUTH_LEN, advert.authData.length));
  }
  const sum = advert.version === 2 ? internetChecksum(buf) : vrrpV3Checksum(buf, env.src, env.dst);
  buf.writeUInt16BE(sum, 6);
  return buf;
}

export interface Ipv4PacketOptions {
  readonly src: string;
  readonly dst: string;
  /** IP Identification. keepalived keeps its own per-instance counter: use `nextIpId`. */
  readonly id: number;
  /** 255 unless `unicast_ttl` says otherwise (RFC 5798 §5.1.1.3). */
  readonly ttl?: number;
}

/**
 * A whole IPv4 packet as keepalived hands it to a raw IP_HDRINCL socket: IHL 5, TOS 0xC0, DF clear, TTL 255
 * (or unicast_ttl), protocol 112, the header checksum the kernel would fill in ([vrrp.c] vrrp_build_ip4).
 * Byte-identical to keepalived's frames for the same config (test/vrrp/codec-capture.test.ts).
 */
export function encodeIpv4Packet(advert: Advert, opts: Ipv4PacketOptions): Buffer {
  const payload = encodeAdvert(advert, opts);
  const ttl = opts.ttl ?? VRRP_TTL;
  if (!isByte(ttl)) throw new VrrpCodecError(`ttl ${ttl} not 0..255`);
  const pkt = Buffer.alloc(IPV4_HEADER_LEN + payload.length);
  pkt[0] = 0x45; // version 4, IHL 5
  pkt[1] = VRRP_TOS;
  pkt.writeUInt16BE(pkt.length, 2);
  pkt.writeUInt16BE(opts.id & 0xffff, 4);
  pkt.writeUInt16BE(0, 6); // flags/fragment offset: DF not set (keepalived writes frag_off 0)
  pkt[8] = ttl;
  pkt[9] = IPPROTO_VRRP;
  writeIpv4(pkt, 12, opts.src);
  writeIpv4(pkt, 16, opts.dst);
  pkt.writeUInt16BE(ipv4HeaderChecksum(pkt.subarray(0, IPV4_HEADER_LEN)), 10);
  payload.copy(pkt, IPV4_HEADER_LEN);
  return pkt;
}

/**
 * Next IP ID after `prev`. keepalived increments a per-instance counter per advert (the same ID for every
 * unicast peer of one advert) so that the kernel does not pick one (ID 0 means "kernel fills it in" for
 * IP_HDRINCL sockets). Its counter is an int written with htons, so after 65535 it emits 0 once; we wrap
 * straight to 1, which is what the skip-0 intent is ([vrrp.c] vrrp_update_pkt).
 */
export function nextIpId(prev: number): number {
  const next = (prev + 1) & 0xffff;
  return next === 0 ? 1 : next;
}

/** Build the Advert for an instance: the convenience the runtime uses before encodeIpv4Packet. */
export function makeAdvert(p: {
  readonly version: 2 | 3;
  readonly vrid: number;
  readonly priority: number;
  readonly vips: readonly string[];
  readonly advertIntMs: number;
  readonly authPass?: string; // v2 `auth_type PASS` password (<= 8 bytes, zero padded)
}): Advert {
  const pass = p.version === 2 && p.authPass !== undefined;
  const authData = Buffer.alloc(p.version === 2 ? V2_AUTH_LEN : 0);
  if (pass) Buffer.from(p.authPass ?? '', 'utf8').copy(authData, 0, 0, V2_AUTH_LEN);
  return {
    version: p.version,
    type: VRRP_TYPE_ADVERT,
    vrid: p.vrid,
    priority: p.priority,
    addresses: [...p.vips],
    advertIntMs: p.advertIntMs,
    authType: pass ? AUTH_PASS : 0,
    authData,
  };
}

function isByte(n: number): boolean {
  return Number.isInteger(n) && n >= 0 && n <= 255;
}

// ---------------------------------------------------------------------------------------------
// Decoding
// ---------------------------------------------------------------------------------------------

/** Raw facts about the received bytes that validation (src/vrrp/validate.ts) needs beyond Advert/IpEnvelope. */
export interface WireInfo {
  readonly received: number; // bytes received (whole IPv4 packet)
  readonly ihl: number; // IP header length in bytes (with options)
  readonly typeNibble: number;
  readonly naddr: number; // Count IP Addrs field as sent (addresses[] holds only those actually present)
  readonly checksum: number; // VRRP checksum field
  readonly fragment: number; // flags + fragment offset word
  readonly ipHeaderChecksumOk: boolean; // the kernel already dropped bad ones; informational
  /** The VRRP message: bytes after the IP header (a view into the received buffer). */
  readonly message: Buffer;
}

export interface DecodedPacket {
  readonly env: IpEnvelope;
  readonly advert: Advert;
  readonly wire: WireInfo;
}

export type DecodeResult =
  | ({ readonly ok: true } & DecodedPacket)
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

function reject(reason: RejectReason, detail: string): DecodeResult {
  return { ok: false, reason, detail };
}

/**
 * Parse a received IPv4 packet (IP header included, as a raw socket returns it). Never throws.
 * Only what cannot be represented is rejected here: not IPv4 / bad IHL, shorter than IP header + 8-byte
 * VRRP header ("IPv4 VRRP packet too short", keepalived check #1), protocol other than 112 (AH adverts are
 * not supported), version nibble other than 2/3. Everything else — length vs address count, TTL, auth,
 * interval, type, total length, checksum, addresses — is left to validateAdvert so that the rejection
 * order matches keepalived's vrrp_check_packet exactly.
 * Deviation: keepalived would silently ignore a garbage-version packet whose VRID it does not know; we
 * count it as 'version' (both drop it).
 */
export function decodeIpv4Packet(buf: Uint8Array): DecodeResult {
  if (!(buf instanceof Uint8Array)) return reject('too-short', 'not a byte buffer');
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 1) return reject('too-short', 'IPv4 VRRP packet too short - 0 bytes');
  const version = (b[0] as number) >> 4;
  if (version !== 4) return reject('not-ipv4', `ip version ${version}, expected 4`);
  const ihl = ((b[0] as number) & 0x0f) * 4;
  if (ihl < IPV4_HEADER_LEN) return reject('not-ipv4', `ip header length ${ihl}, expected >= ${IPV4_HEADER_LEN}`);
  if (b.length < ihl + VRRP_HEADER_LEN) {
    return reject('too-short', `IPv4 VRRP packet too short - ${b.length} bytes, need ${ihl + VRRP_HEADER_LEN}`);
  }
  const protocol = b[9] as number;
  if (protocol !== IPPROTO_VRRP) {
    const what = protocol === IPPROTO_AH ? ' (IPsec AH adverts are not supported)' : '';
    return reject('protocol', `protocol ${protocol}, expected ${IPPROTO_VRRP}${what}`);
  }
  const msg = b.subarray(ihl);
  const nibble = (msg[0] as number) >> 4;
  if (nibble !== 2 && nibble !== 3) return reject('version', `vrrp version ${nibble}, expected 2 or 3`);
  const vrrpVersion = nibble as 2 | 3;
  const naddr = msg[3] as number;
  const present = Math.min(naddr, Math.floor((msg.length - VRRP_HEADER_LEN) / IPV4_ADDR_LEN));
  const addresses: string[] = [];
  for (let i = 0; i < present; i++) addresses.push(numberToIpv4(msg.readUInt32BE(VRRP_HEADER_LEN + i * IPV4_ADDR_LEN)));
  const authStart = VRRP_HEADER_LEN + naddr * IPV4_ADDR_LEN;
  const v2 = vrrpVersion === 2;
  const advert: Advert = {
    version: vrrpVersion,
    type: (msg[0] as number) & 0x0f,
    vrid: msg[1] as number,
    priority: msg[2] as number,
    addresses,
    advertIntMs: v2 ? (msg[5] as number) * 1000 : (msg.readUInt16BE(4) & V3_INTERVAL_MASK) * 10,
    authType: v2 ? (msg[4] as number) : 0,
    authData: v2 ? Buffer.from(msg.subarray(Math.min(authStart, msg.length), authStart + V2_AUTH_LEN)) : Buffer.alloc(0),
  };
  const env: IpEnvelope = {
    src: numberToIpv4(b.readUInt32BE(12)),
    dst: numberToIpv4(b.readUInt32BE(16)),
    ttl: b[8] as number,
    tos: b[1] as number,
    protocol,
    totalLength: b.readUInt16BE(2),
    id: b.readUInt16BE(4),
  };
  const wire: WireInfo = {
    received: b.length,
    ihl,
    typeNibble: advert.type,
    naddr,
    checksum: msg.readUInt16BE(6),
    fragment: b.readUInt16BE(6),
    ipHeaderChecksumOk: ipv4HeaderChecksum(b.subarray(0, ihl)) === 0,
    message: msg,
  };
  return { ok: true, env, advert, wire };
}
