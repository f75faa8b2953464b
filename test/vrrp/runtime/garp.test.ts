// GARP bursts never hold up the takeover: burst() returns before any arping is forked, processes start on later
// loop turns with bounded concurrency, failures are logged once per address, a missing binary once. A stand-in
// arping script records its argv (the frame itself is checked against keepalived's in test/integration/vrrp-wire).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../../src/core/logger.js';
import { GarpSender, MAX_CONCURRENT } from '../../../src/vrrp/garp.js';
import type { ResolvedVip } from '../../../src/vrrp/vip.js';
import { tmpDir } from '../../helpers/paths.js';

const vip = (address: string): ResolvedVip => ({ address, prefix: 24, dev: 'eth0', noTrack: false });

/** A fake arping: logs "start PID ARGS" / "end PID", sleeps, exits with the code in $dir/exit (default 0). */
function fakeArping(sleepSec: number): { bin: string; log: string; setExit: (code: number) => void } {
  const dir = tmpDir('hapair-garp-');
  const log = path.join(dir, 'log');
  const bin = path.join(dir, 'arping');
  fs.writeFileSync(bin, `#!/bin/sh\necho "start $$ $*" >> ${log}\nsleep ${sleepSec}\necho "end $$" >> ${log}\nexit $(cat ${dir}/exit 2>/dev/null || echo 0)\n`, { mode: 0o755 });
  return { bin, log, setExit: (code) => fs.writeFileSync(path.join(dir, 'exit'), String(code)) };
}

function logger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ name: 't', level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } }), lines };
}

const read = (f: string): string[] => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []);

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  for (let i = 0; i < ms / 20 && !cond(); i++) await new Promise((r) => setTimeout(r, 20));
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}

test('burst() only queues: nothing is forked before the caller\'s turn ends; keepalived\'s argv per GARP', async (t) => {
  const f = fakeArping(0);
  const g = new GarpSender({ logger: logger().logger, native: null, bin: f.bin });
  g.burst([vip('198.18.0.100'), vip('198.18.0.101')], 3);
  t.deepEqual(g.pending, { queued: 6, running: 0 }, 'no fork on the takeover path');
  await until(() => g.sent === 6, 5000, 'six GARPs');
  const starts = read(f.log).filter((l) => l.startsWith('start'));
  t.is(starts.length, 6);
  t.true(starts.every((l) => / -U -q -c 1 -I eth0 198\.18\.0\.10[01]$/.test(l)), starts.join('\n'));
  t.is(starts.filter((l) => l.endsWith('198.18.0.101')).length, 3);
});

test(`at most ${MAX_CONCURRENT} arping processes at once; the rest follow as they exit`, async (t) => {
  const f = fakeArping(0.4);
  const g = new GarpSender({ logger: logger().logger, native: null, bin: f.bin });
  const n = MAX_CONCURRENT + 8;
  g.burst(Array.from({ length: n }, (_, i) => vip(`198.18.1.${i + 1}`)), 1);
  await until(() => g.sent === n, 10_000, `${n} GARPs`);
  let live = 0;
  let peak = 0;
  for (const l of read(f.log)) {
    live += l.startsWith('start') ? 1 : -1;
    peak = Math.max(peak, live);
  }
  t.true(peak <= MAX_CONCURRENT && peak > 1, `peak ${peak}`);
});

test('a failing arping is logged once per address until it succeeds; a missing binary once', async (t) => {
  const f = fakeArping(0);
  f.setExit(2);
  const { logger: log, lines } = logger();
  const g = new GarpSender({ logger: log, native: null, bin: f.bin });
  g.burst([vip('198.18.0.100')], 5);
  await until(() => g.failed === 5, 5000, 'five failures');
  const warns = () => lines.filter((l) => l.event === 'garp-error');
  t.is(warns().length, 1);
  t.like(warns()[0], { vip: '198.18.0.100', dev: 'eth0', exit: 2 });
  f.setExit(0);
  g.burst([vip('198.18.0.100')], 1);
  await until(() => g.sent === 1, 5000, 'a success');
  f.setExit(2);
  g.burst([vip('198.18.0.100')], 2);
  await until(() => g.failed === 7, 5000, 'two more failures');
  t.is(warns().length, 2, 'logged again after a success');

  const missing = logger();
  const m = new GarpSender({ logger: missing.logger, native: null, bin: path.join(tmpDir(), 'no-such-arping') });
  m.burst([vip('198.18.0.100'), vip('198.18.0.101')], 3);
  await until(() => m.failed === 6, 5000, 'six spawn errors');
  t.deepEqual(missing.lines.filter((l) => l.event === 'garp-error').map((l) => l.code), ['EPLATFORM']);
});

test('stop() drops the queue and ends running arping processes', async (t) => {
  const f = fakeArping(2);
  const g = new GarpSender({ logger: logger().logger, native: null, bin: f.bin });
  g.burst([vip('198.18.0.100')], MAX_CONCURRENT + 5);
  await until(() => g.pending.running === MAX_CONCURRENT, 5000, 'the first processes');
  g.stop();
  t.is(g.pending.queued, 0);
  await until(() => g.pending.running === 0, 5000, 'processes ended');
  g.burst([vip('198.18.0.100')], 1);
  t.is(g.pending.queued, 0, 'no new work after stop');
});
