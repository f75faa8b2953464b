// hapair + hapair on VRRPv3 with short intervals: nopreempt holds, SIGKILL restart cleans the stale VIP, preempt_delay.
import test from 'ava';
import fs from 'node:fs';
import { requireRoot } from '../helpers/root.js';
import { instanceStatus, restart, startHapair, vipHolders, waitHolders } from '../helpers/lab-vrrp.js';
import { VIP, conf, pairLab, notifyLines } from '../helpers/lab-timeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

test.serial('v3 0.2 s multicast: nopreempt keeps the VIP where it is; a SIGKILLed master restarts as BACKUP without its stale VIP', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa, fb } = await pairLab(t);
  const v3 = { unicast: false, version: 3 as const, advertInt: 0.2 };
  // a first: with nopreempt whoever is MASTER first keeps the VIP, so the start order decides.
  const hi = startHapair(lab, a, conf(a, b, 150, fa, { ...v3, nopreempt: true, state: 'BACKUP' }), fa.dir);
  await waitHolders(lab, [hi], VIP, ['a'], 5000);
  let lo = startHapair(lab, b, conf(b, a, 100, fb, v3), fb.dir);
  const nodes = () => [hi, lo];
  await lo.daemon.waitFor((l) => l.event === 'transition' && l.to === 'BACKUP', 5000);
  await waitHolders(lab, nodes(), VIP, ['a'], 5000);

  // Weight-0 health failure on a: FAULT, b takes over within ~interval + skew.
  fs.unlinkSync(fa.flag);
  await waitHolders(lab, nodes(), VIP, ['b'], 4000);
  t.is((await instanceStatus(hi)).state, 'FAULT');
  t.is((await instanceStatus(hi)).lastReason, 'tracker-fault');
  // a recovers; with nopreempt it must NOT take the VIP back, for many master-down intervals (0.72 s each).
  fs.writeFileSync(fa.flag, '');
  await sleep(3500);
  t.deepEqual(await vipHolders(lab, nodes(), VIP), ['b'], 'nopreempt: recovered node stays BACKUP');
  const sa = await instanceStatus(hi);
  t.is(sa.state, 'BACKUP');
  t.deepEqual(sa.masterSeen, { ip: '198.18.0.12', priority: 100 });

  // SIGKILL b (the master): its VIP stays behind, a takes over; b restarts, removes the stale VIP, stays BACKUP.
  await lo.daemon.stop('SIGKILL');
  await waitHolders(lab, nodes(), VIP, ['a', 'b'], 3000);
  lo = restart(lab, lo);
  await lo.daemon.waitFor((l) => l.event === 'stale-vips-removed', 5000, 'stale VIP removal');
  await waitHolders(lab, nodes(), VIP, ['a'], 3000);
  await sleep(1500);
  t.is((await instanceStatus(lo)).state, 'BACKUP');
  t.false(lo.daemon.lines.some((l) => l.event === 'transition' && l.to === 'MASTER'), 'restarted node never became MASTER');

  await lo.daemon.stop();
  await hi.daemon.stop();
  await sleep(200);
  t.deepEqual(notifyLines(fa), ['BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER', 'STOP'].map((s) => `INSTANCE VI_1 ${s} 150`));
  t.deepEqual(notifyLines(fb), ['BACKUP', 'MASTER', 'BACKUP', 'STOP'].map((s) => `INSTANCE VI_1 ${s} 100`));
});

test.serial('v3 0.2 s unicast: preempt_delay postpones the takeover of a higher-priority node; graceful stop hands over within skew', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa, fb } = await pairLab(t);
  const v3 = { unicast: true, version: 3 as const, advertInt: 0.2 };
  const lo = startHapair(lab, b, conf(b, a, 100, fb, v3), fb.dir);
  await waitHolders(lab, [lo], VIP, ['b'], 4000);
  const hi = startHapair(lab, a, conf(a, b, 150, fa, { ...v3, preemptDelay: 2 }), fa.dir);
  const took = await waitHolders(lab, [hi, lo], VIP, ['a'], 6000);
  // Without preempt_delay a would take over after ~0.7 s; with it, after 2 s + up to one down interval.
  t.true(took >= 1900 && took < 4500, `takeover after ${took} ms`);
  const st = await instanceStatus(hi);
  t.is(st.lastReason, 'preempt');

  await hi.daemon.stop('SIGTERM');
  const handover = await waitHolders(lab, [hi, lo], VIP, ['b'], 3000);
  // v3 skew for priority 100 at 0.2 s: 156 * 200 / 256 = 122 ms.
  t.true(handover < 1000, `handover after graceful stop in ${handover} ms`);
  t.true((await instanceStatus(lo)).counters.priorityZeroRx >= 1);
  await lo.daemon.stop();
});
