// Small real TCP servers on loopback for check tests: banner/POP3/IMAP speakers, a SOCKS5 proxy with a static
// resolver table, HTTP responders, agents with configurable misbehaviour. Every server closes its sockets on close().
import net from 'node:net';

export interface TestServer {
  readonly port: number;
  readonly connections: number;
  /** Bytes each connection sent us (in order). */
  readonly received: Buffer[];
  close(): Promise<void>;
}

/** Starts a TCP server on 127.0.0.1:0 whose per-connection behaviour is `onConn`. */
export async function tcpServer(onConn: (sock: net.Socket, received: (b: Buffer) => void) => void): Promise<TestServer> {
  const sockets = new Set<net.Socket>();
  const received: Buffer[] = [];
  let connections = 0;
  const srv = net.createServer((sock) => {
    connections++;
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    sock.on('error', () => undefined);
    const idx = received.push(Buffer.alloc(0)) - 1;
    onConn(sock, (b) => (received[idx] = Buffer.concat([received[idx]!, b])));
  });
  await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    get connections() {
      return connections;
    },
    received,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        srv.close(() => resolve());
      }),
  };
}

/** Sends `banner` on connect, answers every received chunk with `reply(data)` (if any), records input. */
export function bannerServer(banner: string, reply?: (data: string) => string | undefined): Promise<TestServer> {
  return tcpServer((sock, rec) => {
    if (banner) sock.write(banner);
    sock.on('data', (d: Buffer) => {
      rec(d);
      const r = reply?.(d.toString('latin1'));
      if (r !== undefined) sock.write(r);
    });
  });
}

/** Minimal HTTP/1.x responder: `respond(requestHead)` returns the raw response; the socket closes after it. */
export function httpServer(respond: (head: string) => { status: number; reason?: string; body?: string; headers?: Record<string, string> }): Promise<TestServer> {
  return tcpServer((sock, rec) => {
    let buf = '';
    sock.on('data', (d: Buffer) => {
      rec(d);
      buf += d.toString('latin1');
      const end = buf.indexOf('\r\n\r\n');
      if (end < 0) return;
      const r = respond(buf.slice(0, end));
      const body = r.body ?? '';
      const headers = { 'Content-Length': String(Buffer.byteLength(body)), ...(r.headers ?? {}) };
      const head = `HTTP/1.1 ${r.status} ${r.reason ?? 'X'}\r\n${Object.entries(headers).map(([k, v]) => `${k}: ${v}\r\n`).join('')}\r\n`;
      sock.end(head + body);
      buf = '';
    });
  });
}

/**
 * SOCKS5 (RFC 1928) with "no auth" only, CONNECT by domain name through `resolve` (host -> local port).
 * `brokenGreeting` answers 05 FF (no acceptable method) like a proxy that demands auth.
 */
export function socks5Server(resolve: (host: string, port: number) => number | undefined, opts: { brokenGreeting?: boolean } = {}): Promise<TestServer> {
  return tcpServer((sock, rec) => {
    let stage: 'greet' | 'request' | 'relay' = 'greet';
    let buf = Buffer.alloc(0);
    sock.on('data', (d: Buffer) => {
      rec(d);
      if (stage === 'relay') return;
      buf = Buffer.concat([buf, d]);
      if (stage === 'greet') {
        if (buf.length < 2 || buf.length < 2 + buf[1]!) return;
        const methods = buf.subarray(2, 2 + buf[1]!);
        buf = buf.subarray(2 + buf[1]!);
        if (opts.brokenGreeting || !methods.includes(0x00)) {
          sock.end(Buffer.from([0x05, 0xff]));
          return;
        }
        sock.write(Buffer.from([0x05, 0x00]));
        stage = 'request';
      }
      if (stage === 'request') {
        if (buf.length < 5) return;
        if (buf[3] !== 0x03) return void sock.end(Buffer.from([0x05, 0x08, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
        const len = buf[4]!;
        if (buf.length < 5 + len + 2) return;
        const host = buf.toString('latin1', 5, 5 + len);
        const port = buf.readUInt16BE(5 + len);
        const rest = buf.subarray(5 + len + 2);
        const target = resolve(host, port);
        if (target === undefined) return void sock.end(Buffer.from([0x05, 0x04, 0x00, 0x01, 0, 0, 0, 0, 0, 0]));
        stage = 'relay';
        const up = net.connect(target, '127.0.0.1', () => {
          // Reply with BND.ADDR 0.0.0.0 and BND.PORT 1717 (0x06b5), the bytes seed 003 expects.
          sock.write(Buffer.from('050000010000000006b5', 'hex'));
          if (rest.length) up.write(rest);
          sock.pipe(up).pipe(sock);
        });
        up.on('error', () => sock.destroy());
      }
    });
  });
}

export type AgentBehaviour =
  | { kind: 'reply'; text: string } // write text, close
  | { kind: 'hold'; text: string } // write text, never close
  | { kind: 'silent' } // accept, never answer
  | { kind: 'flood'; bytes: number } // send `bytes` of 'x' without newline, then close
  | { kind: 'binary'; data: Buffer }; // raw bytes then close

/** An agent whose behaviour can be switched between probes. */
export async function agentServer(initial: AgentBehaviour): Promise<TestServer & { set(b: AgentBehaviour): void }> {
  let behaviour = initial;
  const srv = await tcpServer((sock, rec) => {
    sock.on('data', (d: Buffer) => rec(d));
    const b = behaviour;
    if (b.kind === 'reply') sock.end(b.text);
    else if (b.kind === 'hold') sock.write(b.text);
    else if (b.kind === 'flood') {
      const chunk = Buffer.alloc(64 * 1024, 'x');
      let left = b.bytes;
      const pump = () => {
        while (left > 0) {
          const n = Math.min(left, chunk.length);
          left -= n;
          if (!sock.write(chunk.subarray(0, n))) return void sock.once('drain', pump);
        }
        sock.end();
      };
      pump();
    } else if (b.kind === 'binary') sock.end(b.data);
  });
  return Object.assign(srv, { set: (b: AgentBehaviour) => void (behaviour = b) });
}

/** A port with nothing listening (bound then closed), for connection-refused cases. */
export async function closedPort(): Promise<number> {
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  return port;
}
