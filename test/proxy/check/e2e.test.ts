// Checks driving the real proxy: seed 000's agent-check line with `hapair agent` (agent down kills live
// sessions via on-marked-down shutdown-sessions, then up again), and the slowstart ramp after recovery.
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { Daemon } from '../../helpers/proc.js';
import { freePort, startProxy } from '../../helpers/check-proxy.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { tmpDir } from '../../helpers/paths.js';

/** A TCP echo server on a fixed port that can be stopped and restarted. */
async function echoServer(port = 0): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>();
  const srv = net.createServer((s) => {
    socks.add(s);
    s.on('close', () => socks.delete(s));
    s.on('error', () => undefined);
    s.pipe(s);
  });
  await new Promise<void>((r) => srv.listen(port, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of socks) s.destroy();
      srv.close(() => r());
    }),
  };
}

function stat(csv: string, be: string, sv: string): Record<string, string> {
  const lines = csv.split('\n').filter(Boolean);
  const names = lines[0]!.slice(2).split(',');
  const row = lines.map((l) => l.split(',')).find((v) => v[0] === be && v[1] === sv) ?? [];
  return Object.fromEntries(row.map((v, i) => [names[i], v]));
}

async function until(what: string, pred: () => Promise<boolean> | boolean, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`timed out waiting for ${what}`);
}

test('seed 000: agent-check via `hapair agent` marks the server down, live sessions are shut down, then back up', async (t) => {
  const app = await echoServer();
  const agentPort = await freePort();
  const fePort = await freePort();
  const dir = tmpDir('hapair-seed000-');
  const reply = path.join(dir, 'reply');
  fs.writeFileSync(reply, 'up\n');
  const script = path.join(dir, 'haproxy-chk-3333.sh');
  fs.writeFileSync(script, `#!/bin/sh\ncat ${reply}\n`, { mode: 0o755 });
  const agent = Daemon.cli(['agent', '--port', String(agentPort), '--addr', '127.0.0.1', '--cache-ms', '0', '--', script]);
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock level admin
listen  p80
    bind    127.0.0.1:${fePort}
    mode    tcp
    option  tcplog
    timeout connect 2s
    timeout client 30s
    timeout server 30s
    server  app1 127.0.0.1:${app.port} check agent-check addr 127.0.0.1 agent-port ${agentPort} inter 2000 rise 2 fall 3 minconn 0 maxconn 0 on-marked-down shutdown-sessions
`);
  t.teardown(async () => {
    await proxy.stop();
    await agent.stop();
    await app.close();
  });
  const sock = path.join(proxy.dir, 'admin.sock');
  const show = async () => stat(await sendCommand(sock, 'show stat'), 'p80', 'app1');
  await until('agent up', async () => (await show()).agent_status === 'L7OK', 8000);
  // A live session through the proxy.
  const client = net.connect(fePort, '127.0.0.1');
  const closed = new Promise<void>((r) => client.on('close', () => r()));
  client.on('error', () => undefined);
  const echoed = await new Promise<string>((resolve) => {
    client.once('data', (d) => resolve(d.toString()));
    client.write('ping');
  });
  t.is(echoed, 'ping');
  fs.writeFileSync(reply, 'down # planned reboot\n');
  await until('agent down', async () => (await show()).status === 'DOWN (agent)', 8000);
  await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('session not killed')), 3000))]);
  t.pass('the live session was shut down when the server was marked down');
  t.is((await show()).last_agt, 'via agent : down (planned reboot)');
  await proxy.daemon.waitFor((l) => l.event === 'server' && l.to === 'DOWN' && String(l.msg).includes('via agent : down (planned reboot)'), 2000, 'DOWN log line');
  fs.writeFileSync(reply, 'up\n');
  await until('server back up', async () => (await show()).status === 'UP', 8000);
});

test('slowstart: after recovery the effective weight ramps up (throttle < 100%) and reaches full weight', async (t) => {
  const app = await echoServer();
  const fePort = await freePort();
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock level admin
listen px
    bind 127.0.0.1:${fePort}
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
    server s1 127.0.0.1:${app.port} check inter 200 rise 1 fall 1 weight 16 slowstart 3s
`);
  const port = app.port;
  let app2: Awaited<ReturnType<typeof echoServer>> | undefined;
  t.teardown(async () => {
    await proxy.stop();
    await app.close();
    await app2?.close();
  });
  const sock = path.join(proxy.dir, 'admin.sock');
  const show = async () => stat(await sendCommand(sock, 'show stat'), 'px', 's1');
  t.like(await show(), { status: 'UP', weight: '16', throttle: '' }, 'no slowstart at process start');
  await app.close();
  await until('down', async () => (await show()).status === 'DOWN', 5000);
  app2 = await echoServer(port);
  await until('starting', async () => ((await show()).status ?? '').startsWith('UP'), 5000);
  const samples: number[] = [];
  const t0 = Date.now();
  while (Date.now() - t0 < 4500) {
    const r = await show();
    samples.push(r.throttle === '' ? 100 : Number(r.throttle));
    await new Promise((res) => setTimeout(res, 250));
  }
  t.true(samples[0]! < 60, `starts throttled: ${samples.join(',')}`);
  for (let i = 1; i < samples.length; i++) t.true(samples[i]! >= samples[i - 1]!, `never decreases: ${samples.join(',')}`);
  t.is(samples.at(-1), 100, 'full weight after slowstart');
  t.is((await show()).weight, '16');
});

test('SIGHUP reload: kept servers keep their check state, new ones get checked, removed ones stop', async (t) => {
  const app = await echoServer();
  const fePort = await freePort();
  const base = (servers: string) => `global
    stats socket {{DIR}}/admin.sock level admin
listen px
    bind 127.0.0.1:${fePort}
    mode tcp
    timeout connect 1s
    timeout client 5s
    timeout server 5s
${servers}`;
  const proxy = await startProxy(base(`    server s1 127.0.0.1:${app.port} check inter 300\n    server gone 127.0.0.1:${app.port} check inter 300\n`));
  t.teardown(async () => {
    await proxy.stop();
    await app.close();
  });
  const sock = path.join(proxy.dir, 'admin.sock');
  const show = async (sv: string) => stat(await sendCommand(sock, 'show stat'), 'px', sv);
  await until('s1 checked', async () => (await show('s1')).check_status === 'L4OK', 5000);
  await sendCommand(sock, 'set server px/s1 state drain');
  fs.writeFileSync(proxy.cfgPath, base(`    server s1 127.0.0.1:${app.port} check inter 300\n    server s2 127.0.0.1:${app.port} check inter 300\n`).replaceAll('{{DIR}}', proxy.dir));
  proxy.daemon.child.kill('SIGHUP');
  await proxy.daemon.waitFor((l) => l.event === 'checks-reloaded', 10_000, 'checks re-synced');
  await until('s2 checked', async () => (await show('s2')).check_status === 'L4OK', 5000);
  t.like(await show('s1'), { status: 'DRAIN', check_status: 'L4OK', check_health: '4' });
  t.is((await show('gone')).svname, undefined);
});

test('on-marked-up shutdown-backup-sessions: an active server coming UP kills the sessions on the backup', async (t) => {
  const activePort = await freePort();
  const backup = await echoServer();
  const fePort = await freePort();
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock level admin
listen px
    bind 127.0.0.1:${fePort}
    mode tcp
    timeout connect 1s
    timeout client 30s
    timeout server 30s
    server a 127.0.0.1:${activePort} check inter 200 rise 1 fall 1 on-marked-up shutdown-backup-sessions
    server b 127.0.0.1:${backup.port} backup
`);
  let active: Awaited<ReturnType<typeof echoServer>> | undefined;
  t.teardown(async () => {
    await proxy.stop();
    await backup.close();
    await active?.close();
  });
  const sock = path.join(proxy.dir, 'admin.sock');
  await until('a down', async () => stat(await sendCommand(sock, 'show stat'), 'px', 'a').status === 'DOWN', 5000);
  const client = net.connect(fePort, '127.0.0.1');
  client.on('error', () => undefined);
  const closed = new Promise<void>((r) => client.on('close', () => r()));
  t.is(await new Promise<string>((resolve) => {
    client.once('data', (d) => resolve(d.toString()));
    client.write('hello');
  }), 'hello', 'served by the backup');
  active = await echoServer(activePort);
  await Promise.race([closed, new Promise((_, rej) => setTimeout(() => rej(new Error('backup session not killed')), 5000))]);
  t.is(stat(await sendCommand(sock, 'show stat'), 'px', 'a').status, 'UP');
});
