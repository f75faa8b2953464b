// Connection modes (http-keep-alive / http-server-close / httpclose, strongest wins), http-reuse policies
// (backend connections counted on a real node:http server) and cookie persistence through the proxy.
import test from 'ava';
import http from 'node:http';
import { startInProcess } from '../../helpers/proxy-harness.js';
import { startHttpBackend, echo, type Handler } from '../../helpers/proxy-servers.js';
import { rawExchange, parseResponses, request } from '../../helpers/proxy-client.js';

const cfg = (port: number, fe: string, be: string) => `
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  ${fe}
  default_backend app
backend app
  ${be}
  server s1 127.0.0.1:${port}
`;

/** Sends `n` keep-alive requests on one client connection; returns the parsed responses and whether it closed. */
async function burst(port: number, n: number): Promise<{ rs: ReturnType<typeof parseResponses>; closed: boolean }> {
  const req = Array.from({ length: n }, (_, i) => `GET /m${i} HTTP/1.1\r\nHost: x\r\n\r\n`).join('');
  const r = await rawExchange(port, req, { waitMs: 300 });
  return { rs: parseResponses(r.text), closed: r.closed };
}

const modes: [string, string, string, { serverConns: number; clientClosed: boolean; connHeader?: string }][] = [
  ['keep-alive (default)', '', '', { serverConns: 1, clientClosed: false }],
  ['http-server-close on the backend', '', 'option http-server-close', { serverConns: 3, clientClosed: false }],
  ['http-server-close on the frontend', 'option http-server-close', '', { serverConns: 3, clientClosed: false }],
  ['httpclose', '', 'option httpclose', { serverConns: 1, clientClosed: true, connHeader: 'close' }],
  ['strongest wins: fe close, be keep-alive', 'option httpclose', 'option http-keep-alive', { serverConns: 1, clientClosed: true, connHeader: 'close' }],
];
for (const [name, fe, be, expect] of modes) {
  test(`connection mode: ${name}`, async (t) => {
    const b = await startHttpBackend('b1');
    const px = await startInProcess(cfg(b.port, fe, be));
    try {
      const { rs, closed } = await burst(px.port('fe'), 3);
      // httpclose answers the first request then closes: the pipelined ones are dropped.
      t.is(rs.length, expect.clientClosed ? 1 : 3);
      t.is(closed, expect.clientClosed);
      t.is(b.connections, expect.serverConns);
      if (expect.connHeader) t.is(rs[0]!.headers.connection, expect.connHeader);
      if (be.includes('server-close') || fe.includes('server-close')) t.is(b.seen[0]!.headers.connection, 'close');
    } finally {
      await px.close();
      await b.close();
    }
  });
}

/** Two clients one after the other; the first sends `first` requests, the second 2. */
async function reuseRun(policy: string, first: number): Promise<number> {
  const b = await startHttpBackend('b1');
  const px = await startInProcess(cfg(b.port, '', `http-reuse ${policy}`));
  try {
    const a1 = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < first; i++) await request(px.port('fe'), `/a${i}`, { agent: a1 });
    a1.destroy();
    await new Promise((r) => setTimeout(r, 50));
    const a2 = new http.Agent({ keepAlive: true, maxSockets: 1 });
    for (let i = 0; i < 2; i++) await request(px.port('fe'), `/b${i}`, { agent: a2 });
    a2.destroy();
    return b.connections;
  } finally {
    await px.close();
    await b.close();
  }
}

test('http-reuse never: server connections stay private to their client session', async (t) => {
  t.is(await reuseRun('never', 3), 2);
});

test('http-reuse safe: a session first request never takes a pooled connection', async (t) => {
  t.is(await reuseRun('safe', 3), 2);
});

test('http-reuse aggressive: first request reuses only a connection already reused once', async (t) => {
  t.is(await reuseRun('aggressive', 3), 1, 'connection reused by client 1 is good for client 2');
  t.is(await reuseRun('aggressive', 1), 2, 'connection used once is not taken by a first request');
});

test('http-reuse always: any idle connection is taken', async (t) => {
  t.is(await reuseRun('always', 1), 1);
});

test('http-reuse safe under concurrency: pooled connections are shared after the first request', async (t) => {
  const b = await startHttpBackend('b1', (req, res) => setTimeout(() => res.end('x'), 5));
  const px = await startInProcess(cfg(b.port, '', 'http-reuse safe'));
  try {
    const agents = Array.from({ length: 4 }, () => new http.Agent({ keepAlive: true, maxSockets: 1 }));
    await Promise.all(agents.map(async (a) => {
      for (let i = 0; i < 10; i++) await request(px.port('fe'), '/', { agent: a });
    }));
    for (const a of agents) a.destroy();
    t.true(b.connections >= 4 && b.connections <= 8, `connections ${b.connections}`);
    t.is(b.requests, 40);
  } finally {
    await px.close();
    await b.close();
  }
});

test('cookie insert indirect nocache: sticky to the inserted server, cookie hidden from servers', async (t) => {
  // The app marks its responses fresh (max-age): haproxy's nocache only adds `Cache-control: private` to responses
  // a cache could store (backend/cookie-oracle.test.ts compares the other cases with haproxy).
  const fresh: Handler = (req, res, be) => {
    res.setHeader('cache-control', 'max-age=60');
    echo(req, res, be);
  };
  const b1 = await startHttpBackend('s1', fresh);
  const b2 = await startHttpBackend('s2', fresh);
  const px = await startInProcess(`
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
listen web
  bind 127.0.0.1:@PORT
  cookie SERVERID insert indirect nocache
  server s1 127.0.0.1:${b1.port} cookie a1
  server s2 127.0.0.1:${b2.port} cookie a2
`);
  try {
    const first = await request(px.port('web'), '/');
    const setCookie = String(first.headers['set-cookie']);
    const who = String(first.headers['x-backend']);
    t.is(setCookie, `SERVERID=${who === 's1' ? 'a1' : 'a2'}; path=/`);
    t.is(first.headers['cache-control'], 'max-age=60, private', 'the app\'s own header, then haproxy\'s');
    for (let i = 0; i < 4; i++) {
      const r = await request(px.port('web'), '/', { headers: { cookie: `SERVERID=a2; app=1` } });
      t.is(r.headers['x-backend'], 's2');
      t.is(r.headers['x-got-cookie'], 'app=1', 'indirect removes the persistence cookie');
      t.is(r.headers['set-cookie'], undefined, 'no new cookie when the client already has the right one');
    }
    const moved = await request(px.port('web'), '/', { headers: { cookie: 'SERVERID=zz' } });
    t.truthy(moved.headers['set-cookie'], 'invalid cookie => load-balanced and a new cookie set');
  } finally {
    await px.close();
    await b1.close();
    await b2.close();
  }
});

test('legacy option http-tunnel: only the first transaction is analysed, then bytes flow raw', async (t) => {
  const { startRawServer } = await import('../../helpers/proxy-servers.js');
  const srv = await startRawServer((s) => {
    let first = true;
    s.on('data', (c: Buffer) => {
      if (first) {
        first = false;
        s.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok');
        const after = c.toString('latin1').split('\r\n\r\n').slice(1).join('\r\n\r\n');
        if (after) s.write(`echo:${after}`);
      } else s.write(`echo:${c.toString('latin1')}`);
    });
  });
  const px = await startInProcess(cfg(srv.port, 'option http-tunnel', ''));
  try {
    const r = await rawExchange(px.port('fe'), ['GET / HTTP/1.1\r\nHost: x\r\n\r\n', 'NOT HTTP AT ALL\r\n'], { gapMs: 100, waitMs: 500 });
    t.is(r.text, 'HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nokecho:NOT HTTP AT ALL\r\n');
  } finally {
    await px.close();
    await srv.close();
  }
});
