// Pure server-state tables: status text (haproxy.md §6.4), slowstart weight/throttle (§5.7), dynamic maxconn
// (§4.2) and the fullconn default (§4.1).
import test from 'ava';
import { computeFullconn } from '../../../src/proxy/config/fullconn.js';
import {
  dynamicMaxconn, effectiveWeight16, serverStatusText, throttlePercent, type DynLimitInput,
} from '../../../src/proxy/backend/server-state.js';
import type { CheckState, ServerAdmin, ServerOpState } from '../../../src/proxy/types.js';
import { createBackends } from '../../../src/proxy/backend/index.js';
import { idealGlobalMaxconn } from '../../../src/proxy/config/maxconn.js';
import { processFdLimit } from '../../../src/core/rlimit.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ManualClock, proxyConfig, section, srvCfg } from '../../helpers/backend-fixtures.js';

const READY: ServerAdmin = { forcedMaint: false, configMaint: false, forcedDrain: false };
const chk = (health: number, enabled = true): CheckState => ({ enabled, health, rise: 2, fall: 3, status: 'L4OK', desc: '', running: false });

const STATUS: [string, ServerOpState, Partial<ServerAdmin>, CheckState | undefined, CheckState | undefined, string][] = [
  ['up, full health', 'up', {}, chk(4), undefined, 'UP'],
  ['up, going down', 'up', {}, chk(3), undefined, 'UP 2/3'],
  ['up, first check state after start (health = rise)', 'up', {}, chk(2), undefined, 'UP 1/3'],
  ['up without check', 'up', {}, undefined, undefined, 'no check'],
  ['up with disabled check', 'up', {}, chk(4, false), undefined, 'no check'],
  ['starting counts as up', 'starting', {}, chk(4), undefined, 'UP'],
  ['down, health 0', 'down', {}, chk(0), undefined, 'DOWN'],
  ['down, going up', 'down', {}, chk(1), undefined, 'DOWN 1/2'],
  ['down without any check', 'down', {}, undefined, undefined, 'DOWN'],
  ['down by agent', 'down', {}, chk(4), chk(0), 'DOWN (agent)'],
  ['nolb', 'stopping', {}, chk(4), undefined, 'NOLB'],
  ['nolb going down', 'stopping', {}, chk(3), undefined, 'NOLB 2/3'],
  ['nolb without check', 'stopping', {}, undefined, undefined, 'NOLB'],
  ['drain', 'up', { forcedDrain: true }, chk(4), undefined, 'DRAIN'],
  ['drain going down', 'up', { forcedDrain: true }, chk(3), undefined, 'DRAIN 2/3'],
  ['drain with agent', 'up', { forcedDrain: true }, chk(4), chk(1), 'DRAIN (agent)'],
  ['drain without check', 'up', { forcedDrain: true }, undefined, undefined, 'DRAIN'],
  ['maint wins over everything', 'up', { forcedMaint: true, forcedDrain: true }, chk(4), undefined, 'MAINT'],
  ['config disabled', 'down', { forcedMaint: true, configMaint: true }, chk(0), undefined, 'MAINT'],
];
for (const [title, op, admin, check, agent, want] of STATUS) {
  test(`status text: ${title} -> ${want}`, (t) => {
    t.is(serverStatusText({ op, admin: { ...READY, ...admin }, check, agent }), want);
  });
}

test('slowstart: eweight climbs from 1/16 in 16 steps; throttle matches haproxy observations', (t) => {
  const w = (uweight: number, elapsedS: number, op: ServerOpState = 'starting'): number =>
    effectiveWeight16({ op, admin: READY, uweight, slowstartS: 10, elapsedS, dynamic: true });
  t.is(w(1, 0), 1);
  t.is(w(1, 5), 9);
  t.is(w(1, 9), 15);
  t.is(w(1, 10), 16); // window over: full weight even before the state flips to RUNNING
  t.is(w(1, 3, 'up'), 16);
  const throttles = Array.from({ length: 10 }, (_, s) => throttlePercent(w(2, s), 2));
  t.deepEqual(throttles, [6, 12, 25, 31, 44, 56, 62, 75, 81, 94]); // haproxy.md §5.7 [lab]
  t.is(effectiveWeight16({ op: 'starting', admin: READY, uweight: 4, slowstartS: 10, elapsedS: 2, dynamic: false }), 64, 'static algos: no weight ramp');
  t.is(effectiveWeight16({ op: 'up', admin: { ...READY, forcedDrain: true }, uweight: 4, slowstartS: 0, elapsedS: 0, dynamic: true }), 0, 'drain');
  t.is(throttlePercent(0, 0), 100);
});

const D = (x: Partial<DynLimitInput>): DynLimitInput => ({ maxconn: 100, minconn: 10, beconn: 0, fullconn: 1000, op: 'up', slowstartS: 0, elapsedS: 0, ...x });
const DYN: [string, DynLimitInput, number][] = [
  ['idle backend: minconn', D({}), 10],
  ['proportional: beconn*maxconn/fullconn', D({ beconn: 500 }), 50],
  ['rounded down', D({ beconn: 333 }), 33],
  ['never below minconn', D({ beconn: 50 }), 10],
  ['backend at fullconn: maxconn', D({ beconn: 1000 }), 100],
  ['beyond fullconn: maxconn', D({ beconn: 5000 }), 100],
  ['static limit when minconn == maxconn', D({ minconn: 100 }), 100],
  ['slowstart halves it half way', D({ beconn: 1000, op: 'starting', slowstartS: 10, elapsedS: 5 }), 50],
  ['slowstart at t=0 gives at least 1', D({ beconn: 1000, op: 'starting', slowstartS: 10, elapsedS: 0 }), 1],
  ['slowstart over', D({ beconn: 1000, op: 'starting', slowstartS: 10, elapsedS: 10 }), 100],
];
for (const [title, input, want] of DYN) test(`dynamic maxconn: ${title} -> ${want}`, (t) => t.is(dynamicMaxconn(input), want));

test('fullconn default: ceil(sum of routing frontends maxconn / 10), explicit value wins', (t) => {
  const be = section([srvCfg('a', 1)], { name: 'app' });
  const fe = (name: string, extra: object) => section([], { kind: 'frontend', name, ...extra });
  const W = { file: 't', line: 1 };
  const cfg = proxyConfig([
    fe('web', { maxconn: 2000, defaultBackend: 'app' }),
    fe('api', { maxconn: 999, useBackends: [{ backend: 'app', where: W }, { backend: 'app', where: W }, { backend: 'be_%[req.hdr(x)]', where: W }] }),
    fe('other', { maxconn: 5000, defaultBackend: 'static' }),
    be,
    section([srvCfg('s', 1)], { name: 'static' }),
    section([srvCfg('l', 1)], { kind: 'listen', name: 'stats' }),
    section([srvCfg('x', 1)], { name: 'fixed', fullconn: 42 }),
  ], 9981);
  t.is(computeFullconn(cfg).get('app'), Math.ceil((2000 + 999) / 10));
  t.is(computeFullconn(cfg).get('static'), 500);
  t.is(computeFullconn(cfg).get('stats'), 999, 'a listen counts itself with the global maxconn (haproxy.md §4.1 lab: 9981 -> 999)');
  t.is(computeFullconn(cfg).get('fixed'), 42);
  t.is(computeFullconn(proxyConfig([be])).get('app'), 1, 'unreachable backend: minimum 1');
});

test('createBackends: without a global maxconn, fullconn comes from the fd-derived one (not a fixed 100)', (t) => {
  const deps = { logger: silentLogger(), clock: new ManualClock() };
  const cfg = proxyConfig([section([srvCfg('l', 1)], { kind: 'listen', name: 'web', binds: [{ host: '0.0.0.0', port: 80, v4v6: false, where: { file: 't', line: 1 } }] })]);
  const want = Math.ceil(idealGlobalMaxconn(cfg, processFdLimit()) / 10);
  t.true(want > 10, 'this test needs an fd limit above ~220');
  t.is(createBackends(cfg, deps).get('web')!.fullconn, want);
  t.is(createBackends(cfg, { ...deps, globalMaxconn: 4000 }).get('web')!.fullconn, 400, 'the runtime may pass its own value');
  t.is(createBackends(proxyConfig([...cfg.proxies], 2000), deps).get('web')!.fullconn, 200, 'a configured maxconn wins');
});
