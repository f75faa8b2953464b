// `http-check disable-on-404` on the real proxy: a 404 from the check URI puts an UP server in NOLB (no new
// load-balanced traffic, still "up" - haproxy.md: L7OKC keeps it running but stopping), 200 brings it back; a
// 5xx still marks it DOWN.
import test from 'ava';
import http from 'node:http';
import type net from 'node:net';
import { freePort, namedBackend, startProxy } from '../../helpers/check-proxy.js';
import { statRow, until } from '../../helpers/ctl-real.js';

test('disable-on-404: 404 -> NOLB without new traffic, 200 -> UP with traffic, 503 -> DOWN', async (t) => {
  let health = 200;
  const srv = http.createServer((q, r) => {
    if (q.url === '/health') r.writeHead(health).end();
    else r.end('w1\n');
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const w1Port = (srv.address() as net.AddressInfo).port;
  const w2 = await namedBackend('w2');
  const fe = await freePort();
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock level admin
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen px
    bind 127.0.0.1:${fe}
    option httpchk GET /health
    http-check disable-on-404
    server w1 127.0.0.1:${w1Port} check inter 200 rise 1 fall 1
    server w2 127.0.0.1:${w2.port}
`);
  t.teardown(async () => {
    await proxy.stop();
    srv.closeAllConnections();
    await new Promise<void>((r) => srv.close(() => r()));
    await w2.close();
  });
  const sock = `${proxy.dir}/admin.sock`;
  const row = () => statRow(sock, 'px', 'w1');
  const who = async (n: number) => {
    const out: string[] = [];
    for (let i = 0; i < n; i++) out.push((await (await fetch(`http://127.0.0.1:${fe}/`)).text()).trim());
    return out;
  };
  await until('w1 checked', async () => (await row()).check_status === 'L7OK');
  t.true((await who(4)).includes('w1'));
  health = 404;
  await until('w1 NOLB', async () => (await row()).status === 'NOLB');
  t.like(await row(), { check_status: 'L7OKC', check_code: '404' });
  t.deepEqual(await who(4), ['w2', 'w2', 'w2', 'w2'], 'no load-balanced traffic in NOLB');
  await proxy.daemon.waitFor((l) => l.event === 'server' && l.server === 'w1' && l.to === 'NOLB', 2000, 'NOLB logged');
  health = 200;
  await until('w1 UP again', async () => (await row()).status === 'UP');
  t.true((await who(4)).includes('w1'), 'traffic back');
  health = 503;
  await until('w1 DOWN', async () => (await row()).status === 'DOWN');
  t.like(await row(), { check_status: 'L7STS', check_code: '503' });
});
