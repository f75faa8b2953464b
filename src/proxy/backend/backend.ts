// One backend at run time (implements BackendView): server set, balancer, persistence, maxconn/minconn/fullconn
// limits, server and backend queues with haproxy's FIFO and redistribution rules (backend.c, queue.c; haproxy.md §4).
import { EventEmitter } from 'node:events';
import type { Logger } from '../../core/logger.js';
import type { Clock } from '../../core/clock.js';
import { createBalancer, isStaticAlgo, lbGroup, type Balancer } from '../balancer/index.js';
import { PickRequest } from './pick-request.js';
import { inLb } from '../balancer/group.js';
import type { AssignRequest, AssignResult, BackendView, ProxySection, StreamHandle, TrafficCounters } from '../types.js';
import { connectBackend, connectWith, type ConnectOptions, type ConnectOptionsOf, type ConnectResult, type ConnectResultOf, type Dialer } from './connect.js';
import { countEnd, countStart, newCounters, setQueue } from './counters.js';
import { olderThan, Pending, PendingQueue, type AssignCallback } from './queue.js';
import { backendDownMessage, type LogCounts } from './server-log.js';
import { isMaint } from './server-state.js';
import { Server, type ServerHost, type ServerTransitionEvent } from './server.js';

export interface BackendDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Uniform 32-bit random source for `balance random` (tests inject a seeded one). */
  readonly random32?: () => number;
}

const defaultRandom32 = (): number => Math.floor(Math.random() * 0x1_0000_0000) >>> 0;

export class Backend implements BackendView, ServerHost {
  readonly name: string;
  readonly id: number;
  readonly counters: TrafficCounters = newCounters();
  /** Re-emits every server 'transition' event plus 'backend-down'. */
  readonly events = new EventEmitter();
  section: ProxySection;
  servers: Server[] = [];
  fullconn: number;
  lastChangeMs: number;
  downTransitions = 0;
  readonly #deps: BackendDeps;
  readonly #log: Logger;
  #balancer!: Balancer;
  readonly #queue = new PendingQueue();
  readonly #serverQueues = new Map<Server, PendingQueue>();
  /** Servers removed by a reload that still hold streams. */
  readonly #retired = new Set<Server>();
  /** Streams being routed right now: haproxy counts a stream in beconn from the moment it enters the backend. */
  #routing = 0;
  /** Backend has at least one usable server (for its last-change time). */
  #up = true;
  /** Reused balancer input (one per backend: picks are synchronous). */
  readonly #pickIn = new PickRequest();

  constructor(section: ProxySection, fullconn: number, deps: BackendDeps) {
    this.name = section.name;
    this.id = section.id;
    this.section = section;
    this.fullconn = fullconn;
    this.#deps = deps;
    this.#log = deps.logger.child({ backend: section.name });
    this.lastChangeMs = deps.clock.wallNow();
    this.servers = section.servers.map((cfg, i) => this.#newServer(cfg, i));
    this.#rebuildBalancer();
    this.#up = this.usableCount() > 0;
  }

  #newServer(cfg: ProxySection['servers'][number], order: number): Server {
    const s = new Server(cfg, order, this, { logger: this.#deps.logger, clock: this.#deps.clock });
    s.events.on('transition', (ev: ServerTransitionEvent) => this.events.emit('transition', ev));
    return s;
  }

  #rebuildBalancer(): void {
    this.#balancer = createBalancer(
      { servers: this.servers, allBackups: this.section.options.allbackups, random32: this.#deps.random32 ?? defaultRandom32 },
      this.section.balance,
      this.section.hashType,
    );
  }

  // ---- BackendView ------------------------------------------------------------------------------------

  get dynamicWeights(): boolean {
    return !isStaticAlgo(this.section.balance, this.section.hashType);
  }

  /** Streams attached to the backend: holding a server slot or queued (haproxy beconn). */
  get beconn(): number {
    let n = this.#queue.length + this.#routing;
    for (const s of this.servers) n += s.served + s.queueLength;
    for (const s of this.#retired) n += s.served;
    return n;
  }

  get queueLength(): number {
    return this.#queue.length;
  }

  findServer(nameOrId: string): Server | undefined {
    const byName = this.servers.find((s) => s.name === nameOrId);
    if (byName) return byName;
    const m = /^#?(\d+)$/.exec(nameOrId);
    return m ? this.servers.find((s) => s.id === Number(m[1])) : undefined;
  }

  /** Usable weight (user units) of the current LB group; 0 = backend DOWN. */
  usableWeight(): number {
    return Math.ceil(lbGroup(this.servers, this.section.options.allbackups).totalWeight / 16);
  }

  /** `timeout queue`, defaulting to `timeout connect` (haproxy.md §4.3); undefined = wait forever. */
  get queueTimeoutMs(): number | undefined {
    return this.section.timeouts.queue ?? this.section.timeouts.connect;
  }

  // ---- ServerHost ---------------------------------------------------------------------------------------

  counts(): LogCounts {
    let active = 0;
    let backup = 0;
    for (const s of this.servers) if (s.isUsable()) s.backup ? backup++ : active++;
    return { active, backup };
  }

  usableCount(): number {
    const c = this.counts();
    return c.active + c.backup;
  }

  afterLeave(prevUsable: number): void {
    if (prevUsable > 0 && this.usableCount() === 0) {
      this.downTransitions++;
      this.lastChangeMs = this.#deps.clock.wallNow();
      this.#log.error({ event: 'backend', to: 'DOWN', from: 'UP' }, backendDownMessage(this.name));
      this.events.emit('backend-down', { backend: this.name });
    }
  }

  killBackupSessions(): number {
    let n = 0;
    for (const s of this.servers) if (s.backup) n += s.killSessions('U');
    return n;
  }

  lbChanged(s: Server, kind: 'up' | 'down' | 'weight'): number {
    this.#balancer.update();
    // The backend's own UP/DOWN (stats last change) flips when its first/last usable server comes or goes.
    const up = this.usableCount() > 0;
    if (up !== this.#up) {
      this.#up = up;
      this.lastChangeMs = this.#deps.clock.wallNow();
    }
    if (kind === 'down' || !s.isUsable()) return this.#redistribute(s);
    return this.#serve(s);
  }

  dequeue(s: Server): void {
    this.#serve(s);
  }

  // ---- assignment ---------------------------------------------------------------------------------------

  /**
   * Finds a server for a stream (haproxy assign_server_and_queue): persistence first, then load balancing; a
   * full server or backend queues the stream until a slot frees, `timeout queue` expires or the client aborts.
   * On success the stream holds a slot on the server until `release(server, stream)`.
   */
  assign(req: AssignRequest): Promise<AssignResult> {
    return new Promise((resolve) => this.assignCb(req, resolve));
  }

  /** assign() for the data plane: `cb` runs synchronously when the stream is served or refused at once (the
   *  common case: no promise, clock read or timer), later when it had to queue. */
  assignCb(req: AssignRequest, cb: AssignCallback): void {
    if (req.signal?.aborted) return cb({ ok: false, why: 'aborted', queuedMs: 0 });
    this.#route(new Pending(req, this.#deps.clock, this.queueTimeoutMs, this.#giveUp, cb), true);
  }

  readonly #giveUp = (p: Pending): void => this.#unqueue(p);

  /** assign + connect with retries/redispatch (connect.ts). On success call `release(server, stream)` when done. */
  connect(req: AssignRequest, opts: ConnectOptions = {}): Promise<ConnectResult> {
    return connectBackend(this, req, opts);
  }

  /** connect() for the data plane: its own connection type (`dial`), a callback that may run synchronously. */
  connectCb<C>(req: AssignRequest, opts: ConnectOptionsOf<C>, dial: Dialer<C>, done: (r: ConnectResultOf<C>) => void): void {
    connectWith(this, req, opts, dial, done);
  }

  /** Gives back the slot `stream` holds on `server` and serves the queues. Idempotent. */
  release(server: Server, stream: StreamHandle): void {
    if (!server.streams.delete(stream)) return;
    countEnd(server.counters);
    countEnd(this.counters);
    this.#balancer.dropped(server);
    if (this.#retired.has(server)) {
      if (server.served === 0) {
        this.#retired.delete(server);
        server.dispose();
      }
      return;
    }
    this.#serve(server);
  }

  #route(p: Pending, allowPersist: boolean): void {
    this.#routing++;
    try {
      this.#routeInner(p, allowPersist);
    } finally {
      this.#routing--;
    }
  }

  #routeInner(p: Pending, allowPersist: boolean): void {
    const req = p.req;
    if (allowPersist && req.persistServer !== undefined) {
      const s = this.servers.find((x) => x.name === req.persistServer);
      // A persistence target that is DOWN or in maintenance is ignored unless `option persist` (haproxy.md §5.6).
      if (s && ((s.op !== 'down' && !isMaint(s.admin)) || this.section.options.persist)) {
        if (this.#toServer(p, s, true) !== 'full') return;
        // Server queue full (maxqueue): only `option redispatch` lets a directed stream go elsewhere.
        if (!this.section.options.redispatch) return this.#fail(p, 'queue-full', s);
      }
    }
    // lbGroup(...).totalWeight === 0 exactly when no server at all may take load-balanced traffic.
    if (!this.servers.some(inLb)) return this.#fail(p, 'no-server');
    // roundrobin/static-rr/first: a non-empty backend queue means every server is full; keep FIFO order.
    if (this.#queue.length > 0 && this.#balancer.fifoWhenQueued) return this.#enqueue(p, undefined);
    const avoid = req.avoid === undefined ? undefined : this.servers.find((x) => x.name === req.avoid);
    const pin = this.#pickIn;
    pin.req = req;
    pin.avoid = avoid;
    const s = this.#balancer.pick(pin) as Server | undefined;
    pin.req = undefined;
    pin.avoid = undefined;
    if (!s) return this.#enqueue(p, undefined);
    s.counters.lbtot++;
    this.counters.lbtot++;
    if (this.#toServer(p, s, false) === 'full') this.#fail(p, 'queue-full', s);
  }

  #toServer(p: Pending, s: Server, persisted: boolean): 'ok' | 'queued' | 'full' {
    if (s.maxconn > 0 && (s.queueLength > 0 || s.served >= s.dynamicMaxconn())) {
      if (s.maxqueue > 0 && s.queueLength >= s.maxqueue) return 'full';
      p.persisted = persisted;
      this.#enqueue(p, s);
      return 'queued';
    }
    this.#take(s, p, persisted);
    return 'ok';
  }

  #fail(p: Pending, why: 'no-server' | 'queue-full', s?: Server): void {
    this.counters.connErrors++;
    if (s) s.counters.connErrors++;
    if (why === 'no-server') this.#log.debug({ event: 'no-server' }, backendDownMessage(this.name));
    p.failed(why);
  }

  #take(s: Server, p: Pending, persisted: boolean): void {
    s.streams.add(p.req.stream);
    const wall = this.#deps.clock.wallNow();
    countStart(s.counters, wall);
    countStart(this.counters, wall);
    this.#balancer.taken(s);
    p.served(s, persisted);
  }

  #serverQueue(s: Server): PendingQueue {
    let q = this.#serverQueues.get(s);
    if (!q) this.#serverQueues.set(s, (q = new PendingQueue()));
    return q;
  }

  #enqueue(p: Pending, s: Server | undefined): void {
    p.server = s;
    p.arm();
    if (s) {
      this.#serverQueue(s).push(p);
      s.queueLength++;
      setQueue(s.counters, s.queueLength);
    } else {
      this.#queue.push(p);
      setQueue(this.counters, this.#queue.length);
    }
  }

  /** Removes a pending entry that gave up (timeout/abort). */
  #unqueue(p: Pending): void {
    const s = p.server;
    if (s) {
      if (this.#serverQueue(s).remove(p)) s.queueLength--;
      setQueue(s.counters, s.queueLength);
    } else {
      this.#queue.remove(p);
      setQueue(this.counters, this.#queue.length);
    }
  }

  /**
   * haproxy process_srv_queue: while `s` has room, take the older of its own queue head and the backend queue
   * head (the latter only if `s` is in the LB group). Returns how many streams it took from the backend queue.
   */
  #serve(s: Server): number {
    const own = this.#serverQueues.get(s);
    // Nothing queued anywhere (the usual release): nothing to do.
    if (this.#queue.length === 0 && (own === undefined || own.length === 0)) return 0;
    let inGroup: boolean | undefined;
    let fromBackend = 0;
    for (let guard = 0; guard < 1_000_000; guard++) {
      if (s.maxconn > 0 && s.served >= s.dynamicMaxconn()) break;
      const a = own?.peek();
      if (this.#queue.length > 0 && inGroup === undefined) inGroup = s.isUsable() && lbGroup(this.servers, this.section.options.allbackups).servers.includes(s);
      const b = inGroup ? this.#queue.peek() : undefined;
      const p = a && (!b || olderThan(a, b)) ? a : b;
      if (!p) break;
      if (p === a) {
        own!.shift();
        s.queueLength--;
      } else {
        this.#queue.shift();
        fromBackend++;
      }
      p.server = undefined;
      this.#take(s, p, p.persisted);
    }
    setQueue(s.counters, s.queueLength);
    setQueue(this.counters, this.#queue.length);
    return fromBackend;
  }

  /**
   * A server left the LB: with `option redispatch` (and not `option persist`) its queued streams go back to load
   * balancing (haproxy pendconn_redistribute); otherwise they wait for it or time out.
   */
  #redistribute(s: Server): number {
    const o = this.section.options;
    if (!o.redispatch || o.persist) return 0;
    const moved = this.#serverQueue(s).drain(() => true);
    s.queueLength -= moved.length;
    setQueue(s.counters, s.queueLength);
    for (const p of moved) {
      p.server = undefined;
      p.persisted = false;
      this.#route(p, false);
    }
    return moved.length;
  }

  // ---- reload -----------------------------------------------------------------------------------------

  /**
   * Applies a new section in place: servers that remain (same name) keep state, runtime weights and counters;
   * new ones start per config; removed ones leave the LB and finish their streams.
   */
  reload(section: ProxySection, fullconn: number = this.fullconn): void {
    const old = new Map(this.servers.map((s) => [s.name, s]));
    this.section = section;
    this.fullconn = fullconn;
    const next: Server[] = [];
    const kept: [Server, ProxySection['servers'][number]][] = [];
    section.servers.forEach((cfg, i) => {
      const keep = old.get(cfg.name);
      if (keep && keep.backup === cfg.backup) {
        old.delete(cfg.name);
        keep.order = i;
        kept.push([keep, cfg]);
        next.push(keep);
      } else next.push(this.#newServer(cfg, i));
    });
    this.servers = next;
    this.#rebuildBalancer();
    for (const [s, cfg] of kept) s.reconfigure(cfg);
    for (const gone of old.values()) {
      gone.removed = true;
      this.#redistribute(gone);
      // Streams still queued on a removed server are re-balanced even without redispatch: it will never serve them.
      for (const p of this.#serverQueue(gone).drain(() => true)) this.#route(p, false);
      this.#serverQueues.delete(gone);
      gone.queueLength = 0;
      if (gone.served > 0) this.#retired.add(gone);
      else gone.dispose();
    }
    this.#balancer.update();
    for (const s of this.servers) this.#serve(s);
    this.#log.info({ event: 'backend-reload', servers: this.servers.map((s) => s.name), removed: [...old.keys()] }, `backend ${this.name} reloaded`);
  }

  /** Stops timers; pending streams get 'no-server'. */
  close(): void {
    for (const p of this.#queue.drain(() => true)) p.failed('no-server');
    for (const [, q] of this.#serverQueues) for (const p of q.drain(() => true)) p.failed('no-server');
    for (const s of [...this.servers, ...this.#retired]) s.dispose();
  }
}
