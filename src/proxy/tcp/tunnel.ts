// Bidirectional byte pipe between a client and a server socket with half-close, backpressure and haproxy's
// tunnel timeouts (configuration.txt "timeout tunnel/client/server/client-fin/server-fin"). Used by mode tcp and by
// HTTP tunnels (Upgrade/101, CONNECT). The owner routes the client's events here; `serverEvents` adapts the server's.
import type { Conn, ConnEvents } from '../io/conn.js';
import { Deadline, deadlineAfter } from './deadline.js';
import type { TermCause } from '../log.js';

export interface TunnelTimeouts {
  readonly client?: number;
  readonly server?: number;
  /** Replaces client/server inactivity timeouts once the tunnel is up (inactivity in both directions). */
  readonly tunnel?: number;
  /** Inactivity timeout of a side once it is half-closed (FIN in either direction). */
  readonly clientFin?: number;
  readonly serverFin?: number;
}

export interface TunnelResult {
  /** '-' both sides closed normally; C/S reset or error; c/s timeout; D/K/U killed. */
  readonly cause: TermCause;
  readonly bytesUp: number;
  readonly bytesDown: number;
}

export class Tunnel {
  bytesUp = 0;
  bytesDown = 0;
  private clientFin = false; // FIN received from the client (forwarded to the server)
  private serverFin = false;
  private clientClosed = false;
  private serverClosed = false;
  private lastClient: number;
  private lastServer: number;
  private cause: TermCause = '-';
  private finished = false;
  private readonly deadline: Deadline;

  constructor(
    readonly client: Conn,
    readonly server: Conn,
    private readonly timeouts: TunnelTimeouts,
    private readonly onDone: (r: TunnelResult) => void,
  ) {
    this.lastClient = this.lastServer = performance.now();
    this.deadline = new Deadline(() => this.check());
    this.arm();
  }

  /** Starts forwarding: bytes already read from either side are sent first; both sockets resume reading. */
  start(upFirst?: Buffer, downFirst?: Buffer): void {
    if (upFirst && upFirst.length) this.clientData(upFirst);
    if (downFirst && downFirst.length) this.serverData(downFirst);
    if (!this.finished) {
      this.client.resume();
      this.server.resume();
    }
  }

  clientData(chunk: Buffer): void {
    this.bytesUp += chunk.length;
    const now = performance.now();
    this.lastClient = now;
    if (!this.server.write(chunk)) {
      this.client.release(chunk, true); // the queued write holds it last
      this.client.pause();
    } else {
      this.lastServer = now;
      // Written whole: the client connection may read into this memory again (early bytes are not its buffers).
      if (!this.server.writing) this.client.release(chunk);
    }
  }

  serverData(chunk: Buffer): void {
    this.bytesDown += chunk.length;
    const now = performance.now();
    this.lastServer = now;
    if (!this.client.write(chunk)) {
      this.server.release(chunk, true);
      this.server.pause();
    } else {
      this.lastClient = now;
      if (!this.client.writing) this.server.release(chunk);
    }
  }

  clientDrain(): void {
    this.lastClient = performance.now();
    this.server.resume();
  }

  serverDrain(): void {
    this.lastServer = performance.now();
    this.client.resume();
  }

  /** Client sent FIN: half-close towards the server (TCP half-close is preserved end to end). */
  clientEnd(): void {
    this.clientFin = true;
    this.lastClient = performance.now();
    this.server.end();
    this.arm();
  }

  serverEnd(): void {
    this.serverFin = true;
    this.lastServer = performance.now();
    this.client.end();
    this.arm();
  }

  clientError(): void {
    this.abort('C');
  }

  serverError(): void {
    this.abort('S');
  }

  clientClose(): void {
    this.clientClosed = true;
    // A client that vanished without FIN (reset) takes the server side down too.
    if (!this.serverClosed && !this.clientFin) this.abort('C');
    else if (!this.serverClosed && this.serverFin) this.server.destroy();
    this.maybeDone();
  }

  serverClose(): void {
    this.serverClosed = true;
    if (!this.clientClosed && !this.serverFin) this.abort('S');
    else if (!this.clientClosed && this.clientFin) this.client.destroy();
    this.maybeDone();
  }

  /** Kills the tunnel (server marked down / admin shutdown / backup shutdown). */
  kill(flag: 'D' | 'K' | 'U'): void {
    this.abort(flag);
  }

  private abort(cause: TermCause): void {
    if (this.cause === '-') this.cause = cause;
    this.client.destroy();
    this.server.destroy();
  }

  private maybeDone(): void {
    if (this.finished || !this.clientClosed || !this.serverClosed) return;
    this.finished = true;
    this.deadline.stop();
    this.onDone({ cause: this.cause, bytesUp: this.bytesUp, bytesDown: this.bytesDown });
  }

  // haproxy applies a fin timeout to the side whose output is shut: once the server's FIN was passed on to the client,
  // `timeout client-fin` bounds the client (cD); once the client's FIN was passed on to the server, `timeout
  // server-fin` bounds the server (sD). Checked side by side with haproxy 2.6 in test/proxy/tcp/fin-oracle.test.ts.
  private clientTimeout(): number | undefined {
    const t = this.timeouts;
    if (this.serverFin && t.clientFin !== undefined) return t.clientFin;
    return t.tunnel ?? t.client;
  }

  private serverTimeout(): number | undefined {
    const t = this.timeouts;
    if (this.clientFin && t.serverFin !== undefined) return t.serverFin;
    return t.tunnel ?? t.server;
  }

  /** With `timeout tunnel` both directions must be idle; otherwise each side has its own inactivity timeout. */
  private deadlines(): { client: number; server: number } {
    const tunnelOnly = this.timeouts.tunnel !== undefined && !this.clientFin && !this.serverFin;
    if (tunnelOnly) {
      const last = Math.max(this.lastClient, this.lastServer);
      const d = deadlineAfter(last, this.timeouts.tunnel);
      return { client: d, server: Infinity };
    }
    return { client: deadlineAfter(this.lastClient, this.clientTimeout()), server: deadlineAfter(this.lastServer, this.serverTimeout()) };
  }

  private arm(): void {
    const d = this.deadlines();
    this.deadline.ensure(Math.min(d.client, d.server));
  }

  private check(): void {
    if (this.finished) return;
    const now = performance.now();
    const d = this.deadlines();
    if (d.client <= now) return this.abort('c');
    if (d.server <= now) return this.abort('s');
    this.deadline.ensure(Math.min(d.client, d.server));
  }
}

/** Routes a server connection's events to its tunnel (mode tcp: nothing else listens to that connection). */
export class TunnelServerEvents implements ConnEvents {
  constructor(private readonly t: Tunnel) {}
  onData(chunk: Buffer): void {
    this.t.serverData(chunk);
  }
  onEnd(): void {
    this.t.serverEnd();
  }
  onDrain(): void {
    this.t.serverDrain();
  }
  onError(): void {
    this.t.serverError();
  }
  onClose(): void {
    this.t.serverClose();
  }
}
