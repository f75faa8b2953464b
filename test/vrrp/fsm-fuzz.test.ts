// Property tests of the pure FSM over random configs and random event sequences: it never throws and keeps its invariants.
import test from 'ava';
import fc from 'fast-check';
import { initialState, step } from '../../src/vrrp/fsm.js';
import type { FsmConfig, FsmEvent, FsmState, TimerName } from '../../src/vrrp/types.js';
import { defaultFsmConfig } from '../helpers/vrrp-fsm.js';

fc.configureGlobal({ seed: Number(process.env.FC_SEED ?? 0x5eed) });

const cfgArb: fc.Arbitrary<FsmConfig> = fc
  .record({
    version: fc.constantFrom(2 as const, 3 as const),
    basePriority: fc.oneof(fc.integer({ min: 1, max: 254 }), fc.constant(255)),
    configuredState: fc.constantFrom('MASTER' as const, 'BACKUP' as const),
    nopreempt: fc.boolean(),
    preemptDelayMs: fc.constantFrom(0, 0, 5000),
    lowerPrioNoAdvert: fc.boolean(),
    higherPrioSendAdvert: fc.boolean(),
    masterDelaySec: fc.constantFrom(0, 5),
    refresh: fc.constantFrom(0, 30),
    lowerRepeat: fc.constantFrom(0, 5),
  })
  .map((r) =>
    defaultFsmConfig({
      version: r.version,
      basePriority: r.basePriority,
      configuredState: r.configuredState,
      nopreempt: r.nopreempt,
      preemptDelayMs: r.preemptDelayMs,
      lowerPrioNoAdvert: r.lowerPrioNoAdvert,
      higherPrioSendAdvert: r.higherPrioSendAdvert,
      garp: { masterDelaySec: r.masterDelaySec, masterRepeat: 5, masterRefreshSec: r.refresh, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: r.lowerRepeat },
      noTrackVips: ['198.18.0.200'],
    }),
  );

type Raw = FsmEvent extends infer E ? (E extends FsmEvent ? Omit<E, 'now'> : never) : never;
const timers: TimerName[] = ['masterDown', 'advert', 'garpBurst', 'garpRefresh', 'garpLowerPrio'];
const sources = ['script:a', 'script:b', 'interface:eth0'];
const eventArb: fc.Arbitrary<Raw> = fc.oneof(
  { weight: 1, arbitrary: fc.constant<Raw>({ type: 'start' }) },
  {
    weight: 6,
    arbitrary: fc
      .record({ src: fc.constantFrom('198.18.0.10', '198.18.0.11', '198.18.0.12'), priority: fc.oneof(fc.constant(0), fc.integer({ min: 1, max: 255 })), iv: fc.constantFrom(500, 1000, 2000) })
      .map((a): Raw => ({ type: 'advert', src: a.src, priority: a.priority, advertIntMs: a.iv })),
  },
  { weight: 4, arbitrary: fc.constantFrom(...timers).map((timer): Raw => ({ type: 'timer', timer })) },
  { weight: 2, arbitrary: fc.integer({ min: -10, max: 300 }).map((p): Raw => ({ type: 'priority', effectivePriority: p })) },
  { weight: 2, arbitrary: fc.constantFrom(...sources).map((source): Raw => ({ type: 'fault', source, reason: 'tracker-fault' })) },
  { weight: 2, arbitrary: fc.constantFrom(...sources).map((source): Raw => ({ type: 'faultCleared', source })) },
  { weight: 1, arbitrary: fc.constantFrom('198.18.0.100', '198.18.0.200').map((address): Raw => ({ type: 'vipMissing', address })) },
  { weight: 1, arbitrary: fc.constantFrom('shutdown' as const, 'reload' as const).map((reason): Raw => ({ type: 'shutdown', reason })) },
);

test('random event sequences: no throw, transitions chain, VIPs installed iff MASTER, timers consistent', (t) => {
  fc.assert(
    fc.property(cfgArb, fc.array(fc.tuple(eventArb, fc.integer({ min: 0, max: 4000 })), { maxLength: 60 }), (cfg, evs) => {
      let s: FsmState = initialState(cfg);
      let now = 0;
      let vips = false;
      let started = false;
      for (const [raw, dt] of evs) {
        now += dt;
        const before = s;
        const r = step(cfg, s, { ...raw, now } as FsmEvent);
        s = r.state;
        if (raw.type === 'start') started = true;
        let cur = before.state;
        for (const a of r.actions) {
          if (a.type === 'transition') {
            if (a.from !== cur || a.to === cur) return false; // transitions chain and change something
            cur = a.to;
          } else if (a.type === 'addVips') {
            vips = true;
          } else if (a.type === 'removeVips') {
            vips = false;
          } else if (a.type === 'sendAdvert' && a.priority > 0 && before.state !== 'MASTER' && s.state !== 'MASTER') {
            return false; // only a (becoming or leaving) master advertises a real priority
          } else if (a.type === 'setTimer' && a.ms < 0) {
            return false;
          }
        }
        if (cur !== s.state) return false; // a state change always comes with a transition action
        if (before.state === 'STOP' && r.actions.length > 0) return false;
        if (vips !== (s.state === 'MASTER')) return false;
        if ((s.state === 'BACKUP') !== (s.masterDownDeadline !== undefined)) return false;
        if (s.effectivePriority < 1 || s.effectivePriority > 255) return false;
        if (cfg.basePriority !== 255 && s.effectivePriority === 255) return false;
        if (started && s.state !== 'STOP' && s.state !== 'INIT' && (s.faults.length > 0) !== (s.state === 'FAULT')) return false;
      }
      return true;
    }),
    { numRuns: 1500 },
  );
  t.pass();
});
