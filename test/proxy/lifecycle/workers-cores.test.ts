// nbthread N under load on the real `hapair proxy` child: N separate worker processes (so the kernel can run them on
// N cores) each accept connections and each burn CPU serving them; a SIGHUP reload in the middle of that load
// fails no request and the server it adds receives traffic in every worker.
import test from 'ava';
import fs from 'node:fs';
import http from 'node:http';
import { startChild, freePort } from '../../helpers/proxy-harness.js';
import { startHttpBackend, type HttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';

/** utime + stime of a process in clock ticks (/proc/<pid>/stat fields 14 and 15, counted after the comm). */
function cpuTicks(pid: number): number {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  return Number(f[11]) + Number(f[12]);
}

const cfg = (port: number, n: number, servers: string) => `
global
  maxconn 2000
  nbthread ${n}
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:${port}
  log stdout local0
  option httplog
  default_backend app
backend app
${servers}
`;

let b1: HttpBackend;
let b2: HttpBackend;
test.before(async () => {
  const handler = (_req: http.IncomingMessage, res: http.ServerResponse, be: HttpBackend) => void res.setHeader('x-backend', be.name).end(`${be.name}\n`);
  b1 = await startHttpBackend('b1', handler);
  b2 = await startHttpBackend('b2', handler);
});
test.after.always(async () => {
  await b1?.close();
  await b2?.close();
});

test('nbthread 3: three worker processes each serve and each use CPU; a reload under that load fails nothing', async (t) => {
  const N = 3;
  const port = await freePort();
  const px = await startChild(cfg(port, N, `  server s1 127.0.0.1:${b1.port}`));
  const failures: string[] = [];
  const byBackend = new Map<string, number>();
  let running = true;
  try {
    const started = px.daemon.lines.find((l) => l.event === 'started')!;
    const pids = started.workers as number[];
    t.is(pids.length, N, 'one worker process per nbthread');
    t.is(new Set([...pids, px.daemon.pid]).size, N + 1, 'distinct processes, apart from the control process');
    const before = pids.map(cpuTicks);
    const deadline = Date.now() + 6000;
    // New connection per request (no agent): every request is a fresh accept() the kernel hands to one worker.
    const client = async (): Promise<void> => {
      while (running && Date.now() < deadline) {
        try {
          const r = await request(port, '/', { agent: false });
          if (r.status !== 200) failures.push(`status ${r.status}`);
          else byBackend.set(String(r.headers['x-backend']), (byBackend.get(String(r.headers['x-backend'])) ?? 0) + 1);
        } catch (err) {
          failures.push(String(err));
        }
      }
    };
    const load = Promise.all(Array.from({ length: 6 }, client));
    await new Promise((r) => setTimeout(r, 1200));
    const seen = px.daemon.lines.length;
    const r = await px.reload(cfg(port, N, `  server s1 127.0.0.1:${b1.port}\n  server s2 127.0.0.1:${b2.port}`));
    t.is(r.event, 'reloaded');
    t.is(r.workers, N, 'every worker applied the new configuration');
    await new Promise((res) => setTimeout(res, 1500));
    running = false;
    await load;
    const after = pids.map(cpuTicks);
    const logs = px.daemon.lines.filter((l) => l.event === 'http-request');
    const perWorker = Array.from({ length: N }, (_, i) => logs.filter((l) => l.worker === i).length);
    const cpu = after.map((a, i) => a - before[i]!);
    const total = cpu.reduce((a, b) => a + b, 0);
    t.log(`requests per worker ${perWorker.join('/')}, CPU ticks per worker ${cpu.join('/')}, by server ${JSON.stringify(Object.fromEntries(byBackend))}`);
    t.deepEqual(failures, [], 'no request failed, also across the reload');
    t.true(logs.length > 300, `${logs.length} requests served`);
    // Each worker takes a real share (the kernel spreads accepts; haproxy threads share one listener the same way).
    for (let i = 0; i < N; i++) {
      t.true(perWorker[i]! >= logs.length / (N * 6), `worker ${i} served ${perWorker[i]} of ${logs.length}`);
      t.true(cpu[i]! >= total / (N * 6), `worker ${i} used ${cpu[i]} of ${total} CPU ticks`);
    }
    // After the reload the added server is used by every worker (each applied the reload itself).
    const s2Workers = new Set(px.daemon.lines.slice(seen).filter((l) => l.event === 'http-request' && l.server === 's2').map((l) => l.worker));
    t.is(s2Workers.size, N, `workers that sent to s2 after the reload: ${[...s2Workers].join(',')}`);
  } finally {
    running = false;
    await px.stop();
  }
});
