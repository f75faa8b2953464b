// Pending streams (haproxy pendconn, queue.c; haproxy.md §4.3): FIFO per server and per backend, ordered by
// arrival; the dequeue order between the two queues is "older first". Timeouts and aborts are handled here.
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { AssignRequest, AssignResult } from '../types.js';
import type { Server } from './server.js';

export type PendingOutcome =
  | { readonly ok: true; readonly server: Server; readonly persisted: boolean }
  | { readonly ok: false; readonly why: 'queue-timeout' | 'aborted' | 'queue-full' | 'no-server' };

/** One queued stream. `server` set = waiting in that server's queue, else in the backend queue. */
export interface Pending {
  readonly req: AssignRequest;
  /** Arrival order (monotonic ms + sequence): the older head wins when both queues can serve. */
  readonly since: number;
  readonly seq: number;
  server: Server | undefined;
  /** Directed by persistence (cookie / persist): not redistributed when option persist is set. */
  persisted: boolean;
  timer?: TimerHandle;
  onAbort?: () => void;
  done: boolean;
  readonly settle: (outcome: PendingOutcome) => void;
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

/**
 * Creates a pending entry whose promise resolves exactly once: served, timed out (`timeout queue`), or
 * aborted (client left: AbortSignal). `onGiveUp` removes it from whichever queue holds it.
 */
export function createPending(
  req: AssignRequest,
  clock: Clock,
  timeoutMs: number | undefined,
  onGiveUp: (p: Pending) => void,
): { pending: Pending; result: Promise<AssignResult> } {
  let resolveFn!: (r: AssignResult) => void;
  const result = new Promise<AssignResult>((resolve) => (resolveFn = resolve));
  const since = clock.now();
  const pending: Pending = {
    req, since, seq: ++seqCounter, server: undefined, persisted: false, done: false,
    settle: (outcome) => {
      if (pending.done) return;
      pending.done = true;
      clock.clearTimeout(pending.timer);
      if (pending.onAbort) req.signal?.removeEventListener('abort', pending.onAbort);
      const queuedMs = clock.now() - since;
      if (outcome.ok) {
        resolveFn({ ok: true, server: outcome.server, host: outcome.server.addr, port: serverPort(outcome.server, req), queuedMs, persisted: outcome.persisted });
      } else resolveFn({ ok: false, why: outcome.why, queuedMs });
    },
  };
  if (timeoutMs !== undefined && timeoutMs > 0) {
    pending.timer = clock.setTimeout(() => {
      onGiveUp(pending);
      pending.settle({ ok: false, why: 'queue-timeout' });
    }, timeoutMs);
  }
  if (req.signal) {
    pending.onAbort = () => {
      onGiveUp(pending);
      pending.settle({ ok: false, why: 'aborted' });
    };
    req.signal.addEventListener('abort', pending.onAbort, { once: true });
  }
  return { pending, result };
}

/** Destination port: the server's own port, else the client's destination port plus the `+N`/`-N` offset. */
export function serverPort(s: Server, req: Pick<AssignRequest, 'dstPort'>): number {
  if (s.port !== undefined && s.config.portOffset === undefined) return s.port;
  return req.dstPort + (s.config.portOffset ?? 0);
}
