// Gratuitous ARP bursts after becoming MASTER, sent by iputils `arping -U` (Node has no AF_PACKET sockets).
// `arping -U -I DEV VIP` emits exactly keepalived's frame (keepalived.md §6.4): broadcast ARP *request*, sender
// IP = target IP = VIP, sender MAC = the NIC's MAC, target MAC ff:ff:ff:ff:ff:ff (verified with tcpdump in
// test/vrrp/runtime/garp.test.ts). keepalived sends a burst back to back; arping waits its 1 s interval after each
// packet, so each GARP of a burst is its own `arping -c 1` process (packets leave at once, processes linger ~1 s).
import { spawn, type ChildProcess } from 'node:child_process';
import type { Logger } from '../core/logger.js';
import type { ResolvedVip } from './vip.js';

export const ARPING_BIN = process.env.HAPAIR_ARPING_BIN ?? 'arping';

/** At most this many arping processes at once; the rest wait (a config with many VIPs cannot fork-bomb the host). */
const MAX_CONCURRENT = 32;

export class GarpSender {
  private readonly running = new Set<ChildProcess>();
  private readonly queue: ResolvedVip[] = [];
  private missingBinaryLogged = false;
  sent = 0;
  failed = 0;

  constructor(private readonly deps: { logger: Logger }) {}

  /** Queues `repeat` GARPs for every VIP (keepalived: garp_master_repeat per address per burst). */
  burst(vips: readonly ResolvedVip[], repeat: number): void {
    for (let i = 0; i < repeat; i++) for (const v of vips) this.queue.push(v);
    this.pump();
  }

  private pump(): void {
    while (this.running.size < MAX_CONCURRENT && this.queue.length > 0) {
      const v = this.queue.shift()!;
      const child = spawn(ARPING_BIN, ['-U', '-q', '-c', '1', '-I', v.dev, v.address], { stdio: 'ignore' });
      this.running.add(child);
      child.on('error', (err: NodeJS.ErrnoException) => {
        this.failed += 1;
        if (!this.missingBinaryLogged) {
          this.missingBinaryLogged = true;
          this.deps.logger.error({ event: 'garp-error', code: 'EPLATFORM', err: err.message }, `cannot run ${ARPING_BIN} (iputils-arping is required for gratuitous ARP)`);
        }
      });
      child.on('exit', (code) => {
        this.running.delete(child);
        if (code === 0) this.sent += 1;
        else if (code !== null) {
          this.failed += 1;
          this.deps.logger.warn({ event: 'garp-error', vip: v.address, dev: v.dev, exit: code }, 'arping failed');
        }
        this.pump();
      });
    }
  }

  /** Drops queued GARPs and stops running arping processes (by PID). */
  stop(): void {
    this.queue.length = 0;
    for (const c of this.running) c.kill('SIGTERM');
  }
}
