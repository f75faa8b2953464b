#!/usr/bin/env node
// All benchmarks, one after the other (never two at once: they pin cores and measure CPU): proxy (hapair vs haproxy
// data plane), checks (health/agent check CPU and p99 with checks on/off), failover (hapair vs keepalived, needs root)
// and notify (alert latency and spool drain). Prints each benchmark's tables, then a summary of what ran.
// Usage: node scripts/bench/all.mjs [--quick] [--only proxy,checks,failover,notify]
//   --quick: short runs (a smoke test of every benchmark, not numbers to quote). Uses $HAPAIR_OUT or dist/.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyArg = args.includes('--only') ? args[args.indexOf('--only') + 1] ?? '' : '';
const only = new Set(onlyArg.split(',').filter(Boolean));

/** name, script, arguments (full / quick), and why it may be skipped. */
const BENCHES = [
  { name: 'proxy', script: 'proxy.mjs', full: ['--runs', '3', '--seconds', '5'], quick: ['--runs', '1', '--seconds', '2'] },
  { name: 'checks', script: 'checks.mjs', full: [], quick: ['--cpu-secs', '5', '--load-secs', '3', '--runs', '1'] },
  { name: 'failover', script: 'failover.mjs', full: [], quick: ['--quick'], root: true },
  { name: 'notify', script: 'notify.mjs', full: [], quick: ['--count', '100'] },
];

function run(bench) {
  return new Promise((resolve) => {
    const argv = [path.join(here, bench.script), ...(quick ? bench.quick : bench.full)];
    const t0 = performance.now();
    const child = spawn(process.execPath, argv, { stdio: ['ignore', 'inherit', 'inherit'] });
    const stop = (sig) => child.kill(sig);
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
    child.on('close', (code, signal) => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve({ code, signal, secs: (performance.now() - t0) / 1000 });
    });
  });
}

const summary = [];
for (const b of BENCHES) {
  if (only.size && !only.has(b.name)) continue;
  process.stdout.write(`\n=== ${b.name} (scripts/bench/${b.script}${quick ? ', quick' : ''}) ===\n`);
  if (b.root && process.getuid?.() !== 0) {
    process.stdout.write(`${b.name}: skipped (needs root for network namespaces)\n`);
    summary.push([b.name, 'skipped (not root)', '']);
    continue;
  }
  const r = await run(b);
  summary.push([b.name, r.code === 0 ? 'done' : `FAILED (${r.signal ?? `exit ${r.code}`})`, `${r.secs.toFixed(0)} s`]);
}
process.stdout.write('\n=== summary ===\n');
for (const [name, status, secs] of summary) process.stdout.write(`${name.padEnd(9)} ${status.padEnd(22)} ${secs}\n`);
process.exit(summary.some(([, s]) => s.startsWith('FAILED')) ? 1 : 0);
