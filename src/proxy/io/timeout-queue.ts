// Timeouts for short-lived operations that nearly always finish first (outgoing connects: the data plane's and the
// health checks'). One FIFO per duration, one Node timer per FIFO armed for its oldest entry: starting an entry is an
// array push, finishing it only marks it done (skipped when the timer reaches it). Node's own timers keep a list per
// duration too, but allocate a Timeout per call and unlink it on clear; at 1000s of connects a second that is
// measurable, and a list that keeps emptying is created and destroyed each time.

/** An operation with a deadline: `expire` runs once the duration has passed unless `done` was set first. */
export interface Timed {
  done: boolean;
  expire(): void;
}

interface Fifo {
  readonly ms: number;
  items: Timed[];
  at: number[];
  head: number;
  timer: NodeJS.Timeout | undefined;
}

const fifos = new Map<number, Fifo>();

function fire(q: Fifo): void {
  q.timer = undefined;
  const now = performance.now();
  // Expire everything due (entries are in deadline order within one duration); drop finished ones on the way.
  while (q.head < q.items.length) {
    const t = q.items[q.head]!;
    if (!t.done && q.at[q.head]! > now) break;
    q.items[q.head] = undefined as unknown as Timed;
    q.head++;
    if (!t.done) {
      t.done = true;
      t.expire();
    }
  }
  compact(q);
  // An idle duration's queue is dropped, so the map holds only durations in use (callers may compute durations
  // from a remaining deadline: many distinct values over a process's life).
  if (q.head === q.items.length) fifos.delete(q.ms);
  else arm(q, now);
}

function compact(q: Fifo): void {
  if (q.head === q.items.length) {
    q.items = [];
    q.at = [];
    q.head = 0;
  } else if (q.head > 1024 && q.head * 2 > q.items.length) {
    q.items = q.items.slice(q.head);
    q.at = q.at.slice(q.head);
    q.head = 0;
  }
}

function arm(q: Fifo, now: number): void {
  if (q.timer || q.head === q.items.length) return;
  q.timer = setTimeout(fire, Math.max(1, Math.ceil(q.at[q.head]! - now)), q);
  // A pending connect keeps the process alive by itself (its handle); the timer need not.
  q.timer.unref();
}

/**
 * Starts `t`'s timeout of `ms` milliseconds (> 0), rounded up to a whole millisecond (haproxy's tick unit; never
 * early). Finish it by setting `t.done = true`. Rounding matters: a duration computed from a deadline
 * (`deadline - performance.now()`) is fractional, and each distinct key would get its own queue and Node timer.
 */
export function startTimeout(t: Timed, duration: number): void {
  const ms = Math.max(1, Math.ceil(duration));
  let q = fifos.get(ms);
  if (!q) fifos.set(ms, (q = { ms, items: [], at: [], head: 0, timer: undefined }));
  // Finished entries at the head are dropped now, so a queue of operations that all finish stays short.
  while (q.head < q.items.length && q.items[q.head]!.done) q.items[q.head++] = undefined as unknown as Timed;
  compact(q);
  const now = performance.now();
  q.items.push(t);
  q.at.push(now + ms);
  arm(q, now);
}

/** Pending entries (finished ones not yet dropped included), for tests. */
export function queuedTimeouts(ms: number): number {
  const q = fifos.get(Math.max(1, Math.ceil(ms)));
  return q ? q.items.length - q.head : 0;
}

/** Number of per-duration queues alive (tests: idle ones are dropped, fractional durations share one). */
export function timeoutQueueCount(): number {
  return fifos.size;
}
