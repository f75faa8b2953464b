// One backend server at run time (implements ServerControl): operational state kept apart from admin flags,
// weights and slowstart, limits, attached streams, transition logging/counting (haproxy server.c, haproxy.md §6).
import { EventEmitter } from 'node:events';
import diagnostics from 'node:diagnostics_channel';
import type { Logger } from '../../core/logger.js';
import type { Clock, TimerHandle } from '../../core/clock.js';
import type { LbServer } from '../balancer/types.js';
import type {
  CheckState, ServerAdmin, ServerConfig, ServerControl, ServerOpState, ServerTransitionCause, StreamHandle, TrafficCounters,
} from '../types.js';
import { newCounters } from './counters.js';
import { BackendError } from './errors.js';
import { MESSAGES, addrChangeMessage, leftTail, onlineTail, type LogCounts, type MsgContext } from './server-log.js';
import {
  displayWeight, dynamicMaxconn, effectiveWeight16, elapsedSeconds, isMaint, slowstartSeconds, stateWord, throttlePercent,
} from './server-state.js';

/** What a server needs from its backend (implemented by Backend). */
export interface ServerHost {
  readonly name: string;
  /** The balancer honours runtime weights/slowstart (false for static-rr and map-based hashing). */
  readonly dynamicWeights: boolean;
  readonly beconn: number;
  readonly fullconn: number;
  counts(): LogCounts;
  /** LB membership or weight of `s` changed: refresh the balancer, move queued streams; returns how many moved. */
  lbChanged(s: Server, kind: 'up' | 'down' | 'weight'): number;
  /** A slot may have freed or the limit grew: serve queued streams. */
  dequeue(s: Server): void;
  /** `on-marked-up shutdown-backup-sessions`: kill streams on every backup server with flag 'U'. */
  killBackupSessions(): number;
  /** Logs haproxy's "has no server available!" when the last usable server just left. */
  afterLeave(prevUsable: number): void;
  usableCount(): number;
}

/** Emitted on `server.events` ('transition') and published on diagnostics_channel 'ha:proxy:server'. */
export interface ServerTransitionEvent {
  readonly backend: string;
  readonly server: string;
  readonly from: string;
  readonly to: string;
  readonly op: ServerOpState;
  readonly admin: ServerAdmin;
  readonly cause: ServerTransitionCause;
  readonly message: string;
  readonly wallMs: number;
}

const channel = diagnostics.channel('ha:proxy:server');

export class Server implements ServerControl, LbServer {
  readonly name: string;
  readonly id: number;
  readonly backendName: string;
  order: number;
  readonly backup: boolean;
  readonly events = new EventEmitter();
  readonly counters: TrafficCounters = newCounters();
  /** Streams holding a connection slot on this server. */
  readonly streams = new Set<StreamHandle>();
  /** Streams waiting in this server's own queue (maintained by the backend's queue). */
  queueLength = 0;
  config: ServerConfig;
  addr: string;
  port?: number;
  op: ServerOpState;
  uweight: number;
  iweight: number;
  maxconn: number;
  minconn: number;
  maxqueue: number;
  check?: CheckState;
  agent?: CheckState;
  lastChangeMs: number;
  downtimeMs = 0;
  downTransitions = 0;
  failedChecks = 0;
  /** Set by reload when the server left the configuration: it only finishes its streams. */
  removed = false;
  #admin: { forcedMaint: boolean; configMaint: boolean; forcedDrain: boolean };
  #lastChangeMono: number;
  #warmup: TimerHandle | undefined;
  readonly #host: ServerHost;
  readonly #log: Logger;
  readonly #clock: Clock;
  /** Runtime overrides survive reloads (haproxy loses them; hapair keeps them). */
  #runtime = { weight: false, maxconn: false, addr: false };

  constructor(config: ServerConfig, order: number, host: ServerHost, deps: { logger: Logger; clock: Clock }) {
    this.config = config;
    this.name = config.name;
    this.id = config.id;
    this.order = order;
    this.backup = config.backup;
    this.backendName = host.name;
    this.#host = host;
    this.#clock = deps.clock;
    this.#log = deps.logger.child({ backend: host.name, server: config.name });
    this.addr = config.unixPath ?? config.address;
    this.port = config.port;
    this.uweight = this.iweight = config.weight;
    this.maxconn = config.maxconn;
    this.minconn = config.minconn;
    this.maxqueue = config.maxqueue;
    // `disabled` sets both config and forced maintenance, as haproxy does; servers otherwise start UP, no slowstart.
    this.#admin = { forcedMaint: config.disabled, configMaint: config.disabled, forcedDrain: false };
    this.op = config.disabled ? 'down' : 'up';
    this.#lastChangeMono = deps.clock.now();
    this.lastChangeMs = deps.clock.wallNow();
  }

  get admin(): ServerAdmin {
    return { ...this.#admin };
  }

  /** Persistence cookie value (`cookie` on the server line): lets a Server serve as a CookieServer directly. */
  get cookie(): string | undefined {
    return this.config.cookie;
  }

  get served(): number {
    return this.streams.size;
  }

  get #slowstartS(): number {
    return slowstartSeconds(this.config.slowstart);
  }

  get #elapsedS(): number {
    return elapsedSeconds(this.#clock.now(), this.#lastChangeMono);
  }

  /** Effective weight ×16 (balancers' unit). */
  get lbWeight(): number {
    return effectiveWeight16({
      op: this.op, admin: this.#admin, uweight: this.uweight, slowstartS: this.#slowstartS, elapsedS: this.#elapsedS, dynamic: this.#host.dynamicWeights,
    });
  }

  /** Effective weight in user units, as the stats `weight` column. */
  get eweight(): number {
    return displayWeight(this.lbWeight);
  }

  /** Stats `throttle`: only meaningful while starting (slowstart), else 100. */
  get throttle(): number {
    return this.op === 'starting' ? throttlePercent(this.lbWeight, this.uweight) : 100;
  }

  get lbUsable(): boolean {
    return !this.removed && !isMaint(this.#admin) && (this.op === 'up' || this.op === 'starting');
  }

  isUsable(): boolean {
    return this.lbUsable && this.lbWeight > 0;
  }

  dynamicMaxconn(): number {
    return dynamicMaxconn({
      maxconn: this.maxconn, minconn: this.minconn, beconn: this.#host.beconn, fullconn: this.#host.fullconn,
      op: this.op, slowstartS: this.#slowstartS, elapsedS: this.#elapsedS,
    });
  }

  get #msg(): MsgContext {
    return { backend: this.backendName, server: this.name, backup: this.backup };
  }

  #markChange(): void {
    const now = this.#clock.now();
    if (this.op === 'down') this.downtimeMs += Math.max(0, now - this.#lastChangeMono);
    this.#lastChangeMono = now;
    this.lastChangeMs = this.#clock.wallNow();
  }

  #emit(from: string, cause: ServerTransitionCause, message: string, level: 'error' | 'warn' | 'info'): void {
    const ev: ServerTransitionEvent = {
      backend: this.backendName, server: this.name, from, to: stateWord(this.op, this.#admin), op: this.op, admin: this.admin,
      cause, message, wallMs: this.lastChangeMs,
    };
    this.#log[level]({
      event: 'server', from: ev.from, to: ev.to, reason: cause.reason, source: cause.source, check_status: cause.checkStatus,
      code: cause.code, op: this.op, admin: ev.admin, active_servers: this.#host.counts().active, backup_servers: this.#host.counts().backup,
    }, message);
    this.events.emit('transition', ev);
    if (channel.hasSubscribers) channel.publish(ev);
  }

  setOperational(next: 'up' | 'down' | 'stopping', cause: ServerTransitionCause): void {
    const from = stateWord(this.op, this.#admin);
    const wasRunning = this.op === 'up' || this.op === 'starting';
    if ((next === 'up' && wasRunning) || next === this.op) return;
    if (isMaint(this.#admin)) {
      // In maintenance the operational state is recorded silently; leaving maintenance decides (haproxy.md §6.3).
      this.op = next;
      return;
    }
    const prevUsable = this.#host.usableCount();
    const prevOp = this.op;
    this.#markChange();
    if (next === 'down') {
      const tail = this.#goDown();
      // No alert when the server was already soft-stopped (NOLB/drain): haproxy logs a notice then.
      this.#emit(from, cause, MESSAGES.down(this.#msg, cause, tail), prevOp === 'stopping' || this.#admin.forcedDrain ? 'warn' : 'error');
      this.#host.afterLeave(prevUsable);
    } else if (next === 'stopping') {
      this.op = 'stopping';
      this.#stopWarmup();
      const moved = this.#host.lbChanged(this, 'down');
      this.#emit(from, cause, MESSAGES.stopping(this.#msg, cause, onlineTail(this.#host.counts(), moved, this.queueLength)), 'warn');
      this.#host.afterLeave(prevUsable);
    } else {
      this.#enterRunning(prevOp === 'down');
      this.#emit(from, cause, MESSAGES.up(this.#msg, cause, onlineTail(this.#host.counts(), this.#comeUp(), this.queueLength)), 'warn');
    }
  }

  /** Leaving the LB as DOWN: slowstart stops, shutdown-sessions, balancer refresh, chkdown; returns the log tail. */
  #goDown(): string {
    this.op = 'down';
    this.#stopWarmup();
    const killed = this.config.onMarkedDown === 'shutdown-sessions' ? this.killSessions('D') : 0;
    const moved = this.#host.lbChanged(this, 'down');
    this.downTransitions++;
    return leftTail(this.#host.counts(), this.served - killed, moved, this.queueLength);
  }

  /** Slowstart applies when a server comes back from DOWN or maintenance, never at startup (haproxy.md §5.7). */
  #enterRunning(fromDown: boolean): void {
    this.op = fromDown && this.#slowstartS > 0 ? 'starting' : 'up';
    if (this.op === 'starting') this.#scheduleWarmup();
  }

  /** LB side of coming up: backup-session shutdown, balancer refresh and grabbing the backend queue. */
  #comeUp(): number {
    if (this.config.onMarkedUp === 'shutdown-backup-sessions' && !this.backup && this.lbWeight > 0) this.#host.killBackupSessions();
    return this.#host.lbChanged(this, 'up');
  }

  /** haproxy's srv_adm_set_maint/drain/ready (server.h; CLI, stats form, agent words): maint sets forced MAINT and
   *  clears forced DRAIN, drain the reverse (leaving maintenance as DRAIN), ready clears both (checked on 2.6). */
  setAdmin(state: 'ready' | 'drain' | 'maint', cause: ServerTransitionCause): void {
    const from = stateWord(this.op, this.#admin);
    if (state === 'maint') {
      const wasStopping = this.op === 'stopping' || this.#admin.forcedDrain;
      this.#admin.forcedDrain = false;
      if (this.#admin.forcedMaint) return;
      const prevUsable = this.#host.usableCount();
      this.#admin.forcedMaint = true;
      if (this.op === 'down') return this.#emit(from, cause, MESSAGES.maintFromDown(this.#msg, cause), 'warn');
      this.#markChange();
      const tail = this.#goDown();
      this.#emit(from, cause, MESSAGES.maint(this.#msg, cause, tail), wasStopping ? 'warn' : 'error');
      this.#host.afterLeave(prevUsable);
      return;
    }
    if (state === 'drain') {
      if (this.#admin.forcedMaint) return this.#leaveMaint(from, cause, true);
      if (this.#admin.forcedDrain) return;
      const prevUsable = this.#host.usableCount();
      this.#admin.forcedDrain = true;
      this.#markChange();
      const moved = this.#host.lbChanged(this, 'weight');
      this.#emit(from, cause, MESSAGES.drain(this.#msg, cause, onlineTail(this.#host.counts(), moved, this.queueLength)), 'warn');
      this.#host.afterLeave(prevUsable);
      return;
    }
    if (this.#admin.forcedMaint) return this.#leaveMaint(from, cause, false);
    if (!this.#admin.forcedDrain) return;
    this.#admin.forcedDrain = false;
    this.#markChange();
    this.#host.lbChanged(this, 'weight');
    this.#emit(from, cause, MESSAGES.leaveDrain(this.#msg, this.op !== 'down'), 'warn');
  }

  /** Leaving maintenance (haproxy srv_clr_admin_flag), into READY or forced DRAIN: the health check restarts at `rise`
   *  and runs at once (check/task.ts onAdminChanged), so it never holds the server down; an enabled agent at health 0
   *  does, until it says `up` (haproxy 2.6.12 shows "DOWN (agent)" after `enable server`). Otherwise UP, with slowstart. */
  #leaveMaint(from: string, cause: ServerTransitionCause, drain: boolean): void {
    this.#admin.forcedMaint = false;
    this.#admin.forcedDrain = drain;
    this.#markChange();
    const up = !(this.agent?.enabled && this.agent.health < this.agent.rise);
    if (up) {
      this.#enterRunning(true);
      this.#comeUp();
    } else this.op = 'down';
    this.#emit(from, cause, MESSAGES.leaveMaint(this.#msg, up, drain), 'warn');
  }

  setWeight(uweight: number, cause: ServerTransitionCause): void {
    if (!Number.isInteger(uweight) || uweight < 0 || uweight > 256) {
      throw new BackendError('EWEIGHT_RANGE', `weight ${uweight} out of range 0..256`);
    }
    if (!this.#host.dynamicWeights && uweight !== 0 && uweight !== this.iweight) {
      throw new BackendError('EWEIGHT_STATIC', "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.");
    }
    if (uweight === this.uweight) return;
    const from = this.uweight;
    const prevUsable = this.#host.usableCount();
    this.uweight = uweight;
    this.#runtime.weight = true;
    this.#host.lbChanged(this, 'weight');
    this.#log.info({ event: 'server-weight', from, to: uweight, reason: cause.reason, source: cause.source }, MESSAGES.weight(this.#msg, from, uweight, cause));
    this.#host.afterLeave(prevUsable);
  }

  setAddr(addr: string, port: number | undefined, cause: ServerTransitionCause): string {
    const old = { addr: this.addr, port: this.port };
    const next = { addr, port: port ?? this.port };
    const message = addrChangeMessage(old, next, port !== undefined, cause);
    this.addr = next.addr;
    this.port = next.port;
    this.#runtime.addr = true;
    this.#log.info({ event: 'server-addr', from: old, to: next, source: cause.source }, message);
    return message;
  }

  setMaxconn(maxconn: number): void {
    const v = Math.max(0, Math.floor(maxconn));
    // haproxy server_parse_maxconn_change_request: a static limit (minconn == maxconn) stays static.
    if (this.maxconn === this.minconn) this.minconn = v;
    this.maxconn = v;
    this.#runtime.maxconn = true;
    this.#host.dequeue(this);
  }

  setCheckState(kind: 'check' | 'agent', state: CheckState | undefined, failedCheck = false): void {
    // chkfail: completed health checks whose failure lowered the counter, as the scheduler reports (§2.1); forced
    // drops (hdown, `set server health down`) and agent failures do not count (haproxy 2.6.12 leaves chkfail at 0).
    if (kind === 'check' && failedCheck) this.failedChecks++;
    if (kind === 'check') this.check = state;
    else this.agent = state;
  }

  killSessions(flag: 'D' | 'K' | 'U'): number {
    const victims = [...this.streams];
    for (const s of victims) {
      try {
        s.kill(flag);
      } catch (err) {
        this.#log.warn({ event: 'kill-failed', err }, 'stream kill failed');
      }
    }
    if (victims.length) this.#log.info({ event: 'server-kill', flag, count: victims.length }, `${victims.length} sessions killed on ${this.backendName}/${this.name} (${flag})`);
    return victims.length;
  }

  /** Warm-up task: re-evaluates the slowstart weight every max(1 s, slowstart/20), then switches to RUNNING. */
  #scheduleWarmup(): void {
    this.#stopWarmup();
    const period = Math.max(1000, (this.config.slowstart ?? 0) / 20);
    this.#warmup = this.#clock.setTimeout(() => {
      this.#warmup = undefined;
      if (this.op !== 'starting') return;
      if (this.#elapsedS >= this.#slowstartS) {
        this.op = 'up';
        this.#log.debug({ event: 'server-slowstart-done' }, `Server ${this.backendName}/${this.name} slowstart finished`);
      } else this.#scheduleWarmup();
      this.#host.lbChanged(this, 'weight');
    }, period);
  }

  #stopWarmup(): void {
    this.#clock.clearTimeout(this.#warmup);
    this.#warmup = undefined;
  }

  /** Reload: new config line; state, counters and API overrides (weight, maxconn, addr) kept; `disabled` toggles MAINT. */
  reconfigure(next: ServerConfig): void {
    const prev = this.config;
    this.config = next;
    this.iweight = next.weight;
    if (!this.#runtime.weight) this.uweight = next.weight;
    if (!this.#runtime.maxconn) {
      this.maxconn = next.maxconn;
      this.minconn = next.minconn;
    }
    this.maxqueue = next.maxqueue;
    if (!this.#runtime.addr) {
      this.addr = next.unixPath ?? next.address;
      this.port = next.port;
    }
    const cause: ServerTransitionCause = { source: 'reload', reason: 'configuration reload' };
    if (next.disabled && !prev.disabled) {
      this.#admin.configMaint = true;
      this.setAdmin('maint', cause);
    } else if (!next.disabled && prev.disabled) {
      this.#admin.configMaint = false;
      if (this.#admin.forcedMaint) this.setAdmin('ready', cause);
    } else this.#host.lbChanged(this, 'weight');
  }

  /** Stops timers (backend shutdown / server removed). */
  dispose(): void {
    this.#stopWarmup();
  }
}
