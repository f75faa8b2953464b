// mode tcp through the real proxy: byte-exact splice, half-close both ways, timeouts (client, server, tunnel,
// client-fin), refused servers, src ACL routing, and the tcplog line.
import test from 'ava';
import net from 'node:net';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startRawServer, misbehave, closedPort } from '../../helpers/proxy-servers.js';

const cfg = (port: number, timeouts: string, extra = '') => `
defaults
  mode tcp
  timeout connect 1s
  ${timeouts}
listen p80
  bind 127.0.0.1:@PORT
  log stdout local0
  option tcplog
  ${extra}
  server app1 127.0.0.1:${port}
`;

/** Connects, runs `fn`, resolves with everything received and how long until the proxy closed. */
function client(port: number, fn: (s: net.Socket) => void, maxMs = 5000): Promise<{ data: Buffer; ms: number; closed: boolean }> {
  return new Promise((resolve) => {
    const start = Date.now();
    const chunks: Buffer[] = [];
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true });
    const timer = setTimeout(() => done(false), maxMs);
    const done = (closed: boolean): void => {
      clearTimeout(timer);
      s.destroy();
      resolve({ data: Buffer.concat(chunks), ms: Date.now() - start, closed });
    };
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', () => done(true));
    s.on('end', () => done(true));
    s.on('connect', () => fn(s));
  });
}

test('bytes are spliced unchanged both ways (1 MiB of random data) and logged with tcplog fields', async (t) => {
  const echo = await startRawServer(misbehave.echo);
  const px = await startInProcess(cfg(echo.port, 'timeout client 5s\n  timeout server 5s'));
  try {
    const payload = Buffer.alloc(1 << 20);
    for (let i = 0; i < payload.length; i++) payload[i] = (i * 7919) & 0xff;
    const r = await new Promise<Buffer>((resolve) => {
      const got: Buffer[] = [];
      let n = 0;
      const s = net.connect(px.port('p80'), '127.0.0.1', () => s.end(payload));
      s.on('data', (c: Buffer) => {
        got.push(c);
        n += c.length;
        if (n >= payload.length) s.destroy();
      });
      s.on('close', () => resolve(Buffer.concat(got)));
    });
    t.true(r.equals(payload));
    await until(() => trafficLogs(px.logs).length > 0, 3000, 'tcplog line');
    const l = trafficLogs(px.logs)[0]!;
    t.is(l.event, 'tcp-session');
    t.is(l.server, 'app1');
    t.is(l.bytes_read, payload.length);
    t.regex(String(l.msg), /^127\.0\.0\.1:\d+ \[[^\]]+\] p80 p80\/app1 \d+\/\d+\/\d+ 1048576 [-CS][-D] \d+\/\d+\/\d+\/\d+\/0 0\/0$/);
  } finally {
    await px.close();
    await echo.close();
  }
});

test('half-close: the client FIN reaches the server, which still answers', async (t) => {
  const srv = await startRawServer((s) => {
    const got: Buffer[] = [];
    s.on('data', (c: Buffer) => got.push(c));
    s.on('end', () => setTimeout(() => s.end(`got ${Buffer.concat(got).toString()}`), 50));
  });
  const px = await startInProcess(cfg(srv.port, 'timeout client 5s\n  timeout server 5s'));
  try {
    const r = await client(px.port('p80'), (s) => s.end('request-then-fin'));
    t.true(r.closed);
    t.is(r.data.toString(), 'got request-then-fin');
  } finally {
    await px.close();
    await srv.close();
  }
});

test('half-close: the server FIN reaches the client, which can still send', async (t) => {
  let serverGot = '';
  const srv = await startRawServer((s) => {
    s.write('banner\n');
    s.end(); // server done sending
    s.on('data', (c: Buffer) => (serverGot += c.toString()));
  });
  const px = await startInProcess(cfg(srv.port, 'timeout client 5s\n  timeout server 5s'));
  try {
    const got = await new Promise<string>((resolve) => {
      let data = '';
      const c = net.connect({ port: px.port('p80'), host: '127.0.0.1', allowHalfOpen: true });
      c.on('data', (d: Buffer) => (data += d.toString()));
      c.on('end', () => c.end('after-fin'));
      c.on('close', () => resolve(data));
    });
    t.is(got, 'banner\n');
    await until(() => serverGot === 'after-fin', 3000, 'server got client data after its own FIN');
    t.pass();
  } finally {
    await px.close();
    await srv.close();
  }
});

test('timeout client closes an idle tunnel; timeout tunnel supersedes it', async (t) => {
  const srv = await startRawServer(misbehave.hang);
  const idle = await startInProcess(cfg(srv.port, 'timeout client 300ms\n  timeout server 5s'));
  const tunnel = await startInProcess(cfg(srv.port, 'timeout client 300ms\n  timeout server 300ms\n  timeout tunnel 1200ms'));
  try {
    const a = await client(idle.port('p80'), (s) => s.write('x'));
    t.true(a.closed);
    t.true(a.ms >= 250 && a.ms < 1500, `client timeout after ${a.ms} ms`);
    await until(() => trafficLogs(idle.logs).length > 0, 2000);
    t.is(trafficLogs(idle.logs)[0]!.termination_state, 'cD');
    const b = await client(tunnel.port('p80'), (s) => s.write('x'));
    t.true(b.ms >= 1100 && b.ms < 2500, `tunnel timeout after ${b.ms} ms`);
  } finally {
    await idle.close();
    await tunnel.close();
    await srv.close();
  }
});

test('timeout server closes when the server stays silent; client-fin bounds a half-closed client', async (t) => {
  const srv = await startRawServer(misbehave.hang);
  const px = await startInProcess(cfg(srv.port, 'timeout client 5s\n  timeout server 400ms'));
  const fin = await startInProcess(cfg(srv.port, 'timeout client 5s\n  timeout server 5s\n  timeout client-fin 300ms\n  timeout server-fin 300ms'));
  try {
    const a = await client(px.port('p80'), (s) => s.write('x'));
    t.true(a.ms >= 350 && a.ms < 1500, `server timeout after ${a.ms} ms`);
    await until(() => trafficLogs(px.logs).length > 0, 2000);
    t.is(trafficLogs(px.logs)[0]!.termination_state, 'sD');
    const b = await client(fin.port('p80'), (s) => s.end('x'));
    t.true(b.ms >= 250 && b.ms < 1500, `client-fin after ${b.ms} ms`);
  } finally {
    await px.close();
    await fin.close();
    await srv.close();
  }
});

test('a refused server: retries then the client connection is closed (SC)', async (t) => {
  const port = await closedPort();
  const px = await startInProcess(cfg(port, 'timeout client 5s\n  timeout server 5s', 'retries 2'));
  try {
    const r = await client(px.port('p80'), (s) => s.write('hello'));
    t.true(r.closed);
    t.is(r.data.length, 0);
    await until(() => trafficLogs(px.logs).length > 0, 5000);
    const l = trafficLogs(px.logs)[0]!;
    t.is(l.termination_state, 'SC');
    t.is(l.retries, 2);
  } finally {
    await px.close();
  }
});

test('tcp routing with src / dst_port ACLs', async (t) => {
  const a = await startRawServer((s) => s.end('A'));
  const b = await startRawServer((s) => s.end('B'));
  const px = await startInProcess(`
defaults
  mode tcp
  timeout connect 1s
  timeout client 2s
  timeout server 2s
frontend ft
  bind 127.0.0.1:@PORT
  bind 127.0.0.1:@PORT2
  acl from_lo src 127.0.0.0/8
  acl second_port dst_port @PORT2
  use_backend bb if from_lo second_port
  default_backend ba
backend ba
  server a 127.0.0.1:${a.port}
backend bb
  server b 127.0.0.1:${b.port}
`);
  try {
    const ports = px.rt.frontends.get('ft')!.boundAddresses().map((x) => x.port);
    const r1 = await client(ports[0]!, () => undefined);
    const r2 = await client(ports[1]!, () => undefined);
    t.is(r1.data.toString(), 'A');
    t.is(r2.data.toString(), 'B');
  } finally {
    await px.close();
    await a.close();
    await b.close();
  }
});
