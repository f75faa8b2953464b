// vrrp_script runner with real processes: results, interval from start, timeout kills the whole group, no overlap.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { realClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { KILL_GRACE_MS, ScriptRunner, type ScriptResult } from '../../../src/vrrp/script-runner.js';
import { fakeClock } from '../../helpers/check-clock.js';
import { tmpDir } from '../../helpers/paths.js';

const deps = { clock: realClock, logger: silentLogger() };

/** Running (a killed process may linger as a zombie until its new parent reaps it: that is dead). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

function collect(spec: ConstructorParameters<typeof ScriptRunner>[0]): { runner: ScriptRunner; results: ScriptResult[]; next: () => Promise<ScriptResult> } {
  const results: ScriptResult[] = [];
  let waiter: ((r: ScriptResult) => void) | undefined;
  const runner = new ScriptRunner(spec, deps, (r) => {
    results.push(r);
    waiter?.(r);
    waiter = undefined;
  });
  const next = () =>
    new Promise<ScriptResult>((resolve, reject) => {
      const t = setTimeout(() => reject(new Error('no script result within 8 s')), 8000);
      waiter = (r) => {
        clearTimeout(t);
        resolve(r);
      };
    });
  return { runner, results, next };
}

const table: [string, string[], boolean, string][] = [
  ['exit 0 is success', ['/bin/true'], true, 'exit 0'],
  ['non-zero exit is failure', ['/bin/sh', '-c', 'exit 3'], false, 'exit 3'],
  ['death by signal is failure', ['/bin/sh', '-c', 'kill -TERM $$'], false, 'signal SIGTERM'],
  ['a missing program is failure', ['/nonexistent/check'], false, 'spawn error: ENOENT'],
];
for (const [title, argv, ok, text] of table) {
  test(`script result: ${title}`, async (t) => {
    const { runner, next } = collect({ name: 's', argv, intervalMs: 10_000, timeoutMs: 5000 });
    const p = next();
    runner.start();
    const r = await p;
    await runner.stop();
    t.is(r.ok, ok);
    t.is(r.text, text);
  });
}

test('argv is passed without a shell (metacharacters stay literal)', async (t) => {
  const dir = tmpDir();
  const out = path.join(dir, 'out');
  const { runner, next } = collect({ name: 's', argv: ['/bin/sh', '-c', 'printf "%s" "$1" > "$2"', 'x', '$(id) ; |', out], intervalMs: 10_000, timeoutMs: 5000 });
  const p = next();
  runner.start();
  t.true((await p).ok);
  await runner.stop();
  t.is(fs.readFileSync(out, 'utf8'), '$(id) ; |');
});

test('a timed-out script fails at the timeout and its whole process group is killed', async (t) => {
  const dir = tmpDir();
  const pidFile = path.join(dir, 'grandchild');
  // The script starts a grandchild that ignores nothing and would outlive a plain kill of the script.
  const argv = ['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`];
  const { runner, next } = collect({ name: 'slow', argv, intervalMs: 60_000, timeoutMs: 400 });
  const started = Date.now();
  const p = next();
  runner.start();
  const r = await p;
  t.false(r.ok);
  t.is(r.text, 'timeout');
  t.true(Date.now() - started < 3000);
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  await new Promise((res) => setTimeout(res, 300));
  t.false(alive(grandchild), 'grandchild killed with the group');
  await runner.stop();
});

test('runs every interval from the previous start and never overlaps a still-running run', async (t) => {
  const dir = tmpDir();
  const log = path.join(dir, 'runs');
  // Each run lasts 500 ms; the interval is 200 ms: overlapping starts must be skipped, not launched.
  const argv = ['/bin/sh', '-c', `echo start >> ${log}; sleep 0.5`];
  const { runner } = collect({ name: 'ovl', argv, intervalMs: 200, timeoutMs: 5000 });
  runner.start();
  await new Promise((res) => setTimeout(res, 1700));
  await runner.stop();
  const starts = fs.readFileSync(log, 'utf8').trim().split('\n').length;
  t.true(starts >= 2 && starts <= 4, `starts=${starts}`);
  t.true(runner.skipped >= 3, `skipped=${runner.skipped}`);

  const fast = path.join(dir, 'fast');
  const quick = collect({ name: 'q', argv: ['/bin/sh', '-c', `echo x >> ${fast}`], intervalMs: 150, timeoutMs: 1000 });
  quick.runner.start();
  await new Promise((res) => setTimeout(res, 1000));
  await quick.runner.stop();
  const n = fs.readFileSync(fast, 'utf8').trim().split('\n').length;
  t.true(n >= 5 && n <= 8, `runs in 1 s at 150 ms interval: ${n}`);
});

test('fake clock (runInGroup takes the runner\'s Clock): timeout reported at the virtual deadline, SIGTERM then SIGKILL 2 s later', async (t) => {
  const clock = fakeClock();
  const dir = tmpDir();
  const pidFile = path.join(dir, 'pid');
  // Ignores SIGTERM: only the SIGKILL follow-up, KILL_GRACE_MS of virtual time later, ends it.
  const argv = ['/bin/sh', '-c', `trap '' TERM; echo $$ > ${pidFile}; while :; do sleep 0.05; done`];
  const results: ScriptResult[] = [];
  const runner = new ScriptRunner({ name: 'hang', argv, intervalMs: 60_000, timeoutMs: 3000 }, { clock, logger: silentLogger() }, (r) => results.push(r));
  runner.start();
  for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
  const pid = Number(fs.readFileSync(pidFile, 'utf8'));
  clock.tick(2999);
  t.deepEqual(results, [], 'nothing before the deadline');
  clock.tick(1);
  t.like(results, [{ ok: false, text: 'timeout', durationMs: 3000 }]);
  await new Promise((r) => setTimeout(r, 200));
  t.true(alive(pid), 'SIGTERM ignored: still running');
  t.true(runner.running, 'no second run while it lives');
  clock.tick(KILL_GRACE_MS);
  for (let i = 0; i < 100 && alive(pid); i++) await new Promise((r) => setTimeout(r, 20));
  t.false(alive(pid), 'SIGKILLed after the grace');
  for (let i = 0; i < 100 && runner.running; i++) await new Promise((r) => setTimeout(r, 20));
  t.false(runner.running);
  await runner.stop();
  t.is(results.length, 1);
});

test('stop() terminates a running script\'s group and reports nothing more', async (t) => {
  const dir = tmpDir();
  const pidFile = path.join(dir, 'pid');
  const results: ScriptResult[] = [];
  const runner = new ScriptRunner({ name: 'long', argv: ['/bin/sh', '-c', `sleep 30 & echo $! > ${pidFile}; wait`], intervalMs: 60_000, timeoutMs: 60_000 }, deps, (r) => results.push(r));
  runner.start();
  for (let i = 0; i < 100 && !fs.existsSync(pidFile); i++) await new Promise((r) => setTimeout(r, 20));
  const grandchild = Number(fs.readFileSync(pidFile, 'utf8'));
  const t0 = Date.now();
  await runner.stop();
  t.true(Date.now() - t0 < KILL_GRACE_MS, 'SIGTERM was enough');
  await new Promise((r) => setTimeout(r, 100));
  t.false(alive(grandchild), 'the whole group is gone');
  t.deepEqual(results, []);
});
