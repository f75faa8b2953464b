// `hapair proxy` process lifecycle: config errors exit 1 with file:line and start nothing, busy ports exit 1,
// pid file in run-dir, SIGUSR1 soft stop drains in-flight requests, SIGTERM stops at once.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import http from 'node:http';
import { runCli } from '../../helpers/proc.js';
import { tmpDir } from '../../helpers/paths.js';
import { startChild, freePort } from '../../helpers/proxy-harness.js';
import { startHttpBackend, type HttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';

let be: HttpBackend;
test.before(async () => {
  be = await startHttpBackend('b1', (req: http.IncomingMessage, res: http.ServerResponse) => {
    setTimeout(() => res.end('done\n'), req.url === '/slow' ? 800 : 0);
  });
});
test.after.always(async () => {
  await be?.close();
});

const good = (port: number) => `
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  default_backend app
backend app
  server s1 127.0.0.1:${be.port}
`;

function portOpen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1');
    s.on('connect', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

test('a config error exits 1 naming file:line and binds nothing', async (t) => {
  const dir = tmpDir();
  const port = await freePort();
  const file = path.join(dir, 'bad.cfg');
  fs.writeFileSync(file, `${good(port)}\nbackend app2\n  server s1 127.0.0.1:abc\n  balance nosuchalgo\n`);
  const r = await runCli(['proxy', '-f', file, '--run-dir', dir], { timeoutMs: 15_000 });
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`${file.replace(/[.]/g, '\\.')}:1[45]: `));
  t.false(await portOpen(port));
  t.false(fs.existsSync(path.join(dir, 'proxy.pid')));
});

test('usage errors exit 2', async (t) => {
  const r = await runCli(['proxy'], { timeoutMs: 15_000 });
  t.is(r.code, 2);
  t.regex(r.stderr, /no configuration file/);
});

test('a port already in use exits 1 with EPROXY_BIND and the bind line', async (t) => {
  const port = await freePort();
  const blocker = net.createServer();
  await new Promise<void>((r) => blocker.listen(port, '127.0.0.1', r));
  const dir = tmpDir();
  const file = path.join(dir, 'h.cfg');
  fs.writeFileSync(file, good(port));
  try {
    const r = await runCli(['proxy', '-f', file, '--run-dir', dir], { timeoutMs: 15_000 });
    t.is(r.code, 1);
    t.regex(r.stderr, new RegExp(`h\\.cfg:8: cannot bind 127\\.0\\.0\\.1:${port}`));
  } finally {
    blocker.close();
  }
});

test('pid file in run-dir while running, removed at exit', async (t) => {
  const px = await startChild(good(await freePort()));
  const pidFile = path.join(px.dir, 'proxy.pid');
  t.is(fs.readFileSync(pidFile, 'utf8').trim(), String(px.daemon.pid));
  const r = await px.stop('SIGTERM');
  t.is(r.code, 0);
  t.false(fs.existsSync(pidFile));
});

test('SIGUSR1 soft stop: stops accepting, lets the in-flight request finish, then exits 0', async (t) => {
  const port = await freePort();
  const px = await startChild(good(port));
  const inflight = request(port, '/slow');
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  px.daemon.child.kill('SIGUSR1');
  await px.daemon.waitFor((l) => l.event === 'soft-stop', 5000);
  await new Promise((r) => setTimeout(r, 50));
  t.false(await portOpen(port), 'listener closed at once');
  const r = await inflight;
  t.is(r.status, 200);
  t.is(r.body, 'done\n');
  const exit = await px.daemon.exited;
  t.is(exit.code, 0);
  t.true(Date.now() - t0 >= 400, 'waited for the request');
});

test('SIGTERM: fast stop even with requests in flight', async (t) => {
  const port = await freePort();
  const px = await startChild(good(port));
  const inflight = request(port, '/slow').catch((e: Error) => e);
  await new Promise((r) => setTimeout(r, 200));
  const t0 = Date.now();
  const exit = await px.stop('SIGTERM');
  t.is(exit.code, 0);
  t.true(Date.now() - t0 < 700, `stopped in ${Date.now() - t0} ms`);
  t.true((await inflight) instanceof Error);
});
