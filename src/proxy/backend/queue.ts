// Pending streams (haproxy pendconn, queue.c; haproxy.md §4.3): FIFO per server and per backend, ordered by
// arrival; the dequeue order between the two queues is "older first". Timeouts and aborts are handled here.
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { AssignRequest, AssignResult } from '../types.js';
import type { Server } from './server.js';

export type PendingFailure = 'queue-timeout' | 'aborted' | 'queue-full' | 'no-server';

/** What the backend reports when an assignment settles (once). */
export type AssignCallback = (r: AssignResult) => void;

/**
 * One stream being assigned. Most are served at once (no queue): then no clock read, timer or abort listener is
 * set up at all. Only a stream that has to wait is `arm()`ed: arrival time (queue order), `timeout queue` timer
 * and the client-abort listener (haproxy pendconn_add).
 */
export class Pending {
  /** Arrival in the queues (monotonic ms; -1 = never queued) + sequence: the older head wins. */
  since = -1;
  seq = 0;
  /** Set = waiting in that server's queue, else in the backend queue. */
  server: Server | undefined = undefined;
  /** Directed by persistence (cookie / persist): not redistributed when option persist is set. */
  persisted = false;
  done = false;
  private timer: TimerHandle | undefined = undefined;
  private onAbort: (() => void) | undefined = undefined;

  constructor(
    readonly req: AssignRequest,
    private readonly clock: Clock,
    private readonly timeoutMs: number | undefined,
    private readonly onGiveUp: (p: Pending) => void,
    private readonly cb: AssignCallback,
  ) {}

  /** Called when the stream enters a queue (again, after a redistribution: arrival order is kept). */
  arm(): void {
    if (this.since >= 0) return;
    this.since = this.clock.now();
    this.seq = ++seqCounter;
    const t = this.timeoutMs;
    if (t !== undefined && t > 0) {
      this.timer = this.clock.setTimeout(() => {
        this.onGiveUp(this);
        this.failed('queue-timeout');
      }, t);
    }
    const signal = this.req.signal;
    if (signal) {
      this.onAbort = () => {
        this.onGiveUp(this);
        this.failed('aborted');
      };
      signal.addEventListener('abort', this.onAbort, { once: true });
    }
  }

  /** Served by `s` (holding a slot now). */
  served(s: Server, persisted: boolean): void {
    if (this.done) return;
    const queuedMs = this.finish();
    this.cb({ ok: true, server: s, host: s.addr, port: serverPort(s, this.req), queuedMs, persisted });
  }

  failed(why: PendingFailure): void {
    if (this.done) return;
    const queuedMs = this.finish();
    this.cb({ ok: false, why, queuedMs });
  }

  private finish(): number {
    this.done = true;
    if (this.since < 0) return 0;
    this.clock.clearTimeout(this.timer);
    if (this.onAbort) this.req.signal?.removeEventListener('abort', this.onAbort);
    return this.clock.now() - this.since;
  }
}

/** A FIFO with O(1) append/shift and removal by identity (queues stay short: linear removal is fine). */
export class PendingQueue {
  #items: Pending[] = [];
  #head = 0;

  get length(): number {
    return this.#items.length - this.#head;
  }

  push(p: Pending): void {
    this.#items.push(p);
  }

  peek(): Pending | undefined {
    return this.#items[this.#head];
  }

  shift(): Pending | undefined {
    const p = this.#items[this.#head];
    if (p === undefined) return undefined;
    this.#items[this.#head] = undefined as unknown as Pending;
    this.#head++;
    if (this.#head > 64 && this.#head * 2 > this.#items.length) {
      this.#items = this.#items.slice(this.#head);
      this.#head = 0;
    }
    return p;
  }

  remove(p: Pending): boolean {
    const i = this.#items.indexOf(p, this.#head);
    if (i < 0) return false;
    this.#items.splice(i, 1);
    return true;
  }

  /** Removes and returns every entry matching `pred` (order kept). */
  drain(pred: (p: Pending) => boolean): Pending[] {
    const out: Pending[] = [];
    const keep: Pending[] = [];
    for (let i = this.#head; i < this.#items.length; i++) {
      const p = this.#items[i]!;
      (pred(p) ? out : keep).push(p);
    }
    this.#items = keep;
    this.#head = 0;
    return out;
  }
}

/** True if `a` arrived before `b` (haproxy compares queue keys; equal priority => arrival order). */
export function olderThan(a: Pending, b: Pending): boolean {
  return a.since < b.since || (a.since === b.since && a.seq < b.seq);
}

let seqCounter = 0;

/** Destination port: the server's own port, else the client's destination port plus the `+N`/`-N` offset. */
export function serverPort(s: Server, req: Pick<AssignRequest, 'dstPort'>): number {
  if (s.port !== undefined && s.config.portOffset === undefined) return s.port;
  return req.dstPort + (s.config.portOffset ?? 0);
}
