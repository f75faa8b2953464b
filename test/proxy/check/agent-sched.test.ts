// Agent scheduling against real loopback agents on a virtual clock: agent-inter runs apart from inter, agent-addr
// and seed 000's `addr` pick where the agent is asked (haproxy.md §1.5: agent-addr, else addr, else the server),
// and the down words "stopped" / "fail" mark the server DOWN like "down", each reported as sent.
import test from 'ava';
import { startChecks, type ChecksHandle } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';
import { agentServer, tcpServer } from '../../helpers/check-servers.js';
import { fakeClock, type FakeClock } from '../../helpers/check-clock.js';
import type { ServerConfig } from '../../../src/proxy/types.js';

async function step(clock: FakeClock, checks: ChecksHandle, ms: number): Promise<void> {
  clock.tick(ms);
  await checks.idle();
}

async function servers(t: import('ava').ExecutionContext) {
  const health = await tcpServer((s) => s.end());
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  t.teardown(async () => {
    await health.close();
    await agent.close();
  });
  return { health, agent };
}

function start(t: import('ava').ExecutionContext, servers: ServerConfig[]) {
  const rt = FakeRuntime.of([section({ name: 'be', servers })], { maxSpreadChecks: 1 });
  const clock = fakeClock();
  const checks = startChecks(rt, { logger: silentLogger(), clock, random: () => 0.5 });
  t.teardown(() => checks.stop());
  return { rt, clock, checks };
}

test('agent-inter paces the agent independently of inter', async (t) => {
  const { health, agent } = await servers(t);
  const { clock, checks } = start(t, [serverConfig({ name: 's1', port: health.port, check: true, inter: 10_000, agentCheck: true, agentPort: agent.port, agentInter: 500 })]);
  await step(clock, checks, 5); // first round (max-spread-checks 1 ms)
  const [h0, a0] = [health.connections, agent.connections];
  t.is(h0, 1);
  t.is(a0, 1);
  for (let i = 0; i < 8; i++) await step(clock, checks, 500);
  t.is(agent.connections - a0, 8, 'the agent is asked every agent-inter (500 ms)');
  t.is(health.connections, h0, 'no health check before inter (10 s)');
});

test('agent-addr, else `addr` (seed 000), else the server address: where the agent is asked', async (t) => {
  const { agent } = await servers(t);
  // 127.0.0.2 has nothing listening on the agent port: only a probe sent to 127.0.0.1 can reach the agent.
  const { rt, clock, checks } = start(t, [
    serverConfig({ name: 'viaAgentAddr', id: 1, address: '127.0.0.2', port: 9, agentCheck: true, agentPort: agent.port, agentAddr: '127.0.0.1', checkAddr: '127.0.0.2' }),
    serverConfig({ name: 'viaAddr', id: 2, address: '127.0.0.2', port: 9, agentCheck: true, agentPort: agent.port, checkAddr: '127.0.0.1' }),
    serverConfig({ name: 'plain', id: 3, address: '127.0.0.2', port: 9, agentCheck: true, agentPort: agent.port }),
  ]);
  await step(clock, checks, 5);
  t.like(rt.server('be', 'viaAgentAddr').agent, { status: 'L7OK', desc: 'via agent : up' });
  t.like(rt.server('be', 'viaAddr').agent, { status: 'L7OK' });
  t.like(rt.server('be', 'plain').agent, { status: 'L4CON' }, 'nothing answers on 127.0.0.2');
  t.is(agent.connections, 2);
});

test('agent "stopped" and "fail" mark the server DOWN like "down", with the word and reason reported', async (t) => {
  const { health, agent } = await servers(t);
  const { rt, clock, checks } = start(t, [serverConfig({ name: 's1', port: health.port, check: true, inter: 60_000, agentCheck: true, agentPort: agent.port, agentInter: 1000 })]);
  const s = rt.server('be', 's1');
  await step(clock, checks, 5);
  t.is(s.op, 'up');
  const rows: [string, string][] = [
    ['stopped # rebooting\n', 'via agent : stopped (rebooting)'],
    ['up\n', ''],
    ['fail # disk full\n', 'via agent : fail (disk full)'],
    ['up\n', ''],
    ['DOWN\n', 'via agent : down'],
  ];
  for (const [reply, info] of rows) {
    agent.set({ kind: 'reply', text: reply });
    await step(clock, checks, 1000);
    if (info === '') {
      t.is(s.op, 'up', `back up after ${JSON.stringify(reply)}`);
      continue;
    }
    t.is(s.op, 'down', reply);
    t.like(rt.transitions.at(-1), { to: 'DOWN', cause: { source: 'agent', checkStatus: 'L7STS', info } });
  }
});
