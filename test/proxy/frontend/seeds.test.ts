// Every seed haproxy fragment (test/fixtures/seeds) loads and serves through the real proxy, with only these
// rewrites: bind addresses -> 127.0.0.1:<free port>, server addresses -> local real servers, pidfile and stats
// socket paths -> a temp dir (the seeds point at /var/run and /var/lib on the host).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import net from 'node:net';
import { fixture, tmpDir } from '../../helpers/paths.js';
import { startInProcess, freePort, type InProcessProxy } from '../../helpers/proxy-harness.js';
import { startHttpBackend, startRawServer, misbehave, type HttpBackend, type RawServer } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';
import { startChecks, type ChecksHandle } from '../../../src/proxy/check/index.js';
import { handleStatsRequest } from '../../../src/proxy/stats/http.js';
import { silentLogger } from '../../../src/core/logger.js';
import { realClock } from '../../../src/core/clock.js';

interface Loaded {
  px: InProcessProxy;
  checks: ChecksHandle;
  close(): Promise<void>;
}

/** Rewrites a seed so it only touches loopback and a temp dir; `serverPort(name)` picks each server's target. */
async function rewrite(text: string, serverPort: (name: string) => number): Promise<string> {
  const dir = tmpDir('hapair-seed-');
  const lines: string[] = [];
  for (const line of text.split('\n')) {
    let l = line;
    const bind = /^(\s*bind\s+)(\S+)/.exec(l);
    if (bind) l = `${bind[1]}127.0.0.1:${await freePort()}${l.slice(bind[0].length)}`;
    const fe = /^(\s*frontend\s+\S+\s+)\*:\d+/.exec(l);
    if (fe) l = `${fe[1]}127.0.0.1:${await freePort()}${l.slice(fe[0].length)}`;
    const srv = /^(\s*server\s+(\S+)\s+)(\S+)/.exec(l);
    if (srv) l = `${srv[1]}127.0.0.1:${serverPort(srv[2]!)}${l.slice(srv[0].length)}`;
    l = l.replace(/^(\s*pidfile\s+)\S+/, `$1${path.join(dir, 'haproxy.pid')}`);
    l = l.replace(/^(\s*stats socket\s+)\S+/, `$1${path.join(dir, 'stats.sock')}`);
    lines.push(l);
  }
  return lines.join('\n');
}

async function load(file: string, serverPort: (name: string) => number): Promise<Loaded> {
  const text = await rewrite(fs.readFileSync(fixture('seeds', file), 'utf8'), serverPort);
  let checks: ChecksHandle | undefined;
  const px = await startInProcess(text, {
    services: { stats: (section, req) => handleStatsRequest({ runtime: px.rt, checks: checks!, section }, req) },
  });
  checks = startChecks(px.rt, { logger: silentLogger(), clock: realClock });
  return { px, checks, close: async () => { checks!.stop(); await px.close(); } };
}

let http1: HttpBackend;
let http2: HttpBackend;
let echo: RawServer;

test.before(async () => {
  http1 = await startHttpBackend('h1');
  http2 = await startHttpBackend('h2');
  echo = await startRawServer(misbehave.echo);
});
test.after.always(async () => {
  await http1?.close();
  await http2?.close();
  await echo?.close();
});

function tcpRoundTrip(port: number, msg: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write(msg));
    let got = '';
    s.on('data', (c: Buffer) => {
      got += c.toString();
      if (got.length >= msg.length) s.end();
    });
    s.on('close', () => resolve(got));
    s.on('error', reject);
  });
}

test.serial('seed 000 (listen p80, mode tcp, agent-check): splices TCP', async (t) => {
  const l = await load('haproxy-000-p80.cfg', () => echo.port);
  try {
    t.is(await tcpRoundTrip(l.px.port('p80'), 'ping over p80'), 'ping over p80');
  } finally {
    await l.close();
  }
});

test.serial('seed 001 (fullconn/minconn backends, check kinds): fe1 and fe2 reach backend be', async (t) => {
  const l = await load('haproxy-001-backends.cfg', () => http1.port);
  try {
    for (const fe of ['fe1', 'fe2']) {
      const r = await request(l.px.port(fe), `/${fe}`);
      t.is(r.status, 200, fe);
    }
    t.is(l.px.rt.backends.get('be')!.fullconn, 1024);
  } finally {
    await l.close();
  }
});

test.serial('seed 001 (legacy connection-mode options): serves with the last mode set', async (t) => {
  const l = await load('haproxy-001-http-modes.cfg', () => http1.port);
  try {
    const r = await request(l.px.port('http_modes'), '/modes');
    t.is(r.status, 200);
    t.is(r.body, 'h1 GET /modes 0\n');
  } finally {
    await l.close();
  }
});

test.serial('seed 002 (frontend main *:5000, ACL static routing, redispatch, forwardfor except)', async (t) => {
  const l = await load('haproxy-002-main.cfg', (name) => (name === 'static' ? http2.port : http1.port));
  try {
    const port = l.px.port('main');
    for (const p of ['/static/a', '/images/x', '/a/b.CSS', '/js/x.js']) t.is((await request(port, p)).headers['x-backend'], 'h2', p);
    for (const p of ['/', '/api/x', '/stat', '/a.jpeg']) t.is((await request(port, p)).headers['x-backend'], 'h1', p);
    t.is((await request(port, '/')).headers['x-got-xff'], '', 'forwardfor except 127.0.0.0/8');
  } finally {
    await l.close();
  }
});

test.serial('seed 003 (ha-socks5 tcp, ha-http, balance source + consistent hashing)', async (t) => {
  const l = await load('haproxy-003-health.cfg', () => echo.port);
  try {
    t.is(await tcpRoundTrip(l.px.port('ha-socks5'), '\x05\x02\x00\x01'), '\x05\x02\x00\x01');
    t.is(await tcpRoundTrip(l.px.port('ha-http'), 'CONNECT-ish bytes'), 'CONNECT-ish bytes');
  } finally {
    await l.close();
  }
});

test.serial('seed 004 (listen admin_stats with // annotations): stats page behind auth', async (t) => {
  const l = await load('haproxy-004-admin-stats.cfg', () => http1.port);
  try {
    const port = l.px.port('admin_stats');
    const denied = await request(port, '/admin');
    t.is(denied.status, 401);
    const ok = await request(port, '/admin;csv', { headers: { authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` } });
    t.is(ok.status, 200);
    t.regex(ok.body, /^# pxname,svname,/);
    t.regex(ok.body, /log_server,node1,/);
  } finally {
    await l.close();
  }
});
