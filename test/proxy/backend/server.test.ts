// Server transitions through a real Backend: haproxy log lines and fields, counters, shutdown-sessions kill counts,
// backup-session shutdown, maint/drain/ready, slowstart ramp on a manual clock, weights, addr, reload keeping state.
import test from 'ava';
import { Backend } from '../../../src/proxy/backend/backend.js';
import { isBackendError } from '../../../src/proxy/backend/errors.js';
import { serverStatusText } from '../../../src/proxy/backend/server-state.js';
import type { ServerTransitionEvent } from '../../../src/proxy/backend/server.js';
import type { ServerTransitionCause } from '../../../src/proxy/types.js';
import { ManualClock, flushLogs, logSink, section, srvCfg, stream } from '../../helpers/backend-fixtures.js';

const L4: ServerTransitionCause = { source: 'check', reason: 'Layer4 connection problem', checkStatus: 'L4CON', info: 'Connection refused', durationMs: 0 };
const L7OK: ServerTransitionCause = { source: 'check', reason: 'Layer7 check passed', checkStatus: 'L7OK', code: 200, info: 'OK', durationMs: 3 };
const CLI = (reason: string): ServerTransitionCause => ({ source: 'cli', reason });

function setup(servers = [srvCfg('a1', 1), srvCfg('a2', 2)], extra: Parameters<typeof section>[1] = {}) {
  const clock = new ManualClock();
  const sink = logSink();
  const be = new Backend(section(servers, extra), 100, { logger: sink.logger, clock });
  const events: ServerTransitionEvent[] = [];
  be.events.on('transition', (e: ServerTransitionEvent) => events.push(e));
  return { clock, sink, be, events };
}

async function attach(be: Backend, n: number, persistServer?: string) {
  const out = [];
  for (let i = 0; i < n; i++) {
    const s = stream();
    const r = await be.assign({ clientIp: '198.18.0.1', clientPort: 1000 + i, dstPort: 80, stream: s, persistServer });
    if (!r.ok) throw new Error(r.why);
    out.push({ s, server: r.server });
  }
  return out;
}

test('DOWN: haproxy wording, stable fields, chkdown, event; last server leaving logs "has no server available!"', async (t) => {
  const { be, sink, events, clock } = setup();
  const [a1, a2] = be.servers;
  a1!.setOperational('down', L4);
  await flushLogs();
  const line = sink.lines.find((l) => l.event === 'server')!;
  t.is(line.msg, 'Server be/a1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms. 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue');
  t.like(line, { backend: 'be', server: 'a1', from: 'UP', to: 'DOWN', reason: 'Layer4 connection problem', check_status: 'L4CON', level: 50 });
  t.is(a1!.downTransitions, 1);
  t.is(events.length, 1);
  t.is(serverStatusText(a1!), 'DOWN');
  a2!.setOperational('down', L4);
  await flushLogs();
  t.truthy(sink.lines.find((l) => l.msg === "backend 'be' has no server available!"));
  t.is(be.usableWeight(), 0);
  t.is(be.downTransitions, 1);
  clock.advance(5000);
  a1!.setOperational('up', L7OK);
  await flushLogs();
  t.is(sink.lines.at(-1)!.msg, 'Server be/a1 is UP, reason: Layer7 check passed, code: 200, info: "OK", check duration: 3ms. 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue');
  t.is(a1!.downtimeMs, 5000);
  t.is(a1!.op, 'up');
});

test('on-marked-down shutdown-sessions kills every stream with D; without it none', async (t) => {
  const { be } = setup([srvCfg('a1', 1, { onMarkedDown: 'shutdown-sessions' }), srvCfg('a2', 2)]);
  const streams = await attach(be, 6);
  const onA1 = streams.filter((x) => x.server.name === 'a1');
  const onA2 = streams.filter((x) => x.server.name === 'a2');
  t.is(onA1.length, 3);
  be.servers[0]!.setOperational('down', L4);
  t.deepEqual(onA1.map((x) => x.s.killed), [['D'], ['D'], ['D']]);
  be.servers[1]!.setOperational('down', L4);
  t.deepEqual(onA2.map((x) => x.s.killed), [[], [], []]);
  t.is(be.servers[1]!.killSessions('K'), 3);
  t.deepEqual(onA2.map((x) => x.s.killed), [['K'], ['K'], ['K']]);
});

test('on-marked-up shutdown-backup-sessions kills backup streams with U when an active server returns', async (t) => {
  const { be } = setup([srvCfg('a1', 1, { onMarkedUp: 'shutdown-backup-sessions' }), srvCfg('b1', 2, { backup: true })]);
  be.servers[0]!.setOperational('down', L4);
  const onBackup = await attach(be, 2);
  t.true(onBackup.every((x) => x.server.name === 'b1'));
  be.servers[0]!.setOperational('up', L7OK);
  t.deepEqual(onBackup.map((x) => x.s.killed), [['U'], ['U']]);
});

test('maint / drain / ready: admin kept apart from op; messages; drain keeps persistent clients', async (t) => {
  const { be, sink } = setup([srvCfg('a1', 1, { cookie: 'A' }), srvCfg('a2', 2)]);
  const a1 = be.servers[0]!;
  a1.setAdmin('drain', CLI('set server state drain'));
  t.is(a1.eweight, 0);
  t.is(serverStatusText(a1), 'DRAIN');
  t.false(a1.isUsable());
  const lb = await attach(be, 4);
  t.true(lb.every((x) => x.server.name === 'a2'), 'no load-balanced traffic while draining');
  const [pers] = await attach(be, 1, 'a1');
  t.is(pers!.server.name, 'a1', 'persistent clients still reach a draining server');
  a1.setAdmin('maint', CLI('set server state maint'));
  t.is(a1.op, 'down');
  t.true(a1.admin.forcedMaint);
  t.is(serverStatusText(a1), 'MAINT');
  const [p2] = await attach(be, 1, 'a1');
  t.is(p2!.server.name, 'a2', 'a cookie to a MAINT server is ignored without option persist');
  a1.setAdmin('ready', CLI('set server state ready'));
  t.is(a1.op, 'up');
  t.deepEqual(a1.admin, { forcedMaint: false, configMaint: false, forcedDrain: false });
  await flushLogs();
  const msgs = sink.lines.filter((l) => l.event === 'server').map((l) => l.msg);
  t.deepEqual(msgs, [
    'Server be/a1 enters drain state (set server state drain). 1 active and 0 backup servers online. 0 sessions requeued, 0 total in queue',
    'Server be/a1 is going DOWN for maintenance (set server state maint). 1 active and 0 backup servers left. 1 sessions active, 0 requeued, 0 remaining in queue',
    'Server be/a1 is UP/READY (leaving forced maintenance)',
  ]);
});

test('config `disabled` starts in MAINT (config + forced flags); ready brings it UP', (t) => {
  const { be } = setup([srvCfg('a1', 1, { disabled: true }), srvCfg('a2', 2)]);
  const a1 = be.servers[0]!;
  t.deepEqual(a1.admin, { forcedMaint: true, configMaint: true, forcedDrain: false });
  t.is(serverStatusText(a1), 'MAINT');
  a1.setOperational('up', L7OK); // checks are paused in maint: recorded silently
  t.false(a1.isUsable());
  a1.setAdmin('ready', CLI('enable server'));
  t.true(a1.isUsable());
});

test('slowstart: coming back from DOWN ramps eweight on the warm-up timer, then RUNNING', (t) => {
  const { be, clock } = setup([srvCfg('a1', 1, { slowstart: 10_000, weight: 2 }), srvCfg('a2', 2)]);
  const a1 = be.servers[0]!;
  t.is(a1.op, 'up', 'no slowstart at start');
  a1.setOperational('down', L4);
  clock.advance(3000);
  a1.setOperational('up', L7OK);
  t.is(a1.op, 'starting');
  const seen: number[] = [];
  for (let s = 0; s < 10; s++) {
    seen.push(a1.throttle);
    clock.advance(1000);
  }
  t.deepEqual(seen, [6, 12, 25, 31, 44, 56, 62, 75, 81, 94]);
  t.is(a1.op, 'up');
  t.is(a1.eweight, 2);
  t.is(clock.pending, 0, 'warm-up timer stopped');
});

test('weights: range and static-algorithm checks use stable codes; weight 0 leaves the LB', (t) => {
  const { be } = setup(undefined, { balance: { kind: 'static-rr' } });
  const a1 = be.servers[0]!;
  t.true(isBackendError(t.throws(() => a1.setWeight(300, CLI('set weight'))), 'EWEIGHT_RANGE'));
  t.true(isBackendError(t.throws(() => a1.setWeight(5, CLI('set weight'))), 'EWEIGHT_STATIC'));
  a1.setWeight(0, CLI('set weight'));
  t.false(a1.isUsable());
  t.is(serverStatusText(a1), 'no check');
  const dyn = setup().be.servers[0]!;
  dyn.setWeight(50, CLI('set weight'));
  t.is(dyn.uweight, 50);
  t.is(dyn.eweight, 50);
});

test('setAddr returns haproxy\'s message; chkfail counts only the failed checks the scheduler reports', (t) => {
  const a1 = setup().be.servers[0]!;
  t.is(a1.setAddr('198.18.0.9', 8080, CLI('set server addr')), "IP changed from '127.0.0.1' to '198.18.0.9', port changed from '8001' to '8080' by 'stats socket command'");
  t.is(a1.setAddr('198.18.0.9', undefined, CLI('x')), "no need to change the addr by 'stats socket command'");
  const st = (health: number) => ({ enabled: true, health, rise: 2, fall: 3, status: 'L4OK' as const, desc: '', running: false });
  a1.setCheckState('check', st(4));
  a1.setCheckState('check', st(3), true);
  a1.setCheckState('check', st(0), true);
  a1.setCheckState('check', st(1));
  a1.setCheckState('check', st(0)); // forced (hdown / `set server health down`): not a failed check
  a1.setCheckState('agent', { ...st(0), rise: 1, fall: 1 }, true); // agent failures are not counted either
  t.is(a1.failedChecks, 2);
});

test('reload keeps state, runtime weights and counters; removed servers drain; new ones start per config', async (t) => {
  const { be } = setup([srvCfg('a1', 1), srvCfg('a2', 2), srvCfg('gone', 3)]);
  const [a1, a2, gone] = be.servers;
  a1!.setAdmin('maint', CLI('maint'));
  a2!.setWeight(7, CLI('w'));
  const all = await attach(be, 16);
  const held = all.filter((x) => x.server === gone);
  t.is(held.length, 2, 'roundrobin 7:1 over 16 streams');
  be.reload(section([srvCfg('a1', 1), srvCfg('a2', 2, { weight: 3 }), srvCfg('new', 4)]));
  t.is(be.servers.map((s) => s.name).join(','), 'a1,a2,new');
  t.is(be.servers[0], a1, 'same object: state kept');
  t.true(a1!.admin.forcedMaint);
  t.is(a2!.uweight, 7, 'runtime weight survives');
  t.is(a2!.iweight, 3);
  t.is(a2!.counters.total, 14, 'counters survive');
  t.is(be.beconn, 16, 'the removed server still holds its streams');
  for (const h of held) be.release(gone!, h.s);
  t.is(be.beconn, 14);
  t.false(be.servers.includes(gone!));
  const next = await attach(be, 4);
  t.true(next.every((x) => x.server.name === 'a2' || x.server.name === 'new'));
});
