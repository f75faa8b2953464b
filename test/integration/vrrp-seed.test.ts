// Seed 002 with only its brace restored runs unchanged under `hapair vrrp` next to keepalived 2.2.7 running the same
// text: hapair becomes MASTER, keepalived accepts its adverts (v2, advert_int 2, auth PASS 1111) and stays BACKUP.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import type { VrrpStatus } from '../../src/vrrp/types.js';
import { requireRoot } from '../helpers/root.js';
import { fixture } from '../helpers/paths.js';
import { runCli } from '../helpers/proc.js';
import { instanceStatus, keepalivedSaid, startHapair, startKeepalived, vipHolders, waitHolders } from '../helpers/lab-vrrp.js';

const SEED = fixture('seeds', 'seed002-keepalived-brace-restored.conf');
const SEED_VIP = '192.168.66.10';
const VIP = '198.18.0.100';

test.serial('seed 002 (brace restored) runs unchanged: hapair MASTER, keepalived with the same text stays BACKUP, then takes over on stop', async (t) => {
  if (!requireRoot(t)) return;
  // Interface eth0 is the lab's; the only rewrite is the VIP, because tests may only use 198.18.0.0/15 (DEVELOPERS.md).
  const text = fs.readFileSync(SEED, 'utf8');
  t.is(text.split(SEED_VIP).length, 2, 'the seed names its VIP once');
  const conf = text.replace(SEED_VIP, VIP);
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });

  // Alone, hapair waits one master-down interval (3 x 2 s + 0.61 s) in BACKUP, then takes the VIP.
  const h = startHapair(lab, a, conf);
  t.like(await h.daemon.waitFor((l) => l.event === 'transition', 5000, 'first transition'), { instance: 'HAProxy_HA', from: 'INIT', to: 'BACKUP' });
  await waitHolders(lab, [h], VIP, ['a'], 12_000);
  const st = await instanceStatus(h, 'HAProxy_HA');
  t.like(st, { state: 'MASTER', vrid: 80, version: 2, basePriority: 100, nopreempt: true, vips: [`${VIP}/24`], vipsInstalled: true });
  // killall -0 haproxy (weight 21) sees every namespace's processes: 100 or 121 depending on the host, never else.
  t.true(st.effectivePriority === 100 || st.effectivePriority === 121, `effective priority ${st.effectivePriority}`);
  t.like(st.trackers.find((x) => x.name === 'check_haproxy'), { kind: 'script', weight: 21 });
  const txt = await runCli(['status', '--run-dir', path.join(h.dir, 'run'), '--proxy-socket', path.join(h.dir, 'none.sock')]);
  t.regex(txt.stdout, /HAProxy_HA\s+MASTER/);
  t.regex(txt.stdout, /script check_haproxy: /);

  // keepalived with the same text: accepts hapair's PASS-authenticated v2 adverts, so it never leaves BACKUP (a
  // rejected advert would make it MASTER after its own 6.61 s down interval: two VIP holders).
  const k = startKeepalived(lab, b, conf);
  await new Promise((r) => setTimeout(r, 8500));
  t.deepEqual(await vipHolders(lab, [h, k], VIP), ['a']);
  t.true(keepalivedSaid(k, 'Entering BACKUP STATE'), k.daemon.stderr.slice(-2000));
  t.false(keepalivedSaid(k, 'Entering MASTER STATE'));
  t.false(keepalivedSaid(k, 'invalid passwd'));
  const json = JSON.parse((await runCli(['status', '--run-dir', path.join(h.dir, 'run'), '--json'])).stdout) as { vrrp: VrrpStatus };
  const counters = json.vrrp.instances[0]!.counters;
  t.true(counters.tx >= 4, `tx ${counters.tx}`);
  t.deepEqual(counters.rejected, {});

  // Graceful stop: priority 0, keepalived (nopreempt is about BACKUP accepting adverts) takes over within its skew.
  t.deepEqual(await h.daemon.stop(), { code: 0, signal: null });
  await waitHolders(lab, [h, k], VIP, ['b'], 3000);
  await k.daemon.stop();
});
