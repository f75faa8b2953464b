// The callback fast path of the check engine (plain connect and agent plans): which plans take it, and that its
// connections end with a RST like haproxy's (no TIME_WAIT pile-up) — checked with ss on real loopback sockets.
// Outcomes themselves are covered through runProbe in engine.test.ts (it dispatches to the fast path).
import test from 'ava';
import { execFileSync } from 'node:child_process';
import { fastKind } from '../../../src/proxy/check/fast-probe.js';
import { runProbe } from '../../../src/proxy/check/engine.js';
import { agentPlan, healthPlan } from '../../../src/proxy/check/plan.js';
import type { CheckRule } from '../../../src/proxy/types.js';
import { healthCheck, serverConfig } from '../../helpers/check-fixtures.js';
import { agentServer, tcpServer } from '../../helpers/check-servers.js';

const where = { file: 't.cfg', line: 1 };
const table: [string, ReturnType<typeof healthPlan>, string | undefined][] = [
  ['plain check', healthPlan(healthCheck()), 'connect'],
  ['agent', agentPlan(serverConfig({ name: 'a', agentCheck: true, agentPort: 1 })), 'agent'],
  ['agent with agent-send', agentPlan(serverConfig({ name: 'a', agentCheck: true, agentPort: 1, agentSend: 'x\n' })), 'agent'],
  ['option httpchk', healthPlan(healthCheck({ type: 'http' })), undefined],
  ['tcp-check connect port', healthPlan(healthCheck({ type: 'tcp-check', rules: [{ kind: 'connect', port: 25, where } as CheckRule] })), undefined],
  ['tcp-check send/expect', healthPlan(healthCheck({ type: 'tcp-check', rules: [{ kind: 'send', data: Buffer.from('x'), where } as CheckRule] })), undefined],
];
for (const [name, plan, kind] of table) {
  test(`fastKind: ${name} -> ${kind ?? 'generic engine'}`, (t) => {
    t.is(fastKind(plan), kind as ReturnType<typeof fastKind>);
  });
}

/** TCP sockets in TIME-WAIT with `port` on either side, as "local peer" tuples. */
function timeWait(port: number): Set<string> {
  const out = execFileSync('ss', ['-Htan', 'state', 'time-wait', `( sport = :${port} or dport = :${port} )`], { encoding: 'utf8' });
  return new Set(out.split('\n').map((l) => l.trim().split(/\s+/).slice(-2).join(' ')).filter((l) => l.length > 1));
}

/** TIME-WAIT tuples on `port` that were not there in `before`. The kernel may hand the listener a port number
 *  whose earlier owner (another test file's server) left TIME-WAIT entries behind: those are not ours. */
function newTimeWait(port: number, before: Set<string>): string[] {
  return [...timeWait(port)].filter((tuple) => !before.has(tuple));
}

test('plain connect checks and agent checks close with a RST: no TIME-WAIT on either side', async (t) => {
  const srv = await tcpServer(() => undefined);
  const agent = await agentServer({ kind: 'hold', text: 'up\n' });
  t.teardown(() => srv.close());
  t.teardown(() => agent.close());
  const plan = healthPlan(healthCheck());
  const aplan = agentPlan(serverConfig({ name: 'a', agentCheck: true, agentPort: agent.port }));
  const before = { srv: timeWait(srv.port), agent: timeWait(agent.port) };
  for (let i = 0; i < 20; i++) {
    t.like(await runProbe({ plan, target: { host: '127.0.0.1', port: srv.port }, interMs: 2000, serverDown: false }), { status: 'L4OK' });
    t.like(await runProbe({ plan: aplan, target: { host: '127.0.0.1', port: agent.port }, interMs: 2000, serverDown: false }), { status: 'L7OK', agentLine: 'up' });
  }
  await new Promise((r) => setTimeout(r, 100));
  t.deepEqual(newTimeWait(srv.port, before.srv), [], 'health check connections');
  t.deepEqual(newTimeWait(agent.port, before.agent), [], 'agent connections');
});
