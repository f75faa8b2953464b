#!/usr/bin/env node
// Failover benchmark: same namespace lab, same keepalived.conf, hapair vs keepalived 2.2.7. Client-observed outage
// (TCP probe to the VIP every 10 ms) for master crash, graceful stop and health-script FAULT at advert_int 1; VRRPv3
// advert_int 0.1 crash failover; and a soak at 0.1 s with both cores busy that must show zero spurious transitions.
// Usage (root): node scripts/bench/failover.mjs [--quick | --v3-only | --soak-only]   (uses dist/; HAPAIR_OUT=.build/x to use another build)
import fs from 'node:fs';
import { pair, steady, startProbe, waitFor, sleep, median } from './failover-lib.mjs';

const quick = process.argv.includes('--quick');
const RUNS = quick ? 1 : 5;
// The v3 row is cheap (each run ~4 s) and its outage is only ~34 probe periods long: more runs for a stable median.
const RUNS_V3 = quick ? 1 : 9;
const SOAK_S = Number(process.env.SOAK_S ?? (quick ? 20 : 300));
const only = process.argv.includes('--soak-only');
if (process.getuid?.() !== 0) {
  process.stderr.write('failover bench needs root (network namespaces, raw sockets)\n');
  process.exit(2);
}

/**
 * Resolves just after the bridge sees one of a's adverts. The crash is cut at this fixed point of the advert cycle
 * for both implementations: cut at a random moment, the phase alone spreads the outage over a whole advert
 * interval (0-100 ms at v3 0.1 s, more than any difference between implementations).
 */
async function afterAdvert(lab) {
  const port = lab.node('a').port;
  await lab.execOk('sw', ['tcpdump', '-i', port, '-c', '1', '--immediate-mode', '-n', '-q', 'ip proto 112 and src host 198.18.0.11'], { timeoutMs: 10_000 });
}

const SCENARIOS = {
  'master crash (link cut)': {
    trigger: async ({ lab }) => {
      await afterAdvert(lab);
      await lab.cutLink('a');
    },
    restore: ({ lab }) => lab.restoreLink('a'),
  },
  'graceful stop (SIGTERM)': { trigger: ({ A }) => A.stop('SIGTERM'), restore: ({ A }) => A.start() },
  'health script FAULT': { trigger: ({ A }) => fs.unlinkSync(A.flag), restore: ({ A }) => fs.writeFileSync(A.flag, '') },
};

/** One measured failover: probe running, trigger on a, wait for b to hold the VIP and the client to recover. */
async function measure(env, scenario) {
  const probe = startProbe(env.lab, 'c', 10);
  await sleep(800);
  await scenario.trigger(env);
  await waitFor(() => env.B.hasVip(), 15_000, 'b takes the VIP');
  await sleep(1500);
  const r = await probe.stop();
  await scenario.restore(env);
  await steady(env.A, env.B);
  if (!r.ok) throw new Error('probe never succeeded');
  return r.maxGapMs;
}

async function outages(kind, vrrp, names, runs = RUNS) {
  const env = await pair(kind, { vrrp });
  const out = {};
  try {
    for (const name of names) {
      out[name] = [];
      for (let i = 0; i < runs; i++) out[name].push(await measure(env, SCENARIOS[name]));
      process.stderr.write(`  ${kind} ${name}: ${out[name].join(', ')} ms\n`);
    }
  } finally {
    await env.B.stop();
    await env.A.stop();
    await env.lab.teardown();
  }
  return out;
}

/** Both hapair nodes at v3 0.1 s for SOAK_S seconds with two CPU burners: every transition is spurious. */
async function soak() {
  const env = await pair('hapair', { vrrp: { version: 3, advertInt: 0.1 } });
  const burners = [];
  try {
    const code = `const end = Date.now() + ${(SOAK_S + 30) * 1000}; let x = 0; while (Date.now() < end) x++;`;
    for (let i = 0; i < 2; i++) burners.push(env.lab.spawn('c', [process.execPath, '-e', code], { stdio: 'ignore' }));
    const before = env.A.transitions + env.B.transitions;
    await sleep(SOAK_S * 1000);
    const spurious = env.A.transitions + env.B.transitions - before;
    if (spurious > 0) for (const n of [env.A, env.B]) for (const l of n.transitionLines.slice(-4)) process.stderr.write(`  ${n.node.name}: ${l}\n`);
    const holder = (await env.A.hasVip()) && !(await env.B.hasVip());
    return { spurious, holder };
  } finally {
    for (const b of burners) b.kill('SIGKILL');
    await env.B.stop();
    await env.A.stop();
    await env.lab.teardown();
  }
}

if (process.argv.includes('--v3-only')) {
  const h3 = await outages('hapair', { version: 3, advertInt: 0.1 }, ['master crash (link cut)'], RUNS_V3);
  const k3 = await outages('keepalived', { version: 3, advertInt: 0.1 }, ['master crash (link cut)'], RUNS_V3);
  const hm = median(h3['master crash (link cut)']);
  const km = median(k3['master crash (link cut)']);
  process.stdout.write(`master crash (link cut), v3 advert_int 0.1: hapair ${hm} ms, keepalived ${km} ms, ${(hm / km).toFixed(2)}x\n`);
  process.exit(0);
}
if (only) {
  const s = await soak();
  process.stdout.write(`soak ${SOAK_S} s: spurious transitions = ${s.spurious}, VIP still on a: ${s.holder}\n`);
  process.exit(s.spurious === 0 && s.holder ? 0 : 1);
}
const main = Object.keys(SCENARIOS);
process.stderr.write(`failover bench: ${RUNS} run(s) per row${quick ? ' (--quick)' : ''}\n`);
const h = await outages('hapair', {}, main);
const k = await outages('keepalived', {}, main);
const h3 = await outages('hapair', { version: 3, advertInt: 0.1 }, ['master crash (link cut)'], RUNS_V3);
const k3 = await outages('keepalived', { version: 3, advertInt: 0.1 }, ['master crash (link cut)'], RUNS_V3);
process.stderr.write(`  soak: ${SOAK_S} s at advert_int 0.1 with both cores busy\n`);
const s = await soak();

const rows = [
  ...main.map((n) => [`${n}, v2 advert_int 1`, median(h[n]), median(k[n])]),
  ['master crash (link cut), v3 advert_int 0.1', median(h3['master crash (link cut)']), median(k3['master crash (link cut)'])],
];
const lines = ['| scenario | hapair median ms | keepalived median ms | hapair/keepalived |', '|---|---:|---:|---:|'];
for (const [n, hv, kv] of rows) lines.push(`| ${n} | ${hv} | ${kv} | ${(hv / kv).toFixed(2)}x (${(hv / kv).toFixed(3)}) |`);
lines.push('', `runs per row: ${RUNS} (v3 row: ${RUNS_V3}); probe: TCP connect+read to the VIP every 10 ms from a client namespace; crash = link cut just after one of a's adverts (same phase for both)`);
const v3ok = median(h3['master crash (link cut)']) <= 500;
lines.push(`v3 advert_int 0.1 failover <= 500 ms: ${v3ok ? 'yes' : 'NO'}`);
lines.push(`soak ${SOAK_S} s at advert_int 0.1, 2 CPU burners: spurious transitions = ${s.spurious}, VIP still on a: ${s.holder ? 'yes' : 'NO'}`);
process.stdout.write(lines.join('\n') + '\n');
process.exit(v3ok && s.spurious === 0 && s.holder ? 0 : 1);
