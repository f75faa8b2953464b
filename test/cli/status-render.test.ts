// `hapair status` proxy and alert sections (pure): a real `show stat` export (captured from `hapair proxy`; column
// names are haproxy's) -> per-backend server views and text; delivery health -> the alerts lines; JSON sections.
import test from 'ava';
import { checkText, proxyStatus, renderProxySection } from '../../src/core/proxy-status.js';
import { parseShowInfo, parseStatCsv } from '../../src/core/stat-csv.js';
import { renderStatus } from '../../src/core/status-text.js';
import { renderAlertsSection } from '../../src/notify/status-render.js';
import type { DeliveryHealth } from '../../src/notify/report.js';

// `show stat` of hapair proxy: fe; backend web with w1 UP (L4OK), w2 backup DOWN (L4CON), w3 MAINT (disabled),
// w4 DRAIN with an HTTP check and sessions, w5 with an agent (NOLB); a stats-only listen section.
const H = '# pxname,svname,qcur,qmax,scur,smax,slim,stot,status,weight,act,bck,chkfail,chkdown,lastchg,downtime,qlimit,check_status,check_code,check_duration,last_chk,last_agt,agent_status,agent_code,agent_duration,check_desc,agent_desc,addr,-,';
const CSV = [
  H,
  'fe,FRONTEND,,,2,5,9986,40,OPEN,,,,,,,,,,,,,,,,,,,,-,',
  'web,w1,0,1,2,4,10,30,UP,3,1,0,0,0,125,0,,L4OK,,0,,,,,,Layer4 check passed,,127.0.0.1:18081,-,',
  'web,w2,0,0,0,0,,0,DOWN,1,0,1,1,1,30,29,,L4CON,,1,Connection refused,,,,,Layer4 connection problem,,127.0.0.1:18082,-,',
  'web,w3,0,0,0,0,,0,MAINT,1,1,0,,,7200,,,,,,,,,,,,,127.0.0.1:18083,-,',
  'web,w4,3,3,5,9,,10,DRAIN,0,1,0,0,0,60,0,20,L7OK,200,2,HTTP status check returned code <200>,,,,,Layer7 check passed,,127.0.0.1:18084,-,',
  'web,w5,0,0,0,0,,0,NOLB,0,1,0,0,0,60,0,,L4OK,,0,,mode drain,L7OK,,1,Layer4 check passed,Layer7 check passed,127.0.0.1:18085,-,',
  'web,BACKEND,3,3,7,9,999,40,UP,3,1,0,,0,125,,,,,,,,,,,,,,-,',
  'stats,FRONTEND,,,0,0,100,0,OPEN,,,,,,,,,,,,,,,,,,,,-,',
  'stats,BACKEND,0,0,0,0,10,0,UP,0,0,0,,0,125,,,,,,,,,,,,,,-,',
  '',
].join('\n');
const INFO = 'Name: hapair\nVersion: 0.1.0\nPid: 3804\nUptime: 0d 0h00m02s\nUptime_sec: 7260\n';

test('parseStatCsv: rows by haproxy column name; empty and "-" columns dropped; no header -> none', (t) => {
  const rows = parseStatCsv(CSV);
  t.is(rows.length, 9);
  t.like(rows[1], { pxname: 'web', svname: 'w1', status: 'UP', check_status: 'L4OK', scur: '2' });
  t.false('-' in rows[1]!);
  t.deepEqual(parseStatCsv('Unknown command\n'), []);
  t.deepEqual(parseShowInfo(INFO).Pid, '3804');
});

test('proxyStatus: one backend with its servers (stats-only sections skipped), frontends, pid and uptime', (t) => {
  const p = proxyStatus('/run/hapair/proxy.sock', CSV, INFO);
  t.like(p, { socket: '/run/hapair/proxy.sock', pid: 3804, uptimeSec: 7260, version: '0.1.0' });
  t.deepEqual(p.frontends.map((f) => [f.name, f.status, f.sessions.cur]), [['fe', 'OPEN', 2], ['stats', 'OPEN', 0]]);
  t.deepEqual(p.backends.map((b) => b.name), ['web']);
  const web = p.backends[0]!;
  t.like(web, { status: 'UP', weight: 3, active: 1, backupUp: 0, sessions: { cur: 7, max: 9 }, queue: { cur: 3, max: 3 } });
  t.deepEqual(web.servers.map((s) => [s.name, s.state, s.weight, s.backup]), [['w1', 'UP', 3, false], ['w2', 'DOWN', 1, true], ['w3', 'MAINT', 1, false], ['w4', 'DRAIN', 0, false], ['w5', 'NOLB', 0, false]]);
  t.like(web.servers[0], { sessions: { cur: 2, max: 4, limit: 10 }, check: { status: 'L4OK', durationMs: 0, desc: 'Layer4 check passed' }, addr: '127.0.0.1:18081', lastChangeSec: 125 });
  t.like(web.servers[1], { check: { status: 'L4CON', detail: 'Connection refused' }, downSec: 29 });
  t.is(web.servers[2]!.check, undefined);
  t.like(web.servers[3], { queue: { cur: 3, limit: 20 }, check: { status: 'L7OK', code: 200 } });
  t.like(web.servers[4], { agent: { status: 'L7OK', detail: 'mode drain' } });
});

const CHECKS: readonly [Parameters<typeof checkText>[0], string][] = [
  [{ status: 'L4OK', durationMs: 0 }, 'L4OK in 0ms'],
  [{ status: 'L4CON', durationMs: 1, detail: 'Connection refused' }, 'L4CON in 1ms: Connection refused'],
  [{ status: 'L7STS', code: 503, durationMs: 3 }, 'L7STS/503 in 3ms'],
  [{ status: '* L4OK' }, '* L4OK'],
];
for (const [c, want] of CHECKS) test(`checkText: ${want}`, (t) => t.is(checkText(c), want));

test('renderProxySection: header, backend line, one aligned row per server with state, weight, sessions, queue, check', (t) => {
  const text = renderProxySection(proxyStatus('/run/hapair/proxy.sock', CSV, INFO));
  t.regex(text, /^PROXY {2}socket \/run\/hapair\/proxy\.sock {2}pid 3804 {2}up 2h$/m);
  t.regex(text, /^frontends: fe OPEN \(2\/9986 sessions\), stats OPEN/m);
  t.regex(text, /^backend web {2}UP {2}1 active \+ 0 backup usable {2}weight 3 {2}sessions 7\/9 {2}queue 3 \(max 3\)$/m);
  t.regex(text, /^ {2}SERVER +STATE +WEIGHT +SESS CUR\/MAX +QUEUE +SINCE +CHECK$/m);
  t.regex(text, /^ {2}w1 +UP +3 +2\/4 \(limit 10\) +0 +2m +L4OK in 0ms$/m);
  t.regex(text, /^ {2}w2 \(backup\) +DOWN +1 +0\/0 +0 +30s +L4CON in 1ms: Connection refused$/m);
  t.regex(text, /^ {2}w3 +MAINT +1 .* +2h +no check$/m);
  t.regex(text, /^ {2}w4 +DRAIN +0 +5\/9 +3 .*L7OK\/200 in 2ms: HTTP status check returned code <200>$/m);
  t.regex(text, /^ {2}w5 +NOLB .*; agent L7OK in 1ms: mode drain$/m);
  const cols = text.split('\n').filter((l) => /^ {2}w\d/.test(l)).map((l) => l.indexOf(l.includes('DOWN') ? 'DOWN' : l.match(/UP|MAINT|DRAIN|NOLB/)![0]));
  t.is(new Set(cols).size, 1, 'STATE column aligned');
});

test('renderProxySection: a proxy without server backends says so', (t) => {
  t.regex(renderProxySection(proxyStatus('s', `${H}\nfe,FRONTEND,,,0,0,10,0,OPEN,,,,,,,,,,,,,,,,,,,,-,\n`)), /no backend with servers/);
});

const NOW = Date.parse('2026-01-01T01:00:00Z');
const HEALTHY: DeliveryHealth = { spoolDir: '/var/spool/hapair', spool: { pending: 0, perRecipient: {}, failed: 0 }, relayDown: false, queues: {}, memoryOnly: 0, relay: 'mail.example:25', relayReachable: true };
const ALERTS: readonly [string, DeliveryHealth | null, RegExp[]][] = [
  ['mail off', null, [/^ALERTS {2}mail not configured/]],
  ['healthy', HEALTHY, [/^ALERTS {2}relay mail\.example:25 reachable$/m, /^ {2}spool \/var\/spool\/hapair: 0 pending, 0 given up$/m]],
  ['relay down with a backlog', {
    ...HEALTHY, relayDown: true, relayReachable: false, memoryOnly: 2,
    spool: { pending: 3, perRecipient: { 'noc@example.test': 3, 'x@example.test': 0 }, oldestWall: NOW - 300_000, failed: 1 },
    queues: { 'noc@example.test': { attempts: 4, lastError: 'connection refused' } },
  }, [/^ALERTS {2}relay mail\.example:25 UNREACHABLE$/m, /^ {2}spool \/var\/spool\/hapair: 3 pending, oldest 5m old, 1 given up$/m, /^ {4}noc@example\.test: 3 pending, last error: connection refused$/m, /2 alert\(s\) held in memory only/]],
  ['not probed, last delivery failed', { ...HEALTHY, relayDown: true, relayReachable: undefined }, [/relay mail\.example:25 UNREACHABLE \(last delivery failed\)/]],
  ['probe ok but deliveries paused', { ...HEALTHY, relayDown: true }, [/reachable \(deliveries paused after a failure\)/]],
  ['spool unusable', { ...HEALTHY, spoolDir: undefined, spool: undefined }, [/spool UNUSABLE: alerts are held in memory only/]],
];
for (const [name, h, want] of ALERTS) {
  test(`renderAlertsSection: ${name}`, (t) => {
    const text = renderAlertsSection(h, NOW);
    for (const re of want) t.regex(text, re);
    t.false(/x@example\.test/.test(text), 'recipients with nothing pending are not listed');
  });
}

test('renderStatus: JSON has one key per section (an unreachable daemon is {error}), text joins the sections', (t) => {
  const sections = [
    { name: 'vrrp', data: { error: 'daemon not running' }, text: 'VRRP: daemon not running\n' },
    { name: 'proxy', data: proxyStatus('s', CSV, INFO), text: 'PROXY ...\n' },
    { name: 'alerts', data: null, text: 'ALERTS ...\n' },
  ];
  const json = JSON.parse(renderStatus(sections, true)) as Record<string, unknown>;
  t.deepEqual(Object.keys(json), ['vrrp', 'proxy', 'alerts']);
  t.deepEqual(json.vrrp, { error: 'daemon not running' });
  t.is(json.alerts, null);
  t.is(renderStatus(sections, false), 'VRRP: daemon not running\n\nPROXY ...\n\nALERTS ...\n');
});
