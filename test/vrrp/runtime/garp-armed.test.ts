// Armed GARP helpers (garp-armed.ts): while BACKUP one idle `xargs … arping` per VIP waits on its stdin, so the first
// GARP of a takeover is a pipe write. arping runs only when fired, with the same argv as a spawned GARP; the rest of
// a burst is queued as before; failures still count and log; stop() ends idle helpers. Stand-in arping script.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../../src/core/logger.js';
import { GarpSender } from '../../../src/vrrp/garp.js';
import { ArmedGarps, armedArgv } from '../../../src/vrrp/garp-armed.js';
import type { ResolvedVip } from '../../../src/vrrp/vip.js';
import { tmpDir } from '../../helpers/paths.js';

const vip = (address: string): ResolvedVip => ({ address, prefix: 24, dev: 'eth0', noTrack: false });

/** A fake arping logging "start PID ARGS"; exits with the code in $dir/exit (default 0). */
function fakeArping(): { bin: string; log: string; setExit: (code: number) => void } {
  const dir = tmpDir('hapair-garp-armed-');
  const log = path.join(dir, 'log');
  const bin = path.join(dir, 'arping');
  fs.writeFileSync(bin, `#!/bin/sh\necho "start $$ $*" >> ${log}\nexit $(cat ${dir}/exit 2>/dev/null || echo 0)\n`, { mode: 0o755 });
  return { bin, log, setExit: (code) => fs.writeFileSync(path.join(dir, 'exit'), String(code)) };
}

function logger(): { logger: ReturnType<typeof createLogger>; lines: Record<string, unknown>[] } {
  const lines: Record<string, unknown>[] = [];
  return { logger: createLogger({ name: 't', level: 'info', destination: { write: (s: string) => void lines.push(JSON.parse(s) as Record<string, unknown>) } }), lines };
}

const read = (f: string): string[] => (fs.existsSync(f) ? fs.readFileSync(f, 'utf8').trim().split('\n').filter(Boolean) : []);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  for (let i = 0; i < ms / 20 && !cond(); i++) await sleep(20);
  if (!cond()) throw new Error(`timed out waiting for ${what}`);
}
const alive = (pid: number | undefined): boolean => {
  try {
    process.kill(pid!, 0);
    return true;
  } catch {
    return false;
  }
};

test('armedArgv: xargs runs arping with the argv of a spawned GARP, the address from stdin as one argument', (t) => {
  t.deepEqual(armedArgv('arping', 'eth0'), ['-r', '-n', '1', '--', 'arping', '-U', '-q', '-c', '1', '-I', 'eth0']);
});

test('prepare() arms one idle helper per VIP that runs nothing; burst() fires the first GARP of each VIP through it', async (t) => {
  const f = fakeArping();
  const g = new GarpSender({ logger: logger().logger, native: null, bin: f.bin });
  t.teardown(() => g.stop());
  const vips = [vip('198.18.0.100'), vip('198.18.0.101')];
  g.prepare(vips);
  g.prepare(vips);
  t.is(g.armedCount, 2, 'one helper per VIP, not one per prepare()');
  await sleep(200);
  t.deepEqual(read(f.log), [], 'an armed helper sends nothing until fired');
  g.burst(vips, 3);
  t.deepEqual(g.pending, { queued: 4, running: 2 }, 'first GARP per VIP already handed to its helper, the rest queued');
  t.is(g.armedCount, 0, 'helpers are used once');
  await until(() => g.sent === 6, 5000, 'six GARPs');
  const starts = read(f.log);
  t.is(starts.length, 6);
  t.true(starts.every((l) => / -U -q -c 1 -I eth0 198\.18\.0\.10[01]$/.test(l)), starts.join('\n'));
});

test('a GARP through a helper whose arping fails is counted and logged once', async (t) => {
  const f = fakeArping();
  f.setExit(2);
  const { logger: log, lines } = logger();
  const g = new GarpSender({ logger: log, native: null, bin: f.bin });
  t.teardown(() => g.stop());
  g.prepare([vip('198.18.0.100')]);
  g.burst([vip('198.18.0.100')], 2);
  await until(() => g.failed === 2, 5000, 'two failures');
  t.is(g.sent, 0);
  t.is(lines.filter((l) => l.event === 'garp-error').length, 1);
});

test('stop() ends idle helpers by PID and arms none afterwards', async (t) => {
  const f = fakeArping();
  const armed = new ArmedGarps(f.bin);
  armed.arm([vip('198.18.0.100')]);
  t.is(armed.size, 1);
  // fire() hands over the helper; arm another, then stop: it must exit without running arping.
  const pids: (number | undefined)[] = [];
  const spare = new ArmedGarps(f.bin);
  spare.arm([vip('198.18.0.102')]);
  const helper = spare.fire(vip('198.18.0.102'));
  pids.push(helper?.pid);
  await until(() => read(f.log).length === 1, 5000, 'the fired GARP');
  armed.stop();
  t.is(armed.size, 0);
  armed.arm([vip('198.18.0.101')]);
  t.is(armed.size, 0, 'no helper after stop');
  await sleep(200);
  t.is(read(f.log).length, 1, 'the stopped helper ran no arping');
  t.false(alive(pids[0]), 'a fired helper exits after its GARP');
});

test('retain() ends (by PID) the idle helpers of VIPs a reload removed, keeps the others, runs no arping', async (t) => {
  const f = fakeArping();
  const g = new GarpSender({ logger: logger().logger, native: null, bin: f.bin });
  t.teardown(() => g.stop());
  const kept = vip('198.18.0.100');
  const gone = vip('198.18.0.101');
  g.prepare([kept, gone]);
  t.is(g.armedCount, 2);
  g.retain([kept]);
  t.is(g.armedCount, 1);
  g.burst([gone], 1);
  t.deepEqual(g.pending, { queued: 1, running: 0 }, 'the removed VIP has no helper left: its GARP is spawned, not fired');
  g.burst([kept], 1);
  t.is(g.pending.running, 1, 'the kept VIP still fires through its helper');
  await until(() => g.sent === 2, 5000, 'two GARPs');
  await sleep(200);
  t.is(read(f.log).length, 2, 'the ended helper ran no arping');
});
