// `hapair proxy-alive` end to end against real proxies, hung and bogus sockets, wrong paths.
// Real `hapair proxy` and Debian haproxy children: alive -> 0; SIGKILLed or stopped -> 1 while another proxy
// process of the same name keeps running; a hung socket times out -> 1. One stderr line per failure.
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { runCli } from '../helpers/proc.js';
import { tmpDir } from '../helpers/paths.js';
import { freePort, startChild, until, type ChildProxy } from '../helpers/proxy-harness.js';

const HAPROXY = '/usr/sbin/haproxy';

function proxyCfg(sock: string | undefined, port: number): string {
  return [
    'global',
    ...(sock ? [`    stats socket ${sock} mode 600 level admin`] : []),
    'defaults',
    '    mode http',
    '    timeout connect 1s',
    '    timeout client 5s',
    '    timeout server 5s',
    'frontend main',
    `    bind 127.0.0.1:${port}`,
    '    default_backend app',
    'backend app',
    '    server s1 127.0.0.1:9',
    '',
  ].join('\n');
}

async function startProxy(withSocket = true): Promise<{ px: ChildProxy; sock: string; port: number }> {
  const dir = tmpDir('hapair-alive-');
  const sock = path.join(dir, 'proxy.sock');
  const port = await freePort();
  const px = await startChild(proxyCfg(withSocket ? sock : undefined, port));
  return { px, sock, port };
}

const oneLine = (s: string) => s.split('\n').filter(Boolean).length === 1;

test('alive proxy: 0 by config (stats socket), by -S and by --tcp; -v names the pid', async (t) => {
  const { px, sock, port } = await startProxy();
  t.teardown(() => px.stop());
  const byCfg = await runCli(['proxy-alive', '-f', px.cfgPath]);
  t.is(byCfg.code, 0, byCfg.stderr);
  t.is(byCfg.stderr, '');
  t.is(byCfg.stdout, '', 'quiet on success');
  const verbose = await runCli(['proxy-alive', '-f', px.cfgPath, '-v']);
  t.is(verbose.code, 0);
  t.regex(verbose.stdout, new RegExp(`^alive: stats socket ${sock.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} pid ${px.daemon.pid} \\(\\d+ ms\\)\\n$`));
  t.is((await runCli(['proxy-alive', '-S', sock])).code, 0);
  t.is((await runCli(['proxy-alive', '--tcp', `127.0.0.1:${port}`])).code, 0);
});

test('config without a stats socket: TCP connect to the first bind', async (t) => {
  const { px, port } = await startProxy(false);
  t.teardown(() => px.stop());
  const r = await runCli(['proxy-alive', '-f', px.cfgPath, '-v']);
  t.is(r.code, 0, r.stderr);
  t.is(r.stdout.replace(/\(\d+ ms\)/, '(N ms)'), `alive: bind 127.0.0.1:${port} (N ms)\n`);
  await px.stop('SIGKILL');
  const dead = await runCli(['proxy-alive', '-f', px.cfgPath]);
  t.is(dead.code, 1);
  t.is(dead.stderr, `hapair proxy-alive: bind 127.0.0.1:${port}: connection refused (proxy not running)\n`);
});

test('SIGKILLed proxy -> 1 although another proxy process of the same name is running (no name lookup)', async (t) => {
  const a = await startProxy();
  const b = await startProxy();
  t.teardown(() => Promise.all([a.px.stop(), b.px.stop()]).then(() => undefined));
  await a.px.stop('SIGKILL');
  t.true(fs.existsSync(a.sock), 'SIGKILL leaves the socket file behind');
  const dead = await runCli(['proxy-alive', '-f', a.px.cfgPath]);
  t.is(dead.code, 1);
  t.true(oneLine(dead.stderr));
  t.is(dead.stderr, `hapair proxy-alive: stats socket ${a.sock}: connection refused (proxy not running)\n`);
  t.is((await runCli(['proxy-alive', '-f', b.px.cfgPath])).code, 0, 'the other node keeps answering');
});

test('stopped proxy (SIGTERM removes its socket) -> 1 "no such socket"', async (t) => {
  const { px, sock } = await startProxy();
  t.is((await runCli(['proxy-alive', '-f', px.cfgPath])).code, 0);
  await px.stop('SIGTERM');
  await until(() => !fs.existsSync(sock), 3000, 'socket removed');
  const r = await runCli(['proxy-alive', '-f', px.cfgPath]);
  t.is(r.code, 1);
  t.is(r.stderr, `hapair proxy-alive: stats socket ${sock}: no such socket (proxy not running?)\n`);
});

/** A unix socket server that behaves badly: `reply` undefined = accept and never answer (a hung proxy). */
async function fakeSocket(reply?: string): Promise<{ sock: string; close: () => Promise<void> }> {
  const sock = path.join(tmpDir('hapair-alive-fake-'), 's.sock');
  const conns = new Set<net.Socket>();
  const srv = net.createServer({ allowHalfOpen: true }, (c) => {
    conns.add(c);
    c.on('error', () => undefined);
    if (reply !== undefined) c.end(reply);
  });
  await new Promise<void>((r) => srv.listen(sock, r));
  return {
    sock,
    close: () => {
      for (const c of conns) c.destroy();
      return new Promise((r) => srv.close(() => r()));
    },
  };
}

test('hung socket: accepted, never answered -> timeout -> 1 within the limit', async (t) => {
  const f = await fakeSocket();
  t.teardown(f.close);
  const t0 = Date.now();
  const r = await runCli(['proxy-alive', '-S', f.sock, '--timeout-ms', '300'], { timeoutMs: 10_000 });
  const took = Date.now() - t0;
  t.is(r.code, 1);
  t.is(r.stderr, `hapair proxy-alive: stats socket ${f.sock}: no reply to 'show info' within 300 ms (proxy hung?)\n`);
  t.true(took >= 300 && took < 5000, `exited after ${took} ms`);
});

test('garbage or empty reply -> 1 naming the problem', async (t) => {
  const g = await fakeSocket('Unknown command.\n');
  const e = await fakeSocket('');
  t.teardown(() => Promise.all([g.close(), e.close()]).then(() => undefined));
  const bad = await runCli(['proxy-alive', '-S', g.sock]);
  t.is(bad.code, 1);
  t.is(bad.stderr, `hapair proxy-alive: stats socket ${g.sock}: unexpected reply to 'show info': "Unknown command."\n`);
  const empty = await runCli(['proxy-alive', '-S', e.sock]);
  t.is(empty.code, 1);
  t.is(empty.stderr, `hapair proxy-alive: stats socket ${e.sock}: empty reply to 'show info'\n`);
});

test('wrong paths -> 1 with one clear line', async (t) => {
  const dir = tmpDir('hapair-alive-none-');
  const noCfg = await runCli(['proxy-alive', '-f', path.join(dir, 'haproxy.cfg')]);
  t.is(noCfg.code, 1);
  t.is(noCfg.stderr, `hapair proxy-alive: cannot read ${path.join(dir, 'haproxy.cfg')} (no such file)\n`);
  const noSock = await runCli(['proxy-alive', '-S', path.join(dir, 'none.sock')]);
  t.is(noSock.code, 1);
  t.is(noSock.stderr, `hapair proxy-alive: stats socket ${path.join(dir, 'none.sock')}: no such socket (proxy not running?)\n`);
  const notSock = path.join(dir, 'plain-file');
  fs.writeFileSync(notSock, '');
  const plain = await runCli(['proxy-alive', '-S', notSock]);
  t.is(plain.code, 1);
  t.true(oneLine(plain.stderr), plain.stderr);
  const empty = path.join(dir, 'empty.cfg');
  fs.writeFileSync(empty, 'global\n    maxconn 10\n');
  const none = await runCli(['proxy-alive', '-f', empty]);
  t.is(none.code, 1);
  t.is(none.stderr, `hapair proxy-alive: ${empty}: no usable 'stats socket' or 'bind' line: nothing to ask\n`);
  const vipOnly = path.join(dir, 'vip-only.cfg');
  fs.writeFileSync(vipOnly, 'frontend f\n    bind 198.19.255.254:80\n');
  const notMine = await runCli(['proxy-alive', '-f', vipOnly]);
  t.is(notMine.code, 1);
  t.is(notMine.stderr, `hapair proxy-alive: ${vipOnly}: no 'stats socket', and no 'bind' on an address of this node (198.19.255.254:80 is not): add a 'stats socket' to check this node's proxy\n`);
  const usage = await runCli(['proxy-alive', '--timeout-ms', 'x']);
  t.is(usage.code, 2, 'usage errors exit 2 (also a failure for a vrrp_script)');
});

test('works against Debian haproxy too: its stats socket answers show info with its pid; killed -> 1', async (t) => {
  if (!fs.existsSync(HAPROXY)) {
    t.fail(`${HAPROXY} missing: install the Debian haproxy package (scripts/bootstrap.sh)`);
    return;
  }
  const dir = tmpDir('hapair-alive-haproxy-');
  const sock = path.join(dir, 'haproxy.sock');
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, proxyCfg(sock, await freePort()));
  const hp = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  t.teardown(() => void hp.kill('SIGKILL'));
  await until(() => fs.existsSync(sock), 10_000, 'haproxy stats socket');
  const r = await runCli(['proxy-alive', '-f', cfg, '-v']);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, new RegExp(`pid ${hp.pid} `));
  hp.kill('SIGKILL');
  await new Promise((res) => hp.once('exit', res));
  const dead = await runCli(['proxy-alive', '-f', cfg]);
  t.is(dead.code, 1);
  t.true(oneLine(dead.stderr), dead.stderr);
});
