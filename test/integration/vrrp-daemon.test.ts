// One hapair node: start-up errors (config, interface, privileges), VIP deleted behind its back, carrier loss,
// SIGHUP reload (kept state, VIP diff, broken config kept running, added/removed instances), SIGUSR1 dump,
// --dont-release-vips.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import type { VrrpStatus } from '../../src/vrrp/types.js';
import { requireRoot } from '../helpers/root.js';
import { Daemon, runCli, runCommand } from '../helpers/proc.js';
import { cliMain, tmpDir } from '../helpers/paths.js';
import { hasVip, instanceStatus, keepalivedConf, startHapair, status, waitUntil } from '../helpers/lab-vrrp.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('start-up refuses bad configs (file:line), missing interfaces and missing privileges, touching nothing', async (t) => {
  if (!requireRoot(t)) return;
  const dir = tmpDir();
  const bad = path.join(dir, 'bad.conf');
  fs.writeFileSync(bad, 'vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 300\n    priority 100\n}\n');
  const r1 = await runCli(['vrrp', '-f', bad, '--run-dir', path.join(dir, 'run')]);
  t.is(r1.code, 1);
  t.regex(r1.stderr, new RegExp(`${bad.replace(/[/.]/g, '\\$&')}:3: `));
  t.false(fs.existsSync(path.join(dir, 'run', 'vrrp.sock')), 'nothing started');

  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const noif = path.join(dir, 'noif.conf');
  fs.writeFileSync(noif, keepalivedConf({ routerId: 'x', iface: 'eth9', priority: 100, vips: ['198.18.0.100/24'] }));
  const r2 = await lab.exec('a', [process.execPath, cliMain, 'vrrp', '-f', noif, '--run-dir', path.join(dir, 'run2')]);
  t.is(r2.code, 1);
  t.regex(r2.stderr, /interface 'eth9' does not exist.*\[ENOIFACE\]/);

  // Unprivileged: the raw socket is opened before any address is touched, so this fails cleanly.
  const ok = path.join(dir, 'ok.conf');
  fs.writeFileSync(ok, keepalivedConf({ routerId: 'x', iface: 'eth0', priority: 100, vips: ['198.18.0.100/24'] }));
  fs.chmodSync(dir, 0o755);
  fs.chmodSync(ok, 0o644);
  const r3 = await runCommand('ip', ['netns', 'exec', lab.node('a').ns, 'setpriv', '--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, cliMain, 'vrrp', '-f', ok, '--run-dir', path.join(dir, 'run3')]);
  t.is(r3.code, 1);
  t.regex(r3.stderr, /CAP_NET_RAW.*\[ENOTROOT\]/);
});

test.serial('a VIP deleted behind the master\'s back and a lost carrier are noticed and repaired', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const n = startHapair(lab, a, keepalivedConf({ routerId: 'a', priority: 200, version: 3, advertInt: 0.2, vips: ['198.18.0.100/24'] }));
  await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 5000);
  await lab.execOk('a', ['ip', 'addr', 'del', '198.18.0.100/24', 'dev', 'eth0']);
  await n.daemon.waitFor((l) => l.event === 'transition' && l.from === 'MASTER' && l.to === 'BACKUP' && l.reason === 'vip-deleted', 4000);
  await waitUntil(() => hasVip(lab, a, '198.18.0.100'), 4000, 'VIP re-added');
  t.is((await instanceStatus(n)).state, 'MASTER');

  await lab.cutLink('a', 'carrier');
  const fault = await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'FAULT', 5000);
  t.like(fault, { from: 'MASTER', reason: 'interface-down' });
  t.false(await hasVip(lab, a, '198.18.0.100'));
  await lab.restoreLink('a');
  await n.daemon.waitFor((l) => l.event === 'transition' && l.from === 'FAULT' && l.to === 'BACKUP', 5000);
  await waitUntil(() => hasVip(lab, a, '198.18.0.100'), 4000, 'VIP back after carrier returns');
  await n.daemon.stop();
});

test.serial('SIGHUP reload keeps matched instances (by VRID, not name), diffs VIPs, survives a broken file; SIGUSR1 dumps state', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const base = { routerId: 'a', priority: 200, version: 3 as const, advertInt: 0.2 };
  const n = startHapair(lab, a, keepalivedConf({ ...base, vips: ['198.18.0.100/24', '198.18.0.101/24'] }));
  await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 5000);
  const transitions = () => n.daemon.lines.filter((l) => l.event === 'transition').length;
  const before = transitions();

  // Rename the instance, drop .101, add .102: same VRID/interface => same instance, still MASTER, no transition.
  const renamed = keepalivedConf({ ...base, vips: ['198.18.0.100/24', '198.18.0.102/24'] }).replace('vrrp_instance VI_1', 'vrrp_instance WEB');
  fs.writeFileSync(n.confFile, renamed);
  n.daemon.child.kill('SIGHUP');
  await n.daemon.waitFor((l) => l.event === 'reloaded', 5000);
  await waitUntil(async () => (await hasVip(lab, a, '198.18.0.102')) && !(await hasVip(lab, a, '198.18.0.101')), 4000, 'VIP diff applied');
  t.true(await hasVip(lab, a, '198.18.0.100'));
  const st = await instanceStatus(n, 'WEB');
  t.is(st.state, 'MASTER');
  t.is(transitions(), before, 'no transition for a kept instance');

  // A broken file: logged, the running config stays.
  fs.writeFileSync(n.confFile, 'vrrp_instance WEB {\n  priority nope\n');
  n.daemon.child.kill('SIGHUP');
  await n.daemon.waitFor((l) => l.event === 'reload-failed', 5000);
  t.is((await instanceStatus(n, 'WEB')).state, 'MASTER');

  // Add a second instance (VRID 52) and remove nothing: it starts from INIT; then SIGUSR1.
  const second = ['vrrp_instance VI_2 {', '    interface eth0', '    virtual_router_id 52', '    priority 200', '    version 3', '    advert_int 0.2', '    virtual_ipaddress {', '        198.18.0.110/24', '    }', '}', ''];
  const two = renamed + second.join('\n');
  fs.writeFileSync(n.confFile, two);
  n.daemon.child.kill('SIGHUP');
  await n.daemon.waitFor((l) => l.event === 'reloaded' && Array.isArray(l.added) && (l.added as string[]).includes('VI_2'), 5000);
  await waitUntil(() => hasVip(lab, a, '198.18.0.110'), 4000, 'new instance becomes MASTER');
  n.daemon.child.kill('SIGUSR1');
  const dumped = await n.daemon.waitFor((l) => l.event === 'state-dump', 4000);
  const dump = JSON.parse(fs.readFileSync(String(dumped.file), 'utf8')) as { status: VrrpStatus };
  t.deepEqual(dump.status.instances.map((i) => i.name).sort(), ['VI_2', 'WEB']);
  t.deepEqual((await status(n)).instances.map((i) => i.state), ['MASTER', 'MASTER']);
  await sleep(100);
  t.deepEqual(await n.daemon.stop(), { code: 0, signal: null });
  t.false(await hasVip(lab, a, '198.18.0.110'));
});

test.serial('--dont-release-vips (keepalived -V) leaves the VIP on stop; the next start removes it as stale; SIGTERM during start-up is a clean stop', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const dir = tmpDir('hapair-keepvips-');
  const conf = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(conf, keepalivedConf({ routerId: 'a', priority: 200, version: 3, advertInt: 0.2, vips: ['198.18.0.100/24'] }));
  const run = (...extra: string[]) => {
    const d = new Daemon('ip', ['netns', 'exec', a.ns, process.execPath, cliMain, 'vrrp', '-f', conf, '--run-dir', path.join(dir, 'run'), '--log-level', 'info', ...extra]);
    lab.track(d.child);
    return d;
  };
  const keep = run('--dont-release-vips');
  await keep.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 5000);
  t.deepEqual(await keep.stop(), { code: 0, signal: null });
  t.true(await hasVip(lab, a, '198.18.0.100'), 'VIP left in place');
  const next = run();
  await next.waitFor((l) => l.event === 'stale-vips-removed', 5000, 'stale VIP removal');
  t.like(await next.waitFor((l) => l.event === 'transition', 5000), { from: 'INIT', to: 'BACKUP' });
  // Stopped right after its first transition, usually still inside start-up: the stop must be deferred until the
  // daemon runs (clean exit 0), not SIGTERM's default action.
  t.deepEqual(await next.stop(), { code: 0, signal: null });
  t.true(next.lines.some((l) => l.event === 'stopped'));
  t.false(await hasVip(lab, a, '198.18.0.100'), 'nothing left behind');

  // An owner is MASTER with its VIP before start-up ends: a SIGTERM then must still send priority 0 and remove it.
  fs.writeFileSync(conf, keepalivedConf({ routerId: 'a', priority: 255, state: 'MASTER', version: 3, advertInt: 0.2, vips: ['198.18.0.100/24'] }));
  const owner = run();
  await owner.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 5000);
  t.deepEqual(await owner.stop(), { code: 0, signal: null });
  t.false(await hasVip(lab, a, '198.18.0.100'), 'owner released its VIP');
});
