// Property test of stepInGroup: random events to random members keep the group together (no MASTER next to a FAULT).
import test from 'ava';
import fc from 'fast-check';
import { initialSyncGroupState, stepInGroup, type GroupMember } from '../../src/vrrp/sync-group.js';
import { initialState } from '../../src/vrrp/fsm.js';
import type { FsmEvent } from '../../src/vrrp/types.js';
import { defaultFsmConfig } from '../helpers/vrrp-fsm.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x5eed) });

type Raw = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;
const NAMES = ['VI_1', 'VI_2', 'VI_3'];
const eventArb: fc.Arbitrary<Raw> = fc.oneof(
  fc.constant<Raw>({ type: 'start' }),
  fc.constant<Raw>({ type: 'timer', timer: 'masterDown' }),
  fc.constant<Raw>({ type: 'timer', timer: 'advert' }),
  fc.integer({ min: 0, max: 255 }).map((p): Raw => ({ type: 'advert', src: '198.18.0.99', priority: p, advertIntMs: 1000 })),
  fc.constantFrom('script:a', 'interface:eth0').map((source): Raw => ({ type: 'fault', source, reason: 'tracker-fault' })),
  fc.constantFrom('script:a', 'interface:eth0').map((source): Raw => ({ type: 'faultCleared', source })),
  fc.constant<Raw>({ type: 'vipMissing', address: '198.18.0.100' }),
  fc.integer({ min: 1, max: 254 }).map((p): Raw => ({ type: 'priority', effectivePriority: p })),
);

test('random member events: no MASTER beside a FAULT, faulty member => all FAULT, VIPs iff MASTER', (t) => {
  fc.assert(
    fc.property(fc.boolean(), fc.array(fc.tuple(fc.constantFrom(...NAMES), eventArb), { maxLength: 50 }), (owners, evs) => {
      let members = new Map<string, GroupMember>();
      NAMES.forEach((name, i) => {
        const cfg = defaultFsmConfig({ name, vrid: 60 + i, syncGroup: 'VG', ...(owners ? { basePriority: 255, configuredState: 'MASTER' as const } : {}) });
        members.set(name, { cfg, state: initialState(cfg) });
      });
      let group = initialSyncGroupState('VG', NAMES);
      const vips = new Map<string, boolean>();
      let now = 0;
      for (const [member, raw] of evs) {
        now += 500;
        const r = stepInGroup(members, group, member, { ...raw, now } as FsmEvent);
        members = new Map(r.members);
        group = r.group;
        for (const m of r.actions) for (const a of m.actions) if (a.type === 'addVips' || a.type === 'removeVips') vips.set(m.member, a.type === 'addVips');
        const live = [...members.entries()].filter(([, m]) => m.state.state !== 'INIT' && m.state.state !== 'STOP');
        const states = live.map(([, m]) => m.state.state);
        if (states.includes('MASTER') && states.includes('FAULT')) return false;
        if (live.some(([, m]) => m.state.faults.length > 0) && states.some((s) => s !== 'FAULT')) return false;
        for (const [name, m] of members) if ((vips.get(name) ?? false) !== (m.state.state === 'MASTER')) return false;
      }
      return true;
    }),
    { numRuns: 1000 },
  );
  t.pass();
});
