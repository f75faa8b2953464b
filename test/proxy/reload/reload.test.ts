// SIGHUP reload in place on the real `hapair proxy` child: zero failed requests under continuous load, new binds
// open, removed binds close after in-flight work, a broken config is rejected while the old one keeps serving; and
// (in process) servers that remain keep admin state, weights and counters.
import test from 'ava';
import http from 'node:http';
import net from 'node:net';
import { startChild, startInProcess, freePort } from '../../helpers/proxy-harness.js';
import { startHttpBackend, type HttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';
import { parseProxyText } from '../../../src/proxy/config/load.js';

let b1: HttpBackend;
let b2: HttpBackend;
test.before(async () => {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse, be: HttpBackend) => {
    const delay = req.url?.startsWith('/slow') ? 600 : 0;
    setTimeout(() => res.setHeader('x-backend', be.name).end(`${be.name}\n`), delay);
  };
  b1 = await startHttpBackend('b1', handler);
  b2 = await startHttpBackend('b2', handler);
});
test.after.always(async () => {
  await b1?.close();
  await b2?.close();
});

const cfg = (p1: number, extraBind: string, servers: string, timeout = '5s') => `
global
  maxconn 2000
defaults
  mode http
  timeout connect 1s
  timeout client ${timeout}
  timeout server 5s
frontend fe
  bind 127.0.0.1:${p1}
  ${extraBind}
  default_backend app
backend app
${servers}
`;

test.serial('reload under continuous load: zero failed requests, binds added and removed, new servers used', async (t) => {
  const p1 = await freePort();
  const p2 = await freePort();
  const px = await startChild(cfg(p1, '', `  server s1 127.0.0.1:${b1.port}`));
  const failures: string[] = [];
  let ok = 0;
  let running = true;
  const seenBackends = new Set<string>();
  const deadline = Date.now() + 8000;
  const worker = async (keepAlive: boolean): Promise<void> => {
    const agent = keepAlive ? new http.Agent({ keepAlive: true, maxSockets: 1 }) : false;
    while (running && Date.now() < deadline) {
      try {
        const r = await request(p1, '/', { agent });
        if (r.status !== 200) failures.push(`status ${r.status}`);
        else {
          ok++;
          seenBackends.add(String(r.headers['x-backend']));
        }
      } catch (err) {
        failures.push(String(err));
      }
    }
    if (agent) agent.destroy();
  };
  const load = Promise.all([worker(true), worker(true), worker(false), worker(false)]);
  try {
    await new Promise((r) => setTimeout(r, 300));
    const slow = request(p1, '/slow'); // in flight across the reloads
    const r1 = await px.reload(cfg(p1, `bind 127.0.0.1:${p2}`, `  server s1 127.0.0.1:${b1.port}\n  server s2 127.0.0.1:${b2.port}`));
    t.is(r1.event, 'reloaded');
    t.is((await request(p2, '/')).status, 200, 'new bind serves');
    await new Promise((r) => setTimeout(r, 300));
    const slowOnP2 = request(p2, '/slow');
    await new Promise((r) => setTimeout(r, 100));
    const r2 = await px.reload(cfg(p1, '', `  server s1 127.0.0.1:${b1.port}\n  server s2 127.0.0.1:${b2.port}`, '6s'));
    t.is(r2.event, 'reloaded');
    t.is((await slowOnP2).status, 200, 'in-flight request on a removed bind finishes');
    await t.throwsAsync(() => request(p2, '/'), undefined, 'removed bind no longer accepts');
    const broken = await px.reload('frontend fe\n  bind 127.0.0.1:notaport\n  nonsense keyword\n');
    t.is(broken.event, 'reload-failed');
    t.is((await slow).status, 200, 'request in flight during reloads completes');
    await new Promise((r) => setTimeout(r, 300));
  } finally {
    running = false;
    await load;
    await px.stop();
  }
  t.deepEqual(failures, []);
  t.true(ok > 50, `${ok} requests served`);
  t.deepEqual([...seenBackends].sort(), ['b1', 'b2'], 'the server added by reload receives traffic');
  const rejected = px.daemon.lines.filter((l) => l.event === 'reload-rejected');
  t.true(rejected.length >= 1 && rejected.every((l) => typeof l.line === 'number'), 'rejection logged with file:line');
});

test.serial('servers that remain keep admin state, weights and counters across a reload (in process)', async (t) => {
  const p1 = await freePort();
  const text = cfg(p1, '', `  server s1 127.0.0.1:${b1.port} weight 10\n  server s2 127.0.0.1:${b2.port}`);
  const px = await startInProcess(text);
  try {
    const be = px.rt.backends.get('app')!;
    const s1 = be.findServer('s1')!;
    const s2 = be.findServer('s2')!;
    for (let i = 0; i < 4; i++) await request(p1, '/');
    s2.setAdmin('maint', { source: 'cli', reason: 'test' });
    s1.setWeight(7, { source: 'cli', reason: 'test' });
    const served = s1.counters.total + s2.counters.total;
    const next = parseProxyText(cfg(p1, '', `  server s1 127.0.0.1:${b1.port} weight 10\n  server s2 127.0.0.1:${b2.port}\n  server s3 127.0.0.1:${b2.port}`), 'test.cfg', {});
    await px.rt.reload(next.config!);
    const after = px.rt.backends.get('app')!;
    t.is(after.findServer('s2')!.admin.forcedMaint, true, 'maint kept');
    t.is(after.findServer('s1')!.uweight, 7, 'runtime weight kept');
    t.is(after.findServer('s1')!.counters.total + after.findServer('s2')!.counters.total, served, 'counters kept');
    t.truthy(after.findServer('s3'));
    const backends = new Set<string>();
    for (let i = 0; i < 6; i++) backends.add(String((await request(p1, '/')).headers['x-backend']));
    t.false([...backends].some((b) => b === undefined));
    t.is(after.findServer('s2')!.counters.total, s2.counters.total, 'a server in maintenance gets nothing');
  } finally {
    await px.close();
  }
});

test.serial('listeners that stay are never closed: a connection opened before the reload is served after it', async (t) => {
  const p1 = await freePort();
  const px = await startChild(cfg(p1, '', `  server s1 127.0.0.1:${b1.port}`));
  try {
    const sock = net.connect(p1, '127.0.0.1');
    await new Promise((r) => sock.once('connect', r));
    const r = await px.reload(cfg(p1, '', `  server s1 127.0.0.1:${b2.port}`));
    t.is(r.event, 'reloaded');
    const reply = await new Promise<string>((resolve) => {
      let d = '';
      sock.on('data', (c: Buffer) => (d += c.toString()));
      sock.on('close', () => resolve(d));
      sock.write('GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
    });
    t.regex(reply, /^HTTP\/1\.1 200 OK/);
    t.true(reply.endsWith('b2\n'), 'the new config applies to requests after the reload');
  } finally {
    await px.stop();
  }
});
