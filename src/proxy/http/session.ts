// HTTP session exchange: routing, server assignment/connection (with http-reuse), request/response forwarding with
// body framing and backpressure, connection modes (KAL/SCL/CLO, haproxy.md §1.5), tunnels, internal services.
import type net from 'node:net';
import type { AssignRequest, HttpConnMode } from '../types.js';
import type { Backend, ConnectResult, Server } from '../backend/index.js';
import { openConnection } from '../backend/connect.js';
import { serverPort } from '../backend/queue.js';
import type { SessionFrontend } from '../frontend-types.js';
import { NEED_MORE, ERROR } from './parser.js';
import { ChunkedScanner, CHUNKED_MORE, CHUNKED_ERROR } from './chunked.js';
import { writeHead, HOP_KINDS } from './outbound.js';
import { requestEdits, responseEdits, cookieFlag, type RequestEdits } from './edits.js';
import { ServerConn, type ServerConnOwner } from './server-conn.js';
import { Tunnel, type TunnelResult } from '../tcp/tunnel.js';
import { ServiceExchange, isStatsRequest } from './service.js';
import {
  SessionCore, ST_CONNECT, ST_XFER, ST_SERVICE, ST_TUNNEL, ST_CLOSED, R_HEAD, R_BODY, R_DONE,
} from './session-core.js';

/** True if `be` may queue a request: some server has a connection limit, or requests are already queued. */
function mayQueue(be: Backend): boolean {
  if (be.queueLength > 0) return true;
  const servers = be.servers;
  for (let i = 0; i < servers.length; i++) if (servers[i]!.maxconn > 0) return true;
  return false;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

function assignRequestFor(s: HttpSession): Mutable<AssignRequest> {
  const req = { method: undefined, uri: undefined, header: s.headerFn, persistServer: undefined, stream: s, signal: undefined } as unknown as Mutable<AssignRequest>;
  const lazy = (key: 'clientIp' | 'clientPort' | 'dstPort', get: () => string | number): void => {
    Object.defineProperty(req, key, { enumerable: true, configurable: true, get });
  };
  lazy('clientIp', () => s.sample.srcIp);
  lazy('clientPort', () => s.sample.srcPort);
  lazy('dstPort', () => s.sample.dstPort);
  return req;
}

const MODE_RANK: Record<HttpConnMode, number> = { 'keep-alive': 0, 'server-close': 1, close: 2 };
/** The strongest of the frontend's and the backend's modes applies (KAL < SCL < CLO). */
export function effectiveMode(fe: HttpConnMode, be: HttpConnMode): HttpConnMode {
  return MODE_RANK[be] > MODE_RANK[fe] ? be : fe;
}

type FailMap = Record<string, readonly ['S' | 's' | 'C', 'C' | 'Q']>;
const CONNECT_FAIL: FailMap = {
  'no-server': ['S', 'C'], 'queue-full': ['S', 'Q'], 'queue-timeout': ['s', 'Q'],
  'connect-failed': ['S', 'C'], 'connect-timeout': ['s', 'C'], aborted: ['C', 'Q'],
};

export class HttpSession extends SessionCore implements ServerConnOwner {
  /** Request body left: bytes (Content-Length), -1 chunked. Response: bytes, -1 chunked, -2 until close. */
  private reqLeft = 0;
  private respLeft = 0;
  private serverKeep = false;
  private mode: HttpConnMode = 'keep-alive';
  private upgrade = false;
  private connectMethod = false;
  private tunnelAfter = false;
  private replayable = false;
  private replayed = false;
  private ownConn: ServerConn | undefined;
  private reusedConn: ServerConn | undefined;
  private ac: AbortController | undefined;
  private edits: RequestEdits | undefined;
  private service: ServiceExchange | undefined;
  private readonly reuseCb = (server: unknown): net.Socket | undefined => this.pickReuse(server as Server);
  private readonly onConnected = (r: ConnectResult): void => this.connected(r);
  private readonly onConnectError = (): void => this.connected({ ok: false, why: 'connect-failed', queuedMs: 0, retries: 0 });
  readonly headerFn = (name: string): string | undefined => this.parser.head.header(name.toLowerCase());
  private readonly connectOpts = { reuse: this.reuseCb };
  /** One AssignRequest per session, refilled per request. Addresses are enumerable accessors: read only if the
   *  balancer needs them (getpeername/getsockname are syscalls), still copied by the backend's object spread. */
  private readonly assignReq: Mutable<AssignRequest> = assignRequestFor(this);

  constructor(sock: net.Socket, fe: SessionFrontend) {
    super(sock, fe);
  }

  // ---- request ----------------------------------------------------------------------------------------
  protected onRequestHead(rest: Buffer | undefined): void {
    const head = this.parser.head;
    const fe = this.fe;
    const sec = fe.section;
    this.sample.head = head;
    if (!this.clientFin) this.clientKeep = head.minor === 1 ? !head.connClose : head.connKeepAlive;
    this.reqLeft = head.chunked ? -1 : head.contentLength > 0 ? head.contentLength : 0;
    if (head.chunked) this.reqChunkedReset();
    this.reqDone = this.reqLeft === 0;
    if (sec.stats?.enabled && isStatsRequest(head, sec.stats.uri)) return this.startService('stats', rest);
    if (fe.promExporter?.(this.sample)) return this.startService('metrics', rest);
    const name = fe.router.route(this.sample);
    const be = name === undefined ? undefined : fe.deps.backend(name);
    if (!be) {
      this.facts.term('S', 'C');
      this.sendError(503, !this.reqDone);
      return;
    }
    this.be = be;
    this.facts.backend = be.name;
    const bsec = be.section;
    this.mode = effectiveMode(sec.options.httpConnMode, bsec.options.httpConnMode);
    if (this.mode === 'close') this.clientKeep = false;
    this.upgrade = head.connUpgrade && head.upgrade;
    this.connectMethod = head.method === 'CONNECT';
    this.tunnelAfter = sec.options.httpTunnel || bsec.options.httpTunnel;
    this.edits = requestEdits(head, {
      serverClose: this.mode !== 'keep-alive', upgrade: this.upgrade || this.connectMethod,
      forwardfor: bsec.options.forwardfor ?? sec.options.forwardfor, clientIp: this.sample.srcIp,
      cookie: bsec.cookie, servers: be.servers, persist: bsec.options.persist,
    });
    this.facts.cookieReq = cookieFlag(this.edits.cookieStatus);
    this.state = ST_CONNECT;
    if (rest) this.hold(rest);
    this.facts.connectStart = this.lastClient;
    const kind = bsec.balance.kind;
    const req = this.assignReq;
    req.method = head.method;
    req.uri = kind === 'uri' || kind === 'url_param' ? head.uri : undefined;
    req.persistServer = this.edits.persistServer;
    req.signal = mayQueue(be) ? this.signal() : undefined;
    be.connect(req, this.connectOpts).then(this.onConnected, this.onConnectError);
  }

  /** An AbortSignal lets the backend drop a queued request whose client left. Without any server maxconn the
   *  backend never queues, so the signal (and its per-request listener bookkeeping) is skipped. */
  private signal(): AbortSignal {
    if (!this.ac) this.ac = new AbortController();
    return this.ac.signal;
  }

  private reqChunkedReset(): void {
    this.parserChunked.reset();
  }

  /** The request body's chunked scanner (the server connection has its own for the response). */
  private readonly parserChunked = new ChunkedScanner();

  private pickReuse(server: Server): net.Socket | undefined {
    const own = this.ownConn;
    if (own) {
      this.ownConn = undefined;
      if (!own.dead && own.server === server) {
        this.reusedConn = own;
        return own.socket;
      }
      own.destroy();
    }
    const c = this.fe.deps.pool.take(server, this.be!.section.httpReuse, this.firstRequest);
    if (!c) return undefined;
    this.reusedConn = c;
    return c.socket;
  }

  private connected(r: ConnectResult): void {
    if (this.state !== ST_CONNECT) {
      // The client left while we were connecting: give everything back.
      if (r.ok) {
        r.socket.destroy();
        this.be?.release(r.server, this);
      }
      return;
    }
    const f = this.facts;
    f.queuedMs = r.queuedMs;
    f.retries = r.retries;
    if (!r.ok) {
      if (r.server) f.server = r.server.name;
      const [cause, phase] = CONNECT_FAIL[r.why] ?? ['S', 'C'];
      if (r.why === 'aborted') return this.abort('C', 'Q');
      f.term(cause, phase);
      this.sendError(503, !this.reqDone);
      return;
    }
    f.connectMs = r.connectMs;
    f.connected = this.lastServer = performance.now();
    f.server = r.server.name;
    f.redispatched = r.redispatched;
    this.srv = r.server;
    const reused = this.reusedConn;
    this.reusedConn = undefined;
    const conn = r.reused && reused && reused.socket === r.socket ? reused : new ServerConn(r.socket, r.server);
    this.replayable = r.reused && this.reqLeft === 0;
    this.replayed = false;
    this.sendRequest(conn);
  }

  private sendRequest(conn: ServerConn): void {
    this.conn = conn;
    conn.begin(this);
    this.state = ST_XFER;
    this.respState = R_HEAD;
    const pending = this.takeHeld();
    let body: Buffer | undefined;
    if (pending) {
      const split = this.splitRequest(pending);
      if (split < 0) return this.badRequestBody();
      body = split === pending.length ? pending : pending.subarray(0, split);
      if (split < pending.length) this.hold(pending.subarray(split));
    }
    const e = this.edits!;
    this.facts.srvBytesIn += writeHead(conn.socket, this.parser.head, e.dropKinds, e.extra, body);
    if (!this.reqDone && this.sock.isPaused() && this.heldBytes === 0) this.sock.resume();
    this.arm();
  }

  /** Consumes request body bytes at the start of `chunk`; returns how many belong to the body (-1 = bad framing). */
  private splitRequest(chunk: Buffer): number {
    if (this.reqDone) return 0;
    if (this.reqLeft > 0) {
      const n = Math.min(this.reqLeft, chunk.length);
      this.reqLeft -= n;
      if (this.reqLeft === 0) this.reqDone = true;
      return n;
    }
    const e = this.parserChunked.scan(chunk, 0, chunk.length);
    if (e === CHUNKED_ERROR) return -1;
    if (e === CHUNKED_MORE) return chunk.length;
    this.reqDone = true;
    return e;
  }

  private badRequestBody(): void {
    this.facts.term('P', 'D');
    this.fe.counters.reqErrors++;
    this.dropServer();
    if (this.respState === R_HEAD) this.sendError(400, true);
    else this.abort('P', 'D');
  }

  protected requestBody(chunk: Buffer): void {
    this.facts.bytesIn += chunk.length;
    const n = this.splitRequest(chunk);
    if (n < 0) return this.badRequestBody();
    if (n > 0 && this.conn) {
      const part = n === chunk.length ? chunk : chunk.subarray(0, n);
      this.facts.srvBytesIn += n;
      if (this.conn.socket.write(part)) this.lastServer = this.lastClient;
      else {
        this.sock.pause();
        this.cliPausedByServer = true;
      }
    }
    if (n < chunk.length) {
      this.facts.bytesIn -= chunk.length - n;
      this.hold(chunk.subarray(n));
      this.sock.pause();
    }
    if (this.reqDone) {
      this.arm();
      if (this.respState === R_DONE) this.txnEnd();
    }
  }

  // ---- response -----------------------------------------------------------------------------------------
  serverData(c: ServerConn, chunk: Buffer): void {
    if (c !== this.conn) return;
    if (this.state === ST_TUNNEL) return this.tunnel!.serverData(chunk);
    this.lastServer = performance.now();
    if (this.respState === R_HEAD) {
      const r = c.parser.execute(chunk);
      if (r === NEED_MORE) return;
      if (r === ERROR) return this.badResponse('P');
      const rest = c.parser.rest;
      this.facts.srvBytesOut += chunk.length - (rest ? rest.length : 0);
      return this.onResponseHead(c, rest);
    }
    if (this.respState === R_BODY) return this.responseBody(chunk);
    this.serverKeep = false; // bytes after the end of the response: the connection is not reusable
  }

  private badResponse(cause: 'P' | 'S'): void {
    this.facts.term(cause, 'H');
    const be = this.be!;
    be.counters.respErrors++;
    if (this.srv) this.srv.counters.respErrors++;
    this.dropServer();
    this.sendError(502, !this.reqDone);
  }

  private onResponseHead(c: ServerConn, rest: Buffer | undefined): void {
    const rh = c.parser.head;
    const status = rh.status;
    const f = this.facts;
    f.respHead = this.lastServer;
    if (status < 200) {
      if (status === 101 && this.upgrade) return this.startTunnel(c, rest);
      if (status === 101) return this.badResponse('P');
      // 1xx informational (100 Continue, 103): forwarded as is, then the final response follows.
      f.bytesOut += writeHead(this.sock, rh, 0, '');
      c.parser.reset();
      if (rest) this.serverData(c, rest);
      return;
    }
    if ((this.connectMethod && status < 300) || this.tunnelAfter) return this.startTunnel(c, rest);
    f.status = status;
    const req = this.parser.head;
    const noBody = req.method === 'HEAD' || status === 204 || status === 304;
    this.respLeft = noBody ? 0 : rh.chunked ? -1 : rh.te ? -2 : rh.contentLength >= 0 ? rh.contentLength : -2;
    if (this.respLeft === -1) c.chunked.reset();
    this.serverKeep = this.mode === 'keep-alive' && this.respLeft !== -2 && (rh.minor === 1 ? !rh.connClose : rh.connKeepAlive);
    if (this.respLeft === -2 || !this.reqDone || this.draining || this.fe.deps.global.stopping) this.clientKeep = false;
    const cookie = this.be!.section.cookie;
    let drop = 0;
    let extra = '';
    if (cookie) {
      const e = responseEdits(rh, {
        clientKeep: this.clientKeep, clientMinor: req.minor,
        cookie: this.srv ? {
          cfg: cookie, server: { name: this.srv.name, cookie: this.srv.config.cookie },
          status: this.edits!.cookieStatus ?? 'none', value: this.edits!.cookieValue, method: req.method,
        } : undefined,
      });
      f.cookieResp = e.setCookieFlag;
      drop = e.dropKinds;
      extra = e.extra;
    } else if (!this.clientKeep) {
      // Closing the client: say so (HTTP/1.1 keeps alive by default) and drop whatever the server said.
      drop = HOP_KINDS;
      if (req.minor === 1) extra = 'connection: close\r\n';
    } else if (req.minor === 0) {
      drop = HOP_KINDS;
      extra = 'connection: keep-alive\r\n';
    } else if (rh.connClose) drop = HOP_KINDS; // the server closes but the client connection stays
    let body: Buffer | undefined;
    let after = 0;
    if (rest) {
      const n = this.splitResponse(c, rest);
      if (n < 0) return this.badResponse('S');
      body = n === rest.length ? rest : rest.subarray(0, n);
      after = rest.length - n;
      f.srvBytesOut += n;
    }
    if (after > 0) this.serverKeep = false;
    f.bytesOut += writeHead(this.sock, rh, drop, extra, body);
    if (this.sock.writableNeedDrain) this.pauseServer();
    if (this.respLeft === 0) this.responseDone();
    else {
      this.respState = R_BODY;
      this.arm();
    }
  }

  /** Consumes response body bytes at the start of `chunk`; returns how many belong to the body (-1 = bad framing). */
  private splitResponse(c: ServerConn, chunk: Buffer): number {
    const left = this.respLeft;
    if (left === -2) return chunk.length;
    if (left > 0) {
      const n = Math.min(left, chunk.length);
      this.respLeft -= n;
      return n;
    }
    if (left === 0) return 0;
    const e = c.chunked.scan(chunk, 0, chunk.length);
    if (e === CHUNKED_ERROR) return -1;
    if (e === CHUNKED_MORE) return chunk.length;
    this.respLeft = 0;
    return e;
  }

  private responseBody(chunk: Buffer): void {
    const c = this.conn!;
    const n = this.splitResponse(c, chunk);
    if (n < 0) {
      this.facts.term('S', 'D');
      return this.abort('S', 'D');
    }
    this.facts.srvBytesOut += n;
    if (n > 0) {
      this.facts.bytesOut += n;
      if (!this.sock.write(n === chunk.length ? chunk : chunk.subarray(0, n))) this.pauseServer();
    }
    if (n < chunk.length) this.serverKeep = false;
    if (this.respLeft === 0) this.responseDone();
  }

  private pauseServer(): void {
    this.srvPausedByClient = true;
    this.conn?.socket.pause();
    this.arm();
  }

  private responseDone(): void {
    this.respState = R_DONE;
    if (!this.reqDone) {
      // The server answered before the request body ended (e.g. 413): stop here, close both sides.
      this.serverKeep = false;
      this.clientKeep = false;
    }
    this.txnEnd();
  }

  serverEnd(c: ServerConn): void {
    if (c !== this.conn) return;
    if (this.state === ST_TUNNEL) return this.tunnel!.serverEnd();
    this.serverGone(false);
  }

  serverClose(c: ServerConn, hadError: boolean): void {
    if (c !== this.conn) return;
    if (this.state === ST_TUNNEL) return this.tunnel!.serverClose();
    this.serverGone(hadError);
  }

  serverDrain(c: ServerConn): void {
    if (c !== this.conn) return;
    if (this.state === ST_TUNNEL) return this.tunnel!.serverDrain();
    this.lastServer = performance.now();
    if (this.cliPausedByServer) {
      this.cliPausedByServer = false;
      if (this.heldBytes === 0) this.sock.resume();
    }
  }

  /** The server connection ended or failed during the exchange. */
  private serverGone(hadError: boolean): void {
    if (this.state !== ST_XFER) return;
    if (this.respState === R_BODY && this.respLeft === -2 && !hadError) {
      this.respLeft = 0;
      this.serverKeep = false;
      return this.responseDone();
    }
    if (this.respState === R_HEAD) {
      if (this.replayable && !this.replayed && this.facts.srvBytesOut === 0) return this.replay();
      return this.badResponse('S');
    }
    if (this.respState === R_BODY) return this.abort('S', 'D');
    this.serverKeep = false;
  }

  /** A reused keep-alive connection closed before answering: the server dropped it while idle. Send the
   *  (body-less) request once more on a fresh connection, keeping the slot we hold. */
  private replay(): void {
    this.replayed = true;
    const old = this.conn!;
    this.conn = undefined;
    old.destroy();
    const srv = this.srv!;
    const be = this.be!;
    const port = serverPort(srv, { dstPort: this.sample.dstPort });
    const target = { host: srv.addr, port, path: srv.config.unixPath ? srv.addr : undefined };
    openConnection(target, be.section.timeouts.connect, undefined).then((a) => {
      if (this.state !== ST_XFER || this.conn) {
        if (a.ok) a.socket.destroy();
        return;
      }
      if (!a.ok) return this.badResponse('S');
      this.sendRequest(new ServerConn(a.socket, srv));
    }, () => this.badResponse('S'));
  }

  /** End of a transaction: park or close the server connection, log, then next request or close. */
  private txnEnd(now: number = this.lastServer): void {
    const conn = this.conn;
    this.conn = undefined;
    if (conn) {
      conn.owner = undefined;
      conn.transactions++;
      if (this.srvPausedByClient) conn.socket.resume();
      if (this.serverKeep && !conn.dead && !this.draining && !this.fe.deps.global.stopping) {
        if (this.be!.section.httpReuse === 'never') {
          this.ownConn?.destroy();
          this.ownConn = conn;
        } else this.fe.deps.pool.put(conn);
      } else conn.destroy();
    }
    this.srvPausedByClient = false;
    this.cliPausedByServer = false;
    this.finishTxn(now);
    if (this.clientKeep && !this.clientFin) this.nextRequest(now);
    else this.closeClient();
  }

  protected dropServer(): void {
    if (this.state === ST_CONNECT) this.ac?.abort();
    if (this.conn) {
      this.conn.destroy();
      this.conn = undefined;
    }
  }

  kill(flag: 'D' | 'K' | 'U'): void {
    if (this.state === ST_TUNNEL) return this.tunnel!.kill(flag);
    this.abort(flag, this.phaseNow());
  }

  protected override end(): void {
    this.ownConn?.destroy();
    this.ownConn = undefined;
    super.end();
  }

  // ---- tunnels ------------------------------------------------------------------------------------------
  private startTunnel(c: ServerConn, rest: Buffer | undefined): void {
    const rh = c.parser.head;
    const f = this.facts;
    f.status = rh.status;
    f.bytesOut += writeHead(this.sock, rh, 0, '');
    this.state = ST_TUNNEL;
    this.deadline.stop();
    const ft = this.fe.section.timeouts;
    const bt = this.be!.section.timeouts;
    this.tunnel = new Tunnel(this.sock, c.socket, {
      client: ft.client, server: bt.server, tunnel: bt.tunnel ?? ft.tunnel, clientFin: ft.clientFin, serverFin: bt.serverFin,
    }, (r) => this.tunnelDone(r));
    this.tunnel.start(this.takeHeld(), rest);
  }

  private tunnelDone(r: TunnelResult): void {
    const f = this.facts;
    f.bytesIn += r.bytesUp;
    f.bytesOut += r.bytesDown;
    f.srvBytesIn += r.bytesUp;
    f.srvBytesOut += r.bytesDown;
    if (r.cause !== '-') f.term(r.cause, 'D');
    this.conn = undefined;
    this.finishTxn();
    this.end();
  }

  // ---- internal services (stats page, Prometheus exporter) -------------------------------------------------
  private startService(kind: 'stats' | 'metrics', rest: Buffer | undefined): void {
    this.state = ST_SERVICE;
    this.facts.backend = this.fe.name;
    this.facts.server = kind === 'stats' ? '<STATS>' : '<PROMEX>';
    this.service = new ServiceExchange(this, kind, (done) => this.serviceDone(done));
    if (this.reqLeft === -1) this.parserChunked.reset();
    if (rest) this.serviceBody(rest);
    else if (this.reqDone) this.service.run();
  }

  protected serviceBody(chunk: Buffer): void {
    const svc = this.service;
    if (!svc || svc.started) return this.hold(chunk);
    const n = this.splitRequest(chunk);
    if (n < 0) return this.badRequestBody();
    svc.add(n === chunk.length ? chunk : chunk.subarray(0, n), this.reqLeft === -1 || (this.reqDone && this.parser.head.chunked));
    if (n < chunk.length) this.hold(chunk.subarray(n));
    if (this.reqDone) svc.run();
  }

  private serviceDone(bytes: number): void {
    this.service = undefined;
    if (this.state !== ST_SERVICE) return;
    this.facts.bytesOut += bytes;
    this.facts.term('L', 'R');
    this.finishTxn();
    if (this.clientKeep && !this.clientFin) this.nextRequest();
    else this.closeClient();
  }

  get isClosed(): boolean {
    return this.state === ST_CLOSED;
  }
}
