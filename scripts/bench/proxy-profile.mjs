#!/usr/bin/env node
// Profiles the hapair proxy under one benchmark load (same setup as proxy.mjs: nginx + wrk on cpu0, proxy on cpu1):
// prints CPU µs/request and, with --cpu-prof, leaves a V8 .cpuprofile in --prof-dir and prints its top functions.
// Usage: node scripts/bench/proxy-profile.mjs --scenario ka|close|tcp|bulk [--seconds S] [--out DIR] [--cpu-prof]
//        [--prof-dir DIR] [--node-flags "..."] [--conns C] [--haproxy] [--script FILE] [--proxy-out FILE] [--warmup S] [--strace] [--perf]   (--script: a stand-alone node proxy taking <listen port> <backend port>, for floor measurements; --strace: syscall counts; --perf: perf record -e cpu-clock summary; --haproxy: profile haproxy's CPU only)
import { spawn, execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repo = path.resolve(here, '../..');
const args = process.argv.slice(2);
const opt = (name, def) => { const i = args.indexOf(name); return i >= 0 ? args[i + 1] : def; };
const SCEN = opt('--scenario', 'ka');
const SECONDS = Number(opt('--seconds', '5'));
const OUT = opt('--out', path.join(repo, 'dist'));
const CONNS = Number(opt('--conns', '50'));
const PROF = args.includes('--cpu-prof');
const HAPROXY = args.includes('--haproxy');
const PROF_DIR = path.resolve(opt('--prof-dir', path.join(repo, '.build/prof')));
const NODE_FLAGS = opt('--node-flags', '').split(' ').filter(Boolean);
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-prof-'));
const children = [];
process.on('exit', () => {
  // Each child leads its own process group (nginx workers): kill the whole group.
  for (const c of children) if (c.exitCode === null) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ }
  fs.rmSync(dir, { recursive: true, force: true });
});
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}
async function waitPort(port) {
  for (let i = 0; i < 200; i++) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} not listening`);
}
const ticks = (pid) => { const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' '); return [Number(f[11]), Number(f[12])]; };
const cpuTicks = (pid) => ticks(pid)[0] + ticks(pid)[1];
const rssKiB = (pid) => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

const ng = await freePort();
const http = await freePort();
const tcp = await freePort();
fs.chmodSync(dir, 0o755);
execFileSync('truncate', ['-s', '100M', path.join(dir, 'bulk.bin')]);
fs.mkdirSync(path.join(dir, 'logs'));
fs.writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1; daemon off; error_log ${dir}/logs/error.log warn; pid ${dir}/nginx.pid;
events { worker_connections 8192; }
http { access_log off; keepalive_requests 100000000; sendfile on;
  server { listen 127.0.0.1:${ng} backlog=4096; location = /bulk { alias ${dir}/bulk.bin; } location / { return 200 "hello world\\n"; } } }
`);
const cfg = `global
  maxconn 4000
defaults
  timeout connect 5s
  timeout client 30s
  timeout server 30s
listen bench
  mode http
  bind 127.0.0.1:${http}
  server s1 127.0.0.1:${ng}
listen benchtcp
  mode tcp
  bind 127.0.0.1:${tcp}
  server s1 127.0.0.1:${ng}
`;
fs.writeFileSync(path.join(dir, 'p.cfg'), cfg);
const nginx = spawn('taskset', ['-c', '0', 'nginx', '-c', path.join(dir, 'nginx.conf'), '-p', dir], { stdio: 'ignore', detached: true });
children.push(nginx);
fs.mkdirSync(PROF_DIR, { recursive: true });
const flags = [...NODE_FLAGS, ...(args.includes('--perf') ? ['--perf-basic-prof-only-functions'] : []), ...(PROF ? ['--cpu-prof', `--cpu-prof-dir=${PROF_DIR}`] : [])];
const SCRIPT = opt('--script', '');
const PROXY_OUT = opt('--proxy-out', '');
const proxyStdout = PROXY_OUT ? fs.openSync(PROXY_OUT, 'w') : 'ignore';
const proxy = SCRIPT
  ? spawn('taskset', ['-c', '1', process.execPath, ...flags, SCRIPT, String(SCEN === 'tcp' ? tcp : http), String(ng)], { stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  : HAPROXY
  ? spawn('taskset', ['-c', '1', 'haproxy', '-f', path.join(dir, 'p.cfg'), '-db'], { stdio: ['ignore', 'ignore', 'inherit'], detached: true })
  : spawn('taskset', ['-c', '1', process.execPath, ...flags, path.join(OUT, 'src/cli/main.js'), 'proxy', '-f', path.join(dir, 'p.cfg'), '--run-dir', dir], { stdio: ['ignore', proxyStdout, 'inherit'], detached: true });
children.push(proxy);
await waitPort(ng);
await waitPort(SCRIPT && SCEN === 'tcp' ? tcp : http);
if (!SCRIPT) await waitPort(tcp);
// The proxy under test is the node (or haproxy) child of taskset (exec'd in place: same pid).
const pid = proxy.pid;
const port = SCEN === 'tcp' ? tcp : http;
const WARMUP = Number(opt('--warmup', '0'));
if (WARMUP > 0 && SCEN !== 'bulk') {
  execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNS}`, `-d${WARMUP}s`, ...(SCEN === 'close' ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${SCEN === 'tcp' ? tcp : http}/`], { stdio: 'ignore' });
}
const STRACE = args.includes('--strace');
const straceOut = path.join(dir, 'strace.txt');
const tracer = STRACE ? spawn('strace', ['-c', '-f', '-o', straceOut, '-p', String(pid)], { stdio: 'ignore' }) : undefined;
const PERF = args.includes('--perf');
const perfData = path.join(PROF_DIR, `perf-${SCEN}${HAPROXY ? '-haproxy' : ''}.data`);
const perf = PERF ? spawn('perf', ['record', '-e', 'cpu-clock', '-F', '2000', '-g', '-o', perfData, '-p', String(pid)], { stdio: 'ignore' }) : undefined;
if (tracer || perf) await new Promise((r) => setTimeout(r, 500));
const c0 = cpuTicks(pid);
const t0 = ticks(pid);
let requests = 0;
let extra = '';
if (SCEN === 'bulk') {
  let bytes = 0;
  const t0 = process.hrtime.bigint();
  for (let i = 0; i < 4; i++) bytes += Number(execFileSync('taskset', ['-c', '0', 'curl', '-s', '-o', '/dev/null', '-w', '%{size_download}', `http://127.0.0.1:${port}/bulk`], { encoding: 'utf8' }));
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  requests = bytes / 1048576;
  extra = `${(bytes / 1048576 / s).toFixed(0)} MB/s`;
} else {
  const w = ['-t1', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', ...(SCEN === 'close' ? ['-H', 'Connection: close'] : []), `http://127.0.0.1:${port}/`];
  const out = execFileSync('taskset', ['-c', '0', 'wrk', ...w], { encoding: 'utf8' });
  requests = Number(/(\d+) requests in/.exec(out)[1]);
  extra = `rps ${/Requests\/sec:\s+([\d.]+)/.exec(out)[1]} p50 ${/50%\s+(\S+)/.exec(out)[1]} p99 ${/99%\s+(\S+)/.exec(out)[1]}`;
}
const cpu = (cpuTicks(pid) - c0) * TICK_US;
const t1 = ticks(pid);
const userPer = ((t1[0] - t0[0]) * TICK_US) / requests;
const sysPer = ((t1[1] - t0[1]) * TICK_US) / requests;
process.stdout.write(`${SCRIPT ? path.basename(SCRIPT) : HAPROXY ? 'haproxy' : 'hapair'} ${SCEN}: ${(cpu / requests).toFixed(1)} µs/${SCEN === 'bulk' ? 'MB' : 'req'} (user ${userPer.toFixed(1)} sys ${sysPer.toFixed(1)}) ${extra} rss ${(rssKiB(pid) / 1024).toFixed(1)} MiB\n`);
if (tracer) {
  tracer.kill('SIGINT');
  await new Promise((r) => tracer.once('exit', r));
  const calls = fs.readFileSync(straceOut, 'utf8');
  process.stdout.write(`syscalls per ${SCEN === 'bulk' ? 'MB' : 'request'}:\n`);
  for (const m of calls.matchAll(/^\s*[\d.]+\s+[\d.]+\s+\d+\s+(\d+)\s+(?:\d+\s+)?(\w+)$/gm)) {
    const per = Number(m[1]) / requests;
    if (per >= 0.01) process.stdout.write(`  ${m[2].padEnd(16)} ${per.toFixed(2)}\n`);
  }
}
if (perf) {
  perf.kill('SIGINT');
  await new Promise((r) => perf.once('exit', r));
  const rep = execFileSync('perf', ['report', '-i', perfData, '--no-children', '--sort', 'dso,sym', '--stdio', '-g', 'none', '--percent-limit', '0.7'], { encoding: 'utf8', maxBuffer: 64 << 20 });
  process.stdout.write(rep.split('\n').filter((l) => l && !l.startsWith('#')).slice(0, Number(opt('--top', '40'))).join('\n') + '\n');
}
const before = new Set(fs.readdirSync(PROF_DIR));
proxy.kill('SIGTERM');
await new Promise((r) => proxy.once('exit', r));
nginx.kill('SIGTERM');
await new Promise((r) => { nginx.once('exit', r); setTimeout(r, 3000); });
if (PROF) {
  const file = fs.readdirSync(PROF_DIR).filter((f) => f.endsWith('.cpuprofile')).map((f) => path.join(PROF_DIR, f)).sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)[0];
  if (file) {
    const p = JSON.parse(fs.readFileSync(file, 'utf8'));
    const self = new Map();
    const dt = p.timeDeltas;
    const byId = new Map(p.nodes.map((n) => [n.id, n]));
    const counts = new Map();
    for (const s of p.samples) counts.set(s, (counts.get(s) ?? 0) + 1);
    let total = 0;
    for (const [id, n] of counts) {
      const node = byId.get(id);
      const cf = node.callFrame;
      const key = `${cf.functionName || '(anon)'} ${path.basename(cf.url)}:${cf.lineNumber + 1}`;
      self.set(key, (self.get(key) ?? 0) + n);
      total += n;
    }
    const top = [...self].sort((a, b) => b[1] - a[1]).slice(0, Number(opt('--top', '40')));
    process.stdout.write(`profile ${file} (${total} samples)\n`);
    for (const [k, n] of top) process.stdout.write(`${((n / total) * 100).toFixed(1).padStart(5)}%  ${k}\n`);
    void before;
  }
}
process.exit(0);
