// The shared process-group runner with real processes: exit status, output capture, deadlines that kill the whole
// group (SIGTERM then SIGKILL, or SIGKILL at once), stragglers that ignore SIGTERM, abort, spawn errors, env.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { pidAlive, runInGroup } from '../../src/core/proc-group.js';
import { runScript } from '../../src/notify/script-run.js';
import { tmpDir } from '../helpers/paths.js';

/** Running (a zombie waiting for a reaper counts as dead: it was killed, nobody collected it yet). */
function alive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z/.test(fs.readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

async function until(pred: () => boolean, ms: number): Promise<boolean> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (pred()) return true;
    await new Promise((r) => setTimeout(r, 25));
  }
  return pred();
}

const sh = (body: string) => ['/bin/sh', '-c', body];

test('exit code, stdout kept up to its bound, stderr tail', async (t) => {
  const r = await runInGroup(sh('echo hello; printf "%0500d" 0 >&2; echo end >&2; exit 3'), { timeoutMs: 5000, killGraceMs: 0, stdoutMax: 3, stderrTail: 6 });
  t.like(r, { exitCode: 3, signal: null, timedOut: false, stdout: 'hel', stderr: '00end\n' });
  t.is(r.spawnError, undefined);
  const quiet = await runInGroup(sh('echo ignored'), { timeoutMs: 5000, killGraceMs: 0 });
  t.like(quiet, { exitCode: 0, stdout: '', stderr: '' });
});

test('deadline: SIGTERM to the whole group, SIGKILL after the grace for what ignores it', async (t) => {
  const dir = tmpDir('hapair-pg-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const pidFile = path.join(dir, 'child');
  const r = await runInGroup(sh(`sleep 60 & echo $! > ${pidFile}; trap '' TERM; while :; do sleep 0.05; done`), { timeoutMs: 300, killGraceMs: 300 });
  t.true(r.timedOut);
  t.is(r.signal, 'SIGKILL', 'the leader ignored SIGTERM');
  t.true(r.durationMs >= 550 && r.durationMs < 5000, String(r.durationMs));
  const child = Number(fs.readFileSync(pidFile, 'utf8'));
  t.true(await until(() => !alive(child), 2000), 'the background child of the group is gone too');
});

test('killGraceMs 0: SIGKILL at once; abort terminates now', async (t) => {
  const hard = await runInGroup(sh("trap '' TERM; sleep 5"), { timeoutMs: 200, killGraceMs: 0 });
  t.like(hard, { timedOut: true, signal: 'SIGKILL' });
  t.true(hard.durationMs < 3000);
  const ac = new AbortController();
  setTimeout(() => ac.abort(), 100);
  const aborted = await runInGroup(sh('sleep 5'), { timeoutMs: 60_000, killGraceMs: 1000, signal: ac.signal });
  t.like(aborted, { timedOut: true, signal: 'SIGTERM' });
  t.true(aborted.durationMs < 3000);
});

test('a group member that ignores SIGTERM is SIGKILLed after the grace even when the leader already exited', async (t) => {
  const dir = tmpDir('hapair-pg-');
  const started: number[] = [];
  t.teardown(() => {
    for (const pid of started) if (alive(pid)) process.kill(pid, 'SIGKILL'); // only when the test failed
    fs.rmSync(dir, { recursive: true, force: true });
  });
  for (const via of ['runInGroup', 'notify runScript'] as const) {
    const pidFile = path.join(dir, `straggler-${via.length}`);
    const argv = sh(`(trap '' TERM; exec sh -c 'trap "" TERM; echo $$ > ${pidFile}; while :; do sleep 0.05; done') & sleep 60`);
    const r = via === 'runInGroup'
      ? await runInGroup(argv, { timeoutMs: 300, killGraceMs: 300 })
      : await runScript(argv, { timeoutMs: 300, killGraceMs: 300 });
    t.true(r.timedOut, via);
    const straggler = Number(fs.readFileSync(pidFile, 'utf8'));
    started.push(straggler);
    t.true(alive(straggler), `${via}: the straggler survived SIGTERM`);
    t.true(await until(() => !alive(straggler), 3000), `${via}: the straggler was SIGKILLed after the grace`);
  }
});

test('spawn errors and a replaced environment', async (t) => {
  const missing = await runInGroup(['/nonexistent/prog'], { timeoutMs: 1000, killGraceMs: 0 });
  t.is(missing.spawnError?.code, 'ENOENT');
  t.is(missing.exitCode, null);
  t.like(await runInGroup([], { timeoutMs: 1000, killGraceMs: 0 }), { spawnError: { message: 'empty command' } });
  const env = await runInGroup(['/usr/bin/env'], { timeoutMs: 5000, killGraceMs: 0, env: { ONLY: 'this' }, stdoutMax: 1000 });
  t.is(env.stdout, 'ONLY=this\n');
});

test('pidAlive: ourselves yes, a reaped child no, pid 1 (another user\'s or ours) yes', async (t) => {
  t.true(pidAlive(process.pid));
  t.true(pidAlive(1));
  const r = await runInGroup(sh('echo $$'), { timeoutMs: 5000, killGraceMs: 0, stdoutMax: 20 });
  t.false(pidAlive(Number(r.stdout.trim())));
});
