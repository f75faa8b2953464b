#!/usr/bin/env node
// Proxy benchmark: hapair vs haproxy 2.6 (Debian) side by side, same config, nginx-light backends on loopback.
// wrk and nginx are pinned to core 0, the proxy under test alone on core 1; >= 3 interleaved runs; medians of
// rps, p50/p99 latency, proxy CPU µs per request (utime+stime from /proc/<pid>/stat) and RSS after load.
// Usage: node scripts/bench/proxy.mjs [--runs N] [--seconds S] [--out DIR (default $HAPAIR_OUT or dist)] [--only hapair|haproxy] [--conns C]
//        [--node-flags "--max-semi-space-size=1"] [--warmup S (default 1: each proxy warmed up, unmeasured)]
//        [--idle-rss S (default 15: RSS again after S idle seconds; 0 = skip)]
//        [--ab-flags "--v8-flag ..." (a second hapair, 'hapair-b', with these node flags instead, measured interleaved with
//        the others in every run: A/B of V8 settings under the same machine noise; printed as its own table)]
//        [--baseline (also 'node-pipe', the simplest possible Node proxy: net.connect + pipe both ways, no parsing, no
//        timers; measured interleaved on every row: the floor of Node's own p99, CPU and RSS on this machine)]
//        [--timeline (after each run's measured rows, one more keep-alive pass per proxy with wrk-timeline.lua: the
//        start-up rate and the loop-wide stalls behind a p99; printed as its own table, never part of the targets)]
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
const RUNS = Number(opt('--runs', '3'));
const SECONDS = Number(opt('--seconds', '5'));
const OUT = path.resolve(repo, opt('--out', process.env.HAPAIR_OUT ?? 'dist'));
const CLI = path.join(OUT, 'src/cli/main.js');
const ONLY = opt('--only', '');
const CONNS = Number(opt('--conns', '50'));
const WARMUP = Number(opt('--warmup', '1'));
const IDLE_RSS = Number(opt('--idle-rss', '15'));
const NODE_FLAGS = opt('--node-flags', '').split(' ').filter(Boolean);
const AB_FLAGS = args.includes('--ab-flags') ? opt('--ab-flags', '').split(' ').filter(Boolean) : undefined;
const BASELINE = args.includes('--baseline');
const TIMELINE = args.includes('--timeline');
const KINDS = [...(AB_FLAGS ? ['hapair', 'hapair-b', 'haproxy'] : ['hapair', 'haproxy']), ...(BASELINE ? ['node-pipe'] : [])];
// The reference Node proxy for --baseline: what any Node proxy pays before doing any proxy work.
const NODE_PIPE = `const net = require('net'); const [port, up] = process.argv.slice(1).map(Number);
net.createServer({ noDelay: true }, (c) => { const b = net.connect({ port: up, host: '127.0.0.1', noDelay: true });
  c.pipe(b); b.pipe(c); c.on('error', () => b.destroy()); b.on('error', () => c.destroy()); }).listen(port, '127.0.0.1');`;
const BULK_MB = 100;
const TICK_US = 1e6 / Number(execFileSync('getconf', ['CLK_TCK']).toString().trim());
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-bench-'));
const children = [];

function cleanup() {
  // Each child leads its own process group (nginx workers, hapair nbthread workers): kill the whole group.
  for (const c of children) if (c.exitCode === null) try { process.kill(-c.pid, 'SIGKILL'); } catch { /* gone */ }
  fs.rmSync(dir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => process.exit(130));

async function freePort() {
  const s = net.createServer();
  await new Promise((r) => s.listen(0, '127.0.0.1', r));
  const p = s.address().port;
  await new Promise((r) => s.close(r));
  return p;
}

function start(cmd, argv, cpu, name) {
  const c = spawn('taskset', ['-c', String(cpu), cmd, ...argv], { stdio: ['ignore', 'ignore', 'pipe'], detached: true });
  let err = '';
  c.stderr.on('data', (d) => (err += d));
  c.on('exit', (code) => { if (code && code !== 0 && !c.stopping) process.stderr.write(`${name} exited ${code}: ${err}\n`); });
  children.push(c);
  return c;
}

async function waitPort(port, ms = 10_000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((r) => { const s = net.connect(port, '127.0.0.1', () => { s.destroy(); r(true); }); s.on('error', () => r(false)); });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`port ${port} not listening`);
}

function cpuTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return Number(f[11]) + Number(f[12]); // utime + stime (fields 14, 15)
}
const rssKiB = (pid, field = 'VmRSS') => Number(new RegExp(`${field}:\\s+(\\d+)`).exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))[1]);

function wrk(url, extra = []) {
  const out = execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNS}`, `-d${SECONDS}s`, '--latency', ...extra, url], { encoding: 'utf8', timeout: (SECONDS + 30) * 1000 });
  const unit = (v, u) => Number(v) * ({ us: 0.001, ms: 1, s: 1000 }[u] ?? 1);
  const pct = (p) => { const m = new RegExp(`^\\s+${p}%\\s+([\\d.]+)(us|ms|s)`, 'm').exec(out); return m ? unit(m[1], m[2]) : NaN; };
  const req = Number(/(\d+) requests in/.exec(out)?.[1] ?? 0);
  const errors = /Non-2xx or 3xx responses: (\d+)/.exec(out)?.[1] ?? /Socket errors: .*/.exec(out)?.[0];
  return { rps: Number(/Requests\/sec:\s+([\d.]+)/.exec(out)?.[1] ?? 0), p50: pct(50), p99: pct(99), requests: req, errors, out };
}

function bulk(url) {
  const t0 = process.hrtime.bigint();
  const out = execFileSync('taskset', ['-c', '0', 'curl', '-s', '-o', '/dev/null', '-w', '%{size_download}', url], { encoding: 'utf8', timeout: 120_000 });
  const s = Number(process.hrtime.bigint() - t0) / 1e9;
  return { mbps: Number(out) / 1048576 / s, bytes: Number(out) };
}

const cfg = (mode, bind, backend) => `
global
  maxconn 4000
defaults
  mode ${mode}
  timeout connect 5s
  timeout client 30s
  timeout server 30s
listen bench
  bind 127.0.0.1:${bind}
  server s1 127.0.0.1:${backend}
`;

async function main() {
  fs.mkdirSync(path.join(dir, 'logs'), { recursive: true });
  fs.chmodSync(dir, 0o755); // nginx workers (nobody) read bulk.bin
  execFileSync('truncate', ['-s', `${BULK_MB}M`, path.join(dir, 'bulk.bin')]);
  const ngPort = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), `worker_processes 1;
daemon off;
error_log ${dir}/logs/error.log warn;
pid ${dir}/nginx.pid;
events { worker_connections 8192; }
http {
  access_log off;
  keepalive_requests 100000000;
  sendfile on;
  server {
    listen 127.0.0.1:${ngPort} backlog=4096;
    location = /bulk { alias ${dir}/bulk.bin; }
    location / { return 200 "hello world\\n"; }
  }
}
`);
  const nginx = start('nginx', ['-c', path.join(dir, 'nginx.conf'), '-p', dir], 0, 'nginx');
  await waitPort(ngPort);
  const proxies = {};
  for (const kind of KINDS) {
    if (ONLY && !kind.startsWith(ONLY)) continue;
    const http = await freePort();
    const tcp = await freePort();
    const file = path.join(dir, `${kind}.cfg`);
    if (kind === 'node-pipe') {
      const proc = start(process.execPath, ['-e', NODE_PIPE, String(http), String(ngPort)], 1, kind);
      await waitPort(http);
      proxies[kind] = { proc, http, tcp: http };
      continue;
    }
    fs.writeFileSync(file, cfg('http', http, ngPort) + cfg('tcp', tcp, ngPort).replace('listen bench', 'listen benchtcp').replace(/^global[\s\S]*?defaults/m, 'defaults'));
    fs.mkdirSync(path.join(dir, kind)); // own run dir (pid file, control socket) per proxy
    const proc = kind.startsWith('hapair')
      ? start(process.execPath, [...(kind === 'hapair-b' ? AB_FLAGS : NODE_FLAGS), CLI, 'proxy', '-f', file, '--run-dir', path.join(dir, kind)], 1, kind)
      : start('haproxy', ['-f', file, '-db'], 1, kind);
    await waitPort(http);
    await waitPort(tcp);
    proxies[kind] = { proc, http, tcp };
  }
  // Warm-up (not measured), the same for both: a long-running proxy is measured in its steady state, not while a JIT
  // compiles its hot paths (that shows up as a first-seconds p99 only Node pays).
  for (const p of Object.values(proxies)) {
    for (const url of [`http://127.0.0.1:${p.http}/`, `http://127.0.0.1:${p.tcp}/`]) {
      execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNS}`, `-d${WARMUP}s`, url], { stdio: 'ignore', timeout: (WARMUP + 30) * 1000 });
      execFileSync('taskset', ['-c', '0', 'wrk', '-t1', `-c${CONNS}`, `-d${WARMUP}s`, '-H', 'Connection: close', url], { stdio: 'ignore', timeout: (WARMUP + 30) * 1000 });
    }
  }
  const rows = { 'HTTP keep-alive': [], 'HTTP new conn/request': [], TCP: [], [`bulk ${BULK_MB} MB`]: [] };
  const results = {};
  const record = (row, kind, v) => ((results[row] ??= {})[kind] ??= []).push(v);
  for (let run = 0; run < RUNS; run++) {
    // Each run starts with another proxy (rotation): none is always measured first or last.
    const order = KINDS.map((_, i) => KINDS[(i + run) % KINDS.length]);
    for (const kind of order) {
      const p = proxies[kind];
      if (!p) continue;
      const pid = p.proc.pid;
      const measure = (row, fn) => {
        const c0 = cpuTicks(pid);
        const r = fn();
        const cpu = (cpuTicks(pid) - c0) * TICK_US;
        record(row, kind, { ...r, out: undefined, cpuPerReq: r.requests ? cpu / r.requests : cpu / Math.max(1, r.bytes / 1048576), cpu });
      };
      measure('HTTP keep-alive', () => wrk(`http://127.0.0.1:${p.http}/`));
      measure('HTTP new conn/request', () => wrk(`http://127.0.0.1:${p.http}/`, ['-H', 'Connection: close']));
      measure('TCP', () => wrk(`http://127.0.0.1:${p.tcp}/`));
      measure(`bulk ${BULK_MB} MB`, () => {
        const r = [bulk(`http://127.0.0.1:${p.http}/bulk`), bulk(`http://127.0.0.1:${p.http}/bulk`)];
        return { mbps: (r[0].mbps + r[1].mbps) / 2, bytes: r[0].bytes + r[1].bytes, requests: 0 };
      });
      // RssFile: clean pages of the executable and libraries (Node's binary: ~42 MiB of it resident, shared with every
      // other node process); RssAnon: the process's own memory (heap, buffers, malloc).
      record('RSS', kind, { rss: rssKiB(pid) / 1024, anon: rssKiB(pid, 'RssAnon') / 1024, file: rssKiB(pid, 'RssFile') / 1024 });
      if (TIMELINE) {
        // After the RSS reading, so the measured sequence is unchanged; never a measured row (Lua per response slows
        // wrk). How the keep-alive completions spread over 5 ms windows, right after the bulk row.
        const { out } = wrk(`http://127.0.0.1:${p.http}/`, ['-s', path.join(here, 'wrk-timeline.lua')]);
        const t = /timeline windows=(\d+) median5ms=(\d+) first100ms=([\d.]+) dips=(\d+) seconds=([\d.]+)/.exec(out);
        if (t) record('timeline', kind, { median5ms: Number(t[2]), first100: Number(t[3]), dipsPerS: Number(t[4]) / Number(t[5]) });
      }
    }
  }
  const med = (xs) => { const s = [...xs].sort((a, b) => a - b); return s[Math.floor(s.length / 2)]; };
  const m = (row, kind, key) => med((results[row]?.[kind] ?? []).map((x) => x[key]));
  const fmt = (v, d = 1) => (Number.isFinite(v) ? v.toFixed(d) : '-');
  const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b ? (a / b).toFixed(2) : '-');
  const lines = [];
  lines.push(`proxy benchmark: ${RUNS} interleaved runs x ${SECONDS}s, wrk -c${CONNS} + nginx on cpu0, proxy on cpu1 (medians)${NODE_FLAGS.length ? `; hapair node flags: ${NODE_FLAGS.join(' ')}` : ''}`);
  lines.push('row                    | metric        |    hapair |   haproxy | ratio');
  lines.push('-----------------------+---------------+-----------+-----------+------');
  for (const row of Object.keys(rows)) {
    const bulkRow = row.startsWith('bulk');
    const metrics = bulkRow ? [['MB/s', 'mbps', 0], ['CPU µs/MB', 'cpuPerReq', 0]] : [['rps', 'rps', 0], ['p50 ms', 'p50', 2], ['p99 ms', 'p99', 2], ['CPU µs/req', 'cpuPerReq', 1]];
    for (const [label, key, d] of metrics) {
      const a = m(row, 'hapair', key);
      const b = m(row, 'haproxy', key);
      lines.push(`${row.padEnd(22)} | ${label.padEnd(13)} | ${fmt(a, d).padStart(9)} | ${fmt(b, d).padStart(9)} | ${ratio(a, b)}`);
    }
  }
  const ra = m('RSS', 'hapair', 'rss');
  const rb = m('RSS', 'haproxy', 'rss');
  lines.push(`${'RSS after load'.padEnd(22)} | ${'MiB'.padEnd(13)} | ${fmt(ra).padStart(9)} | ${fmt(rb).padStart(9)} | ${ratio(ra, rb)}`);
  for (const [label, key] of [['of which anon', 'anon'], ['of which file', 'file']]) {
    const a = m('RSS', 'hapair', key);
    const b = m('RSS', 'haproxy', key);
    lines.push(`${`  ${label}`.padEnd(22)} | ${'MiB'.padEnd(13)} | ${fmt(a).padStart(9)} | ${fmt(b).padStart(9)} | ${ratio(a, b)}`);
  }
  if (IDLE_RSS > 0) {
    // Informational: resident memory once the proxies have been idle a while (V8 gives memory back on its own).
    await new Promise((r) => setTimeout(r, IDLE_RSS * 1000));
    const idle = (k) => (proxies[k] ? rssKiB(proxies[k].proc.pid) / 1024 : NaN);
    lines.push(`${`RSS ${IDLE_RSS} s idle later`.padEnd(22)} | ${'MiB'.padEnd(13)} | ${fmt(idle('hapair')).padStart(9)} | ${fmt(idle('haproxy')).padStart(9)} | ${ratio(idle('hapair'), idle('haproxy'))}`);
  }
  if (BASELINE) {
    lines.push('');
    lines.push('reference: node-pipe (net.connect + pipe, no HTTP parsing, no timers) vs haproxy, same runs');
    lines.push('row                    | metric        | node-pipe |   haproxy | ratio');
    for (const row of [...Object.keys(rows), 'RSS']) {
      const metrics = row === 'RSS' ? [['MiB', 'rss', 1], ['anon MiB', 'anon', 1]] : row.startsWith('bulk') ? [['MB/s', 'mbps', 0], ['CPU µs/MB', 'cpuPerReq', 0]] : [['p50 ms', 'p50', 2], ['p99 ms', 'p99', 2], ['CPU µs/req', 'cpuPerReq', 1]];
      for (const [label, key, d] of metrics) {
        const a = m(row, 'node-pipe', key);
        const b = m(row, 'haproxy', key);
        lines.push(`${row.padEnd(22)} | ${label.padEnd(13)} | ${fmt(a, d).padStart(9)} | ${fmt(b, d).padStart(9)} | ${ratio(a, b)}`);
      }
    }
  }
  if (TIMELINE) {
    lines.push('');
    lines.push('timeline (extra keep-alive pass, wrk-timeline.lua): completions per 5 ms window, medians of runs');
    lines.push('proxy      | median per 5 ms | first 100 ms vs median | stalls/s (5 ms windows < 40% of median)');
    for (const kind of KINDS) {
      if (!results.timeline?.[kind]) continue;
      lines.push(`${kind.padEnd(10)} | ${fmt(m('timeline', kind, 'median5ms'), 0).padStart(15)} | ${fmt(m('timeline', kind, 'first100'), 2).padStart(22)} | ${fmt(m('timeline', kind, 'dipsPerS'), 1)}`);
    }
  }
  if (AB_FLAGS) {
    lines.push('');
    lines.push(`A/B: hapair (${NODE_FLAGS.join(' ') || 'no flags'}) vs hapair-b (${AB_FLAGS.join(' ') || 'no flags'}), same runs`);
    lines.push('row                    | metric        |    hapair |  hapair-b | b/a');
    for (const row of [...Object.keys(rows), 'RSS']) {
      const metrics = row === 'RSS' ? [['MiB', 'rss', 1], ['anon MiB', 'anon', 1]] : row.startsWith('bulk') ? [['MB/s', 'mbps', 0], ['CPU µs/MB', 'cpuPerReq', 0]] : [['p99 ms', 'p99', 2], ['CPU µs/req', 'cpuPerReq', 1]];
      for (const [label, key, d] of metrics) {
        const a = m(row, 'hapair', key);
        const b = m(row, 'hapair-b', key);
        lines.push(`${row.padEnd(22)} | ${label.padEnd(13)} | ${fmt(a, d).padStart(9)} | ${fmt(b, d).padStart(9)} | ${ratio(b, a)}`);
      }
    }
  }
  const errs = Object.entries(results).flatMap(([row, k]) => Object.entries(k).flatMap(([kind, xs]) => xs.filter((x) => x.errors).map((x) => `${kind} ${row}: ${x.errors}`)));
  if (errs.length) lines.push(`errors: ${errs.join('; ')}`);
  // The issue's targets (hapair vs haproxy in the same run): CPU per request ratios, bulk throughput, keep-alive p99, RSS.
  const targets = [
    ['HTTP keep-alive CPU/req', m('HTTP keep-alive', 'hapair', 'cpuPerReq'), m('HTTP keep-alive', 'haproxy', 'cpuPerReq'), 'µs', '<=', 1.5],
    ['HTTP new-conn CPU/req', m('HTTP new conn/request', 'hapair', 'cpuPerReq'), m('HTTP new conn/request', 'haproxy', 'cpuPerReq'), 'µs', '<=', 1.5],
    ['TCP CPU/req', m('TCP', 'hapair', 'cpuPerReq'), m('TCP', 'haproxy', 'cpuPerReq'), 'µs', '<=', 1.2],
    [`bulk ${BULK_MB} MB throughput`, m(`bulk ${BULK_MB} MB`, 'hapair', 'mbps'), m(`bulk ${BULK_MB} MB`, 'haproxy', 'mbps'), 'MB/s', '>=', 0.9],
    ['HTTP keep-alive p99', m('HTTP keep-alive', 'hapair', 'p99'), m('HTTP keep-alive', 'haproxy', 'p99'), 'ms', '<=', 1.3],
  ];
  lines.push('');
  lines.push('target                    |    hapair |   haproxy | ratio | target          | verdict');
  lines.push('--------------------------+-----------+-----------+-------+-----------------+--------');
  for (const [name, a, b, unit, op, lim] of targets) {
    const r = a / b;
    const ok = Number.isFinite(r) ? (op === '<=' ? r <= lim : r >= lim) : undefined;
    const d = unit === 'ms' ? 2 : unit === 'µs' ? 1 : 0;
    lines.push(`${name.padEnd(25)} | ${`${fmt(a, d)} ${unit}`.padStart(9)} | ${`${fmt(b, d)} ${unit}`.padStart(9)} | ${ratio(a, b).padStart(5)} | ${`${op} ${lim}x haproxy`.padEnd(15)} | ${ok === undefined ? '-' : ok ? 'met' : 'MISSED'}`);
  }
  lines.push(`${'RSS after load'.padEnd(25)} | ${`${fmt(ra)} MiB`.padStart(9)} | ${`${fmt(rb)} MiB`.padStart(9)} | ${ratio(ra, rb).padStart(5)} | ${'<= 60 MiB'.padEnd(15)} | ${Number.isFinite(ra) ? (ra <= 60 ? 'met' : 'MISSED') : '-'}`);
  lines.push(`load average: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (other work on the machine inflates tails and CPU/request)`);
  process.stdout.write(lines.join('\n') + '\n');
  for (const c of children) c.stopping = true;
  nginx.kill('SIGTERM');
}

main().then(() => process.exit(0), (err) => {
  process.stderr.write(`bench failed: ${err.stack ?? err}\n`);
  process.exit(1);
});
