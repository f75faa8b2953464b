// Raw IPv4 socket for VRRP (IP protocol 112) over the `raw-socket` addon: we write the whole IP header (IP_HDRINCL,
// like keepalived), bind to the interface, join 224.0.0.18 by ifindex, never loop our own multicast back.
import { createRequire } from 'node:module';
import os from 'node:os';
import { HaError } from '../core/errors.js';

// Linux socket option numbers (<netinet/in.h>, <asm-generic/socket.h>); raw-socket exports only a few of them.
const SOL_SOCKET = 1;
const SO_BINDTODEVICE = 25;
const SO_RCVBUF = 8;
const IPPROTO_IP = 0;
const IP_HDRINCL = 3;
const IP_MULTICAST_IF = 32;
const IP_MULTICAST_LOOP = 34;
const IP_ADD_MEMBERSHIP = 35;
/** RFC 5798 §5.1.1.2 / RFC 3768 §5.2.2: the VRRP multicast group and protocol number. */
export const VRRP_GROUP = '224.0.0.18';
export const IPPROTO_VRRP = 112;

interface RawSocket {
  on(ev: 'message', cb: (buf: Buffer, source: string) => void): void;
  on(ev: 'error', cb: (err: Error) => void): void;
  on(ev: 'close', cb: () => void): void;
  setOption(level: number, option: number, value: Buffer | number, length?: number): void;
  send(buf: Buffer, offset: number, length: number, address: string, cb: (err: Error | null, bytes: number) => void): void;
  close(): void;
  /** The addon's native handle: its `send` is a plain non-blocking sendto(2) that calls back synchronously. */
  wrap?: { send(buf: Buffer, offset: number, length: number, address: string, cb: (bytes: number) => void): void };
  /** Sends the addon has queued until its poll handle reports the socket writable. */
  requests?: unknown[];
}
interface RawModule {
  createSocket(opts: { protocol: number; addressFamily?: number; bufferSize?: number }): RawSocket;
  AddressFamily: { IPv4: number };
}

let rawModule: RawModule | undefined;
/** Loaded lazily so commands that never open a socket (`hapair check`, `status`) do not load the native addon. */
function raw(): RawModule {
  if (!rawModule) rawModule = createRequire(import.meta.url)('raw-socket') as RawModule;
  return rawModule;
}

function ipBytes(ip: string): Buffer {
  return Buffer.from(ip.split('.').map(Number));
}

/** struct ip_mreqn { in_addr imr_multiaddr; in_addr imr_address; int imr_ifindex; } (ifindex in host order). */
export function ipMreqn(group: string, ifindex: number): Buffer {
  const b = Buffer.alloc(12);
  ipBytes(group).copy(b, 0);
  if (os.endianness() === 'LE') b.writeInt32LE(ifindex, 8);
  else b.writeInt32BE(ifindex, 8);
  return b;
}

/** Maps addon errors (plain strerror text) to hapair codes: permission => ENOTROOT naming the capability. */
export function socketError(what: string, iface: string, err: unknown): HaError {
  const msg = err instanceof Error ? err.message : String(err);
  if (/not permitted|permission denied/i.test(msg)) {
    return new HaError('ENOTROOT', `${what} on ${iface}: ${msg}: hapair vrrp needs root or CAP_NET_RAW (raw IP protocol 112) and CAP_NET_ADMIN (VIPs)`, { cause: err });
  }
  if (/no such device/i.test(msg)) return new HaError('ENOIFACE', `${what}: interface '${iface}' does not exist`, { cause: err });
  return new HaError('EVRRP_SOCKET', `${what} on ${iface}: ${msg}`, { cause: err });
}

export interface SocketOptions {
  readonly iface: string;
  readonly ifindex: number;
  /** Join 224.0.0.18 on the interface (any multicast instance on it). */
  readonly multicast: boolean;
}

/**
 * One raw socket per interface, shared by every instance on it (the daemon demultiplexes by VRID, as keepalived's
 * socket pool does). Received buffers are whole IPv4 packets (header included).
 */
export class VrrpSocket {
  private readonly sock: RawSocket;
  private closed = false;
  sendErrors = 0;

  private constructor(
    readonly opts: SocketOptions,
    onPacket: (pkt: Buffer, from: string) => void,
    onError: (err: HaError) => void,
  ) {
    const r = raw();
    try {
      this.sock = r.createSocket({ protocol: IPPROTO_VRRP, addressFamily: r.AddressFamily.IPv4, bufferSize: 65535 });
    } catch (err) {
      throw socketError('cannot open raw VRRP socket', opts.iface, err);
    }
    try {
      this.sock.setOption(IPPROTO_IP, IP_HDRINCL, 1);
      const dev = Buffer.from(opts.iface + '\0');
      this.sock.setOption(SOL_SOCKET, SO_BINDTODEVICE, dev, dev.length);
      this.sock.setOption(SOL_SOCKET, SO_RCVBUF, 256 * 1024);
      if (opts.multicast) {
        const mreq = ipMreqn(VRRP_GROUP, opts.ifindex);
        this.sock.setOption(IPPROTO_IP, IP_ADD_MEMBERSHIP, mreq, mreq.length);
        const mif = ipMreqn('0.0.0.0', opts.ifindex);
        this.sock.setOption(IPPROTO_IP, IP_MULTICAST_IF, mif, mif.length);
      }
      // keepalived.md §1.1: IP_MULTICAST_LOOP off, a node never sees its own adverts.
      this.sock.setOption(IPPROTO_IP, IP_MULTICAST_LOOP, 0);
    } catch (err) {
      this.sock.close();
      throw socketError('cannot configure raw VRRP socket', opts.iface, err);
    }
    // The addon reuses one receive buffer: copy before the next read overwrites it.
    this.sock.on('message', (buf, from) => onPacket(Buffer.from(buf), from));
    this.sock.on('error', (err) => {
      if (this.closed) return;
      this.closed = true; // the addon closes the socket after an error
      onError(socketError('raw VRRP socket failed', opts.iface, err));
    });
  }

  static open(opts: SocketOptions, onPacket: (pkt: Buffer, from: string) => void, onError: (err: HaError) => void): VrrpSocket {
    return new VrrpSocket(opts, onPacket, onError);
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /**
   * Sends one complete IPv4 packet to `dst` (224.0.0.18 or a unicast peer). Rejects with EVRRP_SOCKET.
   * The packet is handed to the kernel before this returns when the addon has nothing queued: raw-socket's own
   * `send` only queues and waits for the next poll phase (~1 ms on takeover, measured on the lab bridge with
   * scripts/bench/failover-timeline.mjs), so a priority-0 advert could leave after the VIP removal that follows it,
   * and a takeover advert after its VIPs. keepalived writes adverts with a plain sendto() in the same way.
   */
  send(packet: Buffer, dst: string): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.closed) {
        reject(new HaError('EVRRP_SOCKET', `raw VRRP socket on ${this.opts.iface} is closed`));
        return;
      }
      if (this.sendNow(packet, dst)) {
        resolve();
        return;
      }
      this.sock.send(packet, 0, packet.length, dst, (err) => {
        if (err) {
          this.sendErrors += 1;
          reject(socketError(`cannot send advert to ${dst}`, this.opts.iface, err));
        } else resolve();
      });
    });
  }

  /**
   * Immediate sendto() through the addon's native handle, only when its queue is empty (order is kept). Any
   * failure (EAGAIN on a full buffer, ENETDOWN, ...) returns false and the queued path retries and reports it.
   */
  private sendNow(packet: Buffer, dst: string): boolean {
    const wrap = this.sock.wrap;
    if (!wrap || typeof wrap.send !== 'function' || (this.sock.requests?.length ?? 0) > 0) return false;
    try {
      let sent = false;
      wrap.send(packet, 0, packet.length, dst, () => (sent = true));
      return sent;
    } catch {
      return false;
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    try {
      this.sock.close();
    } catch {
      /* already closed */
    }
  }
}
