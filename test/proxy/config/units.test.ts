// Time and size units with haproxy 2.6's rounding and limits (haproxy.md §1.3), table-driven.
import test from 'ava';
import { parseIntArg, parseSize, parseTime, type TimeUnit } from '../../../src/proxy/config/units.js';

const times: [string, TimeUnit, number][] = [
  ['0', 'ms', 0], ['1500', 'ms', 1500], ['10s', 'ms', 10_000], ['1m', 'ms', 60_000], ['2h', 'ms', 7_200_000],
  ['1d', 'ms', 86_400_000], ['250ms', 'ms', 250], ['1us', 'ms', 1], ['1500us', 'ms', 2], ['999us', 'ms', 1],
  ['30', 's', 30], ['30s', 's', 30], ['1500ms', 's', 2], ['2m', 's', 120], ['1ms', 's', 1], ['0s', 's', 0],
  ['2147483647', 'ms', 2147483647], ['24d', 'ms', 2_073_600_000],
];
for (const [text, unit, value] of times) {
  test(`time ${text} (${unit})`, (t) => {
    const r = parseTime(text, unit);
    t.true(r.ok);
    if (r.ok) t.is(r.value, value);
  });
}

const badTimes: [string, 'bad-time' | 'time-overflow'][] = [
  ['1.5s', 'bad-time'], ['abc', 'bad-time'], ['', 'bad-time'], ['10x', 'bad-time'], ['-5', 'bad-time'],
  ['2147483648', 'time-overflow'], ['25d', 'time-overflow'], ['99999999999999999999999s', 'time-overflow'],
];
for (const [text, code] of badTimes) {
  test(`time error ${JSON.stringify(text)} -> ${code}`, (t) => {
    const r = parseTime(text, 'ms');
    t.false(r.ok);
    if (!r.ok) t.is(r.code, code);
  });
}

test('time: rounding is always up, so 1us is 1ms and 1ms is 1s (no silent zero)', (t) => {
  t.deepEqual(parseTime('1us', 'ms'), { ok: true, value: 1 });
  t.deepEqual(parseTime('1ms', 's'), { ok: true, value: 1 });
  t.deepEqual(parseTime('0us', 's'), { ok: true, value: 0 });
});

test('time: junk after a valid unit is a warning in 2.6, the value is kept', (t) => {
  const r = parseTime('10sec', 'ms');
  t.true(r.ok);
  if (r.ok) {
    t.is(r.value, 10_000);
    t.regex(r.warning ?? '', /unexpected character 'e'/);
  }
});

const sizes: [string, number | undefined][] = [
  ['0', 0], ['16384', 16384], ['16k', 16384], ['16K', 16384], ['1m', 1048576], ['2g', 2147483648], ['4g', undefined],
  ['1.5k', undefined], ['k', undefined], ['10kb', undefined],
];
for (const [text, value] of sizes) {
  test(`size ${text}`, (t) => {
    const r = parseSize(text);
    if (value === undefined) t.false(r.ok);
    else t.deepEqual(r, { ok: true, value });
  });
}

test('integers: strict decimal within bounds', (t) => {
  t.deepEqual(parseIntArg('42', 0, 100), { ok: true, value: 42 });
  t.false(parseIntArg('42x', 0, 100).ok);
  t.false(parseIntArg('101', 0, 100).ok);
  t.false(parseIntArg(undefined, 0, 100).ok);
});
