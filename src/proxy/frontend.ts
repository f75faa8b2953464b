// One frontend/listen at run time (implements FrontendView): its listeners, the maxconn accept gate (global,
// frontend and bind maxconn), its sessions, counters, router and log sink; reconfigured in place on reload.
//
// maxconn: haproxy stops calling accept() and leaves extra connections in the kernel backlog. Node cannot stop
// accepting on a listening socket without closing it, so connections beyond the limit are accepted but held
// unread (no request read, no server connection) in FIFO order until a slot frees — as seen from the client,
// the same wait. At most max(maxconn, 4096) are held per frontend (haproxy's backlog defaults to maxconn and the
// kernel then drops SYNs, which clients retry); beyond that new connections are reset.
import net from 'node:net';
import type { Logger } from '../core/logger.js';
import { HaError } from '../core/errors.js';
import type { BindConfig, FrontendView, ProxySection, TrafficCounters } from './types.js';
import type { EngineDeps, RequestRule, Session, SessionFrontend } from './frontend-types.js';
import { compileRouter, AclSet, type Router } from './acl/condition.js';
import { newCounters, countStart, countEnd } from './backend/counters.js';
import { HttpSession } from './http/session.js';
import { TcpSession } from './tcp/session.js';
import { trafficLogger } from './log.js';
import type { Conn } from './io/conn.js';
import { acceptConns } from './io/net-conn.js';

interface Listener {
  readonly key: string;
  bind: BindConfig;
  readonly server: net.Server;
  conns: number;
}

interface Waiting {
  readonly sock: Conn;
  readonly l: Listener;
}

/** Listen backlog we ask the kernel for, and the floor of connections held beyond maxconn. */
const MAX_HELD = 4096;

export function bindKey(b: BindConfig): string {
  return `${b.host}|${b.port}`;
}

export class Frontend implements FrontendView, SessionFrontend {
  readonly name: string;
  readonly id: number;
  section: ProxySection;
  readonly counters: TrafficCounters = newCounters();
  router: Router;
  log: Logger | undefined;
  requestRules: readonly RequestRule[] | undefined;
  private readonly listeners = new Map<string, Listener>();
  private readonly sessions = new Map<Session, Listener>();
  private waiting: Waiting[] = [];
  private stopped = false;
  private idleWaiters: (() => void)[] = [];

  constructor(
    section: ProxySection,
    readonly deps: EngineDeps,
    private readonly opts: { readonly logger: Logger; readonly globalMaxconn: () => number; readonly slotFreed: () => void },
  ) {
    this.name = section.name;
    this.id = section.id;
    this.section = section;
    this.router = compileRouter(section);
    this.configure(section);
  }

  private configure(section: ProxySection): void {
    this.section = section;
    this.router = compileRouter(section);
    for (const p of this.router.problems) this.opts.logger.warn({ event: 'acl-problem', frontend: this.name, file: p.where.file, line: p.where.line }, p.message);
    this.log = trafficLogger(this.opts.logger, section.logs);
    const acls = new AclSet(section.acls);
    const rules = section.httpRequestRules;
    this.requestRules = rules?.length
      ? rules.map((r) => ({ action: r.action, status: r.denyStatus ?? 403, test: r.cond ? acls.compile(r.cond) : () => true }))
      : undefined;
  }

  get maxconn(): number {
    return this.section.maxconn ?? this.opts.globalMaxconn();
  }

  get feconn(): number {
    return this.sessions.size;
  }

  get status(): 'OPEN' | 'STOP' | 'FULL' {
    if (this.stopped || this.listeners.size === 0) return 'STOP';
    return this.sessions.size >= this.maxconn ? 'FULL' : 'OPEN';
  }

  /** Addresses actually bound (after port 0 resolution), for tests and logs. */
  boundAddresses(): { host: string; port: number }[] {
    const out: { host: string; port: number }[] = [];
    for (const l of this.listeners.values()) {
      const a = l.server.address();
      if (a && typeof a === 'object') out.push({ host: a.address, port: a.port });
    }
    return out;
  }

  /** Opens every bind of the section. Throws EPROXY_BIND (naming file:line) if one cannot be bound. */
  async bindAll(): Promise<void> {
    for (const b of this.section.binds) await this.open(b);
  }

  private open(b: BindConfig): Promise<void> {
    const key = bindKey(b);
    const server = net.createServer({ allowHalfOpen: true, pauseOnConnect: true });
    const l: Listener = { key, bind: b, server, conns: 0 };
    return new Promise((resolve, reject) => {
      server.once('error', (err: NodeJS.ErrnoException) => {
        reject(new HaError('EPROXY_BIND', `${b.where.file}:${b.where.line}: cannot bind ${b.host}:${b.port} for '${this.name}': ${err.code ?? err.message}`, { cause: err }));
      });
      const ipv6only = b.host === '::' ? !b.v4v6 : undefined;
      server.listen({ host: b.host, port: b.port, ipv6Only: ipv6only, backlog: MAX_HELD }, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.opts.logger.error({ event: 'listener-error', frontend: this.name, err: String(err) }, 'listener error'));
        acceptConns(server, (c) => this.accept(c, l));
        this.listeners.set(key, l);
        resolve();
      });
    });
  }

  private atLimit(l: Listener): boolean {
    if (this.sessions.size >= this.maxconn) return true;
    if (this.deps.global.actconn >= this.opts.globalMaxconn()) return true;
    const bm = l.bind.maxconn;
    return bm !== undefined && bm > 0 && l.conns >= bm;
  }

  private accept(sock: Conn, l: Listener): void {
    if (this.stopped) {
      sock.destroy();
      return;
    }
    if (this.waiting.length > 0 || this.atLimit(l)) {
      if (this.waiting.length >= Math.max(this.maxconn, MAX_HELD)) {
        sock.destroy();
        return;
      }
      this.waiting.push({ sock, l });
      return;
    }
    this.start(sock, l);
  }

  private start(sock: Conn, l: Listener): void {
    l.conns++;
    const g = this.deps.global;
    g.actconn++;
    g.cumConns++;
    countStart(this.counters, Date.now());
    // haproxy has the client address from accept(): read it now when lines will be logged, since the peer address
    // is read lazily (one system call saved when nothing needs it) and is gone once the client has closed.
    if (this.log) void sock.remoteAddress;
    const s: Session = this.section.mode === 'http' ? new HttpSession(sock, this) : new TcpSession(sock, this);
    this.sessions.set(s, l);
  }

  sessionEnded(s: Session): void {
    const l = this.sessions.get(s);
    if (!l) return;
    this.sessions.delete(s);
    l.conns--;
    this.deps.global.actconn--;
    countEnd(this.counters);
    if (this.sessions.size === 0) for (const w of this.idleWaiters.splice(0)) w();
    this.opts.slotFreed();
  }

  /** Starts held connections while slots are free (called whenever any slot frees: global maxconn). */
  pump(): void {
    while (this.waiting.length > 0 && !this.stopped) {
      const w = this.waiting[0]!;
      if (w.sock.destroyed) {
        this.waiting.shift();
        continue;
      }
      if (this.atLimit(w.l)) return;
      this.waiting.shift();
      this.start(w.sock, w.l);
    }
  }

  /** Reload in place: new section, router, log; binds that stay keep their listening socket (no refused
   *  connection), new binds open, removed binds close (their sessions finish). */
  async reconfigure(section: ProxySection): Promise<void> {
    const wanted = new Map(section.binds.map((b) => [bindKey(b), b]));
    for (const [key, l] of this.listeners) {
      const b = wanted.get(key);
      if (b) l.bind = b;
      else {
        this.listeners.delete(key);
        l.server.close();
      }
    }
    this.configure(section);
    for (const [key, b] of wanted) if (!this.listeners.has(key)) await this.open(b);
    this.pump();
  }

  /** Stops listening. Soft: sessions finish their current request; hard: sessions are destroyed. */
  stop(soft: boolean): void {
    this.stopped = true;
    for (const l of this.listeners.values()) l.server.close();
    this.listeners.clear();
    for (const w of this.waiting) w.sock.destroy();
    this.waiting = [];
    for (const s of [...this.sessions.keys()]) (soft ? s.drain() : s.destroy());
  }

  /** Resolves once no session is left. */
  whenIdle(): Promise<void> {
    if (this.sessions.size === 0) return Promise.resolve();
    return new Promise((r) => this.idleWaiters.push(r));
  }
}
