// Gratuitous ARP bursts after becoming MASTER. Sent in-process through the AF_PACKET addon when it is built
// (packet-native.ts; garp-frame.ts builds keepalived's frame): the whole burst leaves back to back on the takeover
// turn, like keepalived's (vrrp-capture-keepalived.txt: 5 GARPs within 40 µs). Without the addon (no compiler at
// install, HAPAIR_NATIVE=0), or when the AF_PACKET socket cannot be opened, iputils `arping -U` sends them:
// `arping -U -I DEV VIP` emits exactly keepalived's frame (keepalived.md §6.4): broadcast ARP *request*, sender
// IP = target IP = VIP, sender MAC = the NIC's MAC, target MAC ff:ff:ff:ff:ff:ff (checked against keepalived's own
// frames with tcpdump/tshark in test/integration/vrrp-wire.test.ts). keepalived sends a burst back to back; arping
// waits its 1 s interval after each packet, so each GARP of a burst is its own `arping -c 1` process (packets leave
// at once, processes linger ~1 s).
//
// The takeover path never waits on arping and never forks: the first GARP of each VIP goes through a helper armed
// while BACKUP (`prepare`, garp-armed.ts: a write to an idle xargs), the rest are queued. Queued processes are started
// on later event loop turns, one per turn (a fork costs milliseconds; the transition's log line, the notify dispatch
// and the next advert must not queue behind a burst of them), at most MAX_CONCURRENT at a time. Nothing awaits them;
// a failing arping is logged once per address until one succeeds again, a missing binary once per process.
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../core/logger.js';
import type { ResolvedVip } from './vip.js';
import { ArmedGarps, XARGS_CANNOT_RUN } from './garp-armed.js';
import { garpFrame, IFF_NOARP } from './garp-frame.js';
import { nativePacket, type InterfaceInfo, type PacketSender } from './packet-native.js';

export const ARPING_BIN = process.env.HAPAIR_ARPING_BIN ?? 'arping';

/** At most this many arping processes at once; the rest wait (a config with many VIPs cannot fork-bomb the host). */
export const MAX_CONCURRENT = 32;

export interface GarpDeps {
  readonly logger: Logger;
  /** The arping program (default ARPING_BIN); tests substitute a script. */
  readonly bin?: string;
  /** In-process AF_PACKET sender (default: the built addon, if any); null forces the arping path. */
  readonly native?: PacketSender | null;
}

/** errno codes that mean this process cannot use AF_PACKET at all (not one interface's problem): fall back to arping. */
const NATIVE_UNUSABLE: ReadonlySet<string> = new Set(['EPERM', 'EACCES', 'EAFNOSUPPORT']);

export class GarpSender {
  private readonly running = new Set<ChildProcess>();
  private readonly queue: ResolvedVip[] = [];
  private readonly failing = new Set<string>();
  private missingBinaryLogged = false;
  private scheduled = false;
  private stopped = false;
  sent = 0;
  failed = 0;

  private readonly armed: ArmedGarps;
  private native: PacketSender | null;
  private readonly noArpLogged = new Set<string>();

  constructor(private readonly deps: GarpDeps) {
    this.armed = new ArmedGarps(deps.bin ?? ARPING_BIN);
    this.native = deps.native === undefined ? nativePacket().sender : deps.native;
  }

  /** How GARPs leave: in-process (AF_PACKET) or through arping. */
  get method(): 'af_packet' | 'arping' {
    return this.native ? 'af_packet' : 'arping';
  }

  /**
   * With arping, arms one idle helper per VIP (bounded) so the next burst's first GARPs need no fork. Call on
   * entering BACKUP. The in-process sender needs nothing armed.
   */
  prepare(vips: readonly ResolvedVip[]): void {
    if (!this.stopped && !this.native) this.armed.arm(vips);
  }

  /** Ends idle arping helpers of VIPs that are no longer configured (call after a reload with every VIP kept). */
  retain(vips: readonly ResolvedVip[]): void {
    this.armed.retain(vips);
  }

  /** Idle helpers armed by `prepare`. */
  get armedCount(): number {
    return this.armed.size;
  }

  /**
   * `repeat` GARPs for every VIP (keepalived: garp_master_repeat per address per burst), returns at once. Through
   * AF_PACKET they have all left when it returns. Through arping, the first of each VIP leaves through its armed
   * helper when there is one (a pipe write, no fork); the rest are queued.
   */
  burst(vips: readonly ResolvedVip[], repeat: number): void {
    if (this.stopped || repeat <= 0) return;
    if (this.native) vips = this.sendNative(vips, repeat);
    for (const v of vips) {
      const helper = this.running.size < MAX_CONCURRENT ? this.armed.fire(v) : undefined;
      if (helper) this.track(helper, v, true);
      else this.queue.push(v);
    }
    for (let i = 1; i < repeat; i++) for (const v of vips) this.queue.push(v);
    this.schedule();
  }

  /**
   * Sends every VIP's `repeat` GARPs now, back to back (keepalived's burst). Returns the VIPs left for arping: all of
   * them if AF_PACKET turns out unusable in this process (then the addon is dropped for good, logged once).
   */
  private sendNative(vips: readonly ResolvedVip[], repeat: number): readonly ResolvedVip[] {
    const native = this.native;
    if (!native) return vips;
    const links = new Map<string, InterfaceInfo | Error>();
    for (let i = 0; i < vips.length; i++) {
      const v = vips[i]!;
      let link = links.get(v.dev);
      if (!link) {
        try {
          link = native.interfaceInfo(v.dev);
        } catch (err) {
          link = err as Error;
        }
        links.set(v.dev, link);
      }
      try {
        if (link instanceof Error) throw link;
        // keepalived sends no GARP on IFF_NOARP or non-Ethernet links (keepalived.md §6.4); neither can arping.
        if (!link.mac || (link.flags & IFF_NOARP) !== 0) {
          this.noArp(v.dev);
          continue;
        }
        const frame = garpFrame(link.mac, v.address);
        for (let n = 0; n < repeat; n++) {
          native.sendFrame(link.index, frame);
          this.sent += 1;
        }
        this.failing.delete(`${v.dev} ${v.address}`);
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code ?? 'EIO';
        if (NATIVE_UNUSABLE.has(code)) {
          this.native = null;
          this.deps.logger.error({ event: 'garp-error', code, err: (err as Error).message }, 'cannot send gratuitous ARP through AF_PACKET; using arping from now on');
          return vips.slice(i);
        }
        this.failed += 1;
        this.logFailure(v, (err as Error).message, { code });
      }
    }
    return [];
  }

  private noArp(dev: string): void {
    if (this.noArpLogged.has(dev)) return;
    this.noArpLogged.add(dev);
    this.deps.logger.info({ event: 'garp-skipped', dev }, `no gratuitous ARP on ${dev}: NOARP or not an Ethernet link`);
  }

  /** GARPs queued and not started yet / arping processes running. */
  get pending(): { queued: number; running: number } {
    return { queued: this.queue.length, running: this.running.size };
  }

  private schedule(): void {
    if (this.scheduled || this.queue.length === 0 || this.running.size >= MAX_CONCURRENT) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.startOne();
      this.schedule();
    });
  }

  private startOne(): void {
    if (this.stopped || this.running.size >= MAX_CONCURRENT) return;
    const v = this.queue.shift();
    if (!v) return;
    const bin = this.deps.bin ?? ARPING_BIN;
    this.track(spawn(bin, ['-U', '-q', '-c', '1', '-I', v.dev, v.address], { stdio: 'ignore' }), v, false);
  }

  /** Counts one GARP process (a spawned arping, or an armed xargs helper running it) until it exits. */
  private track(child: ChildProcess, v: ResolvedVip, viaHelper: boolean): void {
    this.running.add(child);
    child.on('error', (err: NodeJS.ErrnoException) => this.cannotRun(err.message));
    child.on('exit', (code) => {
      this.running.delete(child);
      if (viaHelper && code !== null && XARGS_CANNOT_RUN.has(code)) this.cannotRun(`xargs exit ${code}`);
      else this.exited(v, code);
      this.schedule();
    });
  }

  private cannotRun(why: string): void {
    this.failed += 1;
    if (this.missingBinaryLogged) return;
    this.missingBinaryLogged = true;
    const bin = this.deps.bin ?? ARPING_BIN;
    this.deps.logger.error({ event: 'garp-error', code: 'EPLATFORM', err: why }, `cannot run ${bin} (iputils-arping is required for gratuitous ARP)`);
  }

  private exited(v: ResolvedVip, code: number | null): void {
    const key = `${v.dev} ${v.address}`;
    if (code === 0) {
      this.sent += 1;
      this.failing.delete(key);
      return;
    }
    if (code === null) return; // killed by stop()
    this.failed += 1;
    this.logFailure(v, `arping exit ${code}`, { exit: code });
  }

  /** Logs a VIP's GARP failure once, until one succeeds again (then counted only). */
  private logFailure(v: ResolvedVip, why: string, fields: Record<string, unknown>): void {
    const key = `${v.dev} ${v.address}`;
    if (this.failing.has(key)) return;
    this.failing.add(key);
    this.deps.logger.warn({ event: 'garp-error', vip: v.address, dev: v.dev, ...fields }, `gratuitous ARP for ${v.address} on ${v.dev} failed (${why}); further failures for it are counted, not logged, until one succeeds`);
  }

  /** Drops queued GARPs and stops running arping processes (by PID). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.armed.stop();
    for (const c of this.running) c.kill('SIGTERM');
  }
}
