// Notify scripts through createNotifier with real processes: order per instance, timeouts, process groups, users.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { createNotifier } from '../../src/notify/index.js';
import { parseIdFile, resolveIds } from '../../src/notify/users.js';
import { tmpDir } from '../helpers/paths.js';
import { cmd, config, event, group, instance, logSink, until } from './_build.js';

/** Writes an executable shell script into `dir` and returns its path. */
function script(dir: string, name: string, body: string): string {
  const p = path.join(dir, name);
  fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
  return p;
}

function lines(file: string): string[] {
  try {
    return fs.readFileSync(file, 'utf8').split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

test('scripts run in transition order per instance even when an early one is slow', async (t) => {
  const dir = tmpDir();
  const log = path.join(dir, 'log');
  // The first run sleeps, so keepalived's fire-and-forget model would record it last.
  const s = script(dir, 'n.sh', `[ "$1" = MASTER ] && [ ! -e ${dir}/slept ] && { touch ${dir}/slept; sleep 0.4; }\necho "$*" >> ${log}`);
  const g = script(dir, 'g.sh', `echo "generic $*" >> ${log}`);
  const cfg = config([instance('VI_1', { notify: { master: cmd(s, 'MASTER'), backup: cmd(s, 'BACKUP'), fault: cmd(s, 'FAULT'), generic: cmd(g) } })]);
  const { logger } = logSink();
  const n = createNotifier(cfg, { logger });
  n.transition(event('VI_1', 'INIT', 'MASTER', { effectivePriority: 100 }));
  n.transition(event('VI_1', 'MASTER', 'BACKUP', { effectivePriority: 90 }));
  n.transition(event('VI_1', 'BACKUP', 'FAULT', { effectivePriority: 0 }));
  await until(() => lines(log).length === 6, 8000, 'six script runs');
  t.deepEqual(lines(log), [
    'MASTER', 'generic INSTANCE VI_1 MASTER 100',
    'BACKUP', 'generic INSTANCE VI_1 BACKUP 90',
    'FAULT', 'generic INSTANCE VI_1 FAULT 0',
  ]);
  await n.close(2000);
});

test('instances have independent queues: a slow script for one does not delay another', async (t) => {
  const dir = tmpDir();
  const slow = script(dir, 'slow.sh', `sleep 1.5; echo slow >> ${dir}/log`);
  const fast = script(dir, 'fast.sh', `echo fast >> ${dir}/log`);
  const cfg = config([instance('A', { notify: { master: cmd(slow) } }), instance('B', { notify: { master: cmd(fast) } })]);
  const n = createNotifier(cfg, { logger: logSink().logger });
  n.transition(event('A', 'BACKUP', 'MASTER'));
  n.transition(event('B', 'BACKUP', 'MASTER'));
  await until(() => lines(`${dir}/log`).length >= 1, 3000, 'fast script');
  t.deepEqual(lines(`${dir}/log`), ['fast']);
  await n.close(5000);
  t.deepEqual(lines(`${dir}/log`), ['fast', 'slow']);
});

test('a hanging script is killed with its whole process group after the timeout; later scripts still run', async (t) => {
  const dir = tmpDir();
  const hang = script(dir, 'hang.sh', `sleep 60 & echo $! > ${dir}/child.pid\necho $$ > ${dir}/self.pid\nwait`);
  const after = script(dir, 'after.sh', `echo ran >> ${dir}/after`);
  const cfg = config([instance('VI_1', { notify: { master: cmd(hang), backup: cmd(after) } })]);
  const sink = logSink();
  const n = createNotifier(cfg, { logger: sink.logger, scriptTimeoutMs: 400 });
  const t0 = Date.now();
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  await until(() => lines(`${dir}/after`).length === 1, 6000, 'script after the hanging one');
  const elapsed = Date.now() - t0;
  t.true(elapsed >= 350, `later script waited for the earlier one (${elapsed} ms)`);
  t.true(elapsed < 5000, `hanging script did not block for long (${elapsed} ms)`);
  const childPid = Number(fs.readFileSync(`${dir}/child.pid`, 'utf8'));
  await until(() => !alive(childPid), 3000, 'background child of the hanging script killed');
  const line = sink.lines.find((l) => l.event === 'notify-script' && l.slot === 'master');
  t.is(line?.timedOut, true);
  await n.close(1000);
});

test('notify_stop gets a short budget and is SIGKILLed even if it ignores SIGTERM', async (t) => {
  const dir = tmpDir();
  const stop = script(dir, 'stop.sh', `trap '' TERM\necho started > ${dir}/stop\nsleep 30`);
  const cfg = config([instance('VI_1', { notify: { stop: cmd(stop) } })]);
  const sink = logSink();
  const n = createNotifier(cfg, { logger: sink.logger, stopScriptTimeoutMs: 300 });
  const t0 = Date.now();
  n.transition(event('VI_1', 'MASTER', 'STOP'));
  await n.close(5000);
  const elapsed = Date.now() - t0;
  t.true(elapsed < 2500, `close returned after the stop budget (${elapsed} ms)`);
  t.deepEqual(lines(`${dir}/stop`), ['started']);
  const line = sink.lines.find((l) => l.event === 'notify-script' && l.slot === 'stop');
  t.is(line?.signal, 'SIGKILL');
});

test('close() kills scripts still running at its deadline', async (t) => {
  const dir = tmpDir();
  const hang = script(dir, 'hang.sh', 'sleep 60');
  const cfg = config([instance('VI_1', { notify: { master: cmd(hang) } })]);
  const n = createNotifier(cfg, { logger: logSink().logger, scriptTimeoutMs: 60_000 });
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => n.pendingScripts === 1, 1000, 'script queued');
  const t0 = Date.now();
  await n.close(300);
  t.true(Date.now() - t0 < 3000);
  t.is(n.pendingScripts, 0);
});

test('a missing script is logged with ESCRIPT and does not stop the queue', async (t) => {
  const dir = tmpDir();
  const ok = script(dir, 'ok.sh', `echo ok >> ${dir}/log`);
  const cfg = config([instance('VI_1', { notify: { master: cmd(path.join(dir, 'missing.sh')), generic: cmd(ok) } })]);
  const sink = logSink();
  const n = createNotifier(cfg, { logger: sink.logger });
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await until(() => lines(`${dir}/log`).length === 1, 3000, 'generic script');
  const err = sink.lines.find((l) => l.event === 'notify-script' && l.code === 'ESCRIPT');
  t.is(err?.error, 'ENOENT');
  await n.close(1000);
});

test('arguments are passed without a shell (no word splitting or expansion)', async (t) => {
  const dir = tmpDir();
  const s = script(dir, 'argv.sh', `for a in "$@"; do echo "[$a]" >> ${dir}/log; done`);
  const cfg = config([instance('VI_1', { notify: { master: cmd(s, 'a b', '$HOME', '; rm -rf /') } })]);
  const n = createNotifier(cfg, { logger: logSink().logger });
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await n.close(3000);
  t.deepEqual(lines(`${dir}/log`), ['[a b]', '[$HOME]', '[; rm -rf /]']);
});

test('sync group: member notifies are skipped once the group notification covers them (keepalived)', async (t) => {
  const dir = tmpDir();
  const g = script(dir, 'g.sh', `echo "$*" >> ${dir}/log`);
  const cfg = config(
    [instance('VI_1', { syncGroup: 'G', notify: { generic: cmd(g) } }), instance('VI_2', { syncGroup: 'G', notify: { generic: cmd(g) } })],
    undefined,
    [group('G', ['VI_1', 'VI_2'], { generic: cmd(g) })],
  );
  const n = createNotifier(cfg, { logger: logSink().logger });
  // First notifications of members always run; afterwards a member reaching the group's state is covered.
  n.transition(event('VI_1', 'INIT', 'BACKUP'));
  n.transition(event('VI_2', 'INIT', 'BACKUP'));
  n.transition(event('G', 'INIT', 'BACKUP', { kind: 'GROUP' }));
  n.transition(event('G', 'BACKUP', 'MASTER', { kind: 'GROUP' }));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.transition(event('VI_2', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'MASTER', 'FAULT')); // differs from the group state: notified
  await n.close(3000);
  t.deepEqual(lines(`${dir}/log`).sort(), [
    'GROUP G BACKUP 0',
    'GROUP G MASTER 0',
    'INSTANCE VI_1 BACKUP 100',
    'INSTANCE VI_1 FAULT 100',
    'INSTANCE VI_2 BACKUP 100',
  ]);
});

test('script user: runs as the configured user (root only)', async (t) => {
  if (process.getuid?.() !== 0) {
    t.fail('needs root to switch users; run the suite as root');
    return;
  }
  const dir = tmpDir();
  fs.chmodSync(dir, 0o777);
  const s = script(dir, 'id.sh', `id -u > ${dir}/uid`);
  const cfg = config([instance('VI_1', { notify: { master: { ...cmd(s), user: 'nobody' } } })]);
  const n = createNotifier(cfg, { logger: logSink().logger });
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await n.close(3000);
  const nobody = resolveIds('nobody');
  t.is(typeof nobody, 'object');
  t.deepEqual(lines(`${dir}/uid`), [String((nobody as { uid: number }).uid)]);
});

test('unknown script user: not run, logged with ESCRIPT', async (t) => {
  const dir = tmpDir();
  const s = script(dir, 'x.sh', `echo ran > ${dir}/ran`);
  const cfg = config([instance('VI_1', { notify: { master: { ...cmd(s), user: 'no-such-user-hapair' } } })]);
  const sink = logSink();
  const n = createNotifier(cfg, { logger: sink.logger });
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  await n.close(2000);
  t.false(fs.existsSync(`${dir}/ran`));
  t.truthy(sink.lines.find((l) => l.code === 'ESCRIPT'));
});

test('parseIdFile / resolveIds tables', (t) => {
  const dir = tmpDir();
  fs.writeFileSync(`${dir}/passwd`, 'root:x:0:0:root:/root:/bin/sh\nsvc:x:1001:1002::/:/bin/false\nbroken\n# c\n');
  fs.writeFileSync(`${dir}/group`, 'root:x:0:\nops:x:2000:svc\n');
  const files = { passwd: `${dir}/passwd`, group: `${dir}/group` };
  t.deepEqual(parseIdFile('a:x:1:2:\nb:x:z:1\n').get('a'), [1, 2]);
  t.false(parseIdFile('b:x:z:1\n').has('b'));
  t.deepEqual(resolveIds('svc', undefined, files), { uid: 1001, gid: 1002 });
  t.deepEqual(resolveIds('svc', 'ops', files), { uid: 1001, gid: 2000 });
  t.deepEqual(resolveIds('1234', '55', files), { uid: 1234, gid: 55 });
  t.is(resolveIds('1234', undefined, files), "no primary group known for user '1234'");
  t.is(resolveIds('nope', undefined, files), "unknown user 'nope'");
  t.is(resolveIds('svc', 'nogroup-x', files), "unknown group 'nogroup-x'");
});
