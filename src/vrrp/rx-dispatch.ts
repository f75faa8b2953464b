// One raw socket per interface and the receive dispatcher: decode once, pick the instance by VRID, validate, count.
import type { Logger } from '../core/logger.js';
import type { HaError } from '../core/errors.js';
import type { RejectReason } from './types.js';
import { decodeIpv4Packet } from './codec.js';
import { VrrpSocket } from './socket.js';
import { noPeerFault, type Instance } from './instance.js';
import type { NetSnapshot } from './netstate.js';
import { requireIface } from './netstate.js';

/**
 * Owns the sockets. Instances on an interface share its socket (keepalived's socket pool); a packet goes to
 * the instance(s) configured with its VRID there. Rejections are counted on the instance when the VRID is
 * known, else per interface (`VrrpStatus.unmatched`).
 */
export class RxDispatcher {
  private readonly sockets = new Map<string, VrrpSocket>();
  private instances: Instance[] = [];
  private readonly unmatched = new Map<string, Partial<Record<RejectReason, number>>>();
  private readonly unmatchedLogged = new Set<string>();

  constructor(private readonly logger: Logger) {}

  /** Opens sockets for every interface the instances use (throws ENOTROOT/ENOIFACE/EVRRP_SOCKET) and closes unused ones. */
  sync(instances: readonly Instance[], snap: NetSnapshot): void {
    this.instances = [...instances];
    const want = new Map<string, boolean>();
    // Multicast membership only for instances that really advertise to 224.0.0.18 (not unicast_fault_no_peer ones).
    for (const i of instances) want.set(i.cfg.interface, (want.get(i.cfg.interface) ?? false) || (i.cfg.unicastPeers.length === 0 && !noPeerFault(i.cfg)));
    for (const [iface, sock] of this.sockets) {
      if (!want.has(iface) || (want.get(iface) && !sock.opts.multicast) || sock.isClosed) {
        sock.close();
        this.sockets.delete(iface);
      }
    }
    for (const [iface, multicast] of want) {
      if (this.sockets.has(iface)) continue;
      const st = requireIface(snap, iface);
      this.sockets.set(iface, VrrpSocket.open({ iface, ifindex: st.ifindex, multicast }, (pkt, from) => this.onPacket(iface, pkt, from), (err) => this.onError(iface, err)));
    }
  }

  send(iface: string, packet: Buffer, dst: string): Promise<void> {
    const sock = this.sockets.get(iface);
    if (!sock) return Promise.reject(new Error(`no VRRP socket on ${iface}`));
    return sock.send(packet, dst);
  }

  private onError(iface: string, err: HaError): void {
    this.logger.error({ event: 'socket-error', iface, code: err.code, err: err.message }, 'VRRP socket failed; reopening');
    this.sockets.delete(iface);
    // Reopen on the next interface snapshot (sync is called from the daemon's snapshot handler).
  }

  hasSocket(iface: string): boolean {
    return this.sockets.has(iface);
  }

  private onPacket(iface: string, buf: Buffer, from: string): void {
    try {
      this.dispatch(iface, buf, from);
    } catch (err) {
      // A bug on the receive path must not take the daemon (and the other instances) down.
      this.logger.error({ event: 'rx-error', iface, from, err: err instanceof Error ? err.message : String(err) }, 'unexpected error handling a packet');
    }
  }

  private dispatch(iface: string, buf: Buffer, from: string): void {
    const d = decodeIpv4Packet(buf);
    const here = this.instances.filter((i) => i.cfg.interface === iface);
    if (!d.ok) {
      // Undecodable: attribute it by the VRID byte when the packet is long enough to carry one.
      const ihl = ((buf[0] ?? 0) & 0x0f) * 4;
      const vrid = buf.length > ihl + 1 ? buf[ihl + 1] : undefined;
      const owner = here.find((i) => i.cfg.vrid === vrid);
      if (owner) owner.counters.reject(d.reason, d.detail, from);
      else this.countUnmatched(iface, d.reason, d.detail, from);
      return;
    }
    const candidates = here.filter((i) => i.cfg.vrid === d.advert.vrid);
    if (candidates.length === 0) {
      this.countUnmatched(iface, 'unknown-vrid', `vrid ${d.advert.vrid} not configured on ${iface}`, from);
      return;
    }
    let first: { inst: Instance; reason: RejectReason; detail: string } | undefined;
    for (const inst of candidates) {
      let r;
      try {
        r = inst.check(d);
        if (r.ok) {
          inst.accept(d);
          return;
        }
      } catch (err) {
        inst.fail('receive', err);
        return;
      }
      first ??= { inst, reason: r.reason, detail: r.detail };
    }
    if (first) first.inst.counters.reject(first.reason, first.detail, from);
  }

  private countUnmatched(iface: string, reason: RejectReason, detail: string, from: string): void {
    const m = this.unmatched.get(iface) ?? {};
    m[reason] = (m[reason] ?? 0) + 1;
    this.unmatched.set(iface, m);
    const key = `${iface}|${reason}`;
    if (this.unmatchedLogged.has(key)) return;
    this.unmatchedLogged.add(key);
    this.logger.info({ event: 'advert-rejected', iface, reason, detail, from }, `dropped packet from ${from} on ${iface}: ${detail} (logged once)`);
  }

  unmatchedCounts(): Record<string, Partial<Record<RejectReason, number>>> {
    return Object.fromEntries([...this.unmatched].map(([k, v]) => [k, { ...v }]));
  }

  close(): void {
    for (const s of this.sockets.values()) s.close();
    this.sockets.clear();
  }
}
