// Rise/fall hysteresis (keepalived.md §4.2): sequences of results -> status after each, and whether it changed.
import test from 'ava';
import { applyTrackerResult, initialTrackerCounter, type TrackerCounter } from '../../src/vrrp/tracker-state.js';

// results: 1 = success, 0 = failure; statuses: 'U' unknown(null), 'O' OK, 'F' failed; changes: '*' changed, '.' not
const rows: { name: string; rise: number; fall: number; initFail?: boolean; results: string; statuses: string; changes: string }[] = [
  { name: 'first success decides immediately (rise 3)', rise: 3, fall: 2, results: '1', statuses: 'O', changes: '*' },
  { name: 'first failure decides immediately (fall 3)', rise: 2, fall: 3, results: '0', statuses: 'F', changes: '*' },
  { name: 'fall 3: three consecutive failures from OK', rise: 1, fall: 3, results: '1000', statuses: 'OOOF', changes: '*..*' },
  { name: 'fall 3: a success in between resets the count', rise: 1, fall: 3, results: '1001000', statuses: 'OOOOOOF', changes: '*.....*' },
  { name: 'rise 3: three consecutive successes from failed', rise: 3, fall: 1, results: '0111', statuses: 'FFFO', changes: '*..*' },
  { name: 'rise 3: a failure in between starts over', rise: 3, fall: 1, results: '0110111', statuses: 'FFFFFFO', changes: '*.....*' },
  { name: 'rise 1 fall 1 follows every result', rise: 1, fall: 1, results: '101100', statuses: 'OFOOFF', changes: '***.*.' },
  { name: 'init_fail: starts failed, needs rise successes', rise: 2, fall: 2, initFail: true, results: '11', statuses: 'FO', changes: '.*' },
  { name: 'init_fail: a first failure is not a change', rise: 2, fall: 2, initFail: true, results: '011', statuses: 'FFO', changes: '..*' },
  { name: 'init_fail rise 1: first success flips', rise: 1, fall: 1, initFail: true, results: '1', statuses: 'O', changes: '*' },
  { name: 'OK stays OK on successes', rise: 2, fall: 2, results: '1111', statuses: 'OOOO', changes: '*...' },
  { name: 'failed stays failed on failures', rise: 2, fall: 2, results: '0000', statuses: 'FFFF', changes: '*...' },
];

const sym = (s: boolean | null): string => (s === null ? 'U' : s ? 'O' : 'F');

for (const row of rows) {
  test(`tracker counter: ${row.name}`, (t) => {
    let c: TrackerCounter = initialTrackerCounter({ rise: row.rise, fall: row.fall, initFail: row.initFail });
    t.is(c.status, row.initFail ? false : null);
    let statuses = '';
    let changes = '';
    for (const r of row.results) {
      const s = applyTrackerResult(c, r === '1');
      c = s.counter;
      statuses += sym(c.status);
      changes += s.changed ? '*' : '.';
      t.true(c.value >= 0 && c.value <= c.rise + c.fall - 1, 'counter stays within 0..rise+fall-1');
      t.is(c.status, c.value >= c.rise, 'OK iff value >= rise once there is a result');
    }
    t.is(statuses, row.statuses);
    t.is(changes, row.changes);
  });
}

test('initial counter values match keepalived (rise-1, or 0 with init_fail)', (t) => {
  t.like(initialTrackerCounter({ rise: 3, fall: 2 }), { value: 2, init: true, status: null });
  t.like(initialTrackerCounter({ rise: 3, fall: 2, initFail: true }), { value: 0, init: false, status: false });
  t.like(initialTrackerCounter({ rise: 0, fall: 0 }), { rise: 1, fall: 1 }); // coerced to >= 1
});
