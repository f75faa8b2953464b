// Raw connections' adaptive read buffers (raw.ts) on real loopback sockets: a bulk stream moves the connection to
// its own buffer (growing while reads fill it, capped at 256 KiB), small messages afterwards give it back (shared
// buffer again), a second bulk takes one again; every byte arrives intact and in order throughout.
import test from 'ava';
import net from 'node:net';
import crypto from 'node:crypto';
import { rawSockets, type RawConn } from '../../../src/proxy/io/raw.js';
import { hookAccept } from '../../../src/proxy/io/raw-dial.js';
import type { Conn } from '../../../src/proxy/io/conn.js';

const run = rawSockets ? test : test.skip; // HAPAIR_SOCKETS=net: only the fallback exists (conn.test.ts covers it)

/** Waits until `cond` holds, polling; bounded. */
async function until(cond: () => boolean, what: string, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

run('a bulk stream grows the read buffer, small messages give it back, a second bulk takes one again', async (t) => {
  const server = net.createServer();
  let conn: RawConn | undefined;
  const got: Buffer[] = [];
  let bytes = 0;
  const sizes: number[] = [];
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  // The hook replaces the listening handle's accept callback: it exists once listening.
  const hooked = hookAccept(server, (c: Conn) => {
    conn = c as RawConn;
    c.events = {
      onData(chunk) {
        // Like a tunnel that wrote the chunk on synchronously: copy, then hand the memory back.
        got.push(Buffer.from(chunk));
        bytes += chunk.length;
        c.release(chunk);
        sizes.push((c as RawConn).readBufferSize);
      },
      onEnd() {},
      onDrain() {},
      onError() {},
      onClose() {},
    };
    c.resume();
  });
  t.true(hooked);
  const client = net.connect((server.address() as net.AddressInfo).port, '127.0.0.1');
  await new Promise<void>((r) => client.once('connect', r));
  t.teardown(() => {
    client.destroy();
    server.close();
  });
  await until(() => conn !== undefined, 'accept');
  t.is(conn!.readBufferSize, 0, 'a new connection reads into the shared buffer');

  const bulk1 = crypto.randomBytes(8 << 20);
  client.write(bulk1);
  await until(() => bytes === bulk1.length, 'first bulk');
  const peak1 = Math.max(...sizes);
  t.true(peak1 >= 65536, `own buffer during bulk (peak ${peak1})`);
  t.true(peak1 <= 262144, `capped at 256 KiB (peak ${peak1})`);

  // Small messages, one at a time (each read is small): the second one in a row gives the buffer back.
  const smalls: Buffer[] = [];
  for (let i = 0; i < 3; i++) {
    const m = Buffer.from(`small message ${i}\n`);
    smalls.push(m);
    const want = bytes + m.length;
    client.write(m);
    await until(() => bytes === want, `small message ${i}`);
  }
  t.is(conn!.readBufferSize, 0, 'back on the shared buffer after small reads');

  const bulk2 = crypto.randomBytes(4 << 20);
  sizes.length = 0;
  const want = bytes + bulk2.length;
  client.write(bulk2);
  await until(() => bytes === want, 'second bulk');
  t.true(Math.max(...sizes) >= 65536, 'the second bulk takes an own buffer again');

  t.true(Buffer.concat(got).equals(Buffer.concat([bulk1, ...smalls, bulk2])), 'every byte intact and in order');
});

run('a bulk stream that outruns its receiver: queued writes hand the read buffers back for reuse, bytes intact', async (t) => {
  // client --(32 MiB)--> [accepted RawConn] -- Tunnel --> [dialled RawConn] --> slow sink. The sink pauses now and
  // then, so the tunnel's writes queue (write() false), the reader releases each chunk with `queued`, and the buffers
  // come back from the completed writes. A buffer reused too early would corrupt the stream: the digest checks it.
  const { Tunnel, TunnelServerEvents } = await import('../../../src/proxy/tcp/tunnel.js');
  const { rawDial } = await import('../../../src/proxy/io/raw-dial.js');
  const { spareReadBuffers } = await import('../../../src/proxy/io/raw.js');
  const total = 32 << 20;
  const source = crypto.randomBytes(total);
  const want = crypto.createHash('sha256').update(source).digest('hex');

  const sinkHash = crypto.createHash('sha256');
  let sunk = 0;
  const sink = net.createServer((s) => {
    let sinceStall = 0;
    s.on('data', (d: Buffer) => {
      sinkHash.update(d);
      sunk += d.length;
      sinceStall += d.length;
      if (sinceStall >= 1 << 20) {
        // A slow client: stop reading for a moment, the proxy side's socket buffer fills and its writes queue.
        sinceStall = 0;
        s.pause();
        setTimeout(() => s.resume(), 3);
      }
    });
  });
  await new Promise<void>((r) => sink.listen(0, '127.0.0.1', r));

  const front = net.createServer();
  await new Promise<void>((r) => front.listen(0, '127.0.0.1', r));
  const delivered = new Set<ArrayBufferLike>();
  let reads = 0;
  let spareSeen = 0;
  let tunnelDone = false;
  t.true(hookAccept(front, (c: Conn) => {
    rawDial({ host: '127.0.0.1', port: (sink.address() as net.AddressInfo).port }, 5000, undefined, (a) => {
      if (!a.ok) throw new Error(`dial: ${a.error}`);
      const server = a.socket;
      const tunnel = new Tunnel(c, server, {}, () => (tunnelDone = true));
      c.events = {
        onData(chunk) {
          reads++;
          if (chunk.length >= 16384) delivered.add(chunk.buffer);
          spareSeen = Math.max(spareSeen, spareReadBuffers());
          tunnel.clientData(chunk);
        },
        onEnd: () => tunnel.clientEnd(),
        onDrain: () => tunnel.clientDrain(),
        onError: () => tunnel.clientError(),
        onClose: () => tunnel.clientClose(),
      };
      server.events = new TunnelServerEvents(tunnel);
      tunnel.start();
    });
  }));
  const client = net.connect((front.address() as net.AddressInfo).port, '127.0.0.1');
  t.teardown(() => {
    client.destroy();
    front.close();
    sink.close();
  });
  await new Promise<void>((r) => client.once('connect', r));
  client.end(source);
  await until(() => sunk === total, `${total} bytes at the sink (got ${sunk})`, 30_000);
  t.is(sinkHash.digest('hex'), want, 'every byte intact and in order');
  t.true(spareSeen > 0, 'completed queued writes gave buffers back');
  // Without reuse every bulk read after a queued write takes a fresh buffer: hundreds for 32 MiB.
  t.log(`${delivered.size} distinct / ${reads} reads / spare ${spareSeen}`);
  t.true(delivered.size <= 24, `${delivered.size} distinct read buffers for ${reads} reads`);
  await until(() => tunnelDone, 'tunnel closed after both FINs');
});
