// Client side of an HTTP session: socket events, request-head parsing, timeouts (http-request, http-keep-alive,
// client/server), haproxy error responses, logging and teardown. Server exchange lives in session.ts.
import { NO_EVENTS, type Conn, type ConnEvents } from '../io/conn.js';
import type { StreamHandle } from '../types.js';
import type { Backend, Server } from '../backend/index.js';
import type { Session, SessionFrontend } from '../frontend-types.js';
import type { TermCause, TermPhase } from '../log.js';
import { emitLog } from '../log.js';
import { HeadParser, NEED_MORE, ERROR } from './parser.js';
import { RequestSample } from './sample.js';
import { errorResponse, errorResponseHead, errorAlwaysCloses, type ErrorStatus } from './errors.js';
import { Deadline, deadlineAfter } from '../tcp/deadline.js';
import type { ServerConn } from './server-conn.js';
import type { Tunnel } from '../tcp/tunnel.js';
import { TxnFacts, toStreamLog, countStatus, countTxn } from './txn-log.js';

export const ST_IDLE = 0; // waiting for a request
export const ST_HEAD = 1; // part of a request head received
export const ST_CONNECT = 2; // routing / queued / connecting
export const ST_XFER = 3; // exchanging with the server
export const ST_SERVICE = 4; // answered by an internal service (stats, prometheus)
export const ST_TUNNEL = 5; // Upgrade/CONNECT/http-tunnel: raw bytes both ways
export const ST_CLOSED = 6;

export const R_HEAD = 0;
export const R_BODY = 1;
export const R_DONE = 2;

/** How long a closed-by-us client may take to read the rest and close its side. */
const LINGER_MS = 2000;

/** Client bytes held while not forwarding (connecting, pipelined requests) before pausing the socket. */
const HOLD_LIMIT = 65536;

export abstract class SessionCore implements StreamHandle, Session, ConnEvents {
  readonly parser: HeadParser;
  readonly sample: RequestSample;
  readonly facts = new TxnFacts();
  state = ST_IDLE;
  respState = R_HEAD;
  firstRequest = true;
  clientKeep = true;
  clientFin = false;
  draining = false;
  reqDone = false;
  /** Client bytes not yet consumed (received while connecting, or pipelined requests). */
  held: Buffer[] = [];
  heldBytes = 0;
  be: Backend | undefined;
  srv: Server | undefined;
  conn: ServerConn | undefined;
  tunnel: Tunnel | undefined;
  lastClient: number;
  lastServer = 0;
  /** Reading from the server is paused because the client is not draining (and vice versa). */
  srvPausedByClient = false;
  cliPausedByServer = false;
  protected readonly deadline: Deadline;
  private ended = false;
  private closedAt = 0;

  constructor(readonly sock: Conn, readonly fe: SessionFrontend) {
    this.parser = new HeadParser('request', fe.deps.global.headLimit);
    this.sample = new RequestSample(sock);
    this.lastClient = performance.now();
    this.facts.idleStart = this.lastClient;
    this.deadline = new Deadline(() => this.onDeadline());
    sock.events = this;
    this.arm();
    sock.resume(); // accepted connections start paused (frontend.ts)
  }

  // ---- hooks implemented by the exchange (session.ts) ------------------------------------------------
  protected abstract onRequestHead(rest: Buffer | undefined): void;
  protected abstract requestBody(chunk: Buffer): void;
  protected abstract serviceBody(chunk: Buffer): void;
  /** Aborts the server side of the current transaction (destroy connection, release the slot). */
  protected abstract dropServer(): void;
  abstract kill(flag: 'D' | 'K' | 'U'): void;

  // ---- client socket events (ConnEvents) ------------------------------------------------------------------
  onData(chunk: Buffer): void {
    this.lastClient = performance.now();
    switch (this.state) {
      case ST_IDLE:
      case ST_HEAD:
        this.feedHead(chunk);
        return;
      case ST_XFER:
        if (!this.reqDone) this.requestBody(chunk);
        else this.hold(chunk);
        return;
      case ST_SERVICE:
        this.serviceBody(chunk);
        return;
      case ST_TUNNEL:
        this.tunnel!.clientData(chunk);
        return;
      case ST_CONNECT:
        this.hold(chunk);
        return;
      default:
        return;
    }
  }

  hold(chunk: Buffer): void {
    this.held.push(chunk);
    this.heldBytes += chunk.length;
    if (this.heldBytes >= HOLD_LIMIT) this.sock.pause();
  }

  takeHeld(): Buffer | undefined {
    if (this.heldBytes === 0) return undefined;
    const b = this.held.length === 1 ? this.held[0]! : Buffer.concat(this.held);
    this.held = [];
    this.heldBytes = 0;
    return b;
  }

  onEnd(): void {
    this.clientFin = true;
    this.clientKeep = false;
    switch (this.state) {
      case ST_IDLE:
        if (this.heldBytes > 0) return;
        // A connection that closes before sending anything: haproxy logs it as <BADREQ> 400 CR-- (sends nothing).
        if (this.firstRequest) this.logEmpty(400, 'C');
        this.closeClient();
        return;
      case ST_HEAD:
        // haproxy answers 400 to a request cut by a client shutdown (observed on 2.6.12).
        this.facts.term('C', 'R');
        this.fe.counters.reqErrors++;
        this.sendError(400, true);
        return;
      case ST_TUNNEL:
        this.tunnel!.clientEnd();
        return;
      case ST_CONNECT:
      case ST_XFER:
        if (!this.reqDone) this.abort('C', this.state === ST_CONNECT ? 'C' : 'D');
        return;
      default:
        return;
    }
  }

  onDrain(): void {
    this.lastClient = performance.now();
    if (this.state === ST_TUNNEL) return this.tunnel!.clientDrain();
    if (this.srvPausedByClient) {
      this.srvPausedByClient = false;
      this.conn?.socket.resume();
    }
  }

  onError(): void {
    if (this.state === ST_TUNNEL) return this.tunnel!.clientError();
    this.facts.term('C', this.phaseNow());
  }

  onClose(): void {
    if (this.state === ST_TUNNEL) {
      this.tunnel!.clientClose();
      return;
    }
    if (this.state === ST_CONNECT || this.state === ST_XFER || this.state === ST_SERVICE) {
      this.facts.term('C', this.phaseNow());
      this.dropServer();
      this.finishTxn();
    }
    this.end();
  }

  /** Termination-state phase letter for the current state. */
  protected phaseNow(): TermPhase {
    switch (this.state) {
      case ST_IDLE:
      case ST_HEAD: return 'R';
      case ST_CONNECT: return this.facts.queuedMs < 0 ? 'Q' : 'C';
      case ST_XFER: return this.respState === R_HEAD ? 'H' : 'D';
      default: return 'D';
    }
  }

  // ---- request head --------------------------------------------------------------------------------
  feedHead(chunk: Buffer): void {
    if (this.state === ST_IDLE) {
      this.state = ST_HEAD;
      this.facts.reset(this.lastClient);
      this.facts.bytesIn = 0;
      this.arm();
    }
    this.facts.bytesIn += chunk.length;
    const r = this.parser.execute(chunk);
    if (r === NEED_MORE) return;
    if (r === ERROR) {
      this.facts.term('P', 'R');
      this.fe.counters.reqErrors++;
      this.sendError(this.parser.errStatus as ErrorStatus, true);
      return;
    }
    const rest = this.parser.rest;
    if (rest) this.facts.bytesIn -= rest.length;
    this.facts.headDone = this.lastClient;
    this.fe.counters.reqTotal++;
    this.fe.deps.global.cumReq++;
    this.onRequestHead(rest);
  }

  // ---- errors and logging -----------------------------------------------------------------------------
  /**
   * Answers with haproxy's error page. `close` (or a raw parser-level error) closes the client connection after
   * the response; otherwise the session may continue with the next request.
   */
  sendError(status: ErrorStatus, close: boolean): void {
    const mustClose = close || !this.clientKeep || errorAlwaysCloses(status) || this.draining;
    const head = this.parser.head;
    const msg = this.state >= ST_CONNECT && head.method === 'HEAD' ? errorResponseHead(status, mustClose) : errorResponse(status, mustClose);
    this.facts.status = status;
    this.facts.bytesOut += msg.length;
    this.sock.write(msg);
    this.finishTxn();
    if (mustClose) this.closeClient();
    else this.nextRequest();
  }

  /** Logs and counts the transaction once; releases the server slot if still held. */
  finishTxn(now: number = performance.now()): void {
    const f = this.facts;
    if (f.reqStart < 0) return;
    f.end = now;
    const fe = this.fe;
    fe.counters.bytesIn += f.bytesIn;
    fe.counters.bytesOut += f.bytesOut;
    const be = this.be;
    const srv = this.srv;
    if (f.status > 0) countStatus(fe.counters, f.status);
    if (be) countTxn(be.counters, f);
    if (srv) countTxn(srv.counters, f);
    // The server slot is given back before the line is built: haproxy logs beconn/srv_conn without this stream.
    if (be && srv) be.release(srv, this);
    if (fe.log && !(fe.section.options.dontlognull && f.bytesIn === 0)) {
      if (f.headDone >= 0) f.request = this.parser.head.firstLine();
      emitLog(fe.log, toStreamLog(f, {
        frontend: fe.name, clientIp: this.sample.srcIp, clientPort: this.sample.srcPort,
        actconn: fe.deps.global.actconn, feconn: fe.feconn, beconn: be?.beconn ?? 0, srvConn: srv?.served ?? 0,
        srvQueue: srv?.queueLength ?? 0, beQueue: be?.queueLength ?? 0,
      }));
    }
    f.reqStart = -1;
    this.srv = undefined;
  }

  /** Logs a connection that never sent a byte (status is what haproxy logs; nothing is sent). */
  private logEmpty(status: number, cause: 'C' | 'c'): void {
    const f = this.facts;
    const idle = f.idleStart;
    f.reset(idle);
    f.idleStart = idle;
    f.status = status;
    f.term(cause, 'R');
    this.finishTxn();
  }

  /** Back to waiting for the next request on this connection (keep-alive), handling pipelined bytes. */
  nextRequest(now: number = performance.now()): void {
    this.state = ST_IDLE;
    this.respState = R_HEAD;
    this.reqDone = false;
    this.firstRequest = false;
    this.be = undefined;
    this.facts.idleStart = now;
    if (this.draining || this.clientFin) return this.closeClient();
    this.arm();
    const pipelined = this.takeHeld();
    if (this.sock.paused) this.sock.resume();
    if (pipelined) this.feedHead(pipelined);
  }

  /**
   * Ends the client connection after pending writes. `done`: the client is finished (it sent FIN, or asked to close
   * and all it sent was read) and our answer is in the kernel: close at once like haproxy (shutdown + close) — the
   * kernel still delivers the response and our FIN; only the lingering wait for the client's FIN is skipped.
   */
  closeClient(done = false): void {
    if (this.state === ST_CLOSED) return;
    this.state = ST_CLOSED;
    if (done && this.heldBytes === 0 && !this.sock.writing) {
      // Closed by us, nothing more to hear from it: end the session now rather than on the close callback.
      this.sock.events = NO_EVENTS;
      this.sock.destroy();
      return this.end();
    }
    this.closedAt = performance.now();
    this.sock.end();
    // A client that never reads its side must not hold the connection forever (checked by the deadline timer).
    this.arm();
  }

  /** Aborts the whole session: server side dropped, client destroyed. */
  abort(cause: TermCause, phase: TermPhase): void {
    this.facts.term(cause, phase);
    this.dropServer();
    this.finishTxn();
    this.state = ST_CLOSED;
    this.sock.destroy();
  }

  protected end(): void {
    if (this.ended) return;
    this.ended = true;
    this.state = ST_CLOSED;
    this.deadline.stop();
    this.fe.sessionEnded(this);
  }

  drain(): void {
    this.draining = true;
    if (this.state === ST_IDLE) this.closeClient();
  }

  destroy(): void {
    this.abort('K', this.phaseNow());
  }

  // ---- timeouts --------------------------------------------------------------------------------------
  /** Earliest deadline for the current state (performance.now() ms). */
  protected nextDeadline(): number {
    const t = this.fe.section.timeouts;
    const beT = this.be?.section.timeouts;
    const httpReq = t.httpRequest ?? t.client;
    switch (this.state) {
      case ST_IDLE:
        return deadlineAfter(this.facts.idleStart, this.firstRequest ? httpReq : t.httpKeepAlive ?? httpReq);
      case ST_HEAD:
      case ST_SERVICE:
        return deadlineAfter(this.facts.reqStart, httpReq);
      case ST_XFER: {
        let d = Infinity;
        if (!this.reqDone || this.srvPausedByClient) d = deadlineAfter(this.lastClient, t.client);
        if (this.respState !== R_DONE && !this.srvPausedByClient) d = Math.min(d, deadlineAfter(this.lastServer, beT?.server));
        return d;
      }
      case ST_CLOSED:
        return this.ended ? Infinity : this.closedAt + LINGER_MS;
      default:
        return Infinity;
    }
  }

  arm(): void {
    this.deadline.ensure(this.nextDeadline());
  }

  protected onDeadline(): void {
    const now = performance.now();
    const d = this.nextDeadline();
    if (d > now) return this.deadline.ensure(d);
    switch (this.state) {
      case ST_IDLE:
        // An empty connection timing out: haproxy closes it silently and logs 408 cR-- (observed on 2.6.12);
        // an idle keep-alive connection is just closed.
        if (this.firstRequest) this.logEmpty(408, 'c');
        this.closeClient();
        return;
      case ST_HEAD:
      case ST_SERVICE:
        this.facts.term('c', 'R');
        this.fe.counters.reqErrors++;
        this.sendError(408, true);
        return;
      case ST_XFER:
        this.xferTimeout(now);
        return;
      case ST_CLOSED:
        this.sock.destroy();
        return;
      default:
        return;
    }
  }

  /** A client or server inactivity timeout during the exchange: 504 if no response started, else abort. */
  private xferTimeout(now: number): void {
    const t = this.fe.section.timeouts;
    const clientIdle = (!this.reqDone || this.srvPausedByClient) && deadlineAfter(this.lastClient, t.client) <= now;
    // Still sending its body, or not reading our response: the data phase either way (haproxy cD).
    if (clientIdle) return this.abort('c', 'D');
    if (this.respState === R_HEAD) {
      this.facts.term('s', 'H');
      this.dropServer();
      this.sendError(504, !this.reqDone);
      return;
    }
    this.abort('s', 'D');
  }
}
