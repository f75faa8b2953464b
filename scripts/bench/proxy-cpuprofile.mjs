#!/usr/bin/env node
// Summarises a V8 .cpuprofile: self and inclusive time per function (percent of busy samples, idle excluded), to
// find what a request costs in the proxy beyond the socket syscalls. Usage: node proxy-cpuprofile.mjs FILE [--top N] [--after MS]
import fs from 'node:fs';
import path from 'node:path';

const file = process.argv[2];
const top = process.argv.includes('--top') ? Number(process.argv[process.argv.indexOf('--top') + 1]) : 50;
// --after MS: only samples taken MS after the profile started (skips start-up).
const after = process.argv.includes('--after') ? Number(process.argv[process.argv.indexOf('--after') + 1]) : 0;
const p = JSON.parse(fs.readFileSync(file, 'utf8'));
const byId = new Map(p.nodes.map((n) => [n.id, n]));
const parent = new Map();
for (const n of p.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
const key = (n) => `${n.callFrame.functionName || '(anon)'} ${path.basename(n.callFrame.url)}:${n.callFrame.lineNumber + 1}`;
const self = new Map();
const incl = new Map();
let busy = 0;
let at = 0;
for (let i = 0; i < p.samples.length; i++) {
  at += p.timeDeltas[i] / 1000;
  if (at < after) continue;
  const s = p.samples[i];
  const n = byId.get(s);
  if (n.callFrame.functionName === '(idle)') continue;
  busy++;
  self.set(key(n), (self.get(key(n)) ?? 0) + 1);
  const seen = new Set();
  for (let id = s; id !== undefined; id = parent.get(id)) {
    const k = key(byId.get(id));
    if (seen.has(k)) continue;
    seen.add(k);
    incl.set(k, (incl.get(k) ?? 0) + 1);
  }
}
const pct = (v) => ((v / busy) * 100).toFixed(1).padStart(5);
console.log(`${busy} busy samples`);
console.log('-- self');
for (const [k, v] of [...self].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}%  ${k}`);
console.log('-- inclusive');
for (const [k, v] of [...incl].sort((a, b) => b[1] - a[1]).slice(0, top)) console.log(`${pct(v)}%  ${k}`);
