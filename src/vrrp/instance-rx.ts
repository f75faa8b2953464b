// Receive-side bookkeeping of one instance: counters per reject reason and keepalived-HEAD/RFC 9568 rate-limited logs.
import type { Logger } from '../core/logger.js';
import type { RejectReason, RxCounters } from './types.js';

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

/** Counters for `hapair status` (keepalived's SIGUSR2 stats: rcvd/sent, became/released master, errors, prio 0). */
export class InstanceCounters {
  private readonly c: Mutable<Omit<RxCounters, 'rejected'>> = { rx: 0, tx: 0, becameMaster: 0, releasedMaster: 0, priorityZeroRx: 0, priorityZeroTx: 0 };
  private readonly rejected: Partial<Record<RejectReason, number>> = {};
  /**
   * Reasons already logged: each is logged once until the next state change or a new master (keepalived >= 2.3.3,
   * after RFC 9568 §7.1's advice to rate-limit). Clearing on every valid advert instead would let a hostile sender
   * interleaved with the real master write one line per advert interval and reason, forever.
   */
  private readonly logged = new Set<RejectReason>();
  private master: string | undefined;

  constructor(private readonly logger: Logger) {}

  accepted(priority: number, src?: string): void {
    this.c.rx += 1;
    if (priority === 0) this.c.priorityZeroRx += 1;
    if (src !== this.master) {
      this.master = src;
      this.logged.clear();
    }
  }

  reject(reason: RejectReason, detail: string, from: string): void {
    this.rejected[reason] = (this.rejected[reason] ?? 0) + 1;
    if (this.logged.has(reason)) return;
    this.logged.add(reason);
    this.logger.info({ event: 'advert-rejected', reason, detail, from }, `dropped advert from ${from}: ${detail} (logged once until the state or the master changes; counted in hapair status)`);
  }

  sent(priority: number): void {
    this.c.tx += 1;
    if (priority === 0) this.c.priorityZeroTx += 1;
  }

  transition(from: string, to: string): void {
    if (to === 'MASTER') this.c.becameMaster += 1;
    if (from === 'MASTER') this.c.releasedMaster += 1;
    this.logged.clear();
  }

  /** After a reload: re-log each reject reason once more. */
  reload(): void {
    this.logged.clear();
  }

  snapshot(): RxCounters {
    return { ...this.c, rejected: { ...this.rejected } };
  }
}
