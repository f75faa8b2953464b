#!/usr/bin/env node
// Benchmark of the proxy control plane: 1 000 servers across 50 backends, each with `check inter 2000` and an
// agent-check (agent-inter 2000) answered by `hapair agent`; measures the proxy's CPU spent on checking (idle
// traffic, /proc/<pid>/stat over a window; haproxy 2.6 on the same config as reference) and whether checking
// delays traffic (open-loop load at a fixed rate, p99 with checks on vs off, interleaved runs, medians).
// Everything on loopback; load generator, nginx and the agent on core 0, the proxy on core 1.
// Targets: checking CPU <= 5 % of one core; p99(checks on) <= 1.1 x p99(checks off).
// usage: node scripts/bench/checks.mjs [--servers 1000] [--backends 50] [--cpu-secs 20] [--load-secs 10] [--rate 1000] [--runs 3]
import fs from 'node:fs';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { CLK, benchDir, cli, numArg, freePort, nginxConfig, procTicks, proxyConfig, sleep, stop, waitPort } from './checks-lib.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const SERVERS = numArg('servers', 1000);
const BACKENDS = numArg('backends', 50);
const CPU_SECS = numArg('cpu-secs', 20);
const LOAD_SECS = numArg('load-secs', 10);
const RATE = numArg('rate', 1000);
const RUNS = numArg('runs', 3);
const lab = benchDir('hapair-bench-checks-');
const { dir, start } = lab;

const cpuTicks = (pid) => procTicks(pid).reduce((x, y) => x + y); // utime + stime

/** Fixed-rate load (checks-load.mjs) pinned to core 0: latency percentiles in ms. */
function load(port) {
  const out = execFileSync('taskset', ['-c', '0', process.execPath, path.join(here, 'checks-load.mjs'), String(port), String(RATE), String(LOAD_SECS), '20'], { encoding: 'utf8' });
  return JSON.parse(out.trim().split('\n').at(-1));
}

/** CPU % of one core used by `pid` over `secs`. */
async function cpuOver(pid, secs) {
  const t0 = cpuTicks(pid);
  const w0 = performance.now();
  await sleep(secs * 1000);
  return ((cpuTicks(pid) - t0) / CLK) / ((performance.now() - w0) / 1000) * 100;
}

async function runProxy(checks, ports) {
  const cfgPath = path.join(dir, `haproxy-${checks ? 'on' : 'off'}.cfg`);
  fs.writeFileSync(cfgPath, proxyConfig({ servers: SERVERS, backends: BACKENDS, ...ports, checks, statsSocket: `${dir}/admin-${checks ? 'on' : 'off'}.sock` }));
  const child = start(process.execPath, [cli, 'proxy', '-f', cfgPath, '--run-dir', path.join(dir, checks ? 'on' : 'off')], `proxy-${checks ? 'on' : 'off'}`, 1);
  await waitPort(ports.fePort);
  return child;
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main() {
  const webPort = await freePort();
  const agentPort = await freePort();
  const fePort = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, webPort));
  start('nginx', ['-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], 'nginx', 0);
  start(process.execPath, [cli, 'agent', '--port', String(agentPort), '--addr', '127.0.0.1', '--cache-ms', '1000', '--', '/bin/echo', 'up'], 'agent', 0);
  await waitPort(webPort);
  await waitPort(agentPort);
  console.log(`# ${SERVERS} servers in ${BACKENDS} backends, check inter 2000 + agent-inter 2000 => ${SERVERS} health + ${SERVERS} agent checks / 2 s`);

  // 1. CPU of an idle proxy, checks off then on (after the first spread round); haproxy on the same config.
  const cpu = {};
  for (const checks of [false, true]) {
    const p = await runProxy(checks, { fePort, webPort, agentPort });
    await sleep(4000); // startup + first check round spread over 2 s
    cpu[checks ? 'on' : 'off'] = await cpuOver(p.pid, CPU_SECS);
    if (checks) {
      const state = execFileSync('socat', ['stdio', `unix-connect:${dir}/admin-on.sock`], { input: 'show stat\n', encoding: 'utf8' });
      const rows = state.split('\n').filter((l) => /^b\d+,s\d+,/.test(l));
      const up = rows.filter((l) => l.split(',')[17] === 'UP').length;
      const checked = rows.filter((l) => l.split(',')[36] === 'L4OK' && l.split(',')[62] === 'L7OK').length;
      console.log(`# servers UP: ${up}/${rows.length}, with a passed health check and agent reply: ${checked}`);
    }
    stop(p);
    await new Promise((r) => p.once('exit', r));
  }
  let haproxyCpu;
  try {
    const hcfg = path.join(dir, 'haproxy-ref.cfg');
    fs.writeFileSync(hcfg, proxyConfig({ servers: SERVERS, backends: BACKENDS, fePort, webPort, agentPort, checks: true, statsSocket: `${dir}/admin-ref.sock` }).replace(/^global\n.*\n.*maxconn 20000\n/, 'global\n    maxconn 4000\n'));
    const h = start('haproxy', ['-db', '-f', hcfg], 'haproxy', 1);
    await waitPort(fePort);
    await sleep(4000);
    haproxyCpu = await cpuOver(h.pid, CPU_SECS);
    stop(h);
    await new Promise((r) => h.once('exit', r));
  } catch (err) {
    console.log(`# haproxy reference not measured: ${err.message}`);
  }
  const checkingCpu = Math.max(0, cpu.on - cpu.off);

  // 2. Latency at a fixed rate with and without checks, interleaved.
  const lat = { off: [], on: [] };
  for (let i = 0; i < RUNS; i++) {
    for (const checks of [false, true]) {
      const p = await runProxy(checks, { fePort, webPort, agentPort });
      await sleep(3000);
      lat[checks ? 'on' : 'off'].push(load(fePort));
      stop(p);
      await new Promise((res) => p.once('exit', res));
    }
  }
  const p99off = median(lat.off.map((r) => r.p99));
  const p99on = median(lat.on.map((r) => r.p99));
  const fmt = (rs) => rs.map((r) => `${r.p99.toFixed(2)}`).join(' / ');
  const rows = [
    ['proxy CPU, idle, checks off', `${cpu.off.toFixed(2)} % of a core`, ''],
    ['proxy CPU, idle, checks on', `${cpu.on.toFixed(2)} % of a core`, ''],
    ['CPU spent on checking (on - off)', `${checkingCpu.toFixed(2)} % of a core`, checkingCpu <= 5 ? 'OK (<= 5 %)' : 'MISSED (> 5 %)'],
    ['haproxy 2.6, same config, idle', haproxyCpu === undefined ? 'n/a' : `${haproxyCpu.toFixed(2)} % of a core`, 'reference'],
    [`p99 at ${RATE} req/s, checks off (median)`, `${p99off.toFixed(2)} ms`, `runs: ${fmt(lat.off)}`],
    [`p99 at ${RATE} req/s, checks on (median)`, `${p99on.toFixed(2)} ms`, `runs: ${fmt(lat.on)}`],
    ['p99 ratio on/off', `${(p99on / p99off).toFixed(3)}`, p99on <= 1.1 * p99off ? 'OK (<= 1.1)' : 'MISSED (> 1.1)'],
    ['p50 on / off (median)', `${median(lat.on.map((r) => r.p50)).toFixed(3)} / ${median(lat.off.map((r) => r.p50)).toFixed(3)} ms`, ''],
  ];
  console.log('| measure | value | note |\n|---|---|---|');
  for (const r of rows) console.log(`| ${r.join(' | ')} |`);
  const errors = [...lat.on, ...lat.off].reduce((n, r) => n + r.errors, 0);
  if (errors) console.log(`# warning: ${errors} failed requests`);
  console.log(`# load average during the run: ${fs.readFileSync('/proc/loadavg', 'utf8').trim()} (other processes on the machine inflate tails)`);
}

try {
  await main();
} finally {
  lab.cleanup();
}
