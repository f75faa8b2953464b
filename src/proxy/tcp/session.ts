// mode tcp session: route (ACLs on addresses/ports), get a server from the backend core (queues, retries,
// redispatch), then splice bytes both ways with half-close and tunnel timeouts; one tcplog line at the end.
import type { AssignRequest, StreamHandle } from '../types.js';
import type { Backend, ConnectResultOf, Server } from '../backend/index.js';
import type { Conn, ConnEvents } from '../io/conn.js';
import { dialConn } from '../io/net-conn.js';
import type { Session, SessionFrontend } from '../frontend-types.js';
import type { TermCause, TermPhase } from '../log.js';
import { emitLog } from '../log.js';
import { tcpSample } from '../acl/sample.js';
import { Tunnel, TunnelServerEvents, type TunnelResult } from './tunnel.js';
import { countTxn, TxnFacts, wallAt } from '../http/txn-log.js';

const NO_OPTS = {};
const NO_SAMPLE = tcpSample('', 0, '', 0);

/** Bytes read from the client while connecting before we stop reading (haproxy's request buffer). */
const EARLY_LIMIT = 16384;

const FAIL: Record<string, readonly [TermCause, TermPhase]> = {
  'no-server': ['S', 'C'], 'queue-full': ['S', 'Q'], 'queue-timeout': ['s', 'Q'],
  'connect-failed': ['S', 'C'], 'connect-timeout': ['s', 'C'], aborted: ['C', 'Q'],
};

export class TcpSession implements StreamHandle, Session, ConnEvents, AssignRequest {
  private be: Backend | undefined;
  private srv: Server | undefined;
  private tunnel: Tunnel | undefined;
  private early: Buffer[] = [];
  private earlyBytes = 0;
  private clientFin = false;
  private closed = false;
  private logged = false;
  private readonly ac = new AbortController();
  private readonly f = new TxnFacts();
  private readonly start = performance.now();

  constructor(readonly sock: Conn, readonly fe: SessionFrontend) {
    this.f.reset(this.start);
    this.f.idleStart = this.start;
    sock.events = this;
    sock.resume(); // accepted connections start paused (frontend.ts)
    this.route();
  }

  // ---- client connection events (ConnEvents) ------------------------------------------------------------
  onData(c: Buffer): void {
    if (this.tunnel) this.tunnel.clientData(c);
    else this.earlyData(c);
  }
  onEnd(): void {
    if (this.tunnel) this.tunnel.clientEnd();
    else this.clientFin = true;
  }
  onDrain(): void {
    this.tunnel?.clientDrain();
  }
  onError(): void {
    this.tunnel?.clientError();
  }
  onClose(): void {
    this.clientClosed();
  }

  // ---- AssignRequest: the addresses are read only if the balancer or the server port needs them ------------
  get clientIp(): string {
    return this.sock.remoteAddress;
  }
  get clientPort(): number {
    return this.sock.remotePort;
  }
  get dstPort(): number {
    return this.sock.localPort;
  }
  get stream(): StreamHandle {
    return this;
  }
  get signal(): AbortSignal {
    return this.ac.signal;
  }

  private earlyData(c: Buffer): void {
    this.early.push(c);
    this.earlyBytes += c.length;
    if (this.earlyBytes >= EARLY_LIMIT) this.sock.pause();
  }

  private route(): void {
    const fe = this.fe;
    const s = this.sock;
    // The tcplog line names the client after the connection is gone: read the peer address while it is open.
    if (fe.log) void s.remoteAddress;
    // Without use_backend rules nothing is read from the connection (getpeername/getsockname are system calls).
    const name = fe.router.route(fe.router.static ? NO_SAMPLE : tcpSample(s.remoteAddress, s.remotePort, s.localAddress, s.localPort));
    const be = name === undefined ? undefined : fe.deps.backend(name);
    if (!be) return this.fail('S', 'C');
    this.be = be;
    this.f.backend = be.name;
    be.connectCb(this, NO_OPTS, dialConn, this.onConnected);
  }

  private readonly onConnected = (r: ConnectResultOf<Conn>): void => this.connected(r);

  private connected(r: ConnectResultOf<Conn>): void {
    if (this.closed) {
      if (r.ok) {
        r.socket.destroy();
        this.be!.release(r.server, this);
      }
      return;
    }
    this.f.queuedMs = r.queuedMs;
    this.f.retries = r.retries;
    if (!r.ok) {
      if (r.server) this.f.server = r.server.name;
      const [cause, phase] = FAIL[r.why] ?? ['S', 'C'];
      return this.fail(cause, phase);
    }
    this.srv = r.server;
    this.f.server = r.server.name;
    this.f.connectMs = r.connectMs;
    this.f.redispatched = r.redispatched;
    const server = r.socket;
    const be = this.be!;
    const ft = this.fe.section.timeouts;
    const bt = be.section.timeouts;
    const t = new Tunnel(this.sock, server, {
      client: ft.client, server: bt.server, tunnel: bt.tunnel ?? ft.tunnel, clientFin: ft.clientFin, serverFin: bt.serverFin,
    }, (res) => this.done(res));
    this.tunnel = t;
    server.events = new TunnelServerEvents(t);
    const early = this.early.length ? Buffer.concat(this.early) : undefined;
    this.early = [];
    t.start(early);
    if (this.clientFin) t.clientEnd();
  }

  /** No server / queue timeout / connect failure: haproxy closes the client connection. */
  private fail(cause: TermCause, phase: TermPhase): void {
    this.f.term(cause, phase);
    this.f.bytesIn = this.earlyBytes;
    this.finish();
    this.sock.destroy();
  }

  private done(r: TunnelResult): void {
    this.f.bytesIn = r.bytesUp;
    this.f.bytesOut = r.bytesDown;
    this.f.srvBytesIn = r.bytesUp;
    this.f.srvBytesOut = r.bytesDown;
    if (r.cause !== '-') this.f.term(r.cause, 'D');
    this.finish();
  }

  private clientClosed(): void {
    this.closed = true;
    if (this.tunnel) this.tunnel.clientClose();
    else {
      // Client left while queued or connecting.
      this.ac.abort();
      this.f.term('C', this.f.queuedMs < 0 ? 'Q' : 'C');
      this.f.bytesIn = this.earlyBytes;
      this.finish();
    }
    this.fe.sessionEnded(this);
  }

  private finish(): void {
    if (this.logged) return;
    this.logged = true;
    const f = this.f;
    f.end = performance.now();
    const fe = this.fe;
    fe.counters.bytesIn += f.bytesIn;
    fe.counters.bytesOut += f.bytesOut;
    const be = this.be;
    const srv = this.srv;
    if (be) countTxn(be.counters, f);
    if (srv) countTxn(srv.counters, f);
    if (f.cause === 'C') fe.counters.cliAborts++;
    // The server slot is given back before the line is built: haproxy logs beconn/srv_conn without this stream.
    if (be && srv) be.release(srv, this);
    if (fe.log && !(fe.section.options.dontlognull && f.bytesIn === 0)) {
      emitLog(fe.log, {
        mode: 'tcp', clientIp: this.sock.remoteAddress, clientPort: this.sock.remotePort, acceptWall: wallAt(this.start),
        frontend: fe.name, backend: be?.name ?? fe.name, server: f.server, Ti: 0, TR: -1, Tw: f.queuedMs, Tc: f.connectMs, Tr: -1,
        Ta: f.end - this.start, Tt: f.end - this.start, status: -1, bytesOut: f.bytesOut, bytesIn: f.bytesIn,
        term: `${f.cause}${f.phase}`, actconn: fe.deps.global.actconn, feconn: fe.feconn, beconn: be?.beconn ?? 0,
        srvConn: srv?.served ?? 0, retries: f.retries, redispatched: f.redispatched, srvQueue: srv?.queueLength ?? 0,
        beQueue: be?.queueLength ?? 0,
      });
    }
  }

  kill(flag: 'D' | 'K' | 'U'): void {
    if (this.tunnel) this.tunnel.kill(flag);
    else {
      this.f.term(flag, 'C');
      this.sock.destroy();
    }
  }

  drain(): void {
    // mode tcp sessions are left to finish on their own during a soft stop (haproxy does the same).
  }

  destroy(): void {
    this.kill('K');
  }
}
