// nbthread 2: two worker processes share the listeners (both serve), stats show totals over workers, server state
// set through the runtime API reaches every worker, limits are split, reload reaches workers, a killed worker is
// respawned, SIGUSR1 stops everything.
import test from 'ava';
import net from 'node:net';
import path from 'node:path';
import http from 'node:http';
import { startChild, freePort, until, type ChildProxy } from '../../helpers/proxy-harness.js';
import { startHttpBackend, echo, type HttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';

let b1: HttpBackend;
let b2: HttpBackend;
let px: ChildProxy;
let feP = 0;
let statsP = 0;

const cfg = (extraServer = '') => `
global
  maxconn 1000
  nbthread 2
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
  timeout queue 10s
frontend fe
  bind 127.0.0.1:${feP}
  log stdout local0
  option httplog
  default_backend app
listen stats
  bind 127.0.0.1:${statsP}
  stats enable
  stats uri /stats
backend app
  server s1 127.0.0.1:${b1.port} maxconn 2
  server s2 127.0.0.1:${b2.port} maxconn 2
${extraServer}
`;

test.before(async () => {
  const handler = (req: http.IncomingMessage, res: http.ServerResponse, be: HttpBackend) => {
    if (req.url === '/slow') setTimeout(() => res.setHeader('x-backend', be.name).end('slow'), 300);
    else echo(req, res, be);
  };
  b1 = await startHttpBackend('b1', handler);
  b2 = await startHttpBackend('b2', handler);
  feP = await freePort();
  statsP = await freePort();
  px = await startChild(cfg());
});
test.after.always(async () => {
  await px?.stop();
  await b1?.close();
  await b2?.close();
});

function api(cmd: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(path.join(px.dir, 'proxy.sock'));
    let out = '';
    s.on('data', (c: Buffer) => (out += c.toString()));
    s.on('end', () => resolve(out));
    s.on('error', reject);
    s.write(`${cmd}\n`);
  });
}

test.serial('two workers serve the same listener; stats show the sum of their counters', async (t) => {
  const started = px.daemon.lines.find((l) => l.event === 'started')!;
  t.is((started.workers as number[]).length, 2);
  for (let i = 0; i < 60; i++) t.is((await request(feP, `/w${i}`)).status, 200);
  await until(() => px.daemon.lines.filter((l) => l.event === 'http-request').length >= 60, 5000, 'traffic logs');
  const workers = new Set(px.daemon.lines.filter((l) => l.event === 'http-request').map((l) => l.worker));
  t.deepEqual([...workers].sort(), [0, 1], 'both workers accepted connections');
  await new Promise((r) => setTimeout(r, 700)); // > one counters report period
  const csv = (await request(statsP, '/stats;csv')).body;
  const fe = csv.split('\n').find((l) => l.startsWith('fe,FRONTEND,'))!.split(',');
  t.is(fe[7], '60', 'stot summed over workers');
});

test.serial('server state set on the control process reaches every worker', async (t) => {
  t.is(await api('set server app/s1 state maint'), '\n');
  await new Promise((r) => setTimeout(r, 400));
  const seen = new Set<string>();
  for (let i = 0; i < 20; i++) seen.add(String((await request(feP, '/m')).headers['x-backend']));
  t.deepEqual([...seen], ['b2']);
  t.is(await api('set server app/s1 state ready'), '\n');
  await new Promise((r) => setTimeout(r, 400));
  for (let i = 0; i < 20; i++) seen.add(String((await request(feP, '/m')).headers['x-backend']));
  t.deepEqual([...seen].sort(), ['b1', 'b2']);
});

test.serial('server maxconn is split between workers: 2 per server in total', async (t) => {
  b1.maxActive = 0;
  b2.maxActive = 0;
  const all = await Promise.all(Array.from({ length: 12 }, () => request(feP, '/slow')));
  t.true(all.every((r) => r.status === 200));
  t.true(b1.maxActive <= 2 && b2.maxActive <= 2, `max in flight ${b1.maxActive}/${b2.maxActive}`);
});

test.serial('SIGHUP reload reaches the workers', async (t) => {
  const b3 = await startHttpBackend('b3');
  try {
    const r = await px.reload(cfg(`  server s3 127.0.0.1:${b3.port}`));
    t.is(r.event, 'reloaded');
    t.is(r.workers, 2);
    for (let i = 0; i < 12; i++) await request(feP, '/r');
    t.true(b3.requests >= 2, `s3 got ${b3.requests}`);
  } finally {
    await px.reload(cfg());
    await b3.close();
  }
});

test.serial('a killed worker is respawned and traffic goes on', async (t) => {
  const started = px.daemon.lines.find((l) => l.event === 'started')!;
  const victim = (started.workers as number[])[0]!;
  process.kill(victim, 'SIGKILL');
  await px.daemon.waitFor((l) => l.event === 'worker-exit', 5000);
  await new Promise((r) => setTimeout(r, 1200));
  for (let i = 0; i < 10; i++) t.is((await request(feP, '/after')).status, 200);
});

test.serial('SIGUSR1 stops the workers and the control process', async (t) => {
  const t0 = Date.now();
  const exit = await px.stop('SIGUSR1');
  t.true(Date.now() - t0 < 3000, `stopped in ${Date.now() - t0} ms`);
  t.is(exit.code, 0);
  await t.throwsAsync(() => request(feP, '/'));
});
