// Backend-core test fixtures: config builders (ServerConfig/ProxySection/ProxyConfig), a manual clock, a pino
// JSON sink, and plain LbServer objects for balancer tables.
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import type { Clock, TimerHandle } from '../../src/core/clock.js';
import type { LbServer } from '../../src/proxy/balancer/types.js';
import type { ProxyConfig, ProxySection, ServerConfig, StreamHandle } from '../../src/proxy/types.js';

const W = { file: 'test.cfg', line: 1 };

export function srvCfg(name: string, id: number, extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    name, id, address: '127.0.0.1', port: 8000 + id, weight: 1, backup: false, disabled: false, maxconn: 0, minconn: 0, maxqueue: 0,
    check: false, inter: 2000, rise: 2, fall: 3, agentCheck: false, agentInter: 2000, errorLimit: 10, onError: 'fail-check', where: W,
    ...extra,
  };
}

type SectionExtra = Omit<Partial<ProxySection>, 'options'> & { options?: Partial<ProxySection['options']> };

export function section(servers: ServerConfig[], extra: SectionExtra = {}): ProxySection {
  const { options, ...rest } = extra;
  return {
    kind: 'backend', name: 'be', id: 1, mode: 'tcp', binds: [], timeouts: { connect: 1000 },
    options: {
      httplog: false, tcplog: false, dontlognull: false, httpConnMode: 'keep-alive', httpTunnel: false, allbackups: false, persist: false,
      abortonclose: false, ...options,
    },
    retries: 3, httpReuse: 'safe', acls: [], useBackends: [], balance: { kind: 'roundrobin' },
    hashType: { method: 'map-based', fn: 'sdbm', avalanche: false }, servers,
    healthCheck: { type: 'tcp', rules: [], sendState: false, disableOn404: false }, logs: [], where: W,
    ...rest,
  };
}

export function proxyConfig(proxies: ProxySection[], globalMaxconn?: number): ProxyConfig {
  return {
    files: ['test.cfg'],
    global: { maxconn: globalMaxconn, nbthread: 1, statsSockets: [], statsTimeout: 10000, spreadChecks: 0, externalCheck: false, insecureForkWanted: false, logs: [], daemon: false },
    proxies,
  };
}

/** Deterministic clock: time moves only through advance(); due timers fire in order. */
export class ManualClock implements Clock {
  #now = 1_000_000;
  #wall = Date.UTC(2026, 0, 1);
  #timers: { at: number; seq: number; fn: () => void }[] = [];
  #seq = 0;
  now(): number {
    return this.#now;
  }
  wallNow(): number {
    return this.#wall + this.#now;
  }
  setTimeout(fn: () => void, ms: number): TimerHandle {
    const t = { at: this.#now + Math.max(0, ms), seq: ++this.#seq, fn };
    this.#timers.push(t);
    return t as unknown as TimerHandle;
  }
  clearTimeout(h: TimerHandle | undefined): void {
    this.#timers = this.#timers.filter((t) => (t as unknown) !== h);
  }
  get pending(): number {
    return this.#timers.length;
  }
  /** Moves time forward by `ms`, firing every timer that falls due (bounded). */
  advance(ms: number): void {
    const end = this.#now + ms;
    for (let guard = 0; guard < 100_000; guard++) {
      this.#timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const t = this.#timers[0];
      if (!t || t.at > end) break;
      this.#timers.shift();
      this.#now = t.at;
      t.fn();
    }
    this.#now = end;
  }
}

/** A pino logger whose JSON lines are collected in `lines`. */
export function logSink(): { logger: Logger; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString().split('\n')) if (l.trim()) lines.push(JSON.parse(l) as Record<string, unknown>);
      cb();
    },
  });
  return { logger: pino({ level: 'debug' }, dest), lines };
}

/** Waits for pino's async stream writes to land in the sink. */
export function flushLogs(): Promise<void> {
  return new Promise((r) => setImmediate(r));
}

/** A stream handle recording kill flags. */
export function stream(): StreamHandle & { killed: string[] } {
  const killed: string[] = [];
  return { killed, kill: (f: string) => void killed.push(f) };
}

/** Mutable plain LbServer for balancer tables. */
export interface FakeLb extends LbServer {
  uweight: number;
  lbWeight: number;
  lbUsable: boolean;
  served: number;
  queueLength: number;
  maxconn: number;
  maxqueue: number;
  limit: number;
}

export function fakeServers(weights: readonly number[], opts: { backups?: readonly number[] } = {}): FakeLb[] {
  return weights.map((w, i) => ({
    id: i + 1, name: `s${i + 1}`, order: i, backup: opts.backups?.includes(i) ?? false, uweight: w, lbWeight: w * 16, lbUsable: true,
    served: 0, queueLength: 0, maxconn: 0, maxqueue: 0, limit: 0,
    dynamicMaxconn(this: FakeLb) {
      return this.limit || this.maxconn;
    },
  }));
}

/** Deterministic 32-bit PRNG (mulberry32) for `balance random` and sampling keys. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
