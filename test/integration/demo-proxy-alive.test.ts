// `hapair proxy-alive` across network namespaces: it checks this node's proxy, never another node's.
// Two nodes run `hapair proxy` with the same config (no stats socket, `bind *:80`); once one is SIGKILLed,
// proxy-alive in its namespace fails while a name lookup (shared PID space) still finds the other node's process.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import { requireRoot } from '../helpers/root.js';
import { Daemon } from '../helpers/proc.js';
import { cliMain, tmpDir } from '../helpers/paths.js';

const CFG = ['defaults', '    mode http', '    timeout connect 1s', '    timeout client 5s', '    timeout server 5s', 'frontend main', '    bind *:80', '    default_backend app', 'backend app', '    server s1 127.0.0.1:9', ''].join('\n');

test.serial('TCP fallback is per namespace: the killed node fails, the other node passes, same config and process name', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create({ prefix: 'hpdemo' });
  t.teardown(() => lab.teardown());
  const dir = tmpDir('hapair-alive-ns-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, CFG);
  const nodes = [await lab.addNode({ name: 'a', ip: '198.18.0.11' }), await lab.addNode({ name: 'b', ip: '198.18.0.12' })];
  const proxies = nodes.map((n) => {
    const d = new Daemon('ip', ['netns', 'exec', n.ns, process.execPath, cliMain, 'proxy', '-f', cfg, '--run-dir', path.join(dir, n.name)], { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' } });
    lab.track(d.child);
    return d;
  });
  await Promise.all(proxies.map((d) => d.waitFor((l) => l.event === 'started', 15_000, 'proxy started')));
  const alive = (node: string) => lab.exec(node, [process.execPath, cliMain, 'proxy-alive', '-f', cfg, '-v'], { timeoutMs: 10_000 });
  for (const n of ['a', 'b']) {
    const r = await alive(n);
    t.is(r.code, 0, `${n}: ${r.stderr}`);
    t.regex(r.stdout, /^alive: bind 127\.0\.0\.1:80 \(\d+ ms\)\n$/);
  }
  await proxies[0]!.stop('SIGKILL');
  const dead = await alive('a');
  t.is(dead.code, 1);
  t.is(dead.stderr, 'hapair proxy-alive: bind 127.0.0.1:80: connection refused (proxy not running)\n');
  t.is((await alive('b')).code, 0, "b's proxy still answers in b's namespace");
  // What a name lookup (seed 002's `killall -0 haproxy`, here pgrep) sees from a's namespace: b's process.
  const byName = await lab.exec('a', ['pgrep', '-f', `${cliMain} proxy -f ${cfg}`], { timeoutMs: 5000 });
  t.is(byName.code, 0, 'a name lookup inside a still finds a proxy');
  t.deepEqual(byName.stdout.split('\n').filter(Boolean).map(Number), [proxies[1]!.pid], "...and it is b's");
});
