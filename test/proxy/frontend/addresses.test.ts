// Bind and server address forms on the data plane (real listeners on loopback): several bind lines and a comma
// list, `*:port`, `[::1]:port`, `:::port` (v4v6: reachable over IPv4 and IPv6), and servers without a port (the
// client's destination port) or with a `+N` / `-N` port offset, in tcp and http mode (haproxy.md §1.4, §5.2).
import test from 'ava';
import http from 'node:http';
import net from 'node:net';
import { startInProcess, freePort } from '../../helpers/proxy-harness.js';

/** An HTTP server answering its own name on host:port. */
async function named(name: string, host: string, port: number): Promise<http.Server> {
  const s = http.createServer((_req, res) => res.end(name));
  await new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.listen(port, host, resolve);
  });
  return s;
}

/** One raw HTTP/1.0 exchange (works for tcp and http mode), returns the body. */
function get(port: number, host = '127.0.0.1'): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect({ port, host }, () => s.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n'));
    let d = '';
    s.on('data', (c: Buffer) => (d += c.toString('latin1')));
    s.on('error', reject);
    s.on('close', () => resolve(d.slice(d.indexOf('\r\n\r\n') + 4)));
    s.setTimeout(3000, () => s.destroy(new Error('timeout')));
  });
}

test('several bind lines, a comma list, *:port, [::1]:port and :::port (v4v6) all accept', async (t) => {
  const be = await named('app', '127.0.0.1', 0);
  const bePort = (be.address() as net.AddressInfo).port;
  const [p1, p2, p3, p4, p5, p6] = (await Promise.all(Array.from({ length: 6 }, () => freePort()))) as [number, number, number, number, number, number];
  const px = await startInProcess(`
defaults
  mode http
  timeout connect 1s
  timeout client 3s
  timeout server 3s
frontend fe
  bind 127.0.0.1:${p1}
  bind 127.0.0.1:${p2},127.0.0.1:${p3}
  bind *:${p4}
  bind [::1]:${p5}
  bind :::${p6}
  default_backend app
backend app
  server s1 127.0.0.1:${bePort}
`);
  try {
    const bound = px.rt.frontends.get('fe')!.boundAddresses();
    t.deepEqual(bound.map((a) => a.port).sort(), [p1, p2, p3, p4, p5, p6].sort(), 'one listener per address');
    t.deepEqual(bound.find((a) => a.port === p4)?.host, '0.0.0.0', '*:port is every IPv4 address');
    for (const p of [p1, p2, p3, p4]) t.is(await get(p), 'app', `127.0.0.1:${p}`);
    t.is(await get(p5, '::1'), 'app', '[::1]');
    t.is(await get(p6, '::1'), 'app', ':::port over IPv6');
    t.is(await get(p6, '127.0.0.1'), 'app', ':::port over IPv4 (v4v6 like haproxy)');
    await t.throwsAsync(() => get(p5, '127.0.0.1'), undefined, '[::1] is IPv6 only');
  } finally {
    await px.close();
    be.close();
  }
});

for (const mode of ['tcp', 'http'] as const) {
  test(`${mode}: a server without a port uses the client's destination port; +N and -N offsets add to it`, async (t) => {
    // Three free ports sorted low < mid < high: frontends on low and high, the offset server on 127.0.0.3:mid, so
    // the low frontend needs +N and the high one -N. The portless server listens on 127.0.0.2 at the port of a
    // third frontend (same port, other loopback address).
    const [low, mid, high] = (await Promise.all([freePort(), freePort(), freePort()])).sort((a, b) => a - b) as [number, number, number];
    const same = await freePort();
    const plain = await named('plain', '127.0.0.2', same);
    const shifted = await named('shifted', '127.0.0.3', mid);
    const off = (from: number): string => `${mid - from >= 0 ? '+' : ''}${mid - from}`;
    const px = await startInProcess(`
defaults
  mode ${mode}
  timeout connect 1s
  timeout client 3s
  timeout server 3s
frontend same
  bind 127.0.0.1:${same}
  default_backend same
frontend up
  bind 127.0.0.1:${low}
  default_backend up
frontend down
  bind 127.0.0.1:${high}
  default_backend down
backend same
  server s 127.0.0.2
backend up
  server s 127.0.0.3:${off(low)}
backend down
  server s 127.0.0.3:${off(high)}
`);
    try {
      t.true(off(low).startsWith('+') && off(high).startsWith('-'));
      t.is(await get(same), 'plain', 'no port: the destination port the client connected to');
      t.is(await get(low), 'shifted', `${low} ${off(low)} reaches ${mid}`);
      t.is(await get(high), 'shifted', `${high} ${off(high)} reaches ${mid}`);
    } finally {
      await px.close();
      plain.close();
      shifted.close();
    }
  });
}
