// Idle server-connection pool for `http-reuse never|safe|aggressive|always` (haproxy.md §1.5 "http-reuse"):
// per-server LIFO stacks of idle keep-alive connections, taken according to the policy, purged when idle too long.
// Like haproxy (server est_need_conns, tune.pool-high-fd-ratio) a server keeps at most as many idle connections as
// it recently needed (peak concurrent use over the last purge periods), and the whole pool has a global cap.
import type { HttpReuse } from '../types.js';
import type { Server } from '../backend/index.js';
import type { ServerConn, IdleHolder } from './server-conn.js';

/** haproxy `pool-purge-delay` default: idle server connections are closed after this long unused. */
export const DEFAULT_PURGE_DELAY_MS = 5000;

/**
 * Which pooled connection a request may take (haproxy "http-reuse"):
 *  - never: none (connections stay private to the client session that opened them);
 *  - safe: not for the first request of a client session (it could not be retried if the server closed the idle
 *    connection meanwhile), any for later requests;
 *  - aggressive: the first request only takes a connection that was already reused once (proved keep-alive);
 *  - always: any.
 * Pure: exported for tests.
 */
export function reuseAllowed(policy: HttpReuse, firstRequest: boolean, transactions: number): boolean {
  switch (policy) {
    case 'never': return false;
    case 'safe': return !firstRequest;
    case 'aggressive': return !firstRequest || transactions >= 2;
    case 'always': return true;
  }
}

/** Per server: connections that served one transaction, and those reused at least once (aggressive wants these).
 *  Dead entries are removed lazily (taking and purging skip them). */
interface Stacks {
  fresh: ServerConn[];
  proven: ServerConn[];
  /** Live parked connections of this server. */
  count: number;
  /** Peak of connections in use in this purge period and the previous one: the estimated need. */
  peak: number;
  lastPeak: number;
}

export class IdlePool implements IdleHolder {
  private readonly idle = new Map<Server, Stacks>();
  private timer: NodeJS.Timeout | undefined;
  private total = 0;

  /** `maxIdle`: cap on parked connections (haproxy keeps idle connections below ~25% of its descriptors). */
  constructor(private readonly purgeDelayMs: number = DEFAULT_PURGE_DELAY_MS, private maxIdle: number = 1000) {}

  /** Idle connections currently pooled (all servers). */
  get size(): number {
    return this.total;
  }

  setMaxIdle(n: number): void {
    this.maxIdle = Math.max(1, n);
  }

  /** Takes the most recently parked usable connection to `server`, or undefined. */
  take(server: Server, policy: HttpReuse, firstRequest: boolean): ServerConn | undefined {
    if (policy === 'never' || (policy === 'safe' && firstRequest)) return undefined;
    const st = this.idle.get(server);
    if (!st) return undefined;
    const c = pop(st.proven) ?? (policy === 'aggressive' && firstRequest ? undefined : pop(st.fresh));
    if (!c) return undefined;
    this.total--;
    st.count--;
    c.holder = undefined;
    return c;
  }

  /** Parks a connection that just finished a transaction; closes it instead when the pool is full. */
  put(c: ServerConn): void {
    if (c.dead) return;
    if (this.total >= this.maxIdle) {
      c.destroy();
      return;
    }
    let st = this.idle.get(c.server);
    if (!st) this.idle.set(c.server, (st = { fresh: [], proven: [], count: 0, peak: 0, lastPeak: 0 }));
    // `served` still counts the stream finishing on `c`: the server needed that many connections at once.
    st.peak = Math.max(st.peak, c.server.served);
    if (st.count >= Math.max(1, st.peak, st.lastPeak)) {
      c.destroy();
      return;
    }
    c.owner = undefined;
    c.holder = this;
    c.idleSince = performance.now();
    (c.transactions >= 2 ? st.proven : st.fresh).push(c);
    this.total++;
    st.count++;
    if (!this.timer) {
      this.timer = setInterval(() => this.purge(), Math.max(250, Math.min(1000, this.purgeDelayMs / 2)));
      this.timer.unref();
    }
  }

  /** A parked connection closed or misbehaved: it stays in its stack (skipped later) but no longer counts. */
  idleDied(c: ServerConn): void {
    this.total--;
    const st = this.idle.get(c.server);
    if (st) st.count--;
  }

  /** Closes connections idle for longer than the purge delay and drops dead entries; stops the timer when empty. */
  purge(now: number = performance.now()): void {
    for (const [server, st] of this.idle) {
      st.count -= this.purgeStack(st.fresh, now) + this.purgeStack(st.proven, now);
      st.lastPeak = st.peak;
      st.peak = server.served;
      if (st.fresh.length === 0 && st.proven.length === 0) this.idle.delete(server);
    }
    if (this.idle.size === 0 && this.timer) {
      this.total = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Returns how many live connections it closed. */
  private purgeStack(stack: ServerConn[], now: number): number {
    let keep = 0;
    let closed = 0;
    for (const c of stack) {
      if (c.dead || c.holder !== this) continue;
      if (now - c.idleSince < this.purgeDelayMs) stack[keep++] = c;
      else {
        c.holder = undefined;
        c.destroy();
        this.total--;
        closed++;
      }
    }
    stack.length = keep;
    return closed;
  }

  /** Closes every idle connection to `server` (server removed / down) or all of them. */
  closeAll(server?: Server): void {
    for (const [s, st] of this.idle) {
      if (server && s !== server) continue;
      for (const c of [...st.fresh, ...st.proven]) {
        if (c.holder !== this || c.dead) continue;
        c.holder = undefined;
        c.destroy();
        this.total--;
      }
      this.idle.delete(s);
    }
    if (this.idle.size === 0 && this.timer) {
      this.total = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}

/** Pops the last live entry (dead ones, already uncounted, are discarded on the way). */
function pop(stack: ServerConn[]): ServerConn | undefined {
  while (stack.length > 0) {
    const c = stack.pop()!;
    if (!c.dead) return c;
  }
  return undefined;
}
