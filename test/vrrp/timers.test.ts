// Timer arithmetic: keepalived.md §2.2 worked values, v2 vs v3 skew, interval field conversions.
import test from 'ava';
import { masterDownIntervalMs, msFromV2Interval, msFromV3Interval, skewTimeMs, v2IntervalFromMs, v3IntervalFromMs } from '../../src/vrrp/timers.js';

// [version, priority, interval ms, down adverts, expected skew ms, expected down ms]
const rows: [2 | 3, number, number, number, number, number][] = [
  [2, 100, 1000, 3, 609.375, 3609.375], // keepalived.md: prio 100 -> 3.609 s
  [2, 150, 1000, 3, 414.062, 3414.062], // -> 3.414 s
  [2, 200, 1000, 3, 218.75, 3218.75], // -> 3.219 s
  [2, 254, 1000, 3, 7.812, 3007.812], // -> 3.008 s
  [2, 255, 1000, 3, 3.906, 3003.906],
  [2, 1, 1000, 3, 996.093, 3996.093],
  [2, 100, 2000, 3, 609.375, 6609.375], // v2 skew does not scale with the interval
  [2, 100, 1000, 5, 609.375, 5609.375], // down_timer_adverts 5
  [3, 100, 500, 3, 304.687, 1804.687], // keepalived.md: v3 0.5 s prio 100 -> 1.805 s (µs truncation as keepalived)
  [3, 100, 1000, 3, 609.375, 3609.375], // v3 at 1 s equals v2
  [3, 200, 100, 3, 21.875, 321.875],
  [3, 254, 40950, 3, 319.921, 123169.921],
  [3, 128, 10, 1, 5, 15],
];

for (const [v, p, adv, n, skew, down] of rows) {
  test(`v${v} prio ${p} interval ${adv} ms x${n}: skew ${skew} ms, down ${down} ms`, (t) => {
    t.is(skewTimeMs(v, p, adv), skew);
    t.is(masterDownIntervalMs(v, p, adv, n), down);
  });
}

test('down_timer_adverts defaults to 3', (t) => {
  t.is(masterDownIntervalMs(2, 100, 1000), 3609.375);
});

test('higher priority always times out first (RFC 5798 §6.1 skew ordering)', (t) => {
  for (const v of [2, 3] as const) {
    for (let p = 1; p < 255; p++) t.true(masterDownIntervalMs(v, p + 1, 1000) < masterDownIntervalMs(v, p, 1000), `v${v} p${p}`);
  }
});

const fields: [string, () => number, number][] = [
  ['v2 field 1 -> 1000 ms', () => msFromV2Interval(1), 1000],
  ['v2 field 255 -> 255 s', () => msFromV2Interval(255), 255_000],
  ['v3 field 100 -> 1000 ms', () => msFromV3Interval(100), 1000],
  ['v3 reserved bits masked', () => msFromV3Interval(0xf064), 1000],
  ['v3 field 4095 -> 40950 ms', () => msFromV3Interval(4095), 40_950],
  ['ms -> v2 rounds to the nearest second', () => v2IntervalFromMs(1500), 2],
  ['ms -> v2 at least 1', () => v2IntervalFromMs(100), 1],
  ['ms -> v2 at most 255', () => v2IntervalFromMs(999_000), 255],
  ['ms -> v3 rounds to 10 ms', () => v3IntervalFromMs(1234), 123],
  ['ms -> v3 at least 1 cs', () => v3IntervalFromMs(1), 1],
  ['ms -> v3 at most 4095 cs', () => v3IntervalFromMs(50_000), 4095],
];
for (const [name, fn, want] of fields) test(`interval field: ${name}`, (t) => t.is(fn(), want));
