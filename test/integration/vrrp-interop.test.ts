// Issue-2 interop matrix: hapair + hapair and hapair + keepalived 2.2.7 in both priority orders, multicast and unicast
// (v2 at 1 s, v3 at 0.5 s, one cell with auth PASS): full failover timeline; nopreempt and preempt_delay vs keepalived.
import test from 'ava';
import fs from 'node:fs';
import { requireRoot } from '../helpers/root.js';
import { VIP, conf, pairLab } from '../helpers/lab-timeline.js';
import { failoverMatrix, type MatrixCell } from '../helpers/vrrp-matrix.js';
import { instanceStatus, keepalivedSaid, startHapair, startKeepalived, vipHolders, waitHolders } from '../helpers/lab-vrrp.js';

const V3 = { version: 3, advertInt: 0.5 } as const;
const CELLS: [string, MatrixCell][] = [
  ['hapair (high) + keepalived (low), multicast, v2 advert_int 1', { high: 'hapair', low: 'keepalived', unicast: false }],
  ['keepalived (high) + hapair (low), unicast with auth PASS, v2 advert_int 1', { high: 'keepalived', low: 'hapair', unicast: true, authPass: 'secret12' }],
  ['hapair + hapair, unicast, v2 advert_int 1', { high: 'hapair', low: 'hapair', unicast: true }],
  ['hapair + hapair, multicast, v3 advert_int 0.5', { high: 'hapair', low: 'hapair', unicast: false, ...V3 }],
  ['hapair (high) + keepalived (low), unicast, v3 advert_int 0.5', { high: 'hapair', low: 'keepalived', unicast: true, ...V3 }],
  ['keepalived (high) + hapair (low), multicast, v3 advert_int 0.5', { high: 'keepalived', low: 'hapair', unicast: false, ...V3 }],
];

for (const [title, cell] of CELLS) {
  test.serial(title, async (t) => {
    if (!requireRoot(t)) return;
    await failoverMatrix(t, cell);
  });
}

test.serial('hapair (high, nopreempt) + keepalived (low): the VIP moves on FAULT and stays with keepalived after recovery', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa, fb } = await pairLab(t);
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

test.serial('keepalived (low) master + hapair (high, preempt_delay 2): hapair preempts only after the delay, keepalived yields', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa, fb } = await pairLab(t);
  const v3 = { unicast: false, version: 3 as const, advertInt: 0.2 };
  const lo = startKeepalived(lab, b, conf(b, a, 100, fb, v3), fb.dir);
  await waitHolders(lab, [lo], VIP, ['b'], 6000);
  const hi = startHapair(lab, a, conf(a, b, 150, fa, { ...v3, preemptDelay: 2 }), fa.dir);
  const took = await waitHolders(lab, [hi, lo], VIP, ['a'], 8000);
  // keepalived.md §3.1: ~preempt_delay + up to one master-down interval (0.72 s here); without the delay ~0.7 s.
  t.true(took >= 1900 && took < 5000, `takeover after ${took} ms`);
  t.is((await instanceStatus(hi)).lastReason, 'preempt');
  t.true(keepalivedSaid(lo, 'with higher priority 150'), 'keepalived yielded to the higher-priority advert');
  await hi.daemon.stop();
  await lo.daemon.stop();
});
