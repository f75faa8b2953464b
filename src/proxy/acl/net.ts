// IPv4/IPv6 network matching for `src`/`dst` ACLs and `option forwardfor except` (pure). IPv4-mapped IPv6
// client addresses (::ffff:a.b.c.d, what dual-stack sockets report) match IPv4 networks, as in haproxy.
import net from 'node:net';

export interface Network {
  readonly v6: boolean;
  /** Address as 4 (v4) or 16 (v6) bytes. */
  readonly bytes: Uint8Array;
  readonly prefix: number;
}

function v4Bytes(a: string): Uint8Array | undefined {
  const parts = a.split('.');
  if (parts.length !== 4) return undefined;
  const out = new Uint8Array(4);
  for (let i = 0; i < 4; i++) {
    const p = parts[i]!;
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out[i] = n;
  }
  return out;
}

function v6Bytes(a: string): Uint8Array | undefined {
  if (!net.isIPv6(a)) return undefined;
  let s = a;
  const out = new Uint8Array(16);
  // Embedded IPv4 tail (::ffff:1.2.3.4).
  const lastColon = s.lastIndexOf(':');
  const tail = s.slice(lastColon + 1);
  let tailBytes: Uint8Array | undefined;
  if (tail.includes('.')) {
    tailBytes = v4Bytes(tail);
    if (!tailBytes) return undefined;
    s = s.slice(0, lastColon + 1) + '0:0';
  }
  const [head, rest] = s.includes('::') ? s.split('::') as [string, string] : [s, undefined];
  const hs = head === '' ? [] : head.split(':');
  const rs = rest === undefined ? [] : rest === '' ? [] : rest.split(':');
  const fill = 8 - hs.length - rs.length;
  const groups = [...hs, ...Array<string>(rest === undefined ? 0 : fill).fill('0'), ...rs];
  if (groups.length !== 8) return undefined;
  groups.forEach((g, i) => {
    const v = parseInt(g, 16);
    out[i * 2] = v >> 8;
    out[i * 2 + 1] = v & 0xff;
  });
  if (tailBytes) out.set(tailBytes, 12);
  return out;
}

/** Address bytes; IPv4-mapped IPv6 is folded to IPv4. */
export function addrBytes(addr: string): Uint8Array | undefined {
  const v4 = v4Bytes(addr);
  if (v4) return v4;
  const v6 = v6Bytes(addr);
  if (!v6) return undefined;
  const mapped = v6.subarray(0, 10).every((b) => b === 0) && v6[10] === 0xff && v6[11] === 0xff;
  return mapped ? v6.slice(12) : v6;
}

/** Parses `a.b.c.d`, `a.b.c.d/nn`, `a.b.c.d/255.255.0.0`, `v6`, `v6/nn`. Undefined if invalid. */
export function parseNetwork(text: string): Network | undefined {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const bytes = addrBytes(addr);
  if (!bytes) return undefined;
  const v6 = bytes.length === 16;
  const max = v6 ? 128 : 32;
  let prefix = max;
  if (slash >= 0) {
    const p = text.slice(slash + 1);
    if (/^\d{1,3}$/.test(p)) prefix = Number(p);
    else {
      const mask = v6 ? undefined : v4Bytes(p);
      if (!mask) return undefined;
      prefix = maskToPrefix(mask);
      if (prefix < 0) return undefined;
    }
    if (prefix > max) return undefined;
  }
  return { v6, bytes, prefix };
}

function maskToPrefix(mask: Uint8Array): number {
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

/** True if `addr` (string or bytes) is inside `netw`. */
export function inNetwork(addr: string | Uint8Array, netw: Network): boolean {
  const b = typeof addr === 'string' ? addrBytes(addr) : addr;
  if (!b || (b.length === 16) !== netw.v6) return false;
  let bits = netw.prefix;
  for (let i = 0; bits > 0; i++, bits -= 8) {
    const m = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
    if ((b[i]! & m) !== (netw.bytes[i]! & m)) return false;
  }
  return true;
}
