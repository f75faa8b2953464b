// Effective priority arithmetic (keepalived.md §4.3): weights, reverse, no result yet, clamping, owner, FAULT trackers.
import test from 'ava';
import { clampPriority, computePriority, trackerContribution, trackerFaults, type TrackerView } from '../../src/vrrp/priority.js';

// [weight, reverse, ok, contribution, faults]
const single: [number, boolean, boolean | null, number, boolean][] = [
  [10, false, true, 10, false], // weight > 0 adds while OK
  [10, false, false, 0, false],
  [10, false, null, 0, false], // no result yet contributes nothing
  [-20, false, true, 0, false],
  [-20, false, false, -20, false], // weight < 0 subtracts while failed
  [-20, false, null, 0, false],
  [10, true, true, -10, false], // reverse: weight > 0 subtracts while OK
  [10, true, false, 0, false],
  [-20, true, true, 0, false],
  [-20, true, false, 20, false], // reverse: weight < 0 adds |w| while failed
  [0, false, true, 0, false],
  [0, false, false, 0, true], // weight 0: failure means FAULT
  [0, false, null, 0, false],
  [0, true, true, 0, true], // weight 0 reverse: FAULT while the script succeeds
  [0, true, false, 0, false],
];
for (const [weight, reverse, ok, contribution, faults] of single) {
  test(`tracker weight ${weight}${reverse ? ' reverse' : ''} ok=${ok}: contributes ${contribution}${faults ? ', FAULT' : ''}`, (t) => {
    t.is(trackerContribution({ weight, reverse, ok }), contribution);
    t.is(trackerFaults({ weight, reverse, ok }), faults);
  });
}

const tv = (source: string, weight: number, ok: boolean | null, reverse = false): TrackerView => ({ source, weight, reverse, ok });

const totals: { name: string; base: number; trackers: TrackerView[]; effective: number; total: number; faults: string[] }[] = [
  { name: 'capture config: base 100 + weight 21 OK = 121', base: 100, trackers: [tv('script:chk', 21, true)], effective: 121, total: 121, faults: [] },
  { name: 'nopreempt trap: 150 - 60 = 90', base: 150, trackers: [tv('script:chk', -60, false)], effective: 90, total: 90, faults: [] },
  { name: 'sum of several', base: 100, trackers: [tv('script:a', 10, true), tv('script:b', -30, false), tv('interface:eth1', 5, true)], effective: 85, total: 85, faults: [] },
  { name: 'clamped to 254 (never becomes owner)', base: 250, trackers: [tv('script:a', 50, true)], effective: 254, total: 300, faults: [] },
  { name: 'clamped to 1', base: 10, trackers: [tv('script:a', -100, false)], effective: 1, total: -90, faults: [] },
  { name: 'owner 255 never changes', base: 255, trackers: [tv('script:a', -100, false)], effective: 255, total: 155, faults: [] },
  { name: 'weight-0 failure listed as fault, priority unchanged', base: 100, trackers: [tv('script:a', 0, false), tv('interface:eth0', 0, true)], effective: 100, total: 100, faults: ['script:a'] },
  { name: 'no results yet', base: 100, trackers: [tv('script:a', 50, null), tv('script:b', 0, null)], effective: 100, total: 100, faults: [] },
];
for (const row of totals) {
  test(`computePriority: ${row.name}`, (t) => {
    const r = computePriority(row.base, row.trackers);
    t.is(r.effective, row.effective);
    t.is(r.total, row.total);
    t.deepEqual(r.faults, row.faults);
    t.is(r.contributions.size, row.trackers.length);
  });
}

test('clampPriority', (t) => {
  t.is(clampPriority(0), 1);
  t.is(clampPriority(255), 254);
  t.is(clampPriority(100), 100);
});
