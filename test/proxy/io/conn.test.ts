// The data plane's connection seam on real loopback sockets, for both implementations (raw TCP handles and the
// net.Socket fallback): data both ways, half-close, peer reset, backpressure and drain, pause/resume, writes after
// end, writev/latin1, addresses, dial failures (refused, timeout, abort). Plus the proxy itself in fallback mode.
import test from 'ava';
import net from 'node:net';
import crypto from 'node:crypto';
import { rawSockets } from '../../../src/proxy/io/raw.js';
import { hookAccept, rawDial } from '../../../src/proxy/io/raw-dial.js';
import { NetConn } from '../../../src/proxy/io/net-conn.js';
import { netDialer, type Attempt, type DialTarget } from '../../../src/proxy/backend/connect.js';
import type { Conn, ConnEvents } from '../../../src/proxy/io/conn.js';
import { blackHole, refusingPort } from '../../helpers/backend-net.js';
import { startChild } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';

type Dial = (t: DialTarget, ms: number | undefined, signal: AbortSignal | undefined, done: (a: Attempt<Conn>) => void) => void;
interface Impl {
  readonly name: string;
  accept(server: net.Server, onConn: (c: Conn) => void): void;
  readonly dial: Dial;
}

/** HAPAIR_SOCKETS=net runs the whole suite on the fallback: only the net.Socket implementation is testable then. */
const forcedNet = process.env.HAPAIR_SOCKETS === 'net';

const allImpls: Impl[] = [
  {
    name: 'raw',
    accept(server, onConn) {
      if (!hookAccept(server, onConn)) throw new Error('raw accept hook not available');
    },
    dial: rawDial,
  },
  {
    name: 'net',
    accept(server, onConn) {
      server.on('connection', (s: net.Socket) => onConn(new NetConn(s)));
    },
    dial: (t, ms, signal, done) => netDialer(t, ms, signal, (a) => done(a.ok ? { ok: true, socket: new NetConn(a.socket) } : a)),
  },
];
const impls = forcedNet ? allImpls.filter((i) => i.name === 'net') : allImpls;

/** Records a connection's events; waits for conditions on them. */
class Rec implements ConnEvents {
  readonly events: string[] = [];
  readonly chunks: Buffer[] = [];
  private waiters: (() => void)[] = [];
  constructor(readonly conn: Conn) {
    conn.events = this;
  }
  get data(): Buffer {
    return Buffer.concat(this.chunks);
  }
  private note(e: string): void {
    this.events.push(e);
    for (const w of this.waiters.splice(0)) w();
  }
  onData(c: Buffer): void {
    this.chunks.push(c);
    this.note('data');
  }
  onEnd(): void {
    this.note('end');
  }
  onDrain(): void {
    this.note('drain');
  }
  onError(code: string): void {
    this.note(`error:${code}`);
  }
  onClose(hadError: boolean): void {
    this.note(`close:${hadError}`);
  }
  async until(pred: () => boolean, what: string, ms = 5000): Promise<void> {
    const end = Date.now() + ms;
    while (!pred()) {
      if (Date.now() > end) throw new Error(`timed out waiting for ${what}; events ${this.events.join(',')}`);
      await new Promise<void>((r) => {
        this.waiters.push(r);
        setTimeout(r, 50);
      });
    }
  }
}

/** A listening server (pauseOnConnect, half-open) whose accepted connections arrive as Conns, plus one dialed pair. */
async function pair(impl: Impl): Promise<{ server: Rec; client: Rec; close(): void }> {
  const srv = net.createServer({ pauseOnConnect: true, allowHalfOpen: true });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const accepted = new Promise<Conn>((r) => impl.accept(srv, r));
  const port = (srv.address() as net.AddressInfo).port;
  const a = await new Promise<Attempt<Conn>>((r) => impl.dial({ host: '127.0.0.1', port }, 2000, undefined, r));
  if (!a.ok) throw new Error(`dial failed: ${a.error}`);
  const server = new Rec(await accepted);
  const client = new Rec(a.socket);
  server.conn.resume();
  client.conn.resume();
  return {
    server, client,
    close: () => {
      server.conn.destroy();
      client.conn.destroy();
      srv.close();
    },
  };
}

test('raw TCP handles are available on this Node (the fast path is in use), unless HAPAIR_SOCKETS=net', (t) => {
  if (forcedNet) t.false(rawSockets, 'HAPAIR_SOCKETS=net selects net.Socket');
  else t.true(rawSockets, `process.binding tcp_wrap/stream_wrap not usable on ${process.version}`);
});

for (const impl of impls) {
  test(`${impl.name}: data both ways, half-close each side, clean close`, async (t) => {
    const p = await pair(impl);
    t.teardown(p.close);
    p.client.conn.write(Buffer.from('ping'));
    await p.server.until(() => p.server.data.toString() === 'ping', 'ping');
    p.client.conn.end();
    await p.server.until(() => p.server.events.includes('end'), 'server end');
    // Half-closed by the client: the server may still answer.
    t.true(p.server.conn.write(Buffer.from('pong')));
    p.server.conn.end();
    await p.client.until(() => p.client.events.includes('close:false'), 'client close');
    await p.server.until(() => p.server.events.includes('close:false'), 'server close');
    t.is(p.client.data.toString(), 'pong');
    t.deepEqual(p.client.events.filter((e) => e !== 'data'), ['end', 'close:false']);
    t.true(p.client.conn.destroyed);
  });

  test(`${impl.name}: peer reset -> error then close(true)`, async (t) => {
    // Reset once the connect has completed on the client side (a reset during the handshake fails the dial).
    const srv = net.createServer((s) => setTimeout(() => s.resetAndDestroy(), 50));
    await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
    t.teardown(() => srv.close());
    const a = await new Promise<Attempt<Conn>>((r) => impl.dial({ host: '127.0.0.1', port: (srv.address() as net.AddressInfo).port }, 2000, undefined, r));
    if (!a.ok) return t.fail(a.error);
    const c = new Rec(a.socket);
    c.conn.resume();
    await c.until(() => c.events.some((e) => e.startsWith('close')), 'close');
    t.deepEqual(c.events, ['error:ECONNRESET', 'close:true']);
  });

  test(`${impl.name}: backpressure: write() false while the peer does not read, drain, bytes intact`, async (t) => {
    const p = await pair(impl);
    t.teardown(p.close);
    p.server.conn.pause();
    const block = crypto.randomBytes(256 * 1024);
    let writes = 0;
    while (p.client.conn.write(block) && writes < 400) writes++;
    t.true(writes < 400, 'the kernel buffers filled up');
    t.true(p.client.conn.needDrain);
    const sent = (writes + 1) * block.length;
    p.server.conn.resume();
    await p.client.until(() => p.client.events.includes('drain'), 'drain', 10_000);
    t.false(p.client.conn.needDrain);
    await p.server.until(() => p.server.data.length === sent, 'all bytes', 10_000);
    const expect = crypto.createHash('sha1');
    for (let i = 0; i <= writes; i++) expect.update(block);
    t.is(crypto.createHash('sha1').update(p.server.data).digest('hex'), expect.digest('hex'));
  });

  test(`${impl.name}: pause holds data back until resume; writev and latin1 keep order`, async (t) => {
    const p = await pair(impl);
    t.teardown(p.close);
    p.server.conn.pause();
    t.true(p.server.conn.paused);
    p.client.conn.writev([Buffer.from('a'), Buffer.from('bc')]);
    p.client.conn.writeLatin1('d\u00e9');
    await new Promise((r) => setTimeout(r, 100));
    t.is(p.server.chunks.length, 0, 'nothing delivered while paused');
    p.server.conn.resume();
    await p.server.until(() => p.server.data.length === 5, 'five bytes');
    t.deepEqual([...p.server.data], [0x61, 0x62, 0x63, 0x64, 0xe9]);
  });

  test(`${impl.name}: addresses; writes after end() are dropped; destroy() closes without error`, async (t) => {
    const p = await pair(impl);
    t.teardown(p.close);
    t.is(p.client.conn.remoteAddress, '127.0.0.1');
    t.is(p.server.conn.remotePort, p.client.conn.localPort);
    t.is(p.client.conn.remotePort, p.server.conn.localPort);
    p.client.conn.end();
    t.true(p.client.conn.write(Buffer.from('late')));
    await p.server.until(() => p.server.events.includes('end'), 'end');
    t.is(p.server.chunks.length, 0);
    p.server.conn.destroy();
    await p.server.until(() => p.server.events.includes('close:false'), 'server close');
    await p.client.until(() => p.client.events.some((e) => e.startsWith('close')), 'client close');
    t.false(p.server.events.some((e) => e.startsWith('error')));
  });

  test(`${impl.name}: dial refused, timed out, aborted`, async (t) => {
    const refused = await new Promise<Attempt<Conn>>(async (r) => impl.dial({ host: '127.0.0.1', port: await refusingPort() }, 2000, undefined, r));
    t.like(refused, { ok: false, timedOut: false, aborted: false, error: 'ECONNREFUSED' });
    const hole = await blackHole();
    t.teardown(() => hole.close());
    const t0 = performance.now();
    const slow = await new Promise<Attempt<Conn>>((r) => impl.dial({ host: '127.0.0.1', port: hole.port }, 150, undefined, r));
    const took = performance.now() - t0;
    t.like(slow, { ok: false, timedOut: true });
    t.true(took >= 140 && took < 2000, `took ${took} ms`);
    const ac = new AbortController();
    const aborted = new Promise<Attempt<Conn>>((r) => impl.dial({ host: '127.0.0.1', port: hole.port }, 5000, ac.signal, r));
    setTimeout(() => ac.abort(), 50);
    t.like(await aborted, { ok: false, aborted: true });
  });
}

const rawOnly = forcedNet ? test.skip : test;
rawOnly('raw: bulk reads: kept chunks stay intact, released read buffers are read into again', async (t) => {
  const impl = allImpls[0]!;
  const payload = crypto.randomBytes(2 * 1024 * 1024);
  for (const release of [false, true]) {
    const p = await pair(impl);
    t.teardown(p.close);
    const copies: Buffer[] = [];
    const buffers = new Set<ArrayBufferLike>();
    if (release) {
      // A receiver that forwards synchronously: copies (stands for the write) and gives each chunk back.
      p.client.onData = (c: Buffer): void => {
        copies.push(Buffer.from(c));
        buffers.add(c.buffer);
        p.client.conn.release(c);
      };
    }
    p.server.conn.write(payload);
    p.server.conn.end();
    await p.client.until(() => (release ? copies.reduce((n, c) => n + c.length, 0) : p.client.data.length) === payload.length, 'payload', 10_000);
    const got = release ? Buffer.concat(copies) : p.client.data;
    t.true(got.equals(payload), `release=${release}: bytes intact`);
    if (release) t.true(buffers.size <= 4, `${buffers.size} distinct read buffers for ${copies.length} reads`);
    else t.true(new Set(p.client.chunks.map((c) => c.buffer)).size > 2, 'kept chunks each have their own memory');
  }
});

test('proxy with HAPAIR_SOCKETS=net: net.Socket data plane, same answers', async (t) => {
  const peer = await startHttpBackend('s1');
  t.teardown(() => peer.close());
  for (const mode of ['net', 'raw'] as const) {
    const px = await startChild(`defaults\n  mode http\n  timeout connect 2s\n  timeout client 5s\n  timeout server 5s\nlisten web\n  bind 127.0.0.1:@PORT\n  server s1 127.0.0.1:${peer.port}\nlisten raw\n  mode tcp\n  bind 127.0.0.1:@PORT2\n  server s1 127.0.0.1:${peer.port}\n`, {
      env: { HAPAIR_SOCKETS: mode === 'net' ? 'net' : '' },
    });
    t.teardown(() => px.stop());
    const started = px.daemon.lines.find((l) => l.event === 'started');
    t.is(started?.io, mode);
    for (const fe of ['web', 'raw']) {
      const res = await fetch(`http://127.0.0.1:${px.port(fe)}/x`);
      t.is(res.status, 200);
      t.is(await res.text(), 's1 GET /x 0\n');
    }
    await px.stop();
  }
});
