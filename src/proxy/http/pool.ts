// Idle server-connection pool for `http-reuse never|safe|aggressive|always` (haproxy.md §1.5 "http-reuse"):
// per-server LIFO stacks of idle keep-alive connections, taken according to the policy, purged when idle too long.
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

export class IdlePool implements IdleHolder {
  private readonly idle = new Map<Server, ServerConn[]>();
  private timer: NodeJS.Timeout | undefined;
  private total = 0;

  constructor(private readonly purgeDelayMs: number = DEFAULT_PURGE_DELAY_MS) {}

  /** Idle connections currently pooled (all servers). */
  get size(): number {
    return this.total;
  }

  /** Takes the most recently parked usable connection to `server`, or undefined. */
  take(server: Server, policy: HttpReuse, firstRequest: boolean): ServerConn | undefined {
    if (policy === 'never') return undefined;
    const stack = this.idle.get(server);
    if (!stack) return undefined;
    for (let i = stack.length - 1; i >= 0; i--) {
      const c = stack[i]!;
      if (c.dead) continue;
      if (!reuseAllowed(policy, firstRequest, c.transactions)) continue;
      stack.splice(i, 1);
      this.total--;
      c.holder = undefined;
      return c;
    }
    return undefined;
  }

  put(c: ServerConn): void {
    if (c.dead) return;
    c.owner = undefined;
    c.holder = this;
    c.idleSince = performance.now();
    let stack = this.idle.get(c.server);
    if (!stack) this.idle.set(c.server, (stack = []));
    stack.push(c);
    this.total++;
    if (!this.timer) {
      this.timer = setInterval(() => this.purge(), Math.max(250, Math.min(1000, this.purgeDelayMs / 2)));
      this.timer.unref();
    }
  }

  idleDied(c: ServerConn): void {
    const stack = this.idle.get(c.server);
    if (!stack) return;
    const i = stack.indexOf(c);
    if (i >= 0) {
      stack.splice(i, 1);
      this.total--;
    }
  }

  /** Closes connections idle for longer than the purge delay; stops the timer when empty. */
  purge(now: number = performance.now()): void {
    for (const [server, stack] of this.idle) {
      let keep = 0;
      for (const c of stack) {
        if (!c.dead && now - c.idleSince < this.purgeDelayMs) stack[keep++] = c;
        else {
          c.holder = undefined;
          c.destroy();
          this.total--;
        }
      }
      stack.length = keep;
      if (keep === 0) this.idle.delete(server);
    }
    if (this.total <= 0 && this.timer) {
      this.total = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }

  /** Closes every idle connection to `server` (server removed / down) or all of them. */
  closeAll(server?: Server): void {
    for (const [s, stack] of this.idle) {
      if (server && s !== server) continue;
      for (const c of stack) {
        c.holder = undefined;
        c.destroy();
      }
      this.total -= stack.length;
      this.idle.delete(s);
    }
    if (this.total <= 0 && this.timer) {
      this.total = 0;
      clearInterval(this.timer);
      this.timer = undefined;
    }
  }
}
