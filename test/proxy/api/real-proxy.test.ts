// Every runtime API command named by issue 4 against the real `hapair proxy` (not a runtime double): exact output,
// state in `show stat` / `show servers state`, and the effect on real traffic through the proxy (which backend
// answers). Plus the user-level socket (Permission denied, help text) and the transition log lines.
import test from 'ava';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { agentServer } from '../../helpers/check-servers.js';
import { freePort, startProxy } from '../../helpers/check-proxy.js';
import { connectNamed, namedTcp, statRow, until, whoAnswers, type Held } from '../../helpers/ctl-real.js';

test('runtime API on the real proxy: state, weight, addr/port, maxconn, health/agent, enable/disable server', async (t) => {
  const a1 = await namedTcp('a1');
  const a2 = await namedTcp('a2');
  const c = await namedTcp('c');
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const fe = await freePort();
  // inter 30s: after the first round (spread over ~1 s) no check runs during the test, so every state seen is the
  // one the command made, not a check result (max-spread-checks makes the first round start within 300 ms).
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock mode 600 level admin
    stats socket {{DIR}}/user.sock mode 600 level user
    max-spread-checks 300
defaults
    mode tcp
    timeout connect 1s
    timeout client 10s
    timeout server 10s
listen px
    bind 127.0.0.1:${fe}
    server a1 127.0.0.1:${a1.port} check inter 30s rise 2 fall 3 weight 2 agent-check agent-port ${agent.port} agent-inter 30s
    server a2 127.0.0.1:${a2.port} check inter 30s weight 2
`);
  const held: Held[] = [];
  t.teardown(async () => {
    for (const h of held) h.sock.destroy();
    await proxy.stop();
    await Promise.all([a1.close(), a2.close(), c.close(), agent.close()]);
  });
  const sock = `${proxy.dir}/admin.sock`;
  const cmd = (line: string) => sendCommand(sock, line);
  const row = (sv: string) => statRow(sock, 'px', sv);
  const stateRow = async (sv: string) => (await cmd('show servers state px')).split('\n').find((l) => l.split(' ')[3] === sv)!.split(' ');
  await until('first check round', async () => {
    const [r1, r2] = [await row('a1'), await row('a2')];
    return r1.check_status === 'L4OK' && r1.agent_status === 'L7OK' && r2.check_status === 'L4OK';
  });
  t.deepEqual([...new Set(await whoAnswers(fe, 4))].sort(), ['a1', 'a2'], 'both serve at first');

  // set server state drain|maint|ready
  t.is(await cmd('set server px/a1 state drain'), '\n');
  t.like(await row('a1'), { status: 'DRAIN (agent)', weight: '0' }); // haproxy names the agent when one is configured
  t.is((await stateRow('a1'))[6], '8', 'srv_admin_state: forced drain');
  t.deepEqual(await whoAnswers(fe, 4), ['a2', 'a2', 'a2', 'a2'], 'no new traffic to a draining server');
  t.is(await cmd('set server px/a1 state maint'), '\n');
  t.like(await row('a1'), { status: 'MAINT' });
  // haproxy 2.6's srv_adm_set_maint() sets FMAINT and clears FDRAIN (checked with its own stats socket: 8, then 1).
  t.is((await stateRow('a1'))[6], '1', 'srv_admin_state: forced maint only');
  t.deepEqual(await whoAnswers(fe, 4), ['a2', 'a2', 'a2', 'a2']);
  // ... and srv_adm_set_drain() clears FMAINT: the server leaves maintenance as DRAIN (8), still without new traffic.
  t.is(await cmd('set server px/a1 state drain'), '\n');
  await until('a1 DRAIN after maint -> drain', async () => /^DRAIN/.test((await row('a1')).status ?? ''));
  t.is((await stateRow('a1'))[6], '8', 'srv_admin_state: forced drain only');
  t.deepEqual(await whoAnswers(fe, 4), ['a2', 'a2', 'a2', 'a2']);
  t.is(await cmd('set server px/a1 state maint'), '\n');
  t.is(await cmd('set server px/a1 state ready'), '\n');
  await until('a1 UP after ready', async () => /^UP/.test((await row('a1')).status ?? ''));
  t.is((await stateRow('a1'))[6], '0', 'ready clears maint and drain');
  t.true((await whoAnswers(fe, 4)).includes('a1'), 'traffic returns after ready');

  // set server weight N / get weight
  t.is(await cmd('set server px/a1 weight 0'), '\n');
  t.is(await cmd('get weight px/a1'), '0 (initial 2)\n\n');
  t.deepEqual(await whoAnswers(fe, 4), ['a2', 'a2', 'a2', 'a2'], 'weight 0 takes no load-balanced traffic');
  t.is(await cmd('set server px/a1 weight 2'), '\n');
  t.is((await row('a1')).weight, '2');

  // set server addr A port P: traffic for a1 now reaches the server on c's port.
  t.is(await cmd(`set server px/a1 addr 127.0.0.1 port ${c.port}`), `no need to change the addr, port changed from '${a1.port}' to '${c.port}' by 'stats socket command'\n\n`);
  t.is((await row('a1')).addr, `127.0.0.1:${c.port}`);
  const after = await whoAnswers(fe, 4);
  t.true(after.includes('c') && !after.includes('a1'), `a1's traffic goes to the new port: ${after.join(',')}`);
  t.is(await cmd('set server px/a1 addr 127.0.0.2'), "IP changed from '127.0.0.1' to '127.0.0.2' by 'stats socket command'\n\n");
  t.is(await cmd('set server px/a1 addr 127.0.0.1'), "IP changed from '127.0.0.2' to '127.0.0.1' by 'stats socket command'\n\n");

  // set maxconn server: with one session held on a1, new connections go to a2.
  t.is(await cmd('set maxconn server px/a1 1'), '\n');
  t.is((await row('a1')).slim, '1');
  for (let i = 0; i < 6 && !held.some((h) => h.name === 'c'); i++) held.push(await connectNamed(fe));
  t.true(held.some((h) => h.name === 'c'), 'a session on a1 (now at c)');
  t.deepEqual(await whoAnswers(fe, 3), ['a2', 'a2', 'a2'], 'a1 is full at maxconn 1');
  for (const h of held.splice(0)) h.sock.destroy();
  t.is(await cmd('set maxconn server px/a1 0'), '\n');

  // disable|enable health / agent: check_state / agent_state bits (0x4 = enabled), status column.
  t.is(await cmd('disable health px/a2'), '\n');
  t.is((await stateRow('a2'))[13], '2', 'health check configured, not enabled');
  t.is((await row('a2')).status, 'no check');
  t.is(await cmd('enable health px/a2'), '\n');
  t.is(Number((await stateRow('a2'))[13]) & 0x4, 0x4);
  t.is(await cmd('disable agent px/a1'), '\n');
  t.is(Number((await stateRow('a1'))[14]) & 0x4, 0, 'agent disabled');
  t.is(await cmd('enable agent px/a1'), '\n');
  t.is(Number((await stateRow('a1'))[14]) & 0x14, 0x14, 'agent enabled again');

  // disable|enable server = maint|ready
  t.is(await cmd('disable server px/a2'), '\n');
  t.is((await row('a2')).status, 'MAINT');
  t.true((await whoAnswers(fe, 3)).every((n) => n !== 'a2'));
  t.is(await cmd('enable server px/a2'), '\n');
  await until('a2 UP after enable', async () => /^UP/.test((await row('a2')).status ?? ''));

  // A user-level socket reads but may not change anything; unknown commands get the help text.
  const user = (line: string) => sendCommand(`${proxy.dir}/user.sock`, line);
  t.is(await user('set server px/a1 state maint'), 'Permission denied\n\n');
  t.is(await user('disable health px/a1'), 'Permission denied\n\n');
  t.notRegex((await row('a1')).status ?? '', /MAINT/);
  t.regex(await user('frobnicate'), /^Unknown command, but maybe one of the following ones is a better match:\n[\s\S]* {2}help \[<command>\] +: list matching or all commands\n/);
  t.regex(await user('show nothing'), /show info/, 'a near miss lists the matching commands');
  t.regex(await user('show servers state px'), /^1\n# be_id /);

  // Every transition above was logged with stable fields and the CLI as its source.
  const logged = proxy.daemon.lines.filter((l) => l.event === 'server' && l.server === 'a1' && l.source === 'cli').map((l) => l.to);
  t.deepEqual(logged.slice(0, 5), ['DRAIN', 'MAINT', 'DRAIN', 'MAINT', 'UP'], `a1 transitions logged: ${logged.join(',')}`);
  const line = proxy.daemon.lines.find((l) => l.event === 'server' && l.to === 'MAINT' && l.server === 'a1')!;
  t.like(line, { backend: 'px', from: 'DRAIN', source: 'cli' });
  t.is(typeof line.msg, 'string');
});
