// HTTP session, request side: routing, server assignment/connection (with http-reuse), request forwarding with
// body framing and backpressure, connection modes (KAL/SCL/CLO, haproxy.md §1.5), internal services.
import type { AssignRequest, HttpConnMode, StreamHandle } from '../types.js';
import { ConnectFlow, type Backend, type ConnectResultOf, type Server } from '../backend/index.js';
import type { Conn } from '../io/conn.js';
import { dialConn } from '../io/net-conn.js';
import type { RequestSample } from './sample.js';
import type { RequestRule, SessionFrontend } from '../frontend-types.js';
import type { ErrorStatus } from './errors.js';
import { ChunkedScanner, CHUNKED_MORE, CHUNKED_ERROR } from './chunked.js';
import { writeHead, HOP_KINDS } from './outbound.js';
import { requestEdits, cookieFlag, type RequestEdits } from './edits.js';
import { ServerConn, type ServerConnOwner } from './server-conn.js';
import { ServiceExchange, isStatsRequest } from './service.js';
import {
  SessionCore, ST_CONNECT, ST_XFER, ST_SERVICE, ST_CLOSED, R_HEAD, R_DONE,
} from './session-core.js';

/** True if `be` may queue a request: some server has a connection limit, or requests are already queued. */
function mayQueue(be: Backend): boolean {
  if (be.queueLength > 0) return true;
  const servers = be.servers;
  for (let i = 0; i < servers.length; i++) if (servers[i]!.maxconn > 0) return true;
  return false;
}

/** One AssignRequest per session, refilled per request. The addresses are read from the connection only if the
 *  balancer (balance source) or the server port (no port / port offset) asks: getpeername/getsockname are system
 *  calls haproxy does not pay for either (accept() gives it the peer address). */
class SessionAssignRequest implements AssignRequest {
  method: string | undefined = undefined;
  uri: string | undefined = undefined;
  persistServer: string | undefined = undefined;
  signal: AbortSignal | undefined = undefined;
  constructor(private readonly sample: RequestSample, readonly header: (name: string) => string | undefined, readonly stream: StreamHandle) {}
  get clientIp(): string {
    return this.sample.srcIp;
  }
  get clientPort(): number {
    return this.sample.srcPort;
  }
  get dstPort(): number {
    return this.sample.dstPort;
  }
}

type ConnectResult = ConnectResultOf<Conn>;

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

export abstract class RequestSide extends SessionCore implements ServerConnOwner {
  /** Request body left: bytes (Content-Length), -1 chunked. Response: bytes, -1 chunked, -2 until close. */
  protected reqLeft = 0;
  protected respLeft = 0;
  protected serverKeep = false;
  protected mode: HttpConnMode = 'keep-alive';
  protected upgrade = false;
  protected connectMethod = false;
  protected tunnelAfter = false;
  protected replayable = false;
  protected replayed = false;
  protected ownConn: ServerConn | undefined;
  private reusedConn: ServerConn | undefined;
  private ac: AbortController | undefined;
  protected edits: RequestEdits | undefined;
  private readonly plainEdits: RequestEdits = { dropKinds: 0, extra: '', persistServer: undefined, cookieStatus: undefined, cookieValue: undefined };
  private service: ServiceExchange | undefined;
  private readonly reuseCb = (server: unknown): Conn | undefined => this.pickReuse(server as Server);
  private readonly onConnected = (r: ConnectResult): void => this.connected(r);
  readonly headerFn = (name: string): string | undefined => this.parser.head.header(name.toLowerCase());
  private readonly connectOpts = { reuse: this.reuseCb };
  private readonly assignReq = new SessionAssignRequest(this.sample, this.headerFn, this);
  /** One connect at a time per session (the next request waits for this transaction): the flow is reused. */
  private readonly flow = new ConnectFlow<Conn>();

  constructor(sock: Conn, fe: SessionFrontend) {
    super(sock, fe);
  }

  abstract serverData(c: ServerConn, chunk: Buffer): void;
  abstract serverEnd(c: ServerConn): void;
  abstract serverClose(c: ServerConn, hadError: boolean): void;
  abstract serverDrain(c: ServerConn): void;
  /** End of a transaction (response side). */
  protected abstract txnEnd(now?: number): void;

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
    if (fe.requestRules !== undefined && this.ruleAnswered(fe.requestRules, rest)) return;
    if (sec.stats?.enabled && isStatsRequest(head, sec.stats.uri)) return this.startService('stats', rest);
    const name = fe.router.route(this.sample);
    const be = name === undefined ? undefined : fe.deps.backend(name);
    if (!be) {
      this.facts.term('S', 'C');
      return this.answerError(503, rest);
    }
    this.be = be;
    this.facts.backend = be.name;
    const bsec = be.section;
    this.mode = effectiveMode(sec.options.httpConnMode, bsec.options.httpConnMode);
    if (this.mode === 'close') this.clientKeep = false;
    this.upgrade = head.connUpgrade && head.upgrade;
    this.connectMethod = head.method === 'CONNECT';
    this.tunnelAfter = sec.options.httpTunnel || bsec.options.httpTunnel;
    const forwardfor = bsec.options.forwardfor ?? sec.options.forwardfor;
    const upgrade = this.upgrade || this.connectMethod;
    if (!forwardfor && !bsec.cookie) {
      // Hop-by-hop headers only (the usual case): the same answer as requestEdits, without its two objects.
      const e = this.plainEdits;
      e.dropKinds = upgrade ? 0 : HOP_KINDS;
      e.extra = upgrade ? '' : this.mode !== 'keep-alive' ? 'connection: close\r\n' : head.minor === 0 ? 'connection: keep-alive\r\n' : '';
      this.edits = e;
    } else {
      this.edits = requestEdits(head, {
        serverClose: this.mode !== 'keep-alive', upgrade,
        // The peer address costs a getpeername(): only read when a header will carry it.
        forwardfor, clientIp: forwardfor ? this.sample.srcIp : '',
        cookie: bsec.cookie, servers: be.servers, persist: bsec.options.persist,
      });
    }
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
    this.flow.start(be, req, this.connectOpts, dialConn, this.onConnected);
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
  protected readonly parserChunked = new ChunkedScanner();

  private pickReuse(server: Server): Conn | undefined {
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
    const conn = r.reused && reused && reused.socket === r.socket ? reused : new ServerConn(r.socket, r.server, this.fe.deps.global.headLimit);
    this.replayable = r.reused && this.reqLeft === 0;
    this.replayed = false;
    this.sendRequest(conn);
  }

  protected sendRequest(conn: ServerConn): void {
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
    if (!this.reqDone && this.sock.paused && this.heldBytes === 0) this.sock.resume();
    this.arm();
  }

  /** Consumes request body bytes at the start of `chunk`; returns how many belong to the body (-1 = bad framing). */
  protected splitRequest(chunk: Buffer): number {
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
      if (this.conn.socket.write(part)) {
        this.lastServer = this.lastClient;
        if (part === chunk && !this.conn.socket.writing) this.sock.release(chunk); // forwarded whole and written
      } else {
        if (part === chunk) this.sock.release(chunk, true); // forwarded whole, the queued write holds it last
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

  protected dropServer(): void {
    if (this.state === ST_CONNECT) this.ac?.abort();
    if (this.conn) {
      this.conn.destroy();
      this.conn = undefined;
    }
  }


  protected override end(): void {
    this.ownConn?.destroy();
    this.ownConn = undefined;
    super.end();
  }

  /** The frontend's `http-request` rules, before the stats page and routing as in haproxy: the first matching rule
   *  decides (`allow` lets the request go on). True when a rule answered the request itself (deny, exporter). */
  private ruleAnswered(rules: readonly RequestRule[], rest: Buffer | undefined): boolean {
    for (const r of rules) {
      if (!r.test(this.sample)) continue;
      if (r.action === 'allow') return false;
      if (r.action === 'prometheus-exporter') {
        this.startService('metrics', rest);
        return true;
      }
      // haproxy logs a denied request as PR-- and counts it in the frontend's dreq.
      this.fe.counters.deniedReq++;
      this.facts.term('P', 'R');
      this.answerError(r.status as ErrorStatus, rest);
      return true;
    }
    return false;
  }

  /** The proxy answers a request itself before any server is involved: pipelined bytes after its head wait for the
   *  next request (keep-alive); a request body not read yet forces the close. */
  private answerError(status: ErrorStatus, rest: Buffer | undefined): void {
    if (rest && this.reqDone) this.hold(rest);
    this.sendError(status, !this.reqDone);
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
