// Runs the FSM scenario tables in test/fixtures/fsm/*.json: each phase's events -> expected state, exact actions, fields.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { initialState, step } from '../../src/vrrp/fsm.js';
import type { FsmAction, FsmConfig, FsmEvent, FsmState, VrrpState } from '../../src/vrrp/types.js';
import { fixture } from '../helpers/paths.js';
import { compactAction, defaultFsmConfig, round3 } from '../helpers/vrrp-fsm.js';

interface Phase {
  note?: string;
  events: (FsmEvent & { advertIntMs?: number })[];
  state: VrrpState;
  actions: string[];
  fields?: Record<string, unknown>;
  detail?: string;
  logs?: string[];
}
interface Scenario {
  name: string;
  covers: string[];
  config: Partial<FsmConfig>;
  phases: Phase[];
}

const dir = fixture('fsm');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.json')).sort();

function withDefaults(ev: Phase['events'][number], cfg: FsmConfig): FsmEvent {
  return ev.type === 'advert' && ev.advertIntMs === undefined ? { ...ev, advertIntMs: cfg.advertIntMs } : ev;
}

/** Normalise numbers so 3318.7499999 equals 3318.75 in field comparisons. */
function norm(v: unknown): unknown {
  if (typeof v === 'number') return round3(v);
  if (Array.isArray(v)) return v.map(norm);
  return v;
}

const covered = new Set<string>();

for (const file of files) {
  const raw = JSON.parse(fs.readFileSync(path.join(dir, file), 'utf8')) as Scenario | Scenario[];
  const scenarios = Array.isArray(raw) ? raw : [raw];
  for (const sc of scenarios) {
    sc.covers.forEach((c) => covered.add(c));
    test(`${file}: ${sc.name}`, (t) => {
      const cfg = defaultFsmConfig(sc.config);
      let state: FsmState = initialState(cfg);
      sc.phases.forEach((ph, i) => {
        const where = `phase ${i}${ph.note ? ` (${ph.note})` : ''}`;
        const actions: FsmAction[] = [];
        for (const ev of ph.events) {
          const r = step(cfg, state, withDefaults(ev, cfg));
          state = r.state;
          actions.push(...r.actions);
        }
        t.is(state.state, ph.state, `${where}: state`);
        t.deepEqual(actions.filter((a) => a.type !== 'log').map(compactAction), ph.actions, `${where}: actions`);
        for (const [k, want] of Object.entries(ph.fields ?? {})) {
          const got = (state as unknown as Record<string, unknown>)[k];
          t.deepEqual(norm(got ?? null), norm(want), `${where}: field ${k}`);
        }
        if (ph.detail !== undefined) {
          const tr = actions.filter((a): a is Extract<FsmAction, { type: 'transition' }> => a.type === 'transition').at(-1);
          t.regex(tr?.detail ?? '', new RegExp(ph.detail), `${where}: transition detail`);
        }
        for (const re of ph.logs ?? []) {
          const msgs = actions.filter((a): a is Extract<FsmAction, { type: 'log' }> => a.type === 'log').map((a) => a.msg);
          t.true(msgs.some((m) => new RegExp(re).test(m)), `${where}: a log matching /${re}/ in ${JSON.stringify(msgs)}`);
        }
      });
    });
  }
}

test('the scenario tables cover every FSM behaviour of the brief', (t) => {
  const required = [
    'startup BACKUP full down interval',
    'state MASTER < 255 starts BACKUP',
    'owner 255 -> MASTER at once',
    'faults at start -> FAULT',
    'priority 0 -> down timer := skew',
    'nopreempt accept',
    'higher-or-equal accepted',
    'preempt_delay semantics',
    'lower priority discarded with preempt',
    'v3 adopts master interval',
    'master-down timer -> MASTER order',
    'arm refresh if set',
    'priority 0 at master -> advert now',
    'higher priority -> BACKUP without priority 0',
    'optional higher_prio_send_advert',
    'lower priority -> advert + GARP lower-prio burst',
    'lower_prio_no_advert',
    'equal priority tie-break on IP',
    'priority change BACKUP re-skew',
    'priority change MASTER sends nothing',
    'MASTER -> FAULT sends priority 0 + removes VIPs',
    'BACKUP -> FAULT',
    'leaving FAULT -> BACKUP full down interval',
    'leaving FAULT owner -> MASTER',
    'vipMissing while MASTER',
    'no_track VIP ignored',
    'shutdown MASTER priority 0 + remove VIPs',
    'every state -> STOP',
    'both-255 owner conflict as v2.2.7',
    'nopreempt+weight trap (VIP never moves)',
    'preempt vs preempt_delay timing',
    'priority 0 fast takeover',
  ];
  t.deepEqual(required.filter((r) => !covered.has(r)), []);
});
