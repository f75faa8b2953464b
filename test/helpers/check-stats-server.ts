// Serves handleStatsRequest on a real loopback HTTP port (what the data plane does when it intercepts the
// stats URI), so tests use curl/fetch/Chromium against it until/besides the full proxy.
import http from 'node:http';
import net from 'node:net';
import { handleStatsRequest, type StatsContext } from '../../src/proxy/stats/http.js';

export interface StatsServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function serveStats(ctx: StatsContext): Promise<StatsServer> {
  const srv = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      void handleStatsRequest(ctx, {
        method: req.method ?? 'GET',
        uri: req.url ?? '/',
        version: `HTTP/${req.httpVersion}`,
        header: (n) => {
          const v = req.headers[n.toLowerCase()];
          return Array.isArray(v) ? v.join(', ') : v;
        },
        body: Buffer.concat(chunks),
        clientIp: req.socket.remoteAddress ?? '',
      }).then((r) => {
        res.writeHead(r.status, Object.fromEntries(r.headers.map(([k, v]) => [k, v])));
        res.end(r.body);
      });
    });
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}
