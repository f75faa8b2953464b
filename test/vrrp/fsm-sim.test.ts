// Multi-node timing of the pure FSM in a deterministic simulation (1 ms latency): elections, preempt modes,
// the nopreempt+weight trap, priority-0 takeover, tie-break, partitions (keepalived.md §3, §9).
import test from 'ava';
import { VrrpSim } from '../helpers/vrrp-sim.js';
import { defaultFsmConfig, round3 } from '../helpers/vrrp-fsm.js';
import type { FsmConfig } from '../../src/vrrp/types.js';

const A = (over: Partial<FsmConfig> = {}): FsmConfig => defaultFsmConfig({ name: 'A', srcIp: '198.18.0.11', basePriority: 150, ...over });
const B = (over: Partial<FsmConfig> = {}): FsmConfig => defaultFsmConfig({ name: 'B', srcIp: '198.18.0.12', basePriority: 100, ...over });
const startAll = (sim: VrrpSim, at = 0): VrrpSim => sim.at(at, (s) => s.send('A', { type: 'start' })).at(at, (s) => s.send('B', { type: 'start' }));
const r = (n: number | undefined): number | undefined => (n === undefined ? undefined : round3(n));

test('election: higher priority wins after its own down interval; exactly one VIP holder', (t) => {
  const sim = startAll(new VrrpSim([A(), B()])).run(20_000);
  t.is(r(sim.enteredAt('A', 'MASTER')), 3414.062); // 3 s + (256-150)/256 s
  t.is(sim.enteredAt('B', 'MASTER'), undefined);
  t.deepEqual(sim.masters(), ['A']);
  t.deepEqual(sim.vipHolders(), ['A']);
  // A advertises every second from the moment it became master
  const aAdverts = sim.adverts.filter((a) => a.node === 'A').map((a) => r(a.at));
  t.deepEqual(aAdverts.slice(0, 3), [3414.062, 4414.062, 5414.062]);
});

test('nopreempt + weight trap (keepalived.md §3.3, §9.2): the degraded master keeps the VIP forever', (t) => {
  const sim = new VrrpSim([A({ nopreempt: true }), B({ nopreempt: true })]);
  sim.at(0, (s) => s.send('A', { type: 'start' })).at(5000, (s) => s.send('B', { type: 'start' }));
  sim.at(10_000, (s) => s.send('A', { type: 'priority', effectivePriority: 90 })); // weight -60 script fails
  sim.run(70_000);
  t.deepEqual(sim.masters(), ['A']);
  t.deepEqual(sim.vipHolders(), ['A']);
  t.is(sim.enteredAt('B', 'MASTER'), undefined);
  t.is(sim.fsm('B').masterPriority, 90);
  const after = sim.adverts.filter((a) => a.node === 'A' && a.at > 10_000);
  t.true(after.length >= 59 && after.every((a) => a.priority === 90), 'every advert after the change carries 90');
  t.is(r(after[0]?.at), 10_414.062, 'the new priority goes out with the next periodic advert, not immediately');
});

test('same weight change without nopreempt on the backup fails over ≈ one down interval after the last accepted advert', (t) => {
  const sim = new VrrpSim([A({ nopreempt: true }), B()]);
  sim.at(0, (s) => s.send('A', { type: 'start' })).at(5000, (s) => s.send('B', { type: 'start' }));
  sim.at(10_000, (s) => s.send('A', { type: 'priority', effectivePriority: 90 }));
  sim.at(40_000, (s) => s.send('A', { type: 'priority', effectivePriority: 150 })); // script recovers
  sim.run(60_000);
  // last advert B accepted left A at 9414.062 and arrived 1 ms later; + 3609.375
  t.is(r(sim.enteredAt('B', 'MASTER')), 13_024.437);
  t.is(r(sim.enteredAt('A', 'BACKUP', 10_000)), 13_025.437);
  // A (nopreempt, now BACKUP) does not take the VIP back when its script recovers: the intended sticky setup
  t.deepEqual(sim.masters(), ['B']);
  t.deepEqual(sim.vipHolders(), ['B']);
});

const preemptModes: { name: string; b: Partial<FsmConfig>; takeover: number | undefined }[] = [
  // B (150) joins at 5 s while A (100) is master. Preempt: B discards A from the start, its startup timer fires.
  { name: 'preempt: takeover when the startup down interval expires', b: { basePriority: 150 }, takeover: 8414.062 },
  // preempt_delay 10: adverts accepted for 10 s after the first (heard at 5610.375), then discarded;
  // the last accepted one arrived at 14610.375 -> + 3414.062 (keepalived.md §9.12: ≈ 10 s + up to 3.4 s)
  { name: 'preempt_delay 10 s: takeover ≈ 10 s + one down interval after first hearing the master', b: { basePriority: 150, preemptDelayMs: 10_000 }, takeover: 18_024.437 },
  { name: 'nopreempt: no takeover at all', b: { basePriority: 150, nopreempt: true }, takeover: undefined },
];
for (const row of preemptModes) {
  test(`preempt modes: ${row.name}`, (t) => {
    const sim = new VrrpSim([A({ basePriority: 100 }), B(row.b)]);
    sim.at(0, (s) => s.send('A', { type: 'start' })).at(5000, (s) => s.send('B', { type: 'start' }));
    sim.run(60_000);
    t.is(r(sim.enteredAt('A', 'MASTER')), 3609.375);
    t.is(r(sim.enteredAt('B', 'MASTER')), row.takeover);
    if (row.takeover !== undefined) t.is(r(sim.enteredAt('A', 'BACKUP', 4000)), round3(row.takeover + 1), 'A yields on B\'s first advert');
    t.deepEqual(sim.masters(), [row.takeover === undefined ? 'A' : 'B']);
  });
}

test('graceful stop: the backup takes over after its skew time (keepalived.md §9.6)', (t) => {
  const sim = startAll(new VrrpSim([A(), B()]));
  sim.at(20_000, (s) => s.send('A', { type: 'shutdown', reason: 'shutdown' }));
  sim.run(30_000);
  t.is(sim.state('A'), 'STOP');
  t.deepEqual(sim.adverts.filter((a) => a.node === 'A' && a.priority === 0).length, 1);
  t.is(r(sim.enteredAt('B', 'MASTER')), 20_610.375); // arrives at 20001 + (256-100)/256 s
  t.deepEqual(sim.vipHolders(), ['B']);
});

test('weight-0 fault on the master: FAULT, two priority-0 adverts, fast takeover; recovery preempts back', (t) => {
  const sim = startAll(new VrrpSim([A(), B()]));
  sim.at(20_000, (s) => s.send('A', { type: 'fault', source: 'script:chk', reason: 'tracker-fault' }));
  sim.at(30_000, (s) => s.send('A', { type: 'faultCleared', source: 'script:chk' }));
  sim.run(40_000);
  t.is(sim.adverts.filter((a) => a.node === 'A' && a.priority === 0).length, 2);
  t.is(r(sim.enteredAt('A', 'FAULT')), 20_000);
  t.is(r(sim.enteredAt('B', 'MASTER')), 20_610.375);
  t.is(r(sim.enteredAt('A', 'BACKUP', 30_000)), 30_000);
  t.is(r(sim.enteredAt('A', 'MASTER', 30_000)), 33_414.062); // discards B's 100 adverts, full down interval
  t.is(r(sim.enteredAt('B', 'BACKUP', 30_000)), 33_415.062);
  t.deepEqual(sim.masters(), ['A']);
});

test('equal priorities: both time out together, the lower address yields on the first advert (§9.8)', (t) => {
  const sim = startAll(new VrrpSim([A({ basePriority: 100 }), B({ basePriority: 100 })]));
  sim.run(10_000);
  t.is(r(sim.enteredAt('A', 'MASTER')), 3609.375);
  t.is(r(sim.enteredAt('B', 'MASTER')), 3609.375);
  t.is(r(sim.enteredAt('A', 'BACKUP', 1)), 3610.375);
  t.deepEqual(sim.masters(), ['B']); // 198.18.0.12 > 198.18.0.11
  t.deepEqual(sim.vipHolders(), ['B']);
});

test('partition: both become master, on healing exactly one remains (the higher priority)', (t) => {
  const sim = startAll(new VrrpSim([A(), B()]));
  sim.at(10_000, (s) => s.setLink('B', false)).at(20_000, (s) => s.setLink('B', true));
  sim.run(19_000);
  t.deepEqual(sim.masters().sort(), ['A', 'B']);
  sim.run(25_000);
  t.deepEqual(sim.masters(), ['A']);
  t.deepEqual(sim.vipHolders(), ['A']);
  const bBackup = sim.enteredAt('B', 'BACKUP', 20_000);
  t.true(bBackup !== undefined && bBackup <= 21_500, `B yields within about one advert interval (${bBackup})`);
});

test('owner (255, state MASTER) is master at once and a 100 backup never takes over', (t) => {
  const sim = startAll(new VrrpSim([A({ basePriority: 255, configuredState: 'MASTER' }), B()]));
  sim.run(20_000);
  t.is(sim.enteredAt('A', 'MASTER'), 0);
  t.is(sim.enteredAt('B', 'MASTER'), undefined);
});

test('VRRPv3 at 0.5 s: faster election and a skew scaled by the interval', (t) => {
  const sim = startAll(new VrrpSim([A({ version: 3, advertIntMs: 500 }), B({ version: 3, advertIntMs: 500 })]));
  sim.at(10_000, (s) => s.send('A', { type: 'shutdown', reason: 'shutdown' }));
  sim.run(15_000);
  t.is(r(sim.enteredAt('A', 'MASTER')), 1707.031); // 1500 + 106*50*625/16 µs
  t.is(r(sim.enteredAt('B', 'MASTER')), 10_305.687); // 10001 + 156*50*625/16 µs
});

test('VIP deleted on the master: it releases and re-takes mastership before the backup (§9.11)', (t) => {
  const sim = startAll(new VrrpSim([A(), B()]));
  sim.at(20_000, (s) => s.send('A', { type: 'vipMissing', address: '198.18.0.100' }));
  sim.run(30_000);
  t.is(r(sim.enteredAt('A', 'BACKUP', 20_000)), 20_000);
  t.is(r(sim.enteredAt('A', 'MASTER', 20_000)), 20_414.062); // own skew (150) beats B's (100)
  t.is(sim.enteredAt('B', 'MASTER'), undefined);
  t.deepEqual(sim.vipHolders(), ['A']);
  t.deepEqual(sim.vipChanges.filter(([at]) => at >= 20_000).map(([at, n, up]) => [r(at), n, up]), [
    [20_000, 'A', false],
    [20_414.062, 'A', true],
  ]);
});
