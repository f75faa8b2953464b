// Runtime API over real unix sockets (and once through socat, once through `hapair ctl`): haproxy's exact outputs
// and error messages, levels and "Permission denied", unknown commands -> help, `;` lists, prompt mode.
import test from 'ava';
import net from 'node:net';
import path from 'node:path';
import { startRuntimeApi } from '../../../src/proxy/api/server.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { startChecks } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { realClock } from '../../../src/core/clock.js';
import type { StatsSocketConfig } from '../../../src/proxy/types.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';
import { agentServer, tcpServer } from '../../helpers/check-servers.js';
import { runCli, runCommand } from '../../helpers/proc.js';
import { tmpDir } from '../../helpers/paths.js';

const where = { file: 't.cfg', line: 1 };

async function setup(t: import('ava').ExecutionContext) {
  const web = await tcpServer((s) => s.end());
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const be = section({
    name: 'be', id: 4, mode: 'http',
    servers: [
      serverConfig({ name: 'a1', id: 1, port: web.port, check: true, agentCheck: true, agentPort: agent.port }),
      serverConfig({ name: 'a2', id: 2, port: web.port, check: true, weight: 2 }),
      serverConfig({ name: 'a3', id: 3, port: web.port, backup: true }),
    ],
  });
  const st = section({ name: 'static', id: 5, balance: { kind: 'static-rr' }, servers: [serverConfig({ name: 's', port: web.port, weight: 4 })] });
  const rt = FakeRuntime.of([be, st], { maxSpreadChecks: 20 });
  const checks = startChecks(rt, { logger: silentLogger(), clock: realClock });
  const dir = tmpDir('hapair-api-');
  const sock = (name: string, level: StatsSocketConfig['level']): StatsSocketConfig => ({ path: path.join(dir, `${name}.sock`), level, where });
  const sockets = [sock('admin', 'admin'), sock('oper', 'operator'), sock('user', 'user')];
  const api = await startRuntimeApi(rt, checks, sockets, { logger: silentLogger() });
  t.teardown(async () => {
    checks.stop();
    await api.close();
    await web.close();
    await agent.close();
  });
  await new Promise((r) => setTimeout(r, 80));
  await checks.idle();
  const admin = (cmd: string) => sendCommand(sockets[0]!.path, cmd);
  return { rt, checks, dir, sockets, admin, oper: (c: string) => sendCommand(sockets[1]!.path, c), user: (c: string) => sendCommand(sockets[2]!.path, c), web: web.port, agentPort: agent.port };
}

test('show servers state / show backend / show info / show stat formats', async (t) => {
  const { admin, web, agentPort } = await setup(t);
  const state = await admin('show servers state');
  const lines = state.split('\n');
  t.is(lines[0], '1');
  t.is(lines[1], '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port');
  t.regex(lines[2]!, new RegExp(`^4 be 1 a1 127\\.0\\.0\\.1 2 0 1 1 \\d+ 6 3 4 6 22 0 0 - ${web} - 0 0 - - ${agentPort}$`));
  t.regex(lines[4]!, new RegExp(`^4 be 3 a3 127\\.0\\.0\\.1 2 0 1 1 \\d+ 1 0 2 0 0 0 0 - ${web} - 0 0 - - 0$`));
  t.true(state.endsWith('\n\n'));
  t.is(await admin('show servers state nope'), "Can't find backend.\n\n");
  t.is(await admin('show backend'), '# name\nbe\nstatic\n\n');
  const info = await admin('show info');
  t.regex(info, /^Name: hapair\nVersion: 0\.1\.0\n/);
  t.regex(info, new RegExp(`\nPid: ${process.pid}\n`));
  t.regex(info, /\nUptime: 0d 0h00m\d\ds\nUptime_sec: \d+\n/);
  t.regex(info, /\nDroppedLogs: \d+\n/);
  const stat = await admin('show stat');
  t.regex(stat, /^# pxname,svname,qcur,/);
  t.is(stat.split('\n').filter((l) => l.startsWith('be,')).length, 4);
  const only = await admin('show stat be 4 -1');
  t.deepEqual(only.split('\n').slice(1).filter(Boolean).map((l) => l.split(',')[1]), ['a1', 'a2', 'a3']);
  t.is(JSON.parse((await admin('show stat json')).trim()).length, 6);
});

test('state, weight, addr, maxconn, health/agent commands: haproxy outputs and effects', async (t) => {
  const { admin, rt } = await setup(t);
  const a1 = rt.server('be', 'a1');
  const rows: [string, string][] = [
    ['set server be/a1 state drain', '\n'],
    ['set server be/zz state maint', 'No such server.\n\n'],
    ['set server nope/a1 state ready', 'No such backend.\n\n'],
    ['set server be state ready', "Require 'backend/server'.\n\n"],
    ['set server be/a1 state foo', "'set server <srv> state' expects 'ready', 'drain' and 'maint'.\n\n"],
    ['set server be/a1 weight 300', 'Absolute weight can only be between 0 and 256 inclusive.\n\n'],
    ['set server be/a1 weight', 'Require <weight> or <weight%>.\n\n'],
    ['set server be/a1 weight abc', 'Empty weight string empty or preceded by garbage\n'],
    ['set server be/a2 weight 50%', '\n'],
    ['get weight be/a2', '1 (initial 2)\n\n'],
    ['set weight be/a2 5', '\n'],
    ['get weight be/a2', '5 (initial 2)\n\n'],
    ['set server static/s weight 3', "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.\n\n"],
    ['set server static/s weight 0%', '\n'],
    ['set server be/a1 addr 127.0.0.2 port 27190', "IP changed from '127.0.0.1' to '127.0.0.2', port changed from '" + a1.port + "' to '27190' by 'stats socket command'\n\n"],
    ['set server be/a1 addr bad..addr', "Invalid addr 'bad..addr' by 'stats socket command'\n\n"],
    ['set server be/a1 addr', 'set server <b>/<s> addr requires an address and optionally a port.\n\n'],
    ['set maxconn server be/a1 10', '\n'],
    ['set maxconn server be/a1', 'Require <maxconn>.\n\n'],
    ['set maxconn server be/a1 abc', 'maxconn string empty or preceded by garbage\n'],
    ['set server be/a1 health foo', "'set server <srv> health' expects 'up', 'stopping', or 'down'.\n\n"],
    ['set server be/a3 agent up', 'agent checks are not enabled on this server.\n\n'],
    ['set server be/a1 agent foo', "'set server <srv> agent' expects 'up' or 'down'.\n\n"],
    ['enable health be/a3', 'Health check was not configured on this server, cannot enable.\n\n'],
    ['enable agent be/a2', 'Agent was not configured on this server, cannot enable.\n\n'],
    ['set server be/a1', 'usage: set server <backend>/<server> addr | agent | health | state | weight\n\n'],
  ];
  for (const [cmd, want] of rows) t.is(await admin(cmd), want, cmd);
  t.true(a1.admin.forcedDrain);
  t.is(a1.maxconn, 10);
  t.is(a1.addr, '127.0.0.2');
  t.is(rt.server('static', 's').uweight, 0);
  t.is(await admin('set server be/a1 state maint'), '\n');
  t.true(a1.admin.forcedMaint);
  t.is(await admin('disable server be/a2; enable server be/a2'), '\n\n');
  t.is(await admin('disable health be/a2'), '\n');
  t.false(rt.server('be', 'a2').check?.enabled);
  t.is(await admin('enable health be/a2'), '\n');
  t.true(rt.server('be', 'a2').check?.enabled);
  t.is(await admin('set server be/a2 health down'), '\n');
  t.is(rt.server('be', 'a2').op, 'down');
  t.is(await admin('set server be/a2 health up'), '\n');
  t.is(rt.server('be', 'a2').op, 'up');
  t.is(await admin('disable agent be/a1'), '\n');
  t.false(a1.agent?.enabled);
  t.is(await admin('shutdown sessions server be/a1'), '\n');
  t.is(a1.killed.at(-1), 'Kx0');
  t.true(rt.transitions.every((x) => x.cause.source !== 'cli' || x.cause.reason === 'stats socket command'));
});

test('levels: user and operator may read but get "Permission denied" for changes; operator/user lower the level', async (t) => {
  const { user, oper, admin, rt } = await setup(t);
  for (const c of ['disable server be/a1', 'set server be/a1 state maint', 'set maxconn server be/a1 20', 'shutdown sessions server be/a1']) {
    t.is(await user(c), 'Permission denied\n\n', c);
    t.is(await oper(c), 'Permission denied\n\n', c);
  }
  t.false(rt.server('be', 'a1').admin.forcedMaint);
  t.regex(await user('show servers state be'), /^1\n# be_id/);
  t.is(await user('show cli level'), 'user\n\n');
  t.is(await oper('show cli level'), 'operator\n\n');
  t.is(await admin('operator; show cli level; set server be/a1 state maint'), '\noperator\n\nPermission denied\n\n');
  t.notRegex(await user('help'), /set server/);
  t.regex(await admin('help'), /^The following commands are valid at this level:\n {2}show info \[json\] {24}: /);
});

test('unknown commands answer the help text; help filters; bad lines never crash the server', async (t) => {
  const { admin, sockets } = await setup(t);
  const unk = await admin('foo bar');
  t.regex(unk, /^Unknown command, but maybe one of the following ones is a better match:\n/);
  t.regex(unk, / {2}help \[<command>\] {24}: list matching or all commands\n {2}prompt {34}: toggle interactive mode with prompt\n {2}quit {36}: disconnect\n\n$/);
  const showish = await admin('show nothing');
  t.regex(showish, /show info/);
  t.notRegex(showish, /set server/);
  const help = await admin('help set');
  t.regex(help, /set server <bk>\/<srv> \[opts\]/);
  t.notRegex(help, /show info/);
  t.is(await admin(''), '');
  t.is(await admin('\x00\x01\xff'), (await admin('foo')).replace('', ''));
  const long = await sendCommand(sockets[0]!.path, 'x'.repeat(70_000));
  t.is(long, 'Request too long.\n\n');
  t.regex(await admin('show backend'), /^# name/, 'still serving');
});

test('prompt mode keeps the connection open with "> " prompts until quit', async (t) => {
  const { sockets } = await setup(t);
  const out = await new Promise<string>((resolve) => {
    const s = net.connect(sockets[0]!.path);
    let buf = '';
    s.setEncoding('utf8');
    s.on('data', (d: string) => (buf += d));
    s.on('close', () => resolve(buf));
    s.write('prompt\n');
    setTimeout(() => s.write('show backend\n'), 30);
    setTimeout(() => s.write('get weight be/a1\n'), 60);
    setTimeout(() => s.write('quit\n'), 90);
  });
  t.is(out, '\n> # name\nbe\nstatic\n\n> 1 (initial 1)\n\n> ');
});

test('works with socat and with `hapair ctl -S`', async (t) => {
  const { sockets, admin } = await setup(t);
  const socat = await runCommand('socat', ['stdio', `unix-connect:${sockets[0]!.path}`], { input: 'show backend\n', timeoutMs: 10_000 });
  t.is(socat.stdout, '# name\nbe\nstatic\n\n');
  const ctl = await runCli(['ctl', '-S', sockets[0]!.path, 'set', 'server', 'be/a1', 'state', 'drain;', 'get weight be/a1'], { timeoutMs: 20_000 });
  t.is(ctl.code, 0, ctl.stderr);
  t.is(ctl.stdout, '\n1 (initial 1)\n\n');
  t.regex(await admin("show stat be 4 1"), /\nbe,a1,.*,DRAIN \(agent\),/);
  const missing = await runCli(['ctl', '-S', path.join(tmpDir(), 'none.sock'), 'show info'], { timeoutMs: 20_000 });
  t.is(missing.code, 1);
  t.regex(missing.stderr, /proxy not running \(no stats socket\) \[ECONTROL\]/);
});

test('a `stats socket ip:port` serves the same API over TCP', async (t) => {
  const rt = FakeRuntime.of([section({ name: 'be', servers: [serverConfig({ name: 'a1', port: 9 })] })]);
  const checks = startChecks(rt, { logger: silentLogger(), clock: realClock });
  const port = await new Promise<number>((resolve) => {
    const s = net.createServer().listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
  const api = await startRuntimeApi(rt, checks, [{ path: `127.0.0.1:${port}`, level: 'operator', where }], { logger: silentLogger() });
  t.teardown(async () => {
    checks.stop();
    await api.close();
  });
  t.is(await sendCommand(`127.0.0.1:${port}`, 'show backend'), '# name\nbe\n\n');
  t.is(await sendCommand(`127.0.0.1:${port}`, 'set server be/a1 state maint'), 'Permission denied\n\n');
});
