// Receive validation of a decoded advert against one instance, in keepalived 2.2.7's vrrp_check_packet order (RFC 5798 §7.1).

import { timingSafeEqual } from 'node:crypto';
import type { AuthConfig, RejectReason, UnicastPeer, VrrpState, InstanceConfig } from './types.js';
import type { DecodedPacket } from './codec.js';
import { isIpv4Multicast, vrrpMessageLength } from './codec.js';
import { internetChecksum, vrrpV3Checksum } from './checksum.js';
import { AUTH_AH, AUTH_NONE, AUTH_PASS, IPV4_ADDR_LEN, KNOWN_AUTH_TYPES, V2_AUTH_LEN, VRRP_HEADER_LEN, VRRP_TTL, VRRP_TYPE_ADVERT } from './constants.js';

/** What one instance expects of the adverts it receives. Build it with `expectationsFor`. */
export interface RxExpectations {
  readonly vrid: number;
  readonly version: 2 | 3;
  /** Current FSM state: INIT/FAULT/STOP instances do not listen (keepalived check #3). */
  readonly state: VrrpState;
  /** Configured advert_int; v2 adverts must carry the same (RFC 3768 §7.1). */
  readonly advertIntMs: number;
  /** v2 authentication; ignored for v3 (the loader already dropped it). */
  readonly auth?: AuthConfig;
  /** Configured VIPs (dotted quads), compared with the advert's list (order irrelevant). */
  readonly vips: readonly string[];
  /** Empty = multicast instance. */
  readonly unicastPeers: readonly Pick<UnicastPeer, 'address' | 'minTtl' | 'maxTtl'>[];
  /** `check_unicast_src` / `vrrp_check_unicast_src`; implied when any peer has min_ttl/max_ttl. */
  readonly checkUnicastSrc?: boolean;
  /** Our own source address(es): a packet from them is our own advert looped back. */
  readonly ownAddresses?: readonly string[];
  /** false = skip the VIP/peer checks (keepalived `skip_check_adv_addr` for repeat adverts from the same
   *  master in BACKUP; MASTER always checks). Default true. */
  readonly checkAddresses?: boolean;
}

export type ValidateResult =
  | { readonly ok: true; readonly priorityZero: boolean }
  | { readonly ok: false; readonly reason: RejectReason; readonly detail: string };

/** Expectations from the loaded instance config plus the runtime facts (state, own address). */
export function expectationsFor(inst: InstanceConfig, state: VrrpState, ownAddresses: readonly string[]): RxExpectations {
  return {
    vrid: inst.vrid,
    version: inst.version,
    state,
    advertIntMs: inst.advertIntMs,
    auth: inst.version === 2 ? inst.auth : undefined,
    vips: inst.vips.map((v) => v.address),
    unicastPeers: inst.unicastPeers,
    ...(inst.checkUnicastSrc ? { checkUnicastSrc: true } : {}),
    ownAddresses,
  };
}

const AUTH_NAMES: Readonly<Record<number, string>> = { [AUTH_NONE]: 'none', [AUTH_PASS]: 'PASS', [AUTH_AH]: 'AH' };
const authName = (t: number): string => AUTH_NAMES[t] ?? String(t);
const AUTH_CODES: Readonly<Record<AuthConfig['type'], number>> = { PASS: AUTH_PASS, AH: AUTH_AH };
const LISTENING: ReadonlySet<VrrpState> = new Set<VrrpState>(['BACKUP', 'MASTER']);

/** The 8-byte auth field keepalived expects for a PASS password: truncated/zero-padded. */
export function passwordField(pass: string): Buffer {
  const out = Buffer.alloc(V2_AUTH_LEN);
  Buffer.from(pass, 'utf8').copy(out, 0, 0, V2_AUTH_LEN);
  return out;
}

type Fail = { ok: false; reason: RejectReason; detail: string };
const fail = (reason: RejectReason, detail: string): Fail => ({ ok: false, reason, detail });

/**
 * Validate a decoded packet for one instance. Pure; never throws. The order is keepalived v2.2.7's
 * (keepalived.md §1.7 rows 2–21) so counters match a keepalived node fed the same packet:
 * VRID, listening state, AH presence, length implied by the packet's own count, TTL (multicast only),
 * version, v2 auth type / mismatch / PASS (constant time), v2 interval, type, address count, IP total
 * length, checksum, multicast-vs-unicast destination, VIP list, unicast source/TTL, and finally our own
 * packets (keepalived never sees those: IP_MULTICAST_LOOP is off).
 * v2 interval mismatch is a DROP in keepalived (no counter); it is reported as 'interval-mismatch'.
 */
export function validateAdvert(pkt: DecodedPacket, exp: RxExpectations): ValidateResult {
  const { env, advert, wire } = pkt;
  const checkAddrs = exp.checkAddresses ?? true;
  const unicast = exp.unicastPeers.length > 0;

  if (advert.vrid !== exp.vrid) return fail('unknown-vrid', `vrid ${advert.vrid}, expected ${exp.vrid}`);
  if (!LISTENING.has(exp.state)) return fail('not-listening', `instance in ${exp.state}, adverts ignored`);
  if (exp.version === 2 && exp.auth?.type === 'AH') {
    return fail('auth-type-mismatch', 'no AH header but auth type is AH (AH is not supported by hapair)');
  }

  // RFC 5798 §7.1: MUST verify the packet contains the complete VRRP message. keepalived computes the
  // expected length from the packet's own version and count (expected_vrrp_pkt_len), not from the config.
  const expectedLen = wire.ihl + vrrpMessageLength(advert.version, wire.naddr);
  if (wire.received !== expectedLen) {
    const how = wire.received > expectedLen ? 'long' : 'short';
    return fail('packet-length', `packet too ${how}: length ${wire.received}, expected ${expectedLen} for ${wire.naddr} address(es)`);
  }
  // RFC 5798 §7.1: TTL MUST be 255; keepalived skips this for unicast instances.
  if (!unicast && env.ttl !== VRRP_TTL) return fail('ttl', `ttl ${env.ttl}, expected ${VRRP_TTL}`);
  if (advert.version !== exp.version) return fail('version', `version ${advert.version}, expected ${exp.version}`);

  if (exp.version === 2) {
    const v2 = checkV2Auth(advert.authType, advert.authData, advert.advertIntMs, exp);
    if (v2) return v2;
  }
  if (wire.typeNibble !== VRRP_TYPE_ADVERT) return fail('type', `type ${wire.typeNibble}, expected ${VRRP_TYPE_ADVERT}`);
  if (checkAddrs && wire.naddr !== exp.vips.length) {
    return fail('addr-count', `address count ${wire.naddr}, expected ${exp.vips.length}`);
  }
  if (env.totalLength !== wire.received) {
    return fail('ip-total-length', `ip total length ${env.totalLength}, received ${wire.received} bytes`);
  }
  const sum = checksumOf(pkt);
  if (sum !== 0) {
    const what = advert.version === 3 ? 'v3 (with IPv4 pseudo-header)' : 'v2';
    return fail('checksum', `${what} checksum 0x${hex4(wire.checksum)} invalid (residue 0x${hex4(sum)})`);
  }
  if (isIpv4Multicast(env.dst) === unicast) {
    return fail('mcast-unicast-mismatch', `expected ${unicast ? 'unicast' : 'multicast'} packet but received ${unicast ? 'multicast' : 'unicast'} to ${env.dst}`);
  }
  if (checkAddrs) {
    const got = new Set(advert.addresses);
    const missing = exp.vips.find((v) => !got.has(v));
    if (missing !== undefined) return fail('addr-list', `VIP ${missing} of vrid ${exp.vrid} not in advert list [${advert.addresses.join(', ')}]`);
    const peerCheck = checkUnicastSource(env.src, env.ttl, exp, unicast);
    if (peerCheck) return peerCheck;
  }
  if (exp.ownAddresses?.includes(env.src)) return fail('own-packet', `source ${env.src} is our own address`);
  return { ok: true, priorityZero: advert.priority === 0 };
}

/** v2 rows 9–13: auth type known, equal to ours, PASS password, then the interval (RFC 3768 §7.1). */
function checkV2Auth(authType: number, authData: Buffer, advertIntMs: number, exp: RxExpectations): Fail | undefined {
  if (!KNOWN_AUTH_TYPES.includes(authType)) return fail('auth-type-invalid', `auth type ${authType}, expected 0, 1 or 2`);
  const want = exp.auth ? AUTH_CODES[exp.auth.type] : AUTH_NONE;
  if (authType !== want) return fail('auth-type-mismatch', `auth type ${authName(authType)}, expected ${authName(want)}`);
  if (exp.auth?.type === 'PASS') {
    const expected = passwordField(exp.auth.pass);
    // Constant-time compare like keepalived's memcmp_constant_time; never log the password itself.
    const ok = authData.length === V2_AUTH_LEN && timingSafeEqual(authData, expected);
    if (!ok) return fail('auth-failure', 'PASS authentication data does not match the configured auth_pass');
  }
  if (advertIntMs !== exp.advertIntMs) {
    return fail('interval-mismatch', `adver int ${advertIntMs / 1000} s, expected ${exp.advertIntMs / 1000} s`);
  }
  return undefined;
}

/** Rows 20–21: with check_unicast_src (or per-peer min/max_ttl) the source must be a peer within its TTL range. */
function checkUnicastSource(src: string, ttl: number, exp: RxExpectations, unicast: boolean): Fail | undefined {
  if (!unicast) return undefined;
  const ttlLimits = exp.unicastPeers.some((p) => p.minTtl !== undefined || p.maxTtl !== undefined);
  if (!exp.checkUnicastSrc && !ttlLimits) return undefined;
  const peer = exp.unicastPeers.find((p) => p.address === src);
  if (!peer) return fail('unicast-src-not-peer', `unicast source ${src} not a unicast peer`);
  const min = peer.minTtl ?? 0;
  const max = peer.maxTtl ?? 255;
  if (ttl < min || ttl > max) return fail('ttl', `ttl ${ttl} not in range ${min} - ${max} for peer ${src}`);
  return undefined;
}

/** Residue of the VRRP checksum over exactly the message (0 = valid). Lengths were checked before. */
function checksumOf(pkt: DecodedPacket): number {
  const n = pkt.wire.naddr;
  const body = VRRP_HEADER_LEN + n * IPV4_ADDR_LEN;
  if (pkt.advert.version === 2) return internetChecksum(pkt.wire.message.subarray(0, body + V2_AUTH_LEN));
  return vrrpV3Checksum(pkt.wire.message.subarray(0, body), pkt.env.src, pkt.env.dst);
}

function hex4(n: number): string {
  return n.toString(16).padStart(4, '0');
}
