// The demo's pure parts, table-driven (no namespaces, milliseconds): run in the unit phase.
// Generated configs through the real loaders and lints, outage and bound, mail headers, stats CSV, options, verdict.
import test from 'ava';
import { parseKeepalivedText } from '../../src/vrrp/config/load.js';
import { parseProxyText } from '../../src/proxy/config/load.js';
import { haproxyCfg, keepalivedConf, launcherScript, type LbPaths } from '../../src/demo/configs.js';
import { LBS, VIP, demoLbs } from '../../src/demo/topology.js';
import { measureOutage, outageBound, type ProbeSample } from '../../src/demo/outage.js';
import { decodeWords, parseHeaders, subjectNode } from '../../src/demo/mail-headers.js';
import { parseStatsCsv, summarizeStats } from '../../src/demo/stats-summary.js';
import { parseDemoArgs, requirementProblem } from '../../src/demo/options.js';
import { resultLine, verdict, type DemoResult } from '../../src/demo/result.js';
import { fmtMs, fmtOffset } from '../../src/demo/narrator.js';
import { targetFromConfigs } from '../../src/cli/commands/proxy-alive.js';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../helpers/paths.js';

const paths = (lb: string): LbPaths => ({
  haproxyCfg: `/tmp/demo/${lb}/haproxy.cfg`,
  statsSocket: `/tmp/demo/${lb}/run/proxy.sock`,
  spoolDir: `/tmp/demo/${lb}/spool`,
  hapair: '/tmp/demo/bin/hapair',
});

for (const [mode, lb] of [...LBS.map((l) => ['', l] as const), ...demoLbs(true).map((l) => [' (--preempt)', l] as const)]) {
  test(`${lb.name}${mode}: keepalived.conf loads with no diagnostic at all, as described`, (t) => {
    const r = parseKeepalivedText(keepalivedConf(lb, paths(lb.name)), 'keepalived.conf', { hostname: 'x' });
    t.deepEqual(r.diagnostics.map((d) => `${d.line}: ${d.code} ${d.message}`), []);
    const i = r.config!.instances[0]!;
    t.is(i.configuredState, 'BACKUP', 'seed 002 style: both nodes state BACKUP');
    t.is(i.basePriority, lb.priority);
    t.is(i.nopreempt, lb.nopreempt);
    t.is(i.smtpAlert, true);
    t.deepEqual(i.vips.map((v) => v.address), [VIP]);
    const chk = r.config!.scripts.get('chk_proxy')!;
    t.deepEqual(chk.command.argv, ['/tmp/demo/bin/hapair', 'proxy-alive', '-f', `/tmp/demo/${lb.name}/haproxy.cfg`]);
    t.is(chk.weight, 0, 'health check without weight: failure = FAULT');
    t.is(r.config!.scripts.get('chk_web')?.weight, lb.weightedScript?.weight);
    t.is(r.config!.global.mail.smtpServer?.host, '198.18.0.25');
  });
}

test('topology: nopreempt only on the higher-priority node; --preempt takes it off lb1 and changes nothing else', (t) => {
  const [lb1, lb2] = LBS;
  t.true(lb1!.priority > lb2!.priority);
  t.deepEqual(LBS.map((l) => l.nopreempt), [true, false]);
  t.deepEqual(demoLbs(true).map((l) => l.nopreempt), [false, false]);
  t.deepEqual(demoLbs(true).map(({ nopreempt: _n, ...rest }) => rest), LBS.map(({ nopreempt: _n, ...rest }) => rest));
  t.is(demoLbs(false), LBS);
});

for (const lb of LBS) {
  test(`${lb.name}: haproxy.cfg loads without errors; proxy-alive finds this node's stats socket in it`, (t) => {
    const text = haproxyCfg(lb, paths(lb.name));
    const r = parseProxyText(text, 'haproxy.cfg', {});
    t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
    t.deepEqual(r.config!.global.statsSockets.map((s) => s.path), [`/tmp/demo/${lb.name}/run/proxy.sock`]);
    const dir = tmpDir('hapair-demo-parts-');
    fs.writeFileSync(path.join(dir, 'haproxy.cfg'), text);
    t.deepEqual(targetFromConfigs([path.join(dir, 'haproxy.cfg')]), { kind: 'show-info', path: `/tmp/demo/${lb.name}/run/proxy.sock` });
    fs.rmSync(dir, { recursive: true });
  });
}

test('the weighted script sits where the nopreempt+weight lint stays quiet: on lb1 it would fire', (t) => {
  const lb1 = LBS.find((l) => l.name === 'lb1')!;
  const moved = { ...lb1, weightedScript: { name: 'chk_web', weight: 10 } };
  const r = parseKeepalivedText(keepalivedConf(moved, paths('lb1')), 'keepalived.conf', { hostname: 'x' });
  t.true(r.diagnostics.some((d) => d.code === 'nopreempt-weight'), 'lint fires on the nopreempt node');
});

test('launcher script quotes odd paths', (t) => {
  t.is(launcherScript('/usr/bin/node', "/home/o'k dir/main.js"), "#!/bin/sh\n# hapair demo launcher (removed with the demo's temp dir)\nexec '/usr/bin/node' '/home/o'\\''k dir/main.js' \"$@\"\n");
});

const probes = (spec: string, t0 = 1000, every = 15): ProbeSample[] =>
  [...spec].map((c, i) => ({ t: t0 + i * every, ok: c === '.', ms: 2, ...(c === 'r' ? { err: 'ECONNREFUSED' } : c === 't' ? { err: 'timeout' } : {}) }));

const OUTAGES: readonly [string, string, { outageMs: number; failed: number; recovered: boolean }][] = [
  ['no failure: one probe period', '.....', { outageMs: 15, failed: 0, recovered: true }],
  ['refused then timeouts then served', '...rrrtt...', { outageMs: 90, failed: 5, recovered: true }],
  ['longest of two gaps', '..r....rrr..', { outageMs: 60, failed: 3, recovered: true }],
  ['never recovered: runs to the last failure', '..rrr', { outageMs: 15 * 3 + 2, failed: 3, recovered: false }],
];
for (const [name, spec, want] of OUTAGES) {
  test(`outage: ${name}`, (t) => {
    const o = measureOutage(probes(spec));
    t.like(o, want);
  });
}

test('outage: samples out of order and error counts', (t) => {
  const o = measureOutage(probes('..rrt..').reverse());
  t.is(o.outageMs, 60);
  t.deepEqual(o.errors, [{ err: 'ECONNREFUSED', count: 2 }, { err: 'timeout', count: 1 }]);
  t.is(o.lastOkBefore, 1015);
  t.is(o.firstOkAfter, 1075);
});

const BOUNDS: readonly [string, Parameters<typeof outageBound>[0], number][] = [
  ['v2 prio 110 (lb2 with +10): 2 s + 570.3 ms + 300', { fall: 2, intervalSec: 1, version: 2, priority: 110, advertIntMs: 1000 }, 2870],
  ['v2 prio 100: skew 609.375 ms (keepalived.md §2.2)', { fall: 2, intervalSec: 1, version: 2, priority: 100, advertIntMs: 1000 }, 2909],
  ['v3 0.5 s adverts scale the skew', { fall: 1, intervalSec: 1, version: 3, priority: 100, advertIntMs: 500 }, 1605],
  ['custom slack', { fall: 3, intervalSec: 2, version: 2, priority: 254, advertIntMs: 1000, slackMs: 0 }, 6008],
];
for (const [name, input, want] of BOUNDS) test(`bound: ${name}`, (t) => t.is(outageBound(input).boundMs, want));

test('mail headers: unfolding, RFC 2047 words, first occurrence, node from the subject', (t) => {
  const raw = 'From: "hapair lb1" <hapair@lb1.demo.test>\r\nSubject: [lb1] VRRP Instance VI_1 -\r\n Entering FAULT state\r\nSubject: second\r\nX-Odd: =?UTF-8?B?w6l0w6k=?= =?UTF-8?Q?_=C3=A0_Paris?=\r\n\r\nSubject: body, not a header\r\n';
  const h = parseHeaders(raw);
  t.is(h.subject, '[lb1] VRRP Instance VI_1 - Entering FAULT state');
  t.is(h.from, '"hapair lb1" <hapair@lb1.demo.test>');
  t.is(h['x-odd'], 'été à Paris');
  t.is(decodeWords('plain'), 'plain');
  t.is(subjectNode(h.subject!), 'lb1');
  t.is(subjectNode('no prefix'), undefined);
});

test('stats CSV summary: frontends and server backends, stats section skipped', (t) => {
  const csv = [
    '# pxname,svname,qcur,qmax,scur,smax,slim,stot,bin,bout,dreq,dresp,ereq,econ,eresp,wretr,wredis,status',
    'main,FRONTEND,,,0,3,2000,42,0,0,0,0,0,,,,,OPEN',
    'web,web1,0,0,0,1,,21,0,0,,0,,0,0,0,0,UP',
    'web,web2,0,0,0,1,,21,0,0,,0,,0,0,0,0,DOWN',
    'web,BACKEND,0,0,0,2,200,42,0,0,0,0,,0,0,0,0,UP',
    'stats,FRONTEND,,,1,1,2000,1,0,0,0,0,0,,,,,OPEN',
    'stats,BACKEND,0,0,0,0,200,0,0,0,0,0,,0,0,0,0,UP',
    '',
  ].join('\n');
  t.is(summarizeStats(parseStatsCsv(csv), new Set(['stats'])), 'frontend main OPEN (42 sessions) | backend web UP: web1 UP (21), web2 DOWN (21)');
  t.is(summarizeStats(parseStatsCsv('garbage')), 'no proxies in the stats export');
});

const ARGS: readonly [string[], NodeJS.ProcessEnv, boolean, unknown][] = [
  [[], {}, true, { ci: false, keepLogs: false, preempt: false, help: false }],
  [['--ci'], {}, true, { ci: true, keepLogs: false, preempt: false, help: false }],
  [[], { CI: 'true' }, true, { ci: true, keepLogs: false, preempt: false, help: false }],
  [[], {}, false, { ci: true, keepLogs: false, preempt: false, help: false }],
  [['--keep-logs'], { CI: '0' }, true, { ci: false, keepLogs: true, preempt: false, help: false }],
  [['--preempt', '--ci'], {}, true, { ci: true, keepLogs: false, preempt: true, help: false }],
  [['--help'], {}, true, { ci: false, keepLogs: false, preempt: false, help: true }],
  [['-h'], {}, false, { ci: true, keepLogs: false, preempt: false, help: true }],
  [['--nope'], {}, true, { error: "unknown option '--nope'" }],
  [['--ci', 'extra'], {}, true, { error: "unknown option 'extra'" }],
];
for (const [argv, env, tty, want] of ARGS) {
  test(`options: ${argv.join(' ') || '(none)'} env ${JSON.stringify(env)} tty ${tty}`, (t) => t.deepEqual(parseDemoArgs(argv, env, tty), want));
}

test('requirements: root on Linux only, one sentence otherwise', (t) => {
  const sentence = 'hapair demo needs root on Linux (it builds network namespaces): run `sudo npm run demo`';
  t.is(requirementProblem('linux', 0), undefined);
  t.is(requirementProblem('linux', 1000), sentence);
  t.is(requirementProblem('darwin', 0), sentence);
  t.is(requirementProblem('win32', undefined), sentence);
});

test('verdict: PASS needs every check; the result line is parseable', (t) => {
  const good: DemoResult = {
    vipFirstOn: 'lb1', vipMovedTo: 'lb2', outageMs: 2100, boundMs: 2870, outagePass: true, takeback: false, namespacesLeft: 0,
    emails: [{ at: 1, node: 'lb2', from: 'a', subject: '[lb2] VRRP Instance VI_1 - Entering MASTER state' }, { at: 2, node: 'lb1', from: 'b', subject: '[lb1] VRRP Instance VI_1 - Entering FAULT state' }],
  };
  t.deepEqual(verdict(good), { pass: true, failures: [] });
  t.deepEqual(verdict({ ...good, takeback: true, emails: good.emails.slice(0, 1) }).failures, ['lb1 took the VIP back (nopreempt)', 'no FAULT mail from lb1']);
  t.deepEqual(verdict({ ...good, outagePass: false }).failures, ['outage 2100 ms above the bound 2870 ms']);
  t.deepEqual(verdict({ error: 'boom', emails: [] }).failures, [
    'error: boom', 'not reached: VIP on lb1', 'not reached: failover to lb2', 'not reached: outage measurement', 'not reached: no-takeback check',
    'not reached: MASTER mail from lb2', 'not reached: FAULT mail from lb1', 'namespaces not verified',
  ]);
  t.deepEqual(verdict({ ...good, vipMovedTo: 'lb1,lb2', namespacesLeft: 2 }).failures, ['VIP on lb1,lb2 after the failure, not lb2', '2 demo namespaces left behind']);
  const pre: DemoResult = { ...good, expectTakeback: true };
  t.deepEqual(verdict({ ...pre, takeback: false }).failures, ['lb1 did not take the VIP back (it runs without nopreempt)'], '--preempt inverts the check');
  t.deepEqual(verdict({ ...pre, takeback: true }), { pass: true, failures: [] });
  t.deepEqual(verdict({ ...pre, takeback: undefined }).failures, ['not reached: takeback check']);
  t.like(JSON.parse(resultLine(pre).slice('DEMO-RESULT '.length)), { expectTakeback: true });
  const line = resultLine(good);
  t.true(line.startsWith('DEMO-RESULT {'));
  t.like(JSON.parse(line.slice('DEMO-RESULT '.length)), { pass: true, vipMovedTo: 'lb2', outageMs: 2100, boundMs: 2870, takeback: false });
});

test('narration formats: aligned offsets, grouped milliseconds', (t) => {
  t.is(fmtOffset(0), '+  0.00s');
  t.is(fmtOffset(12_345), '+ 12.35s');
  t.is(fmtOffset(123_456), '+123.46s');
  t.is(fmtMs(2395.4), '2 395 ms');
  t.is(fmtMs(570.3125), '570 ms');
});
