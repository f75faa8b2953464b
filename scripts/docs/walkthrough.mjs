#!/usr/bin/env node
// Replays the runbook's commands on the shipped example configs in an isolated namespace lab (lb1, lb2, two web
// servers, a mail server, a client) and checks what docs/runbook.md says they show: status, drain/maint/ready by
// runtime API and by the seed 004 curl automation, Cur, reload keeping state, SIGUSR1 dump, planned failover,
// FAULT failover, relay outage with spooled alerts, notify-mail. Prints every command and its output.
// usage (root): node scripts/docs/walkthrough.mjs        (uses dist/; HAPAIR_OUT=.build/x for another build)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadModule, outDir, repoRoot } from './lib.mjs';

if (process.getuid?.() !== 0) {
  process.stderr.write('walkthrough needs root (network namespaces, VRRP)\n');
  process.exit(2);
}
// The checks read the daemons' info-level events (transitions, alert-relay-up): an inherited HAPAIR_LOG_LEVEL=warn
// (the test runner's default) would hide them.
process.env.HAPAIR_LOG_LEVEL = 'info';
const OUT = outDir();
const CLI = path.join(OUT, 'src/cli/main.js');
const SINK = path.join(OUT, 'test/helpers/smtp-sink.js');
const { Lab } = await loadModule(OUT, 'src/lab/index.js');
const W = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-walk-'));
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const hapair = (...a) => [process.execPath, CLI, ...a];
const NODES = { lb1: '198.18.0.11', lb2: '198.18.0.12', web1: '198.18.0.21', web2: '198.18.0.22', mail: '198.18.0.30', client: '198.18.0.50' };
const failures = [];
const expect = (ok, what) => {
  process.stdout.write(`${ok ? 'OK  ' : 'FAIL'} ${what}\n`);
  if (!ok) failures.push(what);
};

const lab = await Lab.create({ prefix: 'hwalk' });
const procs = {};
function start(node, key, argv, opts = {}) {
  const fd = fs.openSync(path.join(W, `${key}.log`), 'a');
  procs[key] = lab.spawn(node, argv, { stdio: ['ignore', fd, fd], ...opts });
}
async function sh(node, argv, label) {
  const r = await lab.exec(node, argv, { timeoutMs: 20_000 });
  process.stdout.write(`\n$ [${node}] ${label ?? argv.join(' ')}   # exit ${r.code}\n${r.stdout}${r.stderr}`);
  return r;
}
const run = (lb) => path.join(W, lb, 'run');
const cfg = (lb, f) => path.join(W, lb, f);
async function stateOf(lb) {
  const r = await lab.exec(lb, hapair('status', '--json', '--run-dir', run(lb)), { timeoutMs: 5000 });
  try {
    return JSON.parse(r.stdout).vrrp.instances[0].state;
  } catch {
    return '?';
  }
}
async function waitState(lb, want, ms) {
  const t0 = Date.now();
  while (Date.now() - t0 < ms) {
    if ((await stateOf(lb)) === want) return Date.now() - t0;
    await sleep(50);
  }
  return -1;
}
const logLines = (key) => fs.readFileSync(path.join(W, `${key}.log`), 'utf8').split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l));

/** The shipped example configs with this lab's paths and addresses. */
function writeConfigs() {
  const px = fs.readFileSync(path.join(repoRoot, 'scripts/examples/lb1/haproxy.cfg'), 'utf8');
  for (const lb of ['lb1', 'lb2']) {
    fs.mkdirSync(run(lb), { recursive: true });
    fs.writeFileSync(cfg(lb, 'haproxy.cfg'), px
      .replace('/run/hapair/proxy.sock', path.join(run(lb), 'proxy.sock'))
      .replace(/10\.0\.0\.(11|21)/g, NODES.web1).replace(/10\.0\.0\.12/g, NODES.web2)
      .replace('global\n', 'global\n    log stdout format raw local0\n').replace('defaults\n', 'defaults\n    log global\n'));
    fs.writeFileSync(cfg(lb, 'keepalived.conf'), fs.readFileSync(path.join(repoRoot, `scripts/examples/${lb}/keepalived.conf`), 'utf8')
      .replace('/usr/local/bin/hapair proxy-alive -f /etc/hapair/haproxy.cfg', `${process.execPath} ${CLI} proxy-alive -f ${cfg(lb, 'haproxy.cfg')}`)
      .replace('smtp_server 127.0.0.1 25', `smtp_server ${NODES.mail} 25`)
      .replace('/var/spool/hapair', path.join(W, lb, 'spool'))
      .replace('/etc/hapair/degraded', path.join(W, lb, 'degraded')));
  }
}

const WEB = "require('http').createServer((q,s)=>s.end(q.url==='/health'?'ok\\n':process.argv[1]+'\\n')).listen(8080)";
const mailServer = (key) => start('mail', key, [process.execPath, SINK, JSON.stringify({ port: 25, host: '0.0.0.0', maildir: path.join(W, 'maildir') })]);

try {
  for (const [name, ip] of Object.entries(NODES)) await lab.addNode({ name, ip });
  writeConfigs();
  for (const w of ['web1', 'web2']) start(w, w, [process.execPath, '-e', WEB, w]);
  mailServer('mail');
  for (const lb of ['lb1', 'lb2']) start(lb, `${lb}-proxy`, hapair('proxy', '-f', cfg(lb, 'haproxy.cfg'), '--run-dir', run(lb)));
  await sleep(1500);
  start('lb1', 'lb1-vrrp', hapair('vrrp', '-f', cfg('lb1', 'keepalived.conf'), '--run-dir', run('lb1')));
  await sleep(300);
  start('lb2', 'lb2-vrrp', hapair('vrrp', '-f', cfg('lb2', 'keepalived.conf'), '--run-dir', run('lb2')));
  expect((await waitState('lb1', 'MASTER', 15_000)) >= 0, 'lb1 becomes MASTER');
  await sleep(2500);

  // runbook: hapair status
  await sh('lb1', hapair('status', '--run-dir', run('lb1')), 'hapair status');
  expect((await sh('lb2', hapair('status', '--run-dir', run('lb2')), 'hapair status')).stdout.includes('BACKUP'), 'lb2 status shows BACKUP');
  const served = await sh('client', ['curl', '-s', `http://198.18.0.10/`]);
  expect(/web[12]/.test(served.stdout), 'the VIP serves through the proxy');

  // runbook: draining (runtime API, then the seed 004 curl automation)
  const ctl = (lb, c) => sh(lb, hapair('ctl', '-f', cfg(lb, 'haproxy.cfg'), c), `hapair ctl "${c}"`);
  await ctl('lb1', 'set server app/app1 state drain');
  expect((await ctl('lb1', 'show servers state app')).stdout.includes('app1 198.18.0.21 2 8'), 'app1 admin state 8 (drain)');
  const cur = await sh('lb1', ['sh', '-c', `${process.execPath} ${CLI} ctl -f ${cfg('lb1', 'haproxy.cfg')} "show stat" | awk -F, '$1=="app" && $2=="app1" {print $5}'`], 'Cur of app/app1');
  expect(cur.stdout.trim() === '0', 'Cur of a drained idle server is 0');
  const post = (action) => sh('client', ['curl', '-s', '-o', '/dev/null', '-w', '%{http_code} %{redirect_url}\\n', '-u', 'admin:change-me', '-d', `s=app2&b=app&action=${action}`, `http://${NODES.lb1}:8080/admin`], `curl -u admin:change-me -d "s=app2&b=app&action=${action}" http://${NODES.lb1}:8080/admin`);
  expect((await post('maint')).stdout.includes('303') , 'seed 004 curl: 303');
  const csv = await sh('client', ['sh', '-c', `curl -s -u admin:change-me 'http://${NODES.lb1}:8080/admin;csv' | awk -F, '$1=="app" {print $2, $18, "Cur=" $5}'`], 'stats CSV');
  expect(csv.stdout.includes('app2 MAINT'), 'app2 in MAINT on the stats page');
  expect((await post('ready')).stdout.includes(';st=DONE'), 'seed 004 curl: ;st=DONE');

  // runbook: reload keeps state
  procs['lb1-proxy'].kill('SIGHUP');
  await sleep(1000);
  expect((await ctl('lb1', 'show servers state app')).stdout.includes('app1 198.18.0.21 2 8'), 'drain kept across a proxy reload');
  await ctl('lb1', 'set server app/app1 state ready');

  // runbook: SIGUSR1 dump
  procs['lb1-vrrp'].kill('SIGUSR1');
  await sleep(500);
  await sh('lb1', ['jq', '-c', '.status.instances[] | {name, state, effectivePriority}', path.join(run('lb1'), 'vrrp-state.json')]);

  // runbook: planned failover = stop hapair-vrrp on the master
  procs['lb1-vrrp'].kill('SIGTERM');
  const moved = await waitState('lb2', 'MASTER', 5000);
  expect(moved >= 0 && moved < 2000, `planned failover: lb2 MASTER after ${moved} ms (skew 0.61 s + polling)`);
  await sleep(1000);
  start('lb1', 'lb1-vrrp2', hapair('vrrp', '-f', cfg('lb1', 'keepalived.conf'), '--run-dir', run('lb1')));
  await sleep(6000);
  expect((await stateOf('lb1')) === 'BACKUP' && (await stateOf('lb2')) === 'MASTER', 'lb1 (nopreempt) comes back as BACKUP, the VIP stays on lb2');

  // runbook: relay outage, FAULT failover back to lb1
  procs.mail.kill('SIGTERM');
  await sleep(300);
  procs['lb2-proxy'].kill('SIGKILL');
  const fault = await waitState('lb1', 'MASTER', 8000);
  expect(fault >= 0, `dead proxy on lb2: lb1 MASTER after ${fault} ms`);
  await sh('lb2', hapair('status', '--run-dir', run('lb2')), 'hapair status (FAULT)');
  const pending = await sh('lb2', ['sh', '-c', `find ${path.join(W, 'lb2', 'spool', 'rcpt')} -name '[0-9]*' | wc -l`], 'pending alerts (relay down)');
  expect(Number(pending.stdout.trim()) > 0, 'alerts wait in the spool while the relay is down');
  await sh('lb2', hapair('mail-test', '-f', cfg('lb2', 'keepalived.conf')));
  mailServer('mail2');
  await sleep(4000);
  await sh('lb2', hapair('notify-mail', '--flush', '-f', cfg('lb2', 'keepalived.conf')));
  const left = await sh('lb2', ['sh', '-c', `find ${path.join(W, 'lb2', 'spool', 'rcpt')} -name '[0-9]*' | wc -l`], 'pending alerts (relay back)');
  expect(left.stdout.trim() === '0', 'spooled alerts delivered once the relay is back');
  expect(logLines('lb2-vrrp').some((l) => l.event === 'alert-relay-up'), 'alert-relay-up logged');
  await sh('lb1', hapair('notify-mail', 'master', '-f', cfg('lb1', 'keepalived.conf')));
  expect((await sh('lb1', hapair('notify-mail', 'falut', '-f', cfg('lb1', 'keepalived.conf')))).code === 2, "notify-mail 'falut' is refused (exit 2)");

  const transitions = logLines('lb1-vrrp').filter((l) => l.event === 'transition').map((l) => `${l.time} ${l.instance} ${l.from} -> ${l.to} (${l.reason})`);
  process.stdout.write(`\nlb1 transitions (jq select(.event=="transition")):\n${transitions.join('\n')}\n`);
  const servers = logLines('lb1-proxy').filter((l) => l.event === 'server').map((l) => `${l.time} ${l.backend}/${l.server} ${l.from} -> ${l.to} (${l.reason})`);
  process.stdout.write(`\nlb1 server transitions (jq select(.event=="server")):\n${servers.join('\n')}\n`);
  expect(transitions.length >= 3 && servers.length >= 2, 'transition and server events logged');
} catch (err) {
  failures.push(String(err?.stack ?? err));
  process.stderr.write(`${err?.stack ?? err}\n`);
} finally {
  await lab.teardown();
  fs.rmSync(W, { recursive: true, force: true });
}
process.stdout.write(`\n${failures.length ? `${failures.length} check(s) FAILED` : 'walkthrough: every check OK'}\n`);
process.exitCode = failures.length ? 1 : 0;
