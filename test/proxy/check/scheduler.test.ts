// The scheduler end to end with a virtual clock and real loopback targets: rise/fall timing, intervals,
// agent + health combination, maintenance pause/resume, enable/disable and forcing.
import test from 'ava';
import { startChecks, type ChecksHandle } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';
import { agentServer, tcpServer, type TestServer } from '../../helpers/check-servers.js';
import { fakeClock, type FakeClock } from '../../helpers/check-clock.js';
import { Toggle } from '../../helpers/check-toggle.js';
import type { ServerConfig } from '../../../src/proxy/types.js';

async function step(clock: FakeClock, checks: ChecksHandle, ms: number): Promise<void> {
  clock.tick(ms);
  await checks.idle();
}

function setup(cfg: Partial<ServerConfig>, global = {}) {
  const rt = FakeRuntime.of([section({ name: 'be', servers: [serverConfig({ name: 's1', check: true, ...cfg })] })], global);
  const clock = fakeClock();
  const checks = startChecks(rt, { logger: silentLogger(), clock, random: () => 0.5 });
  return { rt, clock, checks, s: rt.server('be', 's1') };
}

test('rise/fall: UP 1/3 at start, DOWN after exactly `fall` failures at inter, UP after `rise` successes', async (t) => {
  const tg = new Toggle();
  await tg.up();
  const { clock, checks, s, rt } = setup({ port: tg.port, inter: 2000, rise: 2, fall: 3 });
  t.teardown(() => checks.stop());
  t.like(s.check, { health: 2, status: 'INI' }); // starts UP with health = rise
  await step(clock, checks, 0);
  t.like(s.check, { health: 4, status: 'L4OK' });
  await tg.down();
  const times: number[] = [];
  for (let i = 0; i < 3; i++) {
    await step(clock, checks, 2000);
    times.push(clock.virtualNow);
    if (i < 2) t.is(s.op, 'up', `still up after ${i + 1} failure(s)`);
  }
  t.is(s.op, 'down');
  t.deepEqual(times, [2000, 4000, 6000]);
  t.like(rt.transitions.at(-1), { to: 'DOWN', cause: { source: 'check', reason: 'Layer4 connection problem', checkStatus: 'L4CON' } });
  t.is(s.failedChecks, 3);
  await tg.up();
  await step(clock, checks, 2000);
  t.is(s.op, 'down');
  t.is(s.check?.health, 1);
  await step(clock, checks, 2000);
  t.is(s.op, 'up');
  t.like(rt.transitions.at(-1), { to: 'UP', cause: { checkStatus: 'L4OK' } });
  await tg.down();
});

test('fastinter while in transition, downinter once down', async (t) => {
  const tg = new Toggle();
  await tg.up();
  const { clock, checks, s } = setup({ port: tg.port, inter: 5000, fastinter: 500, downinter: 20000, rise: 2, fall: 2 });
  t.teardown(() => checks.stop());
  await step(clock, checks, 0); // health 3 (max) -> next at inter
  await tg.down();
  await step(clock, checks, 4999);
  t.is(s.check?.health, 3, 'nothing before inter');
  await step(clock, checks, 1); // t=5000: first failure -> health 2 (UP 1/2), next at fastinter
  t.is(s.check?.health, 2);
  await step(clock, checks, 500); // t=5500: second failure -> DOWN, next at downinter
  t.is(s.op, 'down');
  await tg.up();
  await step(clock, checks, 19_999);
  t.is(s.op, 'down');
  t.is(s.check?.health, 0, 'no check before downinter');
  await step(clock, checks, 1);
  t.is(s.check?.health, 1);
  await step(clock, checks, 500);
  t.is(s.op, 'up');
  await tg.down();
});

test('first round is spread over the interval for many servers', async (t) => {
  const tg = new Toggle();
  await tg.up();
  t.teardown(() => tg.down());
  const servers = [1, 2, 3, 4].map((i) => serverConfig({ name: `s${i}`, id: i, port: tg.port, check: true, inter: 2000 }));
  const rt = FakeRuntime.of([section({ name: 'be', servers })]);
  const clock = fakeClock();
  const checks = startChecks(rt, { logger: silentLogger(), clock });
  t.teardown(() => checks.stop());
  const checked = () => servers.map((c) => rt.server('be', c.name).check?.status);
  await step(clock, checks, 0);
  t.deepEqual(checked(), ['L4OK', 'INI', 'INI', 'INI']);
  await step(clock, checks, 500);
  t.deepEqual(checked(), ['L4OK', 'L4OK', 'INI', 'INI']);
  await step(clock, checks, 1000);
  t.deepEqual(checked(), ['L4OK', 'L4OK', 'L4OK', 'L4OK']);
});

test('agent + health: agent down/up, drain/ready, maint pauses health checks, weights, maxconn, garbage', async (t) => {
  const health = await tcpServer((s) => s.end());
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  t.teardown(async () => {
    await health.close();
    await agent.close();
  });
  const { clock, checks, s, rt } = setup({ port: health.port, inter: 2000, agentCheck: true, agentPort: agent.port, agentInter: 2000, weight: 3 });
  t.teardown(() => checks.stop());
  await step(clock, checks, 0);
  await step(clock, checks, 1000); // agent's first run (spread: 2 checks over 2000 ms)
  t.like(s.agent, { status: 'L7OK', health: 1, desc: 'via agent : up' });
  agent.set({ kind: 'reply', text: 'down # planned reboot\n' });
  await step(clock, checks, 2000);
  t.is(s.op, 'down');
  t.like(rt.transitions.at(-1), { to: 'DOWN', cause: { source: 'agent', checkStatus: 'L7STS', info: 'via agent : down (planned reboot)' } });
  // the health check keeps passing but cannot bring it back while the agent says down
  await step(clock, checks, 2000);
  t.is(s.op, 'down');
  agent.set({ kind: 'reply', text: '50%\n' }); // weight-only reply never brings an agent-DOWN server back
  await step(clock, checks, 2000);
  t.is(s.op, 'down');
  t.is(s.uweight, 1);
  agent.set({ kind: 'reply', text: 'up 100%\n' });
  await step(clock, checks, 2000);
  t.is(s.op, 'up');
  t.is(s.uweight, 3);
  agent.set({ kind: 'reply', text: 'drain\n' });
  await step(clock, checks, 2000);
  t.true(s.admin.forcedDrain);
  agent.set({ kind: 'reply', text: 'up\n' });
  await step(clock, checks, 2000);
  t.true(s.admin.forcedDrain, '`up` does not clear drain');
  agent.set({ kind: 'reply', text: 'maint\n' });
  await step(clock, checks, 2000);
  t.true(s.admin.forcedMaint);
  const before = health.connections;
  await step(clock, checks, 2000);
  await step(clock, checks, 2000);
  t.is(health.connections, before, 'health checks are paused in maintenance');
  agent.set({ kind: 'reply', text: 'ready maxconn:7\n' });
  await step(clock, checks, 2000);
  await step(clock, checks, 0); // the resumed health check runs on the next tick
  t.false(s.admin.forcedMaint);
  t.is(s.maxconn, 7);
  t.is(s.check?.health, 4, 'health check resumed at once after leaving maintenance (rise, then a pass)');
  t.true(health.connections > before);
  agent.set({ kind: 'reply', text: '\x00\xffgarbage\n' });
  const ops = rt.transitions.length;
  await step(clock, checks, 2000);
  t.like(s.agent, { status: 'CHECKED' });
  t.is(rt.transitions.length, ops, 'garbage changes nothing');
  await agent.close();
  await step(clock, checks, 2000);
  t.like(s.agent, { status: 'L4CON', health: 1 });
  t.is(s.op, 'up', 'an unreachable agent never marks the server down');
});

test('health failing + agent up stays DOWN; disable/enable health and agent; forcing', async (t) => {
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const tg = new Toggle();
  await tg.up();
  await tg.down(); // a port with nothing listening
  t.teardown(() => agent.close());
  const { clock, checks, s } = setup({ port: tg.port, rise: 2, fall: 1, inter: 1000, agentCheck: true, agentPort: agent.port, agentInter: 1000 });
  t.teardown(() => checks.stop());
  await step(clock, checks, 0);
  t.is(s.op, 'down');
  await step(clock, checks, 500);
  t.like(s.agent, { status: 'L7OK' });
  t.is(s.op, 'down', 'agent up cannot override a failing health check');
  checks.setHealthEnabled(s, false);
  t.like(s.check, { enabled: false });
  await step(clock, checks, 1000);
  t.is(s.op, 'up', 'with health disabled, the agent alone decides');
  checks.forceHealth(s, 'down');
  t.is(s.op, 'up', 'forcing a disabled health check is ignored');
  checks.setHealthEnabled(s, true);
  await step(clock, checks, 0);
  t.is(s.op, 'down', 're-enabled health check runs at once and fails');
  checks.forceHealth(s, 'up', { source: 'stats-page', reason: 'hrunn' });
  t.is(s.op, 'up');
  t.like(s.check, { health: 2 });
  checks.forceAgent(s, 'down');
  t.is(s.op, 'down');
  t.like(s.agent, { health: 0 });
  checks.setAgentEnabled(s, false);
  checks.forceAgent(s, 'up');
  t.like(s.agent, { health: 0, enabled: false });
});

test('`port` and `addr` send the health check elsewhere than the traffic address', async (t) => {
  const live = new Toggle();
  await live.up();
  t.teardown(() => live.down());
  const closed = new Toggle();
  await closed.up();
  await closed.down();
  const rt = FakeRuntime.of([section({
    name: 'be',
    servers: [
      serverConfig({ name: 'viaPort', port: closed.port, check: true, checkPort: live.port }),
      serverConfig({ name: 'viaAddr', id: 2, address: '127.0.0.2', port: live.port, check: true, checkAddr: '127.0.0.1' }),
      serverConfig({ name: 'plain', id: 3, address: '127.0.0.2', port: live.port, check: true }),
    ],
  })], { maxSpreadChecks: 1 });
  const clock = fakeClock();
  const checks = startChecks(rt, { logger: silentLogger(), clock });
  t.teardown(() => checks.stop());
  await step(clock, checks, 5);
  t.like(rt.server('be', 'viaPort').check, { status: 'L4OK' });
  t.like(rt.server('be', 'viaAddr').check, { status: 'L4OK' });
  t.like(rt.server('be', 'plain').check, { status: 'L4CON' }, 'nothing listens on 127.0.0.2');
});
