// Every stats admin action POSTed to the real `hapair proxy` (not a runtime double): 303 + ;st= code, then the
// server's state as the proxy itself reports it (`show stat`, `show servers state`), `shutdown` cutting a live
// session, bad server (ERRP), unknown extra fields (ignored, as haproxy), missing fields (NONE), bad auth (401).
import test from 'ava';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { agentServer } from '../../helpers/check-servers.js';
import { freePort, startProxy } from '../../helpers/check-proxy.js';
import { connectNamed, namedTcp, statRow, until, type Held } from '../../helpers/ctl-real.js';

test('admin POST on the real proxy: every action changes the server as the proxy reports it; ERRP, NONE, 401', async (t) => {
  const a1 = await namedTcp('a1');
  const a2 = await namedTcp('a2');
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const fe = await freePort();
  const statsPort = await freePort();
  // inter 30s: after the first round no check runs during the test, so each state is the action's own.
  const proxy = await startProxy(`global
    stats socket {{DIR}}/admin.sock mode 600 level admin
    max-spread-checks 300
defaults
    timeout connect 1s
    timeout client 10s
    timeout server 10s
listen admin_stats
    mode http
    bind 127.0.0.1:${statsPort}
    stats enable
    stats uri /admin
    stats realm haproxy_admin
    stats auth admin:admin
    stats admin if TRUE
listen px
    mode tcp
    bind 127.0.0.1:${fe}
    server a1 127.0.0.1:${a1.port} check inter 30s rise 2 fall 3 agent-check agent-port ${agent.port} agent-inter 30s
    server a2 127.0.0.1:${a2.port} check inter 30s
`);
  const held: Held[] = [];
  t.teardown(async () => {
    for (const h of held) h.sock.destroy();
    await proxy.stop();
    await Promise.all([a1.close(), a2.close(), agent.close()]);
  });
  const sock = `${proxy.dir}/admin.sock`;
  const row = (sv = 'a1') => statRow(sock, 'px', sv);
  const bits = async (col: number) => Number((await sendCommand(sock, 'show servers state px')).split('\n').find((l) => l.split(' ')[3] === 'a1')!.split(' ')[col]);
  const auth = `Basic ${Buffer.from('admin:admin').toString('base64')}`;
  const post = async (body: string, authorization = auth) => {
    const r = await fetch(`http://127.0.0.1:${statsPort}/admin`, {
      method: 'POST', body, redirect: 'manual', headers: { Authorization: authorization, 'Content-Type': 'application/x-www-form-urlencoded' },
    });
    return { status: r.status, location: r.headers.get('location') ?? '' };
  };
  await until('first check round', async () => {
    const r = await row();
    return r.check_status === 'L4OK' && r.agent_status === 'L7OK' && (await row('a2')).check_status === 'L4OK';
  });

  // action -> what the proxy reports afterwards (status column, or a check/agent state bit from show servers state)
  const steps: [string, () => Promise<unknown>][] = [
    ['drain', async () => t.is((await row()).status, 'DRAIN (agent)')],
    ['ready', async () => t.regex((await row()).status!, /^UP/)],
    ['maint', async () => t.is((await row()).status, 'MAINT')],
    ['ready', async () => until('UP after maint', async () => /^UP/.test((await row()).status!))],
    ['dhlth', async () => t.is((await bits(13)) & 0x4, 0, 'health check disabled')],
    ['ehlth', async () => t.is((await bits(13)) & 0x4, 0x4, 'health check enabled')],
    ['hdown', async () => t.is((await row()).status, 'DOWN')],
    ['hrunn', async () => t.regex((await row()).status!, /^UP/)],
    ['hnolb', async () => t.is((await row()).status, 'NOLB')],
    ['hrunn', async () => t.regex((await row()).status!, /^UP/)],
    ['dagent', async () => t.is((await bits(14)) & 0x4, 0, 'agent disabled')],
    ['eagent', async () => t.is((await bits(14)) & 0x4, 0x4, 'agent enabled')],
    ['adown', async () => t.is((await row()).status, 'DOWN (agent)')],
    ['arunn', async () => t.regex((await row()).status!, /^UP/)],
  ];
  for (const [action, check] of steps) {
    const r = await post(`s=a1&b=px&action=${action}`);
    t.deepEqual(r, { status: 303, location: '/admin;st=DONE' }, action);
    await check();
  }

  // shutdown: a live session on a1 is cut, one on a2 stays.
  for (let i = 0; i < 8 && !(held.some((h) => h.name === 'a1') && held.some((h) => h.name === 'a2')); i++) held.push(await connectNamed(fe));
  const on1 = held.find((h) => h.name === 'a1')!;
  const on2 = held.find((h) => h.name === 'a2')!;
  t.truthy(on1 && on2, 'a session on each server');
  t.is((await post('s=a1&b=px&action=shutdown')).location, '/admin;st=DONE');
  await Promise.race([on1.closed, new Promise((_, rej) => setTimeout(() => rej(new Error('a1 session not shut down')), 3000))]);
  t.false(on2.sock.destroyed || on2.sock.readableEnded, 'the a2 session is untouched');

  // Bad and odd input: unknown server, extra unknown fields (ignored like haproxy), missing fields, no/bad auth.
  t.is((await post('s=nosuch&b=px&action=maint')).location, '/admin;st=ERRP');
  t.is((await post('s=a2&b=px&action=drain&token=xyz&foo=')).location, '/admin;st=DONE', 'unknown fields are ignored');
  t.is((await row('a2')).status, 'DRAIN');
  t.is((await post('b=px&action=maint')).location, '/admin;st=NONE');
  t.is((await post('s=a2&b=px')).location, '/admin;st=NONE');
  t.is((await post('s=a2&action=maint')).location, '/admin;st=NONE');
  const bad = await post('s=a2&b=px&action=maint', `Basic ${Buffer.from('admin:wrong').toString('base64')}`);
  t.is(bad.status, 401);
  t.is((await row('a2')).status, 'DRAIN', 'nothing applied without valid credentials');
  const anon = await fetch(`http://127.0.0.1:${statsPort}/admin`);
  t.is(anon.status, 401);
  t.is(anon.headers.get('www-authenticate'), 'Basic realm="haproxy_admin"');
  const logged = proxy.daemon.lines.filter((l) => l.event === 'server' && l.server === 'a1' && l.source === 'stats-page').map((l) => l.to);
  t.true(logged.includes('MAINT') && logged.includes('DOWN'), `stats-page transitions logged: ${logged.join(',')}`);
});
