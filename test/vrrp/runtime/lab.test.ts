// The namespace lab: isolation, connectivity over the bridge, link cut/restore, capture, guaranteed cleanup.
import test from 'ava';
import { spawn } from 'node:child_process';
import path from 'node:path';
import { Lab, Capture, exec, sweepStaleLabs, arpFrames, ipv4Of } from '../../../src/lab/index.js';
import { requireRoot } from '../../helpers/root.js';
import { outDir } from '../../helpers/paths.js';

async function nsList(): Promise<string[]> {
  const r = await exec(['ip', 'netns', 'list']);
  return r.stdout.split('\n').map((l) => l.trim().split(/\s+/)[0] ?? '').filter(Boolean);
}

async function ping(lab: Lab, from: string, to: string): Promise<boolean> {
  const r = await lab.exec(from, ['ping', '-c', '1', '-W', '1', to], { timeoutMs: 5000 });
  return r.code === 0;
}

test('nodes reach each other over the bridge; partition and carrier cuts isolate; capture sees the traffic', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  t.is(a.mac, '02:c6:12:00:00:0b');
  // Nothing of the lab exists in the root namespace.
  const rootLinks = await exec(['ip', '-o', 'link', 'show']);
  t.false(rootLinks.stdout.includes(a.port));
  const cap = await Capture.start(lab, { filter: ['icmp', 'or', 'arp'] });
  t.true(await ping(lab, 'a', '198.18.0.12'));
  const frames = await cap.stop();
  t.true(frames.some((f) => ipv4Of(f)?.[9] === 1), 'ICMP captured on the bridge');
  t.true(arpFrames(frames).some((x) => x.senderIp === '198.18.0.11' && x.targetIp === '198.18.0.12'));

  await lab.cutLink('a');
  t.false(await ping(lab, 'a', '198.18.0.12'));
  const link = await lab.execOk('a', ['ip', '-j', 'link', 'show', 'eth0']);
  t.true(link.includes('LOWER_UP'), 'partition keeps carrier');
  await lab.restoreLink('a');
  t.true(await ping(lab, 'a', '198.18.0.12'));

  await lab.cutLink('b', 'carrier');
  const linkB = await lab.execOk('b', ['ip', '-j', 'link', 'show', 'eth0']);
  t.true(linkB.includes('NO-CARRIER'), 'carrier cut is visible to the node');
  await lab.restoreLink('b');

  const names = lab.namespaces();
  await lab.teardown();
  const after = await nsList();
  t.deepEqual(names.filter((n) => after.includes(n)), []);
});

test('a lab is removed when its process is killed by SIGTERM or SIGHUP (terminal gone), and stale labs of dead PIDs are swept', async (t) => {
  if (!requireRoot(t)) return;
  for (const sig of ['SIGTERM', 'SIGHUP'] as const) {
    const child = spawn(process.execPath, [path.join(outDir, 'test/helpers/lab-child.js')], { stdio: ['ignore', 'pipe', 'pipe'] });
    const info = await new Promise<{ namespaces: string[] }>((resolve, reject) => {
      let out = '';
      const timer = setTimeout(() => reject(new Error('lab child did not start')), 15_000);
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        if (out.includes('\n')) {
          clearTimeout(timer);
          resolve(JSON.parse(out.split('\n')[0]!) as { namespaces: string[] });
        }
      });
    });
    t.true(info.namespaces.length === 2);
    t.true((await nsList()).includes(info.namespaces[0]!));
    child.kill(sig);
    const exit = await new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_c, s) => resolve(s)));
    t.is(exit, sig, 'dies of the signal itself');
    const after = await nsList();
    t.deepEqual(info.namespaces.filter((n) => after.includes(n)), [], `${sig}: namespaces removed`);
  }

  // A namespace named like a lab of a dead process (a PID that just exited) is swept.
  const dead = spawn('true');
  await new Promise((r) => dead.once('exit', r));
  const stale = `hpl${dead.pid}-abcdef-x`;
  await exec(['ip', 'netns', 'add', stale]);
  const removed = await sweepStaleLabs();
  t.true(removed.includes(stale));
  t.false((await nsList()).includes(stale));
});
