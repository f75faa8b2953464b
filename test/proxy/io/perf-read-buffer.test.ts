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
