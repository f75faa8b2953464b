// Trackers on a running hapair node: track_interface (unweighted -> FAULT, weighted -> priority), vrrp_script weights
// (positive and negative) in the effective priority, a vrrp_sync_group whose members go FAULT and MASTER together, and
// dont_track_primary (the instance's own interface going down is not a FAULT).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import type { InstanceStatus } from '../../src/vrrp/types.js';
import { requireRoot } from '../helpers/root.js';
import { tmpDir } from '../helpers/paths.js';
import { hasVip, startHapair, status, waitUntil } from '../helpers/lab-vrrp.js';

const V3 = ['version 3', 'advert_int 0.2'];
const block = (head: string, lines: readonly string[]) => [`${head} {`, ...lines.map((l) => `    ${l}`), '}'].join('\n');
const inst = (name: string, vrid: number, prio: number, vip: string, more: readonly string[] = [], iface = 'eth0') =>
  block(`vrrp_instance ${name}`, [`interface ${iface}`, `virtual_router_id ${vrid}`, `priority ${prio}`, ...V3, 'virtual_ipaddress {', `    ${vip}/24`, '}', ...more]);

test.serial('track_interface FAULTs its instance and the sync group follows; weighted trackers move the effective priority', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  // eth1: a veth pair that lives only inside a's namespace, the tracked "uplink".
  await lab.ip(a.ns, ['link', 'add', 'eth1', 'type', 'veth', 'peer', 'name', 'eth1p']);
  await lab.ip(a.ns, ['link', 'set', 'eth1', 'up']);
  await lab.ip(a.ns, ['link', 'set', 'eth1p', 'up']);
  await lab.ip(a.ns, ['addr', 'add', '198.18.1.11/24', 'dev', 'eth1']);
  const dir = tmpDir('hapair-trackers-');
  const up = path.join(dir, 'up-ok');
  const down = path.join(dir, 'down-ok');
  fs.writeFileSync(up, '');
  fs.writeFileSync(down, '');
  const conf = [
    block('global_defs', ['router_id a', 'enable_script_security', 'script_user root']),
    block('vrrp_script chk_plus', [`script "/usr/bin/test -e ${up}"`, 'interval 1', 'weight 10']),
    block('vrrp_script chk_minus', [`script "/usr/bin/test -e ${down}"`, 'interval 1', 'weight -30']),
    inst('VI_1', 51, 200, '198.18.0.100', ['track_interface {', '    eth1', '}']),
    inst('VI_2', 52, 200, '198.18.0.101'),
    block('vrrp_sync_group G', ['group {', '    VI_1', '    VI_2', '}']),
    inst('VI_3', 53, 100, '198.18.0.102', ['track_interface {', '    eth1 weight -25', '}', 'track_script {', '    chk_plus', '    chk_minus', '}']),
    inst('VI_4', 54, 100, '198.18.1.100', ['dont_track_primary'], 'eth1'),
    '',
  ].join('\n');
  const n = startHapair(lab, a, conf, dir);
  const get = async (name: string): Promise<InstanceStatus> => (await status(n)).instances.find((i) => i.name === name)!;
  const until = (what: string, pred: (s: Record<string, InstanceStatus>) => boolean) =>
    waitUntil(async () => {
      const s = await status(n).catch(() => undefined); // the control socket appears once the daemon runs
      return s !== undefined && pred(Object.fromEntries(s.instances.map((i) => [i.name, i])));
    }, 6000, what);
  const vips = async () => Promise.all(['198.18.0.100', '198.18.0.101', '198.18.0.102'].map((v) => hasVip(lab, a, v)));

  // Start: everyone MASTER; VI_3 = 100 + 10 (chk_plus ok) + 0 (chk_minus ok, negative weights count when failed).
  await until('all MASTER', (s) => ['VI_1', 'VI_2', 'VI_3', 'VI_4'].every((i) => s[i]?.state === 'MASTER'));
  t.deepEqual(await vips(), [true, true, true]);
  t.is((await get('VI_3')).effectivePriority, 110);

  // Script weights: positive one failing removes its bonus, negative one failing subtracts; state unchanged.
  fs.unlinkSync(up);
  await until('chk_plus failed: 100', (s) => s.VI_3?.effectivePriority === 100);
  fs.unlinkSync(down);
  await until('chk_minus failed: 70', (s) => s.VI_3?.effectivePriority === 70);
  fs.writeFileSync(up, '');
  fs.writeFileSync(down, '');
  await until('both ok again: 110', (s) => s.VI_3?.effectivePriority === 110);
  t.is((await get('VI_3')).state, 'MASTER');

  // eth1 down: VI_1 FAULT (interface-down), VI_2 follows its group, both VIPs removed; VI_3 only loses 25.
  await lab.ip(a.ns, ['link', 'set', 'eth1', 'down']);
  const f1 = await n.daemon.waitFor((l) => l.event === 'transition' && l.instance === 'VI_1' && l.to === 'FAULT', 5000, 'VI_1 FAULT');
  t.like(f1, { from: 'MASTER', reason: 'interface-down' });
  const f2 = await n.daemon.waitFor((l) => l.event === 'transition' && l.instance === 'VI_2' && l.to === 'FAULT', 5000, 'VI_2 FAULT');
  t.like(f2, { from: 'MASTER', reason: 'sync-group' });
  await until('VI_3 at 85', (s) => s.VI_3?.effectivePriority === 85);
  await waitUntil(async () => (await vips()).join() === 'false,false,true', 3000, 'group VIPs removed');
  t.like(await get('VI_3'), { state: 'MASTER', effectivePriority: 85 });
  const tr = (await get('VI_1')).trackers.find((x) => x.kind === 'interface' && x.name === 'eth1');
  t.like(tr, { ok: false, weight: 0 });
  // VI_4 runs on eth1 itself but has dont_track_primary: still MASTER, never FAULT.
  t.is((await get('VI_4')).state, 'MASTER');
  t.false(n.daemon.lines.some((l) => l.event === 'transition' && l.instance === 'VI_4' && l.to === 'FAULT'), 'dont_track_primary: no FAULT');

  // eth1 up again: the group leaves FAULT and goes MASTER together; VI_3 back to 110.
  await lab.ip(a.ns, ['link', 'set', 'eth1', 'up']);
  await until('group MASTER again', (s) => s.VI_1?.state === 'MASTER' && s.VI_2?.state === 'MASTER' && s.VI_3?.effectivePriority === 110);
  t.deepEqual(await vips(), [true, true, true]);
  const masters = n.daemon.lines.filter((l) => l.event === 'transition' && l.to === 'MASTER' && l.from === 'BACKUP');
  const last = (name: string) => masters.filter((l) => l.instance === name).at(-1)!;
  // "MASTER only when every member wants MASTER": the two members enter MASTER within one event-loop burst.
  const at = (name: string) => new Date(last(name).time as string | number).getTime();
  t.true(Math.abs(at('VI_1') - at('VI_2')) < 100, `members became MASTER together (${at('VI_1')} vs ${at('VI_2')})`);
  t.deepEqual(await n.daemon.stop(), { code: 0, signal: null });
});
