// Gratuitous ARP bursts after becoming MASTER, sent by iputils `arping -U` (Node has no AF_PACKET sockets).
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

export const ARPING_BIN = process.env.HAPAIR_ARPING_BIN ?? 'arping';

/** At most this many arping processes at once; the rest wait (a config with many VIPs cannot fork-bomb the host). */
export const MAX_CONCURRENT = 32;

export interface GarpDeps {
  readonly logger: Logger;
  /** The arping program (default ARPING_BIN); tests substitute a script. */
  readonly bin?: string;
}

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

  constructor(private readonly deps: GarpDeps) {
    this.armed = new ArmedGarps(deps.bin ?? ARPING_BIN);
  }

  /** Arms one idle helper per VIP (bounded) so the next burst's first GARPs need no fork. Call on entering BACKUP. */
  prepare(vips: readonly ResolvedVip[]): void {
    if (!this.stopped) this.armed.arm(vips);
  }

  /** Idle helpers armed by `prepare`. */
  get armedCount(): number {
    return this.armed.size;
  }

  /**
   * `repeat` GARPs for every VIP (keepalived: garp_master_repeat per address per burst), returns at once. The first
   * of each VIP leaves through its armed helper when there is one (a pipe write, no fork); the rest are queued.
   */
  burst(vips: readonly ResolvedVip[], repeat: number): void {
    if (this.stopped || repeat <= 0) return;
    for (const v of vips) {
      const helper = this.running.size < MAX_CONCURRENT ? this.armed.fire(v) : undefined;
      if (helper) this.track(helper, v, true);
      else this.queue.push(v);
    }
    for (let i = 1; i < repeat; i++) for (const v of vips) this.queue.push(v);
    this.schedule();
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
    if (this.failing.has(key)) return;
    this.failing.add(key);
    this.deps.logger.warn({ event: 'garp-error', vip: v.address, dev: v.dev, exit: code }, `arping for ${v.address} on ${v.dev} failed (exit ${code}); further failures for it are counted, not logged, until one succeeds`);
  }

  /** Drops queued GARPs and stops running arping processes (by PID). */
  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.armed.stop();
    for (const c of this.running) c.kill('SIGTERM');
  }
}
