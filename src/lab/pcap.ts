// Minimal pcap reader (pure): classic libpcap files from `tcpdump -w`, Ethernet frames, VRRP/ARP field access.

export interface Frame {
  readonly ts: number; // seconds since the epoch (fractional)
  readonly data: Buffer; // the whole captured Ethernet frame
}

const MAGIC_US = 0xa1b2c3d4;
const MAGIC_NS = 0xa1b23c4d;

/** Parses a pcap file image. Throws on a non-pcap or non-Ethernet file; a truncated last record is dropped. */
export function parsePcap(buf: Buffer): Frame[] {
  if (buf.length < 24) throw new Error('pcap: file shorter than its global header');
  const magicLE = buf.readUInt32LE(0);
  const le = magicLE === MAGIC_US || magicLE === MAGIC_NS;
  const magic = le ? magicLE : buf.readUInt32BE(0);
  if (magic !== MAGIC_US && magic !== MAGIC_NS) throw new Error('pcap: bad magic');
  const u32 = (off: number) => (le ? buf.readUInt32LE(off) : buf.readUInt32BE(off));
  const linktype = u32(20);
  if (linktype !== 1) throw new Error(`pcap: link type ${linktype} is not Ethernet`);
  const frac = magic === MAGIC_NS ? 1e9 : 1e6;
  const frames: Frame[] = [];
  let off = 24;
  while (off + 16 <= buf.length) {
    const sec = u32(off);
    const sub = u32(off + 4);
    const incl = u32(off + 8);
    if (off + 16 + incl > buf.length) break;
    frames.push({ ts: sec + sub / frac, data: buf.subarray(off + 16, off + 16 + incl) });
    off += 16 + incl;
  }
  return frames;
}

export const ETH_IPV4 = 0x0800;
export const ETH_ARP = 0x0806;

export function ethType(f: Frame): number {
  return f.data.length >= 14 ? f.data.readUInt16BE(12) : -1;
}

export function macStr(b: Buffer): string {
  return [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');
}

export function ipStr(b: Buffer): string {
  return [...b].join('.');
}

/** IPv4 packet (header included) of an Ethernet frame, or undefined. */
export function ipv4Of(f: Frame): Buffer | undefined {
  if (ethType(f) !== ETH_IPV4) return undefined;
  const ip = f.data.subarray(14);
  if (ip.length < 20) return undefined;
  const total = ip.readUInt16BE(2);
  return ip.subarray(0, Math.min(total, ip.length));
}

export interface VrrpFrame {
  readonly ts: number;
  readonly srcMac: string;
  readonly src: string;
  readonly dst: string;
  readonly ttl: number;
  readonly vrid: number;
  readonly priority: number;
  readonly version: number;
  readonly ip: Buffer; // whole IPv4 packet
}

/** VRRP adverts (IP protocol 112) in capture order. */
export function vrrpFrames(frames: readonly Frame[]): VrrpFrame[] {
  const out: VrrpFrame[] = [];
  for (const f of frames) {
    const ip = ipv4Of(f);
    if (!ip || ip[9] !== 112) continue;
    const ihl = (ip[0]! & 0x0f) * 4;
    const v = ip.subarray(ihl);
    if (v.length < 8) continue;
    out.push({
      ts: f.ts,
      srcMac: macStr(f.data.subarray(6, 12)),
      src: ipStr(ip.subarray(12, 16)),
      dst: ipStr(ip.subarray(16, 20)),
      ttl: ip[8]!,
      version: v[0]! >> 4,
      vrid: v[1]!,
      priority: v[2]!,
      ip,
    });
  }
  return out;
}

export interface ArpFrame {
  readonly ts: number;
  readonly ethDst: string;
  readonly ethSrc: string;
  readonly op: number; // 1 request, 2 reply
  readonly senderMac: string;
  readonly senderIp: string;
  readonly targetMac: string;
  readonly targetIp: string;
}

export function arpFrames(frames: readonly Frame[]): ArpFrame[] {
  const out: ArpFrame[] = [];
  for (const f of frames) {
    if (ethType(f) !== ETH_ARP || f.data.length < 42) continue;
    const a = f.data.subarray(14);
    out.push({
      ts: f.ts,
      ethDst: macStr(f.data.subarray(0, 6)),
      ethSrc: macStr(f.data.subarray(6, 12)),
      op: a.readUInt16BE(6),
      senderMac: macStr(a.subarray(8, 14)),
      senderIp: ipStr(a.subarray(14, 18)),
      targetMac: macStr(a.subarray(18, 24)),
      targetIp: ipStr(a.subarray(24, 28)),
    });
  }
  return out;
}

/** A gratuitous ARP exactly as keepalived sends it: broadcast request with sender IP = target IP = VIP. */
export function isKeepalivedGarp(a: ArpFrame, vip: string): boolean {
  return a.op === 1 && a.ethDst === 'ff:ff:ff:ff:ff:ff' && a.senderIp === vip && a.targetIp === vip && a.targetMac === 'ff:ff:ff:ff:ff:ff' && a.senderMac === a.ethSrc;
}
