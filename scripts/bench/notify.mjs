#!/usr/bin/env node
// Notify benchmark: (1) transition -> alert accepted by a real SMTP server (median of 20); (2) 1 000 alerts spooled
// while the relay is down -> time until all are accepted once it is back. Uses dist/ (HAPAIR_OUT=.build/x for another build).
// Usage: node scripts/bench/notify.mjs [--count N]
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { Writable } from 'node:stream';
import { pathToFileURL } from 'node:url';
import { pino } from 'pino';
import { SMTPServer } from 'smtp-server';

const out = path.resolve(process.env.HAPAIR_OUT ?? 'dist');
const { createNotifier } = await import(pathToFileURL(path.join(out, 'src/notify/index.js')).href);
const countArg = process.argv.indexOf('--count');
const BULK = countArg > 0 ? Number(process.argv[countArg + 1]) : 1000;
const RUNS = 20;

/** SMTP sink in this process: records the accept time of every message (monotonic clock). */
function sink(port) {
  const accepted = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS'],
    logger: false,
    onData(stream, _s, cb) {
      stream.on('data', () => undefined);
      stream.on('end', () => {
        accepted.push(performance.now());
        cb(null, 'ok');
      });
    },
  });
  return new Promise((resolve) => server.listen(port, '127.0.0.1', () => resolve({ server, accepted, port: server.server.address().port })));
}

function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

function counter() {
  const counts = new Map();
  const dest = new Writable({
    write(chunk, _e, cb) {
      for (const l of chunk.toString().split('\n')) {
        const m = /"event":"([a-z-]+)"/.exec(l);
        if (m) counts.set(m[1], (counts.get(m[1]) ?? 0) + 1);
      }
      cb();
    },
  });
  return { logger: pino({ level: 'info' }, dest), counts };
}

function config(port, spoolDir, names) {
  const where = { file: 'bench.conf', line: 1 };
  const garp = { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 };
  const inst = (name) => ({ name, configuredState: 'BACKUP', interface: 'eth0', vrid: 1, basePriority: 100, advertIntMs: 1000, version: 2, nopreempt: false, preemptDelayMs: 0, vips: [], excludedVips: [], trackScripts: [], trackInterfaces: [], dontTrackPrimary: false, notify: {}, smtpAlert: true, unicastPeers: [], unicastTtl: 255, garp, lowerPrioNoAdvert: false, higherPrioSendAdvert: false, downTimerAdverts: 3, where });
  return {
    files: ['bench.conf'],
    global: {
      routerId: 'BENCH', vrrpVersion: 2, enableScriptSecurity: false, garp,
      mail: { recipients: ['ops@bench.test'], from: 'lb@bench.test', smtpServer: { host: '127.0.0.1', port, where }, connectTimeoutSec: 5, tls: 'none', tlsRejectUnauthorized: true, spoolDir, maxAgeSec: 86400, where: {} },
    },
    scripts: new Map(),
    instances: names.map(inst),
    syncGroups: [],
  };
}

let seq = 0;
function ev(name, to) {
  seq += 1;
  return { kind: 'INSTANCE', name, from: to === 'MASTER' ? 'BACKUP' : 'MASTER', to, reason: 'master-down-timer', basePriority: 100, effectivePriority: 100, vips: ['198.18.1.10/32'], routerId: 'BENCH', wallTime: Date.now(), seq };
}

async function until(pred, ms, what) {
  const end = performance.now() + ms;
  while (!pred()) {
    if (performance.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 2));
  }
}

const stats = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)], p90: s[Math.floor(s.length * 0.9)], max: s[s.length - 1] };
};

// (1) latency: 20 transitions of 20 instances (distinct names: no dedupe, no flap damping in play).
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-bench-notify-'));
const s1 = await sink(0);
const names = Array.from({ length: RUNS }, (_, i) => `VI_${i}`);
const c1 = counter();
const n1 = createNotifier(config(s1.port, path.join(tmp, 'spool1'), names), { logger: c1.logger, hostname: 'bench' });
await n1.ready;
const lat = [];
for (const name of names) {
  const before = s1.accepted.length;
  const t0 = performance.now();
  n1.transition(ev(name, 'MASTER'));
  await until(() => s1.accepted.length > before, 5000, `alert for ${name}`);
  lat.push(s1.accepted[before] - t0);
}
await n1.close(2000);
s1.server.close();
const l = stats(lat);

// (2) bulk: relay down, BULK alerts spooled durably, relay back -> time to the last accepted message.
const port = await freePort();
const c2 = counter();
const n2 = createNotifier(config(port, path.join(tmp, 'spool2'), ['VI_BULK']), { logger: c2.logger, hostname: 'bench' });
await n2.ready;
const tSpool = performance.now();
for (let i = 0; i < BULK; i++) n2.transition(ev('VI_BULK', i % 2 ? 'BACKUP' : 'MASTER'));
await until(() => (c2.counts.get('alert-spooled') ?? 0) >= BULK, 120_000, 'bulk spooled');
const spoolMs = performance.now() - tSpool;
const tUp = performance.now();
const s2 = await sink(port);
await until(() => s2.accepted.length >= BULK, 120_000, 'bulk delivered');
const bulkMs = s2.accepted[BULK - 1] - tUp;
const firstMs = s2.accepted[0] - tUp;
await n2.close(2000);
s2.server.close();
fs.rmSync(tmp, { recursive: true, force: true });

const ok1 = l.median <= 1000;
const ok2 = bulkMs <= 10_000;
process.stdout.write(
  [
    `notify bench (${out})`,
    `  transition -> accepted by SMTP server, ${RUNS} runs: median ${l.median.toFixed(1)} ms, p90 ${l.p90.toFixed(1)} ms, max ${l.max.toFixed(1)} ms  [target <= 1000 ms: ${ok1 ? 'OK' : 'FAIL'}]`,
    `  ${BULK} alerts spooled (durable) in ${spoolMs.toFixed(0)} ms (${(spoolMs / BULK).toFixed(2)} ms each) while the relay was down`,
    `  relay back -> first accepted ${firstMs.toFixed(0)} ms, all ${BULK} accepted ${bulkMs.toFixed(0)} ms (${(BULK / (bulkMs / 1000)).toFixed(0)} msg/s after first)  [target <= 10000 ms: ${ok2 ? 'OK' : 'FAIL'}]`,
    `  duplicates: ${s2.accepted.length - BULK}`,
    '',
  ].join('\n'),
);
process.exit(ok1 && ok2 ? 0 : 1);
