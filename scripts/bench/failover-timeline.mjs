#!/usr/bin/env node
// Graceful-stop takeover timeline, hapair vs keepalived: wire events on the lab bridge (tcpdump) + address events (ip -ts monitor).
// For each run: SIGTERM to master a, then ms after SIGTERM of a's priority-0 advert, a's VIP removal (netlink), the last
// SYN-ACK from a, b's skew (first own advert - priority-0 advert; v2 expects (256-prio)/256 s), b's VIP add, first
// advert, first GARP and first SYN-ACK, netGap (a's VIP removal to b's GARP: the outage without the probe's 10 ms
// phase) and the probe's outage. Shows where an implementation loses milliseconds.
// Usage (root): node scripts/bench/failover-timeline.mjs [--runs N] [--kind hapair|keepalived]  (HAPAIR_OUT as failover.mjs)
import path from 'node:path';
import { dist, pair, steady, startProbe, waitFor, sleep, median, VIP, PORT } from './failover-lib.mjs';

const { Capture } = await import(path.join(dist, 'src/lab/index.js'));

const arg = (name, dflt) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? process.argv[i + 1] : dflt;
};
const RUNS = Math.min(20, Number(arg('--runs', '3')));
const KINDS = arg('--kind') ? [arg('--kind')] : ['hapair', 'keepalived'];
if (process.getuid?.() !== 0) {
  process.stderr.write('timeline needs root (network namespaces, raw sockets)\n');
  process.exit(2);
}

const ipOf = (b) => [...b].join('.');
const macOf = (b) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':');

/** Classifies one Ethernet frame (pure): VRRP advert, ARP, or a probe TCP segment to/from VIP:PORT. */
export function classify(f) {
  const d = f.data;
  if (d.length < 14) return undefined;
  const type = d.readUInt16BE(12);
  const src = macOf(d.subarray(6, 12));
  const dst = macOf(d.subarray(0, 6));
  if (type === 0x0806 && d.length >= 42) return { ts: f.ts, kind: 'arp', src, op: d.readUInt16BE(20), spa: ipOf(d.subarray(28, 32)), tpa: ipOf(d.subarray(38, 42)) };
  if (type !== 0x0800) return undefined;
  const ip = d.subarray(14);
  const ihl = (ip[0] & 0x0f) * 4;
  const proto = ip[9];
  const sip = ipOf(ip.subarray(12, 16));
  const dip = ipOf(ip.subarray(16, 20));
  const l4 = ip.subarray(ihl);
  if (proto === 112) return { ts: f.ts, kind: 'vrrp', src, sip, prio: l4[2] };
  if (proto === 6 && l4.length >= 14) {
    const sport = l4.readUInt16BE(0);
    const dport = l4.readUInt16BE(2);
    const flags = l4[13];
    if (sip === VIP && sport === PORT && (flags & 0x12) === 0x12) return { ts: f.ts, kind: 'synack', src };
    if (dip === VIP && dport === PORT && flags === 0x02) return { ts: f.ts, kind: 'syn', dst };
  }
  return undefined;
}

/** `ip -ts monitor address` in a node: resolves to [{ts, op:'add'|'del'}] for the VIP once stopped. */
function monitor(lab, node) {
  const child = lab.spawn(node, ['ip', '-ts', 'monitor', 'address'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  return {
    stop() {
      child.kill('SIGTERM');
      const ev = [];
      for (const line of out.split('\n')) {
        const m = /^\[([^\]]+)\]\s*(Deleted )?.*inet (\S+)\//.exec(line);
        // iproute2 -ts: [YYYY-MM-DDTHH:MM:SS.uuuuuu] in local time (Date.parse reads it as local time too).
        const frac = /\.(\d+)/.exec(m?.[1] ?? '')?.[1] ?? '0';
        if (m && m[3] === VIP) ev.push({ ts: Date.parse(m[1].slice(0, 19)) / 1000 + Number(`0.${frac}`), op: m[2] ? 'del' : 'add' });
      }
      return ev;
    },
  };
}

const r1 = (x) => (x === undefined ? '-' : Math.round(x * 10) / 10);

async function one(env) {
  const cap = await Capture.start(env.lab, { filter: ['vrrp', 'or', 'arp', 'or', 'tcp', 'port', String(PORT)] });
  const ma = monitor(env.lab, 'a');
  const mb = monitor(env.lab, 'b');
  const probe = startProbe(env.lab, 'c', 10);
  await sleep(800);
  const t0 = Date.now() / 1000;
  await env.A.stop('SIGTERM');
  await waitFor(() => env.B.hasVip(), 15_000, 'b takes the VIP');
  await sleep(1000);
  const pr = await probe.stop();
  const frames = (await cap.stop()).map(classify).filter(Boolean);
  const aEv = ma.stop();
  const bEv = mb.stop();
  const ms = (ts) => (ts === undefined ? undefined : (ts - t0) * 1000);
  const after = (pred) => frames.find((f) => f.ts >= t0 && pred(f))?.ts;
  const lastBefore = (limit, pred) => [...frames].reverse().find((f) => f.ts <= limit && pred(f))?.ts;
  const am = env.a.mac;
  const bm = env.b.mac;
  const prio0 = after((f) => f.kind === 'vrrp' && f.src === am && f.prio === 0);
  const bAdvert = after((f) => f.kind === 'vrrp' && f.src === bm && f.prio > 0);
  const bGarp = after((f) => f.kind === 'arp' && f.src === bm && f.spa === VIP);
  const bSynAck = after((f) => f.kind === 'synack' && f.src === bm);
  const aLastSynAck = lastBefore(bSynAck ?? Infinity, (f) => f.kind === 'synack' && f.src === am);
  const aDel = aEv.find((e) => e.op === 'del' && e.ts >= t0)?.ts;
  const bAdd = bEv.find((e) => e.op === 'add' && e.ts >= t0)?.ts;
  return {
    prio0: ms(prio0),
    aVipDel: ms(aDel),
    aLastSynAck: ms(aLastSynAck),
    skew: bAdvert && prio0 ? (bAdvert - prio0) * 1000 : undefined,
    bAdvert: ms(bAdvert),
    bVipAdd: ms(bAdd),
    bGarp: ms(bGarp),
    bSynAck: ms(bSynAck),
    garpAfterAdvert: bGarp && bAdvert ? (bGarp - bAdvert) * 1000 : undefined,
    synAckAfterGarp: bSynAck && bGarp ? (bSynAck - bGarp) * 1000 : undefined,
    // The outage as the network sees it, free of the probe's 10 ms phase: VIP gone from a until b's GARP is out.
    netGap: bGarp && aDel ? (bGarp - aDel) * 1000 : undefined,
    outage: pr.maxGapMs,
  };
}

const COLS = ['prio0', 'aVipDel', 'aLastSynAck', 'skew', 'bAdvert', 'bVipAdd', 'bGarp', 'bSynAck', 'garpAfterAdvert', 'synAckAfterGarp', 'netGap', 'outage'];
const results = {};
for (const kind of KINDS) {
  const env = await pair(kind, { prefix: 'hpt' });
  results[kind] = [];
  try {
    for (let i = 0; i < RUNS; i++) {
      const r = await one(env);
      results[kind].push(r);
      process.stderr.write(`  ${kind} run ${i + 1}: ${COLS.map((c) => `${c}=${r1(r[c])}`).join(' ')}\n`);
      env.A.start();
      await steady(env.A, env.B);
    }
  } finally {
    await env.B.stop();
    await env.A.stop();
    await env.lab.teardown();
  }
}
const lines = [`graceful stop timeline, ms after SIGTERM to a (medians of ${RUNS}); skew/garpAfterAdvert/synAckAfterGarp/netGap are differences`, ''];
lines.push(`| event | ${KINDS.join(' | ')} |`, `|---|${KINDS.map(() => '---:').join('|')}|`);
for (const c of COLS) lines.push(`| ${c} | ${KINDS.map((k) => r1(median(results[k].map((r) => r[c]).filter((x) => x !== undefined)))).join(' | ')} |`);
process.stdout.write(lines.join('\n') + '\n');
