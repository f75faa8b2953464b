// Coalesced wake-ups for check tasks with long intervals: due times are rounded up to a TICK_MS grid so the ~10 checks
// due in the same 10 ms share one event-loop wake-up (one timer, one blocking epoll_wait, one context switch) instead
// of each waking the process on its own millisecond; the due tasks then run a few per loop turn (setImmediate) so
// traffic that became readable in between is served first. haproxy's scheduler batches the same way (its run queue
// is drained per poll loop turn). A check may run up to TICK_MS later than its interval: < 1 % for the intervals
// this applies to (>= COALESCE_FROM_MS; the default inter is 2000 ms); shorter delays keep exact Node timers.

/** Grid of coalesced due times (ms). */
export const TICK_MS = 10;
/** Delays from this long on are coalesced (10 ms is then <= 1 % of the interval). */
export const COALESCE_FROM_MS = 1000;
/** Tasks run per loop turn once due (each costs a connect(): a few tens of µs). */
export const SLICE = 2;

/** A task on the wheel: `tick` is the grid slot it is armed for, -1 when not armed. */
export interface WheelEntry {
  tick: number;
  readonly fire: () => void;
}

const slots = new Map<number, WheelEntry[]>();
/** Distinct armed ticks, binary min-heap. */
const heap: number[] = [];
const spare: WheelEntry[][] = [];
let timer: NodeJS.Timeout | undefined;
let timerTick = Infinity;
/** Due entries, with the tick each was due at (an entry re-armed or cleared since is skipped). */
let ready: (WheelEntry | undefined)[] = [];
let readyTick: number[] = [];
let readyHead = 0;
let draining = false;
/** Armed entries (tick !== -1): with none left the wheel drops its timer, so stopped checks never hold the process. */
let live = 0;

function heapPush(v: number): void {
  let i = heap.push(v) - 1;
  while (i > 0) {
    const p = (i - 1) >> 1;
    if (heap[p]! <= v) break;
    heap[i] = heap[p]!;
    i = p;
  }
  heap[i] = v;
}

function heapPop(): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  if (heap.length > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) break;
      const c = l + 1 < heap.length && heap[l + 1]! < heap[l]! ? l + 1 : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

function arm(tick: number, now: number): void {
  if (timer) clearTimeout(timer);
  timerTick = tick;
  timer = setTimeout(onTimer, Math.max(1, Math.ceil(tick * TICK_MS - now)));
}

function onTimer(): void {
  timer = undefined;
  timerTick = Infinity;
  const now = performance.now();
  const due = Math.floor(now / TICK_MS);
  while (heap.length > 0 && heap[0]! <= due) {
    const t = heapPop();
    const slot = slots.get(t)!;
    slots.delete(t);
    for (const e of slot) {
      if (e.tick !== t) continue; // re-armed elsewhere or cleared since
      ready.push(e);
      readyTick.push(t);
    }
    slot.length = 0;
    if (spare.length < 64) spare.push(slot);
  }
  // Node may fire a hair before performance.now() reaches the grid point: the next turn picks it up.
  if (heap.length > 0) arm(heap[0]!, now);
  if (!draining && readyHead < ready.length) {
    draining = true;
    setImmediate(drain);
  }
}

function drain(): void {
  let n = 0;
  while (readyHead < ready.length && n < SLICE) {
    const e = ready[readyHead]!;
    const t = readyTick[readyHead]!;
    ready[readyHead] = undefined;
    readyHead++;
    if (e.tick !== t) continue; // cleared (or re-armed) after it became due; also drops a duplicate entry
    e.tick = -1;
    live--;
    n++;
    try {
      e.fire();
    } catch {
      // CheckTask.run handles its own errors; a throw here must not strand the other due tasks.
    }
  }
  if (readyHead < ready.length) {
    setImmediate(drain);
    return;
  }
  draining = false;
  if (readyHead > 0) {
    ready = [];
    readyTick = [];
    readyHead = 0;
  }
}

/** Arms `e` to fire `ms` (>= COALESCE_FROM_MS) from now, rounded up to the grid; replaces its previous arming. */
export function wheelSet(e: WheelEntry, ms: number): void {
  const now = performance.now();
  const tick = Math.ceil((now + ms) / TICK_MS);
  if (e.tick === -1) live++;
  e.tick = tick;
  let slot = slots.get(tick);
  if (slot === undefined) {
    slot = spare.pop() ?? [];
    slots.set(tick, slot);
    heapPush(tick);
  }
  slot.push(e);
  if (tick < timerTick) arm(tick, now);
}

/** Disarms `e` (its slot entry is skipped when the slot comes due). */
export function wheelClear(e: WheelEntry): void {
  if (e.tick === -1) return;
  e.tick = -1;
  if (--live > 0) return;
  // Nothing armed: forget the stale slots and stop the timer (a due entry still in `ready` is skipped by drain).
  if (timer) clearTimeout(timer);
  timer = undefined;
  timerTick = Infinity;
  slots.clear();
  heap.length = 0;
}

/** Grid slots held (tests). */
export function wheelSlots(): number {
  return slots.size;
}

/** Entries armed (tests). */
export function wheelArmed(): number {
  return live;
}
