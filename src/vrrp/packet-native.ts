// Loads the optional AF_PACKET sender (src/vrrp/native/packet.c, built by scripts/build-native.mjs at `npm ci`).
// Absent (no compiler at install, HAPAIR_NATIVE=0), GARPs go through arping instead (garp.ts).
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

export interface InterfaceInfo {
  readonly index: number;
  /** SIOCGIFFLAGS bits (IFF_UP, IFF_NOARP, …). */
  readonly flags: number;
  /** The Ethernet MAC, or null on a non-Ethernet link (no ARP there). */
  readonly mac: Buffer | null;
}

export interface PacketSender {
  /** ioctl lookups by name; throws an Error whose `code` is the errno name (ENODEV, …). */
  interfaceInfo(name: string): InterfaceInfo;
  /** Sends a whole Ethernet frame on `ifindex` without blocking; throws with `code` (EAGAIN, ENETDOWN, EPERM, …). */
  sendFrame(ifindex: number, frame: Buffer): void;
}

const ADDON = path.join('src', 'vrrp', 'native', 'build', 'Release', 'hapair_packet.node');

/** The package root holding the built addon: dist/src/vrrp or .build/x/src/vrrp are 3 or 4 levels below it. */
function addonPath(): string | undefined {
  let dir = path.dirname(fileURLToPath(import.meta.url));
  for (let i = 0; i < 6; i++) {
    const p = path.join(dir, ADDON);
    if (fs.existsSync(p)) return p;
    dir = path.dirname(dir);
  }
  return undefined;
}

let loaded: { sender: PacketSender | null; why: string } | undefined;

/** The addon, loaded once per process, or null with the reason (for the start-up log line). */
export function nativePacket(): { sender: PacketSender | null; why: string } {
  if (loaded) return loaded;
  if (process.env.HAPAIR_NATIVE === '0') return (loaded = { sender: null, why: 'disabled by HAPAIR_NATIVE=0' });
  const p = addonPath();
  if (!p) return (loaded = { sender: null, why: `${ADDON} not built (run: node scripts/build-native.mjs)` });
  try {
    return (loaded = { sender: createRequire(import.meta.url)(p) as PacketSender, why: 'loaded' });
  } catch (err) {
    return (loaded = { sender: null, why: `cannot load ${p}: ${(err as Error).message}` });
  }
}
