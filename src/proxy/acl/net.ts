// IPv4/IPv6 network matching for `src`/`dst` ACLs, `-m ip` and `option forwardfor except` (pure), with haproxy's
// pattern semantics (pattern.c pat_parse_ip/pat_match_ip): IPv4 masks may be dotted and NON-contiguous
// (10.0.0.7/255.0.0.255 matches any 10.x.y.7), IPv4-mapped IPv6 clients (::ffff:a.b.c.d, what dual-stack
// sockets report) match IPv4 networks, and IPv4 clients match IPv6 networks through their mapped form.
import net from 'node:net';
import { ipv4Bytes } from '../../core/ipv4.js';

export interface Network {
  readonly v6: boolean;
  /** Network address as 4 (v4) or 16 (v6) bytes, already masked. */
  readonly bytes: Uint8Array;
  /** Mask bytes, same length as `bytes`. */
  readonly mask: Uint8Array;
  /** Prefix length, or -1 for a non-contiguous IPv4 mask (then only `mask` describes it). */
  readonly prefix: number;
}

function v4Bytes(a: string): Uint8Array | undefined {
  const b = ipv4Bytes(a);
  return b && Uint8Array.from(b);
}

/** 16 bytes of a textual IPv6 address (net.isIPv6 validates; embedded IPv4 tails included). */
function v6Bytes(a: string): Uint8Array | undefined {
  if (!net.isIPv6(a)) return undefined;
  let s = a;
  const out = new Uint8Array(16);
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  let tailBytes: Uint8Array | undefined;
  if (tail.includes('.')) {
    tailBytes = v4Bytes(tail);
    if (!tailBytes) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? (s.split('::') as [string, string]) : [s, undefined];
  const hs = head === '' ? [] : head.split(':');
  const rs = rest === undefined || rest === '' ? [] : rest.split(':');
  const groups = [...hs, ...Array<string>(rest === undefined ? 0 : 8 - hs.length - rs.length).fill('0'), ...rs];
  if (groups.length !== 8) return undefined;
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (tailBytes) out.set(tailBytes, 12);
  return out;
}

/** ::ffff:0:0/96 (RFC 4291 §2.5.5.2). */
function isMapped(b: Uint8Array): boolean {
  for (let i = 0; i < 10; i++) if (b[i] !== 0) return false;
  return b[10] === 0xff && b[11] === 0xff;
}

/** Address bytes; IPv4-mapped IPv6 is folded to IPv4. */
export function addrBytes(addr: string): Uint8Array | undefined {
  const v4 = v4Bytes(addr);
  if (v4) return v4;
  const v6 = v6Bytes(addr);
  if (!v6) return undefined;
  return isMapped(v6) ? v6.slice(12) : v6;
}

function prefixMask(len: number, prefix: number): Uint8Array {
  const m = new Uint8Array(len);
  for (let i = 0, bits = prefix; bits > 0; i++, bits -= 8) m[i] = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
  return m;
}

/** Length of the leading run of one bits when the mask is contiguous, else -1. */
function contiguousPrefix(mask: Uint8Array): number {
  let bits = 0;
  let ended = false;
  for (const b of mask) {
    for (let k = 7; k >= 0; k--) {
      const on = (b >> k) & 1;
      if (on && ended) return -1;
      if (on) bits++;
      else ended = true;
    }
  }
  return bits;
}

function network(addr: Uint8Array, mask: Uint8Array, prefix: number): Network {
  return { v6: addr.length === 16, bytes: addr.map((b, i) => b & mask[i]!), mask, prefix };
}

/**
 * `a.b.c.d`, `a.b.c.d/nn`, `a.b.c.d/<dotted mask, contiguous or not>`, `v6`, `v6/nn` (haproxy str2net/str62net).
 * An IPv4-mapped IPv6 network with a prefix of 96 or more is the IPv4 network it maps. Undefined if invalid.
 */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const addrText = slash < 0 ? text : text.slice(0, slash);
  const maskText = slash < 0 ? undefined : text.slice(slash + 1);
  const v4 = v4Bytes(addrText);
  const addr = v4 ?? v6Bytes(addrText);
  if (!addr) return undefined;
  const max = addr.length * 8;
  let prefix = max;
  if (maskText !== undefined) {
    if (/^\d{1,3}$/.test(maskText)) prefix = Number(maskText);
    else {
      // Dotted masks exist for IPv4 only; haproxy keeps a non-contiguous one as a plain mask (pat_idx_tree_ip).
      const dotted = v4 ? v4Bytes(maskText) : undefined;
      return dotted && network(addr, dotted, contiguousPrefix(dotted));
    }
    if (prefix > max) return undefined;
  }
  if (!v4 && isMapped(addr) && prefix >= 96) return network(addr.slice(12), prefixMask(4, prefix - 96), prefix - 96);
  return network(addr, prefixMask(addr.length, prefix), prefix);
}

/** The IPv4-mapped IPv6 form of 4 address bytes (haproxy v4tov6). */
function mapped(b: Uint8Array): Uint8Array {
  const out = new Uint8Array(16);
  out[10] = 0xff;
  out[11] = 0xff;
  out.set(b, 12);
  return out;
}

/** True if `addr` (string or addrBytes() bytes) is inside `netw`: ((addr ^ net) & mask) == 0 on every byte. */
export function inNetwork(addr: string | Uint8Array, netw: Network): boolean {
  let b = typeof addr === 'string' ? addrBytes(addr) : addr;
  if (!b) return false;
  if (b.length !== netw.bytes.length) {
    // IPv4 client against an IPv6 network: compare its mapped form (pat_match_ip v4tov6). A native IPv6 client
    // never matches an IPv4 network (its mapped form was already folded by addrBytes).
    if (b.length !== 4) return false;
    b = mapped(b);
  }
  const m = netw.mask;
  for (let i = 0; i < b.length; i++) if ((b[i]! & m[i]!) !== netw.bytes[i]) return false;
  return true;
}
