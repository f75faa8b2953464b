// Stats page over real HTTP: Basic auth/realm, HTML, CSV in haproxy's field order (parsed back), JSON, and the
// admin POST for every action incl. bad server / backend / action / size / permission, with 303 + ;st= codes.
import test from 'ava';
import { startChecks } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { realClock } from '../../../src/core/clock.js';
import type { Condition, ProxySection } from '../../../src/proxy/types.js';
import { FakeRuntime, section, serverConfig, statsConfig } from '../../helpers/check-fixtures.js';
import { agentServer, tcpServer } from '../../helpers/check-servers.js';
import { serveStats } from '../../helpers/check-stats-server.js';

const where = { file: 't.cfg', line: 1 };
const TRUE: Condition = { polarity: 'if', anyOf: [[{ negate: false, acl: 'TRUE' }]], where };
/** haproxy 2.6.12 `show stat` header up to the "-" column, as captured from the Debian package. */
const HAPROXY_26_HEADER =
  'pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,pid,iid,sid,throttle,lbtot,tracked,type,rate,rate_lim,rate_max,check_status,check_code,check_duration,hrsp_1xx,hrsp_2xx,hrsp_3xx,hrsp_4xx,hrsp_5xx,hrsp_other,hanafail,req_rate,req_rate_max,req_tot,cli_abrt,srv_abrt,comp_in,comp_out,comp_byp,comp_rsp,lastsess,last_chk,last_agt,qtime,ctime,rtime,ttime,agent_status,agent_code,agent_duration,check_desc,agent_desc,check_rise,check_fall,check_health,agent_rise,agent_fall,agent_health,addr,cookie,mode,algo,conn_rate,conn_rate_max,conn_tot,intercepted,dcon,dses,wrew,connect,reuse,cache_lookups,cache_hits,srv_icur,src_ilim,qtime_max,ctime_max,rtime_max,ttime_max,eint,idle_conn_cur,safe_conn_cur,used_conn_cur,need_conn_est,uweight,agg_server_status,agg_server_check_status,agg_check_status,-';

async function setup(t: import('ava').ExecutionContext, statsOver: Partial<ProxySection['stats']> = {}) {
  const web = await tcpServer((s) => s.end());
  const agent = await agentServer({ kind: 'reply', text: 'up\n' });
  const statsSec = section({ name: 'admin_stats', kind: 'listen', id: 1, mode: 'http', stats: statsConfig({ uri: '/admin', realm: 'haproxy_admin', auth: [{ user: 'admin', pass: 'admin' }], refreshSec: 30, hideVersion: true, adminRules: [TRUE], ...statsOver }) });
  const be = section({
    name: 'log_server', id: 2, mode: 'http',
    servers: [
      serverConfig({ name: 'node1', id: 1, port: web.port, check: true, weight: 3, rise: 3, fall: 3, cookie: 'server1', agentCheck: true, agentPort: agent.port }),
      serverConfig({ name: 'node2', id: 2, port: web.port, check: true, weight: 3, rise: 3, fall: 3 }),
      serverConfig({ name: 'spare', id: 3, port: web.port, backup: true }),
    ],
  });
  const rt = FakeRuntime.of([statsSec, be], { maxSpreadChecks: 30 });
  const checks = startChecks(rt, { logger: silentLogger(), clock: realClock });
  const srv = await serveStats({ runtime: rt, checks, section: statsSec });
  t.teardown(async () => {
    checks.stop();
    await srv.close();
    await web.close();
    await agent.close();
  });
  const auth = { Authorization: `Basic ${Buffer.from('admin:admin').toString('base64')}` };
  const post = async (body: string, headers: Record<string, string> = auth) => {
    const r = await fetch(`${srv.url}/admin`, { method: 'POST', body, redirect: 'manual', headers: { ...headers, 'Content-Type': 'application/x-www-form-urlencoded' } });
    return { status: r.status, location: r.headers.get('location') };
  };
  return { rt, checks, url: srv.url, auth, post, s1: rt.server('log_server', 'node1'), s2: rt.server('log_server', 'node2') };
}

test('Basic auth: 401 with the realm without or with bad credentials; 200 with good ones', async (t) => {
  const { url, auth } = await setup(t);
  const none = await fetch(`${url}/admin`);
  t.is(none.status, 401);
  t.is(none.headers.get('www-authenticate'), 'Basic realm="haproxy_admin"');
  const bad = await fetch(`${url}/admin`, { headers: { Authorization: `Basic ${Buffer.from('admin:nope').toString('base64')}` } });
  t.is(bad.status, 401);
  const garbage = await fetch(`${url}/admin`, { headers: { Authorization: 'Basic !!!' } });
  t.is(garbage.status, 401);
  const ok = await fetch(`${url}/admin`, { headers: auth });
  t.is(ok.status, 200);
  t.is(ok.headers.get('refresh'), '30');
  t.is(ok.headers.get('cache-control'), 'no-cache');
  const html = await ok.text();
  t.regex(html, /<table class="px" id="log_server">/);
  t.regex(html, /<form class="admin"[^>]*method="post"/);
  t.notRegex(html, /hapair 0\.1\.0/, 'hide-version');
  const noref = await fetch(`${url}/admin;norefresh`, { headers: auth });
  t.is(noref.headers.get('refresh'), null);
});

test('CSV: haproxy header and field order, parsed back per row; JSON mirrors it', async (t) => {
  const { url, auth, checks } = await setup(t);
  await new Promise((r) => setTimeout(r, 100));
  await checks.idle();
  const csv = await (await fetch(`${url}/admin;csv`, { headers: auth })).text();
  const lines = csv.split('\n').filter(Boolean);
  t.is(lines[0], `# ${HAPROXY_26_HEADER},`);
  t.true(lines.every((l) => l.endsWith(',')));
  const names = HAPROXY_26_HEADER.split(',');
  const rows = lines.slice(1).map((l) => Object.fromEntries(l.slice(0, -1).split(',').map((v, i) => [names[i], v])));
  t.deepEqual(rows.map((r) => `${r.pxname}/${r.svname}`), [
    'admin_stats/FRONTEND', 'admin_stats/BACKEND', 'log_server/node1', 'log_server/node2', 'log_server/spare', 'log_server/BACKEND',
  ]);
  const n1 = rows[2]!;
  t.like(n1, { status: 'UP', weight: '3', act: '1', bck: '0', type: '2', sid: '1', iid: '2', check_rise: '3', check_fall: '3', check_health: '5', agent_rise: '1', cookie: 'server1', mode: 'http' });
  t.like(n1, { check_desc: 'Layer4 check passed', last_agt: 'via agent : up', addr: `127.0.0.1:${n1.addr!.split(':')[1]}` });
  // haproxy's "* " prefix marks a check or agent exchange running at that moment.
  t.regex(n1.check_status ?? '', /^(\* )?L4OK$/);
  t.regex(n1.agent_status ?? '', /^(\* )?L7OK$/);
  t.like(rows[4]!, { status: 'no check', act: '0', bck: '1', check_status: '' });
  t.like(rows[5]!, { status: 'UP', weight: '6', act: '2', bck: '1', type: '1', algo: 'roundrobin' });
  const json = JSON.parse(await (await fetch(`${url}/admin;json`, { headers: auth })).text()) as { field: { name: string }; value: { value: unknown } }[][];
  t.is(json.length, 6);
  const st = json[2]!.find((f) => f.field.name === 'status');
  t.is(st?.value.value, 'UP');
});

test('admin POST: every action with 303 + ;st=DONE, then its effect', async (t) => {
  const { post, s1, s2, rt } = await setup(t);
  await new Promise((r) => setTimeout(r, 100));
  const steps: [string, () => void][] = [
    ['drain', () => t.true(s1.admin.forcedDrain)],
    ['ready', () => t.false(s1.admin.forcedDrain)],
    ['maint', () => t.true(s1.admin.forcedMaint)],
    ['ready', () => t.false(s1.admin.forcedMaint)],
    ['dhlth', () => t.false(s1.check?.enabled)],
    ['ehlth', () => t.true(s1.check?.enabled)],
    ['hdown', () => t.is(s1.op, 'down')],
    ['hrunn', () => t.is(s1.op, 'up')],
    ['hnolb', () => t.is(s1.op, 'stopping')],
    ['hrunn', () => t.is(s1.op, 'up')],
    ['dagent', () => t.false(s1.agent?.enabled)],
    ['eagent', () => t.true(s1.agent?.enabled)],
    ['adown', () => t.is(s1.op, 'down')],
    ['arunn', () => t.is(s1.op, 'up')],
    ['shutdown', () => t.deepEqual(s1.killed.at(-1), 'Kx0')],
  ];
  for (const [action, check] of steps) {
    const r = await post(`s=node1&b=log_server&action=${action}`);
    t.is(r.status, 303, action);
    t.is(r.location, '/admin;st=DONE', action);
    check();
  }
  t.true(rt.transitions.some((x) => x.cause.source === 'stats-page'));
  // seed 004's body, verbatim, on two servers by backend id
  t.is((await post('s=node1&s=node2&b=%232&action=maint')).location, '/admin;st=DONE');
  t.true(s1.admin.forcedMaint && s2.admin.forcedMaint);
});

test('admin POST bad input: unknown server ERRP, partial PART, unknown backend/action ERRP, missing NONE, size EXCD, auth', async (t) => {
  const { post, s1 } = await setup(t);
  const rows: [string, string][] = [
    ['s=zz&b=log_server&action=maint', 'ERRP'],
    ['s=node1&s=zz&b=log_server&action=drain', 'PART'],
    ['s=node1&b=nope&action=maint', 'ERRP'],
    ['s=node1&b=log_server&action=bogus', 'ERRP'],
    ['s=node1&b=log_server', 'NONE'],
    ['b=log_server&action=ready', 'NONE'],
    ['', 'NONE'],
    ['s=spare&b=log_server&action=dhlth', 'NONE'], // no health check configured on `spare`
    ['s=node1&b=log_server&action=ready&b=nope', 'ERRP'], // the last `b` wins
    ['s=%zz&b=log_server&action=ready', 'ERRP'],
    [`s=${'x'.repeat(20000)}&b=log_server&action=ready`, 'EXCD'],
  ];
  for (const [body, want] of rows) t.is((await post(body)).location, `/admin;st=${want}`, body.slice(0, 60));
  t.true(s1.admin.forcedDrain, 'PART applied to the known server');
  const noAuth = await post('s=node1&b=log_server&action=maint', {});
  t.is(noAuth.status, 401);
  t.false(s1.admin.forcedMaint);
});

test('without a matching `stats admin` rule a POST is DENY and the page has no forms', async (t) => {
  const { post, url, auth, s1 } = await setup(t, { adminRules: [] });
  t.is((await post('s=node1&b=log_server&action=maint')).location, '/admin;st=DENY');
  t.false(s1.admin.forcedMaint);
  const html = await (await fetch(`${url}/admin;st=DENY`, { headers: auth })).text();
  t.notRegex(html, /<form class="admin"/);
  t.regex(html, /data-status="DENY"/);
  const put = await fetch(`${url}/admin`, { method: 'PUT', headers: auth });
  t.is(put.status, 405);
});
