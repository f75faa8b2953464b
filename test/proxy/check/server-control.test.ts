// The real check scheduler driving real backend Servers (as `hapair proxy` wires them), on a virtual clock with
// real loopback targets: leaving maintenance with the agent down, the health check restart at `rise` (API and
// reload paths), and chkfail counting only real failed checks (haproxy.md §2.1, §2.2, §3; haproxy 2.6.12 lab).
import test from 'ava';
import { startChecks, type ChecksHandle } from '../../../src/proxy/check/index.js';
import { createBackends, reloadBackends, serverStatusText, type Backend, type ServerTransitionEvent } from '../../../src/proxy/backend/index.js';
import { parseProxyText } from '../../../src/proxy/config/load.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { ProxyConfig, ProxyRuntimeView, ServerTransitionCause } from '../../../src/proxy/types.js';
import { agentServer } from '../../helpers/check-servers.js';
import { fakeClock, type FakeClock } from '../../helpers/check-clock.js';
import { Toggle } from '../../helpers/check-toggle.js';

const CLI: ServerTransitionCause = { source: 'cli', reason: 'test' };

function load(serverLine: string): ProxyConfig {
  const r = parseProxyText(`defaults\n  timeout connect 1s\n  timeout client 1s\n  timeout server 1s\nbackend be\n  ${serverLine}\n  server other 127.0.0.1:9\n`, 't.cfg');
  if (!r.config) throw new Error(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
  return r.config;
}

/** A ProxyRuntimeView over real Backends, like the proxy's own runtime (no frontends needed for checks). */
class RealRuntime implements ProxyRuntimeView {
  backends: Map<string, Backend>;
  readonly frontends = new Map();
  readonly events: ServerTransitionEvent[] = [];
  constructor(public config: ProxyConfig, readonly clock: FakeClock) {
    this.backends = createBackends(config, { logger: silentLogger(), clock, globalMaxconn: 1000 });
    this.listen();
  }
  private listen(): void {
    for (const b of this.backends.values()) b.events.on('transition', (e: ServerTransitionEvent) => this.events.push(e));
  }
  reload(config: ProxyConfig): void {
    this.config = config;
    for (const b of this.backends.values()) b.events.removeAllListeners('transition');
    this.backends = reloadBackends(this.backends, config, { logger: silentLogger(), clock: this.clock, globalMaxconn: 1000 }).backends;
    this.listen();
  }
  info() {
    return { pid: process.pid, version: '0', startedAt: 0, uptimeSec: 0, nbthread: 1, maxconn: 1000, currConns: 0, cumConns: 0, cumReq: 0, node: 'n' };
  }
  proxiesInOrder() {
    return [];
  }
  server(name = 's1') {
    return this.backends.get('be')!.findServer(name)!;
  }
}

function start(config: ProxyConfig): { rt: RealRuntime; clock: FakeClock; checks: ChecksHandle } {
  const clock = fakeClock();
  const rt = new RealRuntime(config, clock);
  return { rt, clock, checks: startChecks(rt, { logger: silentLogger(), clock, random: () => 0.5 }) };
}

async function step(clock: FakeClock, checks: ChecksHandle, ms: number): Promise<void> {
  clock.tick(ms);
  await checks.idle();
}

/** What the stats page / runtime API do for `set server state ...` (src/proxy/api/commands.ts). */
function setState(checks: ChecksHandle, rt: RealRuntime, state: 'ready' | 'maint'): void {
  rt.server().setAdmin(state, CLI);
  checks.adminChanged(rt.server());
}

test('leaving MAINT while the agent says down keeps the server DOWN (agent) until the agent says up', async (t) => {
  const web = new Toggle();
  await web.up();
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const { rt, clock, checks } = start(load(`server s1 127.0.0.1:${web.port} check inter 2000 agent-check agent-port ${agent.port} agent-inter 2000`));
  t.teardown(async () => {
    checks.stop();
    await web.down();
    await agent.close();
  });
  await step(clock, checks, 0);
  await step(clock, checks, 1000);
  t.is(rt.server().op, 'up');
  agent.set({ kind: 'reply', text: 'down\n' });
  await step(clock, checks, 2000);
  t.is(serverStatusText(rt.server()), 'DOWN (agent)');
  setState(checks, rt, 'maint');
  await step(clock, checks, 2000); // the agent keeps running in maintenance and keeps saying down
  t.is(serverStatusText(rt.server()), 'MAINT');
  setState(checks, rt, 'ready');
  t.is(rt.server().op, 'down');
  t.false(rt.server().isUsable());
  t.is(serverStatusText(rt.server()), 'DOWN (agent)', 'as haproxy 2.6.12 after `enable server`');
  t.is(rt.events.at(-1)?.message, 'Server be/s1 is DOWN/READY (leaving forced maintenance)');
  agent.set({ kind: 'reply', text: 'up\n' });
  await step(clock, checks, 2000);
  t.is(rt.server().op, 'up');
  t.true(rt.server().isUsable());
});

test('leaving MAINT restarts the health check at rise and checks at once (API path and reload path)', async (t) => {
  const web = new Toggle();
  await web.up();
  const line = `server s1 127.0.0.1:${web.port} check inter 60000 rise 2 fall 2`;
  const { rt, clock, checks } = start(load(line));
  t.teardown(async () => {
    checks.stop();
    await web.down();
  });
  await step(clock, checks, 0);
  await web.down();
  await step(clock, checks, 60_000);
  await step(clock, checks, 60_000);
  t.like(rt.server().check, { health: 0 });
  t.is(rt.server().op, 'down');
  setState(checks, rt, 'maint');
  await web.up();
  const before = web.connections;
  setState(checks, rt, 'ready');
  t.like(rt.server().check, { health: 2 }, 'health = rise right away');
  t.is(serverStatusText(rt.server()), 'UP 1/2');
  await step(clock, checks, 0);
  t.is(web.connections, before + 1, 'checked at once, not after inter (60 s)');
  t.is(serverStatusText(rt.server()), 'UP');

  // Same through a reload that removes `disabled` from the server line.
  rt.reload(load(`${line} disabled`));
  checks.reload();
  t.is(serverStatusText(rt.server()), 'MAINT');
  await step(clock, checks, 60_000);
  const paused = web.connections;
  await step(clock, checks, 60_000);
  t.is(web.connections, paused, 'no health check in maintenance');
  rt.reload(load(line));
  checks.reload();
  t.like(rt.server().check, { health: 2 });
  await step(clock, checks, 0);
  t.is(web.connections, paused + 1, 'the reload that left maintenance checks at once');
});

test('chkfail counts real failed checks only: not hdown / `set server health down`, not agent failures', async (t) => {
  const web = new Toggle();
  await web.up();
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const { rt, clock, checks } = start(load(`server s1 127.0.0.1:${web.port} check inter 1000 rise 2 fall 3 agent-check agent-port ${agent.port} agent-inter 1000`));
  t.teardown(async () => {
    checks.stop();
    await agent.close();
    await web.down();
  });
  const s = rt.server();
  await step(clock, checks, 0);
  checks.forceHealth(s, 'down');
  t.is(s.op, 'down');
  t.is(s.downTransitions, 1);
  t.is(s.failedChecks, 0, 'a forced DOWN is no failed check');
  checks.forceHealth(s, 'up');
  agent.set({ kind: 'reply', text: 'down\n' });
  await step(clock, checks, 1000);
  t.is(s.op, 'down');
  t.is(s.failedChecks, 0, 'an agent saying down is no failed health check');
  agent.set({ kind: 'reply', text: 'up\n' });
  await step(clock, checks, 1000);
  t.is(s.op, 'up');
  await web.down();
  for (let i = 0; i < 3; i++) await step(clock, checks, 1000);
  t.is(s.op, 'down');
  t.is(s.failedChecks, 3, 'fall = 3 real failures');
  await step(clock, checks, 1000);
  t.is(s.failedChecks, 3, 'failures at health 0 no longer count');
});
