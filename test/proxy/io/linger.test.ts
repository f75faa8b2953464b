// Who closes first, and how, on the connections the proxy opens (haproxy's FD_LINGER_RISK): a server connection the
// proxy drops before the server's FIN is reset, so no TIME_WAIT (and no local port) stays behind on the proxy; one
// whose server closed first ends with a normal FIN; accepted (client-side) connections keep the normal close.
// Checked on both Conn implementations and end to end through the proxy in both socket modes.
import test from 'ava';
import net from 'node:net';
import { execFileSync } from 'node:child_process';
import { rawSockets } from '../../../src/proxy/io/raw.js';
import { hookAccept } from '../../../src/proxy/io/raw-dial.js';
import { NetConn, dialConn } from '../../../src/proxy/io/net-conn.js';
import { netDialer, type Attempt } from '../../../src/proxy/backend/connect.js';
import type { Conn } from '../../../src/proxy/io/conn.js';
import { startChild, until } from '../../helpers/proxy-harness.js';
import { rawExchange } from '../../helpers/proxy-client.js';

/** How the far end saw each of its connections end: 'fin' (clean), 'reset' (ECONNRESET) or 'open'. */
interface Peer {
  readonly port: number;
  readonly ends: string[];
  readonly sockets: net.Socket[];
  close(): void;
}

/** A TCP server recording how each connection ends; `onData` answers (HTTP tests) or does nothing. */
async function peer(onData: (s: net.Socket, chunk: Buffer) => void = () => {}): Promise<Peer> {
  const ends: string[] = [];
  const sockets: net.Socket[] = [];
  const srv = net.createServer({ allowHalfOpen: true }, (s) => {
    sockets.push(s);
    const i = ends.push('open') - 1;
    s.on('data', (c: Buffer) => onData(s, c));
    s.on('end', () => {
      if (ends[i] === 'open') ends[i] = 'fin';
    });
    s.on('error', (e: NodeJS.ErrnoException) => {
      ends[i] = e.code === 'ECONNRESET' ? 'reset' : `error:${e.code}`;
    });
    s.on('close', () => s.destroy());
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port, ends, sockets,
    close: () => {
      for (const s of sockets) s.destroy();
      srv.close();
    },
  };
}

/** Sockets in TIME_WAIT towards 127.0.0.1:`port` (the proxy's side of its server connections). */
function timeWaitTo(port: number): number {
  const out = execFileSync('ss', ['-Htan', 'state', 'time-wait', 'dst', `127.0.0.1:${port}`], { encoding: 'utf8' });
  return out.split('\n').filter((l) => l.trim()).length;
}

const dialers: { name: string; dial(port: number): Promise<Conn> }[] = [
  {
    name: 'raw',
    dial: (port) => new Promise((resolve, reject) => dialConn({ host: '127.0.0.1', port }, 2000, undefined, (a: Attempt<Conn>) => (a.ok ? resolve(a.socket) : reject(new Error(a.error))))),
  },
  {
    // What dialConn builds for a TCP target on the net.Socket path (host names, HAPAIR_SOCKETS=net).
    name: 'net',
    dial: (port) => new Promise((resolve, reject) => netDialer({ host: '127.0.0.1', port }, 2000, undefined, (a) => {
      if (!a.ok) return reject(new Error(a.error));
      const c = new NetConn(a.socket);
      c.lingerRisk = true;
      resolve(c);
    })),
  },
];

for (const d of dialers) {
  const maybe = d.name === 'raw' && !rawSockets ? test.skip : test;

  maybe(`${d.name}: a dialed connection dropped before the peer's FIN is reset; after it, it closes normally`, async (t) => {
    const p = await peer();
    t.teardown(() => p.close());
    const first = await d.dial(p.port);
    first.resume();
    await until(() => p.ends.length === 1, 2000, 'accept');
    first.destroy();
    await until(() => p.ends[0] !== 'open', 2000, 'peer sees the close');
    t.is(p.ends[0], 'reset', 'RST: the proxy side keeps no TIME_WAIT');

    const second = await d.dial(p.port);
    let ended = false;
    second.events = { onData() {}, onEnd: () => (ended = true), onDrain() {}, onError() {}, onClose() {} };
    second.resume();
    await until(() => p.ends.length === 2, 2000, 'accept');
    p.sockets[1]!.end(); // the server closes first
    await until(() => ended, 2000, 'our onEnd');
    second.destroy();
    await until(() => p.ends[1] !== 'open', 2000, 'peer sees the close');
    t.is(p.ends[1], 'fin', 'the server closed first: a normal close, TIME_WAIT is on its side');
  });
}

test('accepted connections are not reset by destroy(): clients get a FIN', async (t) => {
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  t.teardown(() => srv.close());
  const accepted = new Promise<Conn>((r) => {
    if (!hookAccept(srv, r)) srv.on('connection', (s: net.Socket) => r(new NetConn(s)));
  });
  const client = net.connect((srv.address() as net.AddressInfo).port, '127.0.0.1');
  let how = 'open';
  client.on('end', () => (how = how === 'open' ? 'fin' : how));
  client.on('error', (e: NodeJS.ErrnoException) => (how = e.code ?? 'error'));
  const c = await accepted;
  c.resume();
  c.destroy();
  await until(() => how !== 'open', 2000, 'client sees the close');
  t.is(how, 'fin');
  client.destroy();
});

const RESPONSE = 'HTTP/1.1 200 OK\r\nContent-Length: 3\r\n\r\nok\n';

for (const mode of ['raw', 'net'] as const) {
  test(`proxy (${mode} sockets): "Connection: close" requests leave no TIME_WAIT towards the server; a server that closes first gets a FIN`, async (t) => {
    // A keep-alive server that never closes: the proxy ends every server connection itself.
    const keeps = await peer((s, c) => c.includes('\r\n\r\n') && s.write(RESPONSE));
    // A server that answers "Connection: close" and closes: the proxy must not reset it.
    const closes = await peer((s, c) => {
      if (c.includes('\r\n\r\n')) s.end('HTTP/1.1 200 OK\r\nContent-Length: 3\r\nConnection: close\r\n\r\nok\n');
    });
    t.teardown(() => {
      keeps.close();
      closes.close();
    });
    const px = await startChild(`defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\n`
      + `listen keeps\n  bind 127.0.0.1:@PORT\n  server s1 127.0.0.1:${keeps.port}\n`
      + `listen closes\n  bind 127.0.0.1:@PORT2\n  server s1 127.0.0.1:${closes.port}\n`, { env: { HAPAIR_SOCKETS: mode === 'net' ? 'net' : '' } });
    t.teardown(() => px.stop());
    const N = 20;
    for (const [fe, p] of [['keeps', keeps], ['closes', closes]] as const) {
      for (let i = 0; i < N; i++) {
        const r = await rawExchange(px.port(fe), 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { waitMs: 2000 });
        t.regex(r.text, /^HTTP\/1\.1 200 /, `${fe} request ${i}`);
      }
      // The keep-alive server's connections are parked idle and closed by the pool's purge: 5 s (haproxy's
      // pool-purge-delay default) plus up to one purge tick (1 s) after the last request.
      await until(() => p.ends.length === N && !p.ends.includes('open'), 10_000, `${fe}: ${N} server connections closed`);
    }
    t.deepEqual([...new Set(keeps.ends)], ['reset'], 'the proxy closed first: every server connection reset');
    t.is(timeWaitTo(keeps.port), 0, 'no TIME_WAIT on the proxy side towards the keep-alive server');
    t.deepEqual([...new Set(closes.ends)], ['fin'], 'the server closed first: normal closes');
  });
}
