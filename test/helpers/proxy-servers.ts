// Real backends for data-plane tests: node:http servers on 127.0.0.1:0 that count TCP connections and requests,
// plus misbehaving raw TCP servers (reset, hang, garbage, refuse).
import http from 'node:http';
import net from 'node:net';

export interface HttpBackend {
  readonly name: string;
  readonly port: number;
  /** TCP connections accepted so far. */
  connections: number;
  /** Requests served so far. */
  requests: number;
  /** Requests currently in progress. */
  active: number;
  maxActive: number;
  readonly seen: http.IncomingMessage[];
  close(): Promise<void>;
}

export type Handler = (req: http.IncomingMessage, res: http.ServerResponse, be: HttpBackend) => void;

/** Default handler: drains the body, answers `<name> <method> <url> <bodyBytes>` with some request headers echoed. */
export const echo: Handler = (req, res, be) => {
  let n = 0;
  req.on('data', (c: Buffer) => (n += c.length));
  req.on('end', () => {
    res.setHeader('x-backend', be.name);
    res.setHeader('x-got-xff', String(req.headers['x-forwarded-for'] ?? ''));
    res.setHeader('x-got-cookie', String(req.headers.cookie ?? ''));
    res.setHeader('x-got-connection', String(req.headers.connection ?? ''));
    const body = `${be.name} ${req.method} ${req.url} ${n}\n`;
    res.setHeader('content-length', Buffer.byteLength(body));
    res.end(body);
  });
};

export async function startHttpBackend(name: string, handler: Handler = echo, opts: { keepAliveTimeout?: number } = {}): Promise<HttpBackend> {
  const sockets = new Set<net.Socket>();
  const be: HttpBackend = {
    name, port: 0, connections: 0, requests: 0, active: 0, maxActive: 0, seen: [],
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
  const server = http.createServer((req, res) => {
    be.requests++;
    be.active++;
    be.maxActive = Math.max(be.maxActive, be.active);
    if (be.seen.length < 1000) be.seen.push(req);
    res.on('close', () => be.active--);
    handler(req, res, be);
  });
  server.keepAliveTimeout = opts.keepAliveTimeout ?? 5000;
  server.on('connection', (s: net.Socket) => {
    be.connections++;
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (be as { port: number }).port = (server.address() as net.AddressInfo).port;
  return be;
}

export interface RawServer {
  readonly port: number;
  connections: number;
  close(): Promise<void>;
}

/** A raw TCP server whose behaviour per connection is given by `onConn`. */
export async function startRawServer(onConn: (s: net.Socket) => void): Promise<RawServer> {
  const sockets = new Set<net.Socket>();
  const srv: RawServer = {
    port: 0, connections: 0,
    close: () => new Promise<void>((r) => {
      for (const s of sockets) s.destroy();
      server.close(() => r());
    }),
  };
  const server = net.createServer({ allowHalfOpen: true }, (s) => {
    srv.connections++;
    sockets.add(s);
    s.on('error', () => undefined);
    s.on('close', () => sockets.delete(s));
    onConn(s);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  (srv as { port: number }).port = (server.address() as net.AddressInfo).port;
  return srv;
}

/** Misbehaving servers: reset after reading the request, never answer, answer garbage, or half a response. */
export const misbehave = {
  reset: (s: net.Socket) => s.once('data', () => s.resetAndDestroy()),
  hang: (s: net.Socket) => s.resume(),
  garbage: (s: net.Socket) => s.once('data', () => s.end('garbage garbage\r\n\r\n')),
  truncated: (s: net.Socket) => s.once('data', () => s.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly part')),
  closeNoAnswer: (s: net.Socket) => s.once('data', () => s.end()),
  /** Echoes bytes back (mode tcp tests). */
  echo: (s: net.Socket) => s.pipe(s),
};

/** A port nobody listens on (bound then closed). */
export async function closedPort(): Promise<number> {
  const s = net.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const port = (s.address() as net.AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}
