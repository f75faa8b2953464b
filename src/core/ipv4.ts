// Dotted-quad IPv4 helpers shared by the VRRP codec/checksum, the keepalived config (VIP broadcast) and others:
// one parser instead of one per module. Plain dotted quads only (no inet_aton short forms).

/** "a.b.c.d" -> its four bytes, or undefined if it is not four decimal parts of 1-3 digits, each <= 255. */
export function ipv4Bytes(addr: string): number[] | undefined {
  const parts = addr.split('.');
  if (parts.length !== 4) return undefined;
  const out: number[] = [];
  for (const p of parts) {
    if (!/^\d{1,3}$/.test(p)) return undefined;
    const n = Number(p);
    if (n > 255) return undefined;
    out.push(n);
  }
  return out;
}

/** Dotted quad -> unsigned 32-bit number (network order read as big-endian), or undefined. */
export function ipv4ToNumber(addr: string): number | undefined {
  const b = ipv4Bytes(addr);
  return b && b.reduce((n, o) => n * 256 + o, 0);
}

/** Unsigned 32-bit number -> dotted quad. */
export function numberToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff].join('.');
}
