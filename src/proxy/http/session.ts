// HTTP session, response side: response head/body forwarding with framing and backpressure, Connection handling
// per mode, cookie insertion, server failures (502/504, replay on a dead reused connection), end of transaction
// (connection parked for http-reuse or closed), Upgrade/CONNECT tunnels.
import type { SessionFrontend } from '../frontend-types.js';
import { dialTarget } from '../backend/connect.js';
import { serverPort } from '../backend/queue.js';
import type { Conn } from '../io/conn.js';
import { dialConn } from '../io/net-conn.js';
import { NEED_MORE, ERROR } from './parser.js';
import { CHUNKED_MORE, CHUNKED_ERROR } from './chunked.js';
import { writeHead, HOP_KINDS } from './outbound.js';
import { responseEdits } from './edits.js';
import { ServerConn } from './server-conn.js';
import { Tunnel, type TunnelResult } from '../tcp/tunnel.js';
import { ST_XFER, ST_TUNNEL, R_HEAD, R_BODY, R_DONE } from './session-core.js';
import { RequestSide } from './session-request.js';

export { effectiveMode } from './session-request.js';

export class HttpSession extends RequestSide {
  constructor(sock: Conn, fe: SessionFrontend) {
    super(sock, fe);
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
    const serverCloses = rh.minor === 1 ? rh.connClose : !rh.connKeepAlive;
    this.serverKeep = this.mode === 'keep-alive' && this.respLeft !== -2 && !serverCloses;
    // A server that closes after this response (it says so, or we asked it to): its FIN is on its way, so our close
    // is a normal one (the TIME_WAIT stays with the server), as haproxy's is once it has read that FIN.
    if (this.mode !== 'keep-alive' || serverCloses) c.socket.lingerRisk = false;
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
    if (this.sock.needDrain) this.pauseServer();
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
      if (n < chunk.length) {
        if (!this.sock.write(chunk.subarray(0, n))) this.pauseServer();
      } else if (!this.sock.write(chunk)) {
        this.pauseServer();
        c.socket.release(chunk, true); // forwarded whole, the queued write holds it last
      } else if (!this.sock.writing) c.socket.release(chunk); // forwarded whole and written: its memory may be reused
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
    const port = serverPort(srv, this.sample);
    dialConn(dialTarget(srv, port), be.section.timeouts.connect, undefined, (a) => {
      if (this.state !== ST_XFER || this.conn) {
        if (a.ok) a.socket.destroy();
        return;
      }
      if (!a.ok) return this.badResponse('S');
      this.sendRequest(new ServerConn(a.socket, srv, this.fe.deps.global.headLimit));
    });
  }

  /** End of a transaction: park or close the server connection, log, then next request or close. */
  protected txnEnd(now: number = this.lastServer): void {
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
    else this.closeClient(this.clientDone());
  }


  /** The client will not send anything more on this connection: it sent FIN, or asked to close (RFC 9112 §9.6:
   *  no further request after `Connection: close`; HTTP/1.0 without keep-alive) and its request is fully read. */
  private clientDone(): boolean {
    if (this.clientFin) return true;
    const h = this.parser.head;
    return this.reqDone && (h.minor === 1 ? h.connClose : !h.connKeepAlive);
  }

  kill(flag: 'D' | 'K' | 'U'): void {
    if (this.state === ST_TUNNEL) return this.tunnel!.kill(flag);
    this.abort(flag, this.phaseNow());
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
}
