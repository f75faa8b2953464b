// Seed 004 through the real proxy: the verbatim curl admin POST puts node1 in MAINT under load, its current
// sessions drop to 0 while node2 keeps serving; READY brings traffic back. Plus the runtime API on the same run.
import test from 'ava';
import http from 'node:http';
import { runCli, runCommand } from '../../helpers/proc.js';
import { freePort, namedBackend, startProxy } from '../../helpers/check-proxy.js';

function csvRows(text: string): Record<string, string>[] {
  const lines = text.split('\n').filter(Boolean);
  const names = lines[0]!.slice(2).split(',');
  return lines.slice(1).map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i], v])));
}

test('seed 004: MAINT via curl -> Cur drops to 0 under load -> READY -> traffic returns', async (t) => {
  const node1 = await namedBackend('node1', 30);
  const node2 = await namedBackend('node2', 30);
  const statsPort = await freePort();
  const fePort = await freePort();
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock mode 600 level admin
defaults
    mode http
    timeout connect 2s
    timeout client 10s
    timeout server 10s
listen admin_stats
    stats enable
    bind 127.0.0.1:${statsPort}
    mode http
    stats refresh 30s
    stats uri /admin
    stats realm haproxy_admin
    stats auth admin:admin
    stats hide-version
    stats admin if TRUE
frontend fe
    bind 127.0.0.1:${fePort}
    option http-server-close
    default_backend log_server
backend log_server
    server node1 127.0.0.1:${node1.port} cookie server1 check inter 2000 rise 3 fall 3 weight 3
    server node2 127.0.0.1:${node2.port} cookie server2 check inter 2000 rise 3 fall 3 weight 3
`);
  t.teardown(async () => {
    await proxy.stop();
    await node1.close();
    await node2.close();
  });
  // Bounded load: 8 loops of sequential requests (new connection each), for at most 20 s.
  let running = true;
  let ok = 0;
  let failed = 0;
  const agent = new http.Agent({ keepAlive: false });
  const loop = async () => {
    const until = Date.now() + 20_000;
    while (running && Date.now() < until) {
      await new Promise<void>((resolve) => {
        http.get({ host: '127.0.0.1', port: fePort, path: '/', agent }, (res) => {
          res.resume();
          res.on('end', () => ((res.statusCode === 200 ? ok++ : failed++), resolve()));
        }).on('error', () => (failed++, resolve()));
      });
    }
  };
  const loops = Array.from({ length: 8 }, loop);
  const admin = `http://127.0.0.1:${statsPort}/admin`;
  const csv = async () => csvRows((await runCommand('curl', ['-s', '-u', 'admin:admin', `${admin};csv`])).stdout);
  const row = async (name: string) => (await csv()).find((r) => r.pxname === 'log_server' && r.svname === name)!;
  const waitFor = async (what: string, pred: () => Promise<boolean>, ms = 8000) => {
    const end = Date.now() + ms;
    while (Date.now() < end) {
      if (await pred()) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.fail(`timed out waiting for ${what}`);
  };
  await waitFor('node1 busy', async () => Number((await row('node1')).stot) > 20);

  // The seed's command, verbatim apart from the host.
  const maint = await runCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}', '-u', 'admin:admin', '-d', 's=node1&b=log_server&action=maint', admin]);
  t.regex(maint.stdout, /^303 http:\/\/(admin:admin@)?127\.0\.0\.1:\d+\/admin;st=DONE$/);
  await waitFor('node1 MAINT with Cur 0', async () => {
    const r = await row('node1');
    return r.status === 'MAINT' && r.scur === '0';
  });
  const before = Number((await row('node1')).stot);
  const n2before = node2.hits;
  await new Promise((r) => setTimeout(r, 700));
  t.is(Number((await row('node1')).stot), before, 'no new sessions to node1 while in MAINT');
  t.true(node2.hits > n2before + 10, 'node2 keeps serving');
  const page = await runCommand('curl', ['-s', '-u', 'admin:admin', `${admin};st=DONE`]);
  t.regex(page.stdout, /data-status="DONE"/);

  const ready = await runCommand('curl', ['-s', '-o', '/dev/null', '-w', '%{http_code}', '-u', 'admin:admin', '-d', 's=node1&b=log_server&action=ready', admin]);
  t.is(ready.stdout, '303');
  await waitFor('traffic back on node1', async () => Number((await row('node1')).stot) > before + 10);
  t.regex((await row("node1")).status ?? "", /^UP/);
  running = false;
  await Promise.all(loops);
  t.true(ok > 100, `served ${ok}`);
  t.is(failed, 0, 'no failed request during MAINT/READY');

  const sock = `${proxy.dir}/admin.sock`;
  const api = await runCommand('socat', ['stdio', `unix-connect:${sock}`], { input: 'set server log_server/node2 state drain; show servers state log_server\n' });
  t.regex(api.stdout, /^\n1\n# be_id be_name srv_id srv_name /);
  t.regex(api.stdout, / log_server 2 node2 127\.0\.0\.1 2 8 3 3 /);
  t.like(await row('node2'), { status: 'DRAIN', weight: '0' });
  // `hapair ctl -f cfg` finds the socket from the config's `stats socket` line.
  const ctl = await runCli(['ctl', '-f', proxy.cfgPath, 'get weight log_server/node1'], { timeoutMs: 20_000 });
  t.is(ctl.stdout, '3 (initial 3)\n\n', ctl.stderr);
});
