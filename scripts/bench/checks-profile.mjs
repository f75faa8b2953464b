#!/usr/bin/env node
// Profiles the proxy's health-check CPU (the checks.mjs setup: N servers, check + agent every 2 s on loopback):
// utime vs stime of the proxy over a window (JS + libuv vs kernel: connect/RST, epoll), checks off and on, and
// optionally a V8 CPU profile (--cpu-prof) or `perf record` of the checking proxy.
// --haproxy: also haproxy 2.6 on the same config (its split tells what the kernel costs any checker on loopback).
// usage: node scripts/bench/checks-profile.mjs [--servers 1000] [--backends 50] [--secs 15] [--cpu-prof] [--perf] [--only-on] [--haproxy]
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { CLK, benchDir, cli, numArg, freePort, nginxConfig, procTicks, proxyConfig, sleep, stop, waitPort } from './checks-lib.mjs';

const SERVERS = numArg('servers', 1000);
const BACKENDS = numArg('backends', 50);
const SECS = numArg('secs', 15);
const CPU_PROF = process.argv.includes('--cpu-prof');
const PERF = process.argv.includes('--perf');
const ONLY_ON = process.argv.includes('--only-on');
const HAPROXY = process.argv.includes('--haproxy');
const lab = benchDir('hapair-prof-checks-');
const { dir, start } = lab;
const ticks = procTicks;

/** On-CPU nanoseconds of all the process's threads (schedstat: exact, not tick-sampled like utime/stime). */
function runNs(pid) {
  let ns = 0;
  for (const tid of fs.readdirSync(`/proc/${pid}/task`)) {
    try {
      ns += Number(fs.readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0]);
    } catch {
      // thread gone
    }
  }
  return ns;
}

async function measure(checks, ports, haproxy = false) {
  const tag = haproxy ? 'haproxy' : checks ? 'on' : 'off';
  const cfgPath = path.join(dir, `haproxy-${tag}.cfg`);
  // haproxy sizes its fd limit from maxconn: 20000 would need a larger ulimit (checks.mjs uses 4000 too).
  const cfg = proxyConfig({ servers: SERVERS, backends: BACKENDS, ...ports, checks });
  fs.writeFileSync(cfgPath, haproxy ? cfg.replace('maxconn 20000', 'maxconn 4000') : cfg);
  const flags = CPU_PROF && checks ? ['--cpu-prof', `--cpu-prof-dir=${dir}/prof`] : [];
  // perf resolves JIT frames through /tmp/perf-PID.map.
  if (PERF && checks) flags.push('--perf-basic-prof');
  const p = haproxy
    ? start('haproxy', ['-db', '-f', cfgPath], 'haproxy', 1)
    : start(process.execPath, [...flags, cli, 'proxy', '-f', cfgPath, '--run-dir', path.join(dir, tag)], `proxy-${tag}`, 1);
  await waitPort(ports.fePort);
  await sleep(4000);
  let perf;
  if (PERF && checks && !haproxy) {
    perf = spawn('perf', ['record', '-g', '-p', String(p.pid), '-o', path.join(dir, 'perf.data'), '--', 'sleep', String(SECS)], { stdio: 'ignore' });
  }
  const [u0, s0] = ticks(p.pid);
  const n0 = runNs(p.pid);
  const w0 = performance.now();
  await sleep(SECS * 1000);
  const [u1, s1] = ticks(p.pid);
  const n1 = runNs(p.pid);
  const wall = (performance.now() - w0) / 1000;
  const pct = (t) => ((t / CLK) / wall) * 100;
  console.log(`${haproxy ? 'haproxy 2.6, checks on' : `checks ${tag}`}: user ${pct(u1 - u0).toFixed(2)} %  sys ${pct(s1 - s0).toFixed(2)} %  total ${pct(u1 - u0 + s1 - s0).toFixed(2)} % of a core (schedstat ${((n1 - n0) / 1e7 / wall).toFixed(2)} %)`);
  if (perf) await new Promise((r) => perf.once('exit', r));
  // SIGINT lets --cpu-prof write its profile (the proxy exits cleanly on SIGINT/SIGTERM).
  stop(p, 'SIGINT');
  await new Promise((r) => p.once('exit', r));
  return { user: pct(u1 - u0), sys: pct(s1 - s0) };
}

async function main() {
  const webPort = await freePort();
  const agentPort = await freePort();
  const fePort = await freePort();
  fs.writeFileSync(path.join(dir, 'nginx.conf'), nginxConfig(dir, webPort));
  start('nginx', ['-c', path.join(dir, 'nginx.conf'), '-g', 'daemon off;'], 'nginx', 0);
  start(process.execPath, [cli, 'agent', '--port', String(agentPort), '--addr', '127.0.0.1', '--cache-ms', '1000', '--', '/bin/echo', 'up'], 'agent', 0);
  await waitPort(webPort);
  await waitPort(agentPort);
  const ports = { fePort, webPort, agentPort };
  const off = ONLY_ON ? { user: 0, sys: 0 } : await measure(false, ports);
  const on = await measure(true, ports);
  console.log(`checking (on - off): user ${(on.user - off.user).toFixed(2)} %  sys ${(on.sys - off.sys).toFixed(2)} %  total ${(on.user + on.sys - off.user - off.sys).toFixed(2)} %`);
  if (HAPROXY) await measure(true, ports, true);
  if (CPU_PROF) {
    const prof = fs.readdirSync(path.join(dir, 'prof')).find((f) => f.endsWith('.cpuprofile'));
    const out = path.join(os.tmpdir(), `hapair-checks-${process.pid}.cpuprofile`);
    fs.copyFileSync(path.join(dir, 'prof', prof), out);
    console.log(`cpu profile: ${out} (summarise: node scripts/bench/proxy-cpuprofile.mjs ${out} --after 4000)`);
  }
  if (PERF) {
    const out = path.join(os.tmpdir(), `hapair-checks-${process.pid}.perf.data`);
    fs.copyFileSync(path.join(dir, 'perf.data'), out);
    console.log(`perf data: ${out}`);
  }
}

try {
  await main();
} finally {
  lab.cleanup();
}
