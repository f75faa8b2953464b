// Independent VRRP/IPv4 byte builder for tests: assembles packets field by field from the RFC layouts, with
// its own checksum routine, so codec tests never compare the encoder with itself.

/** RFC 1071 checksum via the "sum modulo 0xffff" identity (a different algorithm from src/vrrp/checksum.ts). */
export function rfc1071(bytes: readonly number[]): number {
  const words: number[] = [];
  for (let i = 0; i < bytes.length; i += 2) words.push((bytes[i] ?? 0) * 256 + (bytes[i + 1] ?? 0));
  const total = words.reduce((a, w) => a + w, 0);
  let folded = total % 0xffff;
  if (folded === 0 && total !== 0) folded = 0xffff;
  return 0xffff - folded;
}

export function addr(a: string): number[] {
  return a.split('.').map((x) => Number(x));
}

const u16 = (n: number): number[] => [(n >> 8) & 0xff, n & 0xff];

export interface V2Fields {
  vrid: number;
  priority: number;
  addresses: string[];
  authType?: number; // default 0
  intervalSec: number;
  password?: string; // written into the 8-byte trailer (zero padded)
  count?: number; // override the Count IP Addrs byte
  type?: number; // override the type nibble (default 1)
  version?: number; // override the version nibble (default 2)
}

/** RFC 3768 §5.1 layout; checksum over the message only. */
export function vrrpV2(f: V2Fields): number[] {
  const trailer = new Array<number>(8).fill(0);
  [...Buffer.from(f.password ?? '', 'latin1')].slice(0, 8).forEach((b, i) => (trailer[i] = b));
  const body = [
    ((f.version ?? 2) << 4) | (f.type ?? 1),
    f.vrid,
    f.priority,
    f.count ?? f.addresses.length,
    f.authType ?? 0,
    f.intervalSec,
    0,
    0,
    ...f.addresses.flatMap(addr),
    ...trailer,
  ];
  const sum = u16(rfc1071(body));
  body[6] = sum[0] as number;
  body[7] = sum[1] as number;
  return body;
}

export interface V3Fields {
  vrid: number;
  priority: number;
  addresses: string[];
  intervalCs: number;
  src: string; // for the pseudo-header
  dst: string;
  reservedBits?: number; // high nibble of the interval word (must be ignored on receive)
}

/** RFC 5798 §5.1 layout; checksum over the RFC 5798 §5.2.8 pseudo-header + message. */
export function vrrpV3(f: V3Fields): number[] {
  const body = [
    0x31,
    f.vrid,
    f.priority,
    f.addresses.length,
    ((f.reservedBits ?? 0) << 4) | ((f.intervalCs >> 8) & 0x0f),
    f.intervalCs & 0xff,
    0,
    0,
    ...f.addresses.flatMap(addr),
  ];
  const pseudo = [...addr(f.src), ...addr(f.dst), 0, 112, ...u16(body.length)];
  const sum = u16(rfc1071([...pseudo, ...body]));
  body[6] = sum[0] as number;
  body[7] = sum[1] as number;
  return body;
}

export interface IpFields {
  src: string;
  dst: string;
  ttl?: number; // 255
  tos?: number; // 0xc0
  id?: number;
  protocol?: number; // 112
  flagsFrag?: number;
  totalLength?: number; // override
}

/** RFC 791 header (IHL 5) + payload, header checksum computed. */
export function ipv4(f: IpFields, payload: readonly number[]): Buffer {
  const header = [
    0x45,
    f.tos ?? 0xc0,
    ...u16(f.totalLength ?? 20 + payload.length),
    ...u16(f.id ?? 1),
    ...u16(f.flagsFrag ?? 0),
    f.ttl ?? 255,
    f.protocol ?? 112,
    0,
    0,
    ...addr(f.src),
    ...addr(f.dst),
  ];
  const sum = u16(rfc1071(header));
  header[10] = sum[0] as number;
  header[11] = sum[1] as number;
  return Buffer.from([...header, ...payload]);
}

/** Recompute the IPv4 header checksum (after a test mutated a header byte). */
export function fixIpChecksum(pkt: Buffer): Buffer {
  const out = Buffer.from(pkt);
  const ihl = ((out[0] as number) & 0x0f) * 4;
  out[10] = 0;
  out[11] = 0;
  const sum = rfc1071([...out.subarray(0, ihl)]);
  out.writeUInt16BE(sum, 10);
  return out;
}

/** Recompute the VRRP checksum of a whole IPv4 packet: v2 plain, v3 with the pseudo-header. */
export function fixVrrpChecksum(pkt: Buffer): Buffer {
  const out = Buffer.from(pkt);
  const ihl = ((out[0] as number) & 0x0f) * 4;
  const msg = out.subarray(ihl);
  msg[6] = 0;
  msg[7] = 0;
  const v3 = (msg[0] as number) >> 4 === 3;
  const pseudo = v3 ? [...out.subarray(12, 20), 0, 112, ...u16(msg.length)] : [];
  msg.writeUInt16BE(rfc1071([...pseudo, ...msg]), 6);
  return out;
}

export function fromHex(hex: string): Buffer {
  return Buffer.from(hex.replace(/\s+/g, ''), 'hex');
}
