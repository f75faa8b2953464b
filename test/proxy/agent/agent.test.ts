// `hapair agent`: real scripts behind a real TCP responder, probed like haproxy does (connect, read one line).
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startAgent } from '../../../src/proxy/agent/responder.js';
import { parseAgentArgs } from '../../../src/cli/commands/agent.js';
import { silentLogger } from '../../../src/core/logger.js';
import { runProbe } from '../../../src/proxy/check/engine.js';
import { agentPlan } from '../../../src/proxy/check/plan.js';
import { Daemon, runCommand } from '../../helpers/proc.js';
import { repoRoot, tmpDir } from '../../helpers/paths.js';
import { httpServer } from '../../helpers/check-servers.js';
import { serverConfig } from '../../helpers/check-fixtures.js';

function script(body: string): { file: string; dir: string } {
  const dir = tmpDir('hapair-agent-');
  const file = path.join(dir, 'check.sh');
  fs.writeFileSync(file, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return { file, dir };
}

function probe(port: number, timeoutMs = 5000): Promise<string> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1');
    let buf = '';
    const timer = setTimeout(() => reject(new Error('probe timed out')), timeoutMs);
    s.setEncoding('latin1');
    s.on('data', (d: string) => (buf += d));
    s.on('error', reject);
    s.on('close', () => {
      clearTimeout(timer);
      resolve(buf);
    });
  });
}

test('answers the first line of the script + "\\n"; haproxy-style probes parse it', async (t) => {
  const { file } = script('echo "up 75%"\necho "second line ignored"');
  const a = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 0, timeoutMs: 2000, command: file, args: [], logger: silentLogger() });
  t.teardown(() => a.close());
  t.is(await probe(a.port), 'up 75%\n');
  const r = await runProbe({ plan: agentPlan(serverConfig({ name: 'x', agentCheck: true, agentPort: a.port })), target: { host: '127.0.0.1', port: a.port }, interMs: 2000, serverDown: false });
  t.is(r.agentLine, 'up 75%');
});

test('concurrent probes share one run; results are cached at most cache-ms', async (t) => {
  const { file, dir } = script('echo x >> "$1"\nsleep 0.3\necho up');
  const counter = path.join(dir, 'runs');
  const a = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 400, timeoutMs: 3000, command: file, args: [counter], logger: silentLogger() });
  t.teardown(() => a.close());
  const replies = await Promise.all(Array.from({ length: 8 }, () => probe(a.port)));
  t.deepEqual(replies, Array(8).fill('up\n'));
  t.is(fs.readFileSync(counter, 'utf8').split('\n').filter(Boolean).length, 1, 'one run for 8 concurrent probes');
  t.is(await probe(a.port), 'up\n');
  t.is(a.runs, 1, 'cached');
  await new Promise((r) => setTimeout(r, 450));
  await probe(a.port);
  t.is(a.runs, 2, 'cache expired after cache-ms');
});

test('failing, silent, hanging and missing scripts answer "down # ..."; a hung script group is killed', async (t) => {
  const cases: [string, string][] = [
    ['exit 3', 'down # check script exited with code 3\n'],
    ['true', 'down # check script printed nothing\n'],
    ['printf "\\001up\\r\\n"', 'up\n'],
  ];
  for (const [body, want] of cases) {
    const { file } = script(body);
    const a = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 0, timeoutMs: 2000, command: file, args: [], logger: silentLogger() });
    const got = await probe(a.port);
    await a.close();
    t.is(got.replace(/ +/g, ' ').replace(/^ /, ''), want.replace(/^\x01/, ''), body);
  }
  const { file, dir } = script('sleep 30 &\necho $! > "$1"\nwait');
  const pidFile = path.join(dir, 'pid');
  const a = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 0, timeoutMs: 300, command: file, args: [pidFile], logger: silentLogger() });
  t.teardown(() => a.close());
  const t0 = performance.now();
  t.is(await probe(a.port), 'down # check script timed out after 300 ms\n');
  t.true(performance.now() - t0 < 2500);
  await new Promise((r) => setTimeout(r, 100));
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  const alive = () => {
    try {
      return !/^\d+ \([^)]*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
    } catch {
      return false;
    }
  };
  t.false(alive(), 'the background sleep of the script was killed with its group');
  const none = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 0, timeoutMs: 300, command: '/nonexistent/check', args: [], logger: silentLogger() });
  t.regex(await probe(none.port), /^down # check script could not start: /);
  await none.close();
});

test('a client that never reads or sends junk does not disturb others', async (t) => {
  const { file } = script('echo ready');
  const a = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 1000, timeoutMs: 500, command: file, args: [], logger: silentLogger() });
  t.teardown(() => a.close());
  const junk = net.connect(a.port, '127.0.0.1');
  junk.on('error', () => undefined);
  junk.write(Buffer.alloc(256 * 1024, 0xff));
  t.is(await probe(a.port), 'ready\n');
  junk.destroy();
});

test('CLI: argument checking and the daemon answering probes until SIGTERM', async (t) => {
  t.throws(() => parseAgentArgs(['--port', '3333']), { message: /no check command/ });
  t.throws(() => parseAgentArgs(['--', 'x']), { message: /--port is required/ });
  t.throws(() => parseAgentArgs(['--port', 'abc', '--', 'x']), { message: /--port expects/ });
  t.like(parseAgentArgs(['--port', '3333', '--addr', '127.0.0.1', '--cache-ms', '5', '--timeout-ms', '9', '--', '/bin/echo', 'up']), {
    port: 3333, addr: '127.0.0.1', cacheMs: 5, timeoutMs: 9, command: '/bin/echo', args: ['up'],
  });
  const srv = net.createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  await new Promise<void>((r) => srv.close(() => r()));
  const d = Daemon.cli(['agent', '--port', String(port), '--addr', '127.0.0.1', '--', '/bin/echo', 'up'], { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' } });
  t.teardown(() => d.stop());
  await d.waitFor((l) => l.event === 'agent-listening', 15_000);
  t.is(await probe(port), 'up\n');
  const res = await d.stop('SIGTERM');
  t.is(res.code, 0);
});

test('example scripts: seed 000 content check, load weight, maintenance file', async (t) => {
  const ex = (n: string) => path.join(repoRoot, 'scripts/agent-examples', n);
  let body = 'hello, test me!';
  const web = await httpServer(() => ({ status: 200, body }));
  t.teardown(() => web.close());
  const url = `http://127.0.0.1:${web.port}/`;
  t.is((await runCommand(ex('http-content.sh'), [url, 'test me'])).stdout, 'up\n');
  body = 'it works';
  t.is((await runCommand(ex('http-content.sh'), [url, 'test me'])).stdout, 'down # content check failed\n');
  const closed = (await runCommand(ex('http-content.sh'), ['http://127.0.0.1:1/', 'x'])).stdout;
  t.regex(closed, /^down # curl: \(7\)/);
  t.regex((await runCommand(ex('load-weight.sh'), [])).stdout, /^\d{1,3}%\n$/);
  const dir = tmpDir();
  const flag = path.join(dir, 'maint');
  t.is((await runCommand(ex('maint-file.sh'), [flag])).stdout, 'ready\n');
  fs.writeFileSync(flag, 'kernel upgrade\n');
  t.is((await runCommand(ex('maint-file.sh'), [flag])).stdout, 'maint # kernel upgrade\n');
});
