// Two nodes, hapair and keepalived 2.2.7 in both priority orders, multicast and unicast (+auth): full failover timeline.
import test from 'ava';
import fs from 'node:fs';
import { Lab } from '../../src/lab/index.js';
import { requireRoot } from '../helpers/root.js';
import { failoverTimeline, VIP, conf, nodeFiles } from '../helpers/lab-timeline.js';
import { instanceStatus, startHapair, startKeepalived, vipHolders, waitHolders } from '../helpers/lab-vrrp.js';

test.serial('hapair (high) + keepalived (low), multicast, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'hapair', low: 'keepalived', unicast: false });
});

test.serial('keepalived (high) + hapair (low), unicast with auth PASS, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'keepalived', low: 'hapair', unicast: true, authPass: 'secret12' });
});

test.serial('hapair + hapair, unicast, v2 advert_int 1', async (t) => {
  if (!requireRoot(t)) return;
  await failoverTimeline(t, { high: 'hapair', low: 'hapair', unicast: true });
});

test.serial('hapair (high, nopreempt) + keepalived (low): the VIP moves on FAULT and stays with keepalived after recovery', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  const fa = nodeFiles();
  const fb = nodeFiles();
  // a first: with nopreempt, whoever is MASTER first keeps the VIP, so the start order decides.
  const hi = startHapair(lab, a, conf(a, b, 150, fa, { unicast: false, nopreempt: true, state: 'BACKUP' }), fa.dir);
  await waitHolders(lab, [hi], VIP, ['a'], 10_000);
  const lo = startKeepalived(lab, b, conf(b, a, 100, fb, { unicast: false }), fb.dir);
  await new Promise((r) => setTimeout(r, 1500));
  t.deepEqual(await vipHolders(lab, [hi, lo], VIP), ['a']);
  fs.unlinkSync(fa.flag);
  await waitHolders(lab, [hi, lo], VIP, ['b'], 5000);
  fs.writeFileSync(fa.flag, '');
  await hi.daemon.waitFor((l) => l.event === 'transition' && l.from === 'FAULT' && l.to === 'BACKUP', 5000);
  // Longer than hapair's master-down interval (3.41 s): nopreempt must keep it BACKUP behind keepalived's 100.
  await new Promise((r) => setTimeout(r, 4500));
  t.deepEqual(await vipHolders(lab, [hi, lo], VIP), ['b']);
  const st = await instanceStatus(hi);
  t.is(st.state, 'BACKUP');
  t.deepEqual(st.masterSeen, { ip: '198.18.0.12', priority: 100 });
  await lo.daemon.stop();
  await waitHolders(lab, [hi, lo], VIP, ['a'], 3000);
  await hi.daemon.stop();
});
