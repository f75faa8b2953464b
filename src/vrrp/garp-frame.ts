// Gratuitous ARP frame (pure): keepalived's exact 42 bytes (keepalived.md §6.4, vrrp-capture-keepalived.txt frame 8).
import { isIPv4 } from 'node:net';

export const ETH_P_ARP = 0x0806;
export const GARP_FRAME_LEN = 42;
/** Interface flags from SIOCGIFFLAGS (linux/if.h) that decide whether a GARP may be sent. */
export const IFF_UP = 0x1;
export const IFF_NOARP = 0x80;

/**
 * Broadcast ARP *request* announcing `ipv4` at `mac`: sender IP = target IP = the VIP, target MAC ff:ff:ff:ff:ff:ff
 * (what keepalived sends, and what `arping -U` sends; a request rather than a reply because every stack updates
 * an existing neighbour entry from one, RFC 5227 §3).
 */
export function garpFrame(mac: Uint8Array, ipv4: string): Buffer {
  if (mac.length !== 6) throw new RangeError(`GARP needs a 6-byte Ethernet MAC, got ${mac.length} bytes`);
  if (!isIPv4(ipv4)) throw new RangeError(`GARP needs an IPv4 address, got '${ipv4}'`);
  const ip = ipv4.split('.').map(Number);
  const f = Buffer.alloc(GARP_FRAME_LEN);
  f.fill(0xff, 0, 6); // Ethernet destination: broadcast
  f.set(mac, 6); // Ethernet source
  f.writeUInt16BE(ETH_P_ARP, 12);
  f.writeUInt16BE(1, 14); // hardware type: Ethernet
  f.writeUInt16BE(0x0800, 16); // protocol type: IPv4
  f[18] = 6; // hardware size
  f[19] = 4; // protocol size
  f.writeUInt16BE(1, 20); // opcode: request
  f.set(mac, 22); // sender MAC
  f.set(ip, 28); // sender IP
  f.fill(0xff, 32, 38); // target MAC: broadcast
  f.set(ip, 38); // target IP
  return f;
}
