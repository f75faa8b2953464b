// One HTTP connection to a server: socket + response parser state, owned by a client session while a transaction
// runs, parked in the idle pool (http-reuse) between transactions. Socket events go to the current owner.
import { NO_EVENTS, type Conn, type ConnEvents } from '../io/conn.js';
import type { Server } from '../backend/index.js';
import { HeadParser } from './parser.js';
import { ChunkedScanner } from './chunked.js';

/** What a client session implements to receive its server connection's events. */
export interface ServerConnOwner {
  serverData(c: ServerConn, chunk: Buffer): void;
  serverEnd(c: ServerConn): void;
  serverClose(c: ServerConn, hadError: boolean): void;
  serverDrain(c: ServerConn): void;
}

/** Where an idle connection waits (the pool) — told when it dies while idle. */
export interface IdleHolder {
  idleDied(c: ServerConn): void;
}

export class ServerConn implements ConnEvents {
  readonly parser: HeadParser;
  readonly chunked = new ChunkedScanner();
  owner: ServerConnOwner | undefined;
  holder: IdleHolder | undefined;
  /** Transactions completed on this connection (aggressive reuse wants >= 2: "already reused once"). */
  transactions = 0;
  idleSince = 0;
  dead = false;
  /** Session-private (http-reuse never): never shared through the pool. */
  privateTo: object | undefined;

  constructor(readonly socket: Conn, readonly server: Server, headLimit: number) {
    this.parser = new HeadParser('response', headLimit);
    // Half-close stays under our control: a server FIN does not end our side (Conn never closes on its own).
    socket.events = this;
    socket.resume();
  }

  onData(chunk: Buffer): void {
    if (this.owner) this.owner.serverData(this, chunk);
    else this.idleEvent(); // unsolicited bytes on an idle connection: it cannot be reused safely
  }

  onEnd(): void {
    if (this.owner) this.owner.serverEnd(this);
    else this.idleEvent();
  }

  onDrain(): void {
    this.owner?.serverDrain(this);
  }

  onError(): void {
    this.dead = true;
  }

  onClose(hadError: boolean): void {
    this.dead = true;
    if (this.owner) this.owner.serverClose(this, hadError);
    else this.idleEvent();
  }

  private idleEvent(): void {
    this.dead = true;
    const h = this.holder;
    this.holder = undefined;
    h?.idleDied(this);
    this.socket.destroy();
  }

  /** Prepares for a new transaction: fresh response parser and chunked state. */
  begin(owner: ServerConnOwner): void {
    this.owner = owner;
    this.holder = undefined;
    this.parser.reset();
    this.chunked.reset();
  }

  destroy(): void {
    this.dead = true;
    this.owner = undefined;
    this.holder = undefined;
    // Nobody needs to hear about the close of a connection we drop ourselves.
    this.socket.events = NO_EVENTS;
    this.socket.destroy();
  }
}
