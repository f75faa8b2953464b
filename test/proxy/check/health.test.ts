// Health counter, interval selection, first-round spreading, jitter and transition decisions (tables).
import test from 'ava';
import { decideTransition, jitter, selectInterval, spreadDelays, stepHealth, type OpDecision, type TransitionInput } from '../../../src/proxy/check/health.js';
import type { CheckStatusCode } from '../../../src/proxy/types.js';

test('an UP server (rise 2, fall 3) goes DOWN after exactly fall failures; a DOWN one needs rise successes', (t) => {
  const run = (start: number, seq: CheckStatusCode[]) => {
    const out: number[] = [];
    let h = start;
    for (const s of seq) out.push((h = stepHealth('check', h, 2, 3, s).health));
    return out;
  };
  t.deepEqual(run(4, ['L4CON', 'L4CON', 'L4CON']), [3, 2, 0]);
  t.deepEqual(run(0, ['L4OK', 'L4OK']), [1, 4]);
  // initial state: health = rise -> one failure marks it down, one success makes it fully up
  t.deepEqual(run(2, ['L7STS']), [0]);
  t.deepEqual(run(2, ['L7OK']), [4]);
  t.deepEqual(run(4, ['L4CON', 'L7OK']), [3, 4]);
  t.deepEqual(run(0, ['L4OK', 'L4CON', 'L4OK', 'L4OK']), [1, 0, 1, 4]);
});

test('failures count only while health > 0; neutral statuses never move the counter', (t) => {
  t.deepEqual(stepHealth('check', 0, 2, 3, 'L4CON'), { health: 0, changed: false, countedFailure: false });
  t.deepEqual(stepHealth('check', 3, 2, 3, 'L4CON'), { health: 2, changed: true, countedFailure: true });
  t.deepEqual(stepHealth('check', 3, 2, 3, 'CHECKED'), { health: 3, changed: false, countedFailure: false });
  t.deepEqual(stepHealth('check', 3, 2, 3, 'L7OKC'), { health: 4, changed: true, countedFailure: false });
});

test('agent connection errors and timeouts never lower agent health; L7STS does', (t) => {
  for (const s of ['L4CON', 'L4TOUT', 'L7TOUT', 'L7RSP', 'SOCKERR'] as const) t.is(stepHealth('agent', 1, 1, 1, s).health, 1, s);
  t.is(stepHealth('agent', 1, 1, 1, 'L7STS').health, 0);
  t.is(stepHealth('agent', 0, 1, 1, 'L7OK').health, 1);
});

test('interval: inter when fully up, downinter when down at 0, fastinter in transition', (t) => {
  const p = { inter: 2000, fastinter: 500, downinter: 10000 };
  const rows: [number, boolean, number][] = [
    [4, false, 2000],
    [2, false, 500], // initial "UP 1/3"
    [3, false, 500],
    [0, true, 10000],
    [1, true, 500],
    [0, false, 500],
  ];
  for (const [h, down, want] of rows) t.is(selectInterval(p, h, 2, 3, down), want, `health ${h} down ${down}`);
  t.is(selectInterval({ inter: 3000 }, 1, 2, 3, true), 3000);
  t.is(selectInterval({ inter: 3000 }, 0, 2, 3, true), 3000);
});

test('first checks are spread over the smallest interval >= 1s, capped by max-spread-checks', (t) => {
  t.deepEqual(spreadDelays([2000, 2000, 2000, 2000]), [0, 500, 1000, 1500]);
  t.deepEqual(spreadDelays([2000, 5000]), [0, 2500]);
  t.deepEqual(spreadDelays([500, 2000]), [0, 1000]); // 500 < 1000 is ignored for mininter
  t.deepEqual(spreadDelays([2000, 2000, 2000, 2000], 400), [0, 100, 200, 300]);
  t.deepEqual(spreadDelays([]), []);
});

test('spread-checks jitter stays within +/- P% (capped at 50%)', (t) => {
  t.is(jitter(2000, 0, 0.9), 2000);
  t.is(jitter(2000, 10, 0), 1800);
  t.is(jitter(2000, 10, 0.5), 2000);
  t.is(jitter(2000, 10, 0.999999), 2200);
  t.is(jitter(2000, 80, 0), 1000);
});

const base: TransitionInput = {
  kind: 'check', status: 'L7OK', health: 4, maint: false, op: 'down',
  checkEnabled: true, checkHealth: 4, checkRise: 2, agentEnabled: false, agentHealth: 0, agentRise: 1,
};

test('agent + health combination table', (t) => {
  const rows: [string, Partial<TransitionInput>, OpDecision][] = [
    ['check passes, no agent -> UP', {}, 'up'],
    ['check passes, agent down -> stays', { agentEnabled: true, agentHealth: 0 }, 'none'],
    ['check passes, agent up -> UP', { agentEnabled: true, agentHealth: 1 }, 'up'],
    ['agent up, check still failing -> stays DOWN', { kind: 'agent', health: 1, checkHealth: 0, agentEnabled: true, agentHealth: 1 }, 'none'],
    ['agent up, check good -> UP', { kind: 'agent', health: 1, checkHealth: 4, agentEnabled: true, agentHealth: 1 }, 'up'],
    ['agent says down -> DOWN', { kind: 'agent', status: 'L7STS', health: 0, op: 'up', agentEnabled: true }, 'down'],
    ['agent unreachable at health 0 -> no change', { kind: 'agent', status: 'L4CON', health: 0, op: 'up', agentEnabled: true }, 'none'],
    ['check fails to 0 -> DOWN', { status: 'L4CON', health: 0, op: 'up' }, 'down'],
    ['check fails above 0 -> no change', { status: 'L4CON', health: 3, op: 'up' }, 'none'],
    ['already down -> no change', { status: 'L4CON', health: 0, op: 'down' }, 'none'],
    ['pass in maintenance -> no change', { maint: true }, 'none'],
    ['disable-on-404 -> NOLB', { status: 'L7OKC', op: 'up' }, 'stopping'],
    ['agent never makes NOLB', { kind: 'agent', status: 'L7OKC', op: 'up' }, 'none'],
    ['check passes while NOLB -> UP', { op: 'stopping' }, 'up'],
    ['agent up while NOLB -> stays NOLB', { kind: 'agent', op: 'stopping', agentEnabled: true, agentHealth: 1 }, 'none'],
    ['already up -> no change', { op: 'up' }, 'none'],
    ['health check disabled, agent up -> UP', { kind: 'agent', checkEnabled: false, checkHealth: 0, agentEnabled: true, agentHealth: 1 }, 'up'],
    ['neutral agent reply -> no change', { kind: 'agent', status: 'CHECKED', op: 'down', agentEnabled: true, agentHealth: 1 }, 'none'],
  ];
  for (const [name, over, want] of rows) t.is(decideTransition({ ...base, ...over }), want, name);
});
