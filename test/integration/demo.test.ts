// `npm run demo` end to end, run non-interactively as a child process.
// Asserts the printed timeline and its DEMO-RESULT line, that nothing is left behind (namespaces, processes, temp
// dir), cleanup on SIGINT mid-run and on a broken stdout, and the one-sentence refusal without root.
import test from 'ava';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn, execFileSync } from 'node:child_process';
import { requireRoot } from '../helpers/root.js';
import { runCommand } from '../helpers/proc.js';
import { outDir } from '../helpers/paths.js';

const demoMain = path.join(outDir, 'src/demo/main.js');
const SENTENCE = 'hapair demo needs root on Linux (it builds network namespaces): run `sudo npm run demo`';

const demoDirs = (): Set<string> => new Set(fs.readdirSync(os.tmpdir()).filter((n) => n.startsWith('hapair-demo-')));
const netns = (): string[] => execFileSync('ip', ['netns', 'list']).toString().split('\n').map((l) => l.split(' ')[0]!).filter(Boolean);
/** PIDs whose command line mentions `text` (our demo's daemons carry its temp dir in their argv). */
function pidsMentioning(text: string): number[] {
  const out: number[] = [];
  for (const d of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(d)) continue;
    try {
      if (fs.readFileSync(`/proc/${d}/cmdline`, 'utf8').includes(text)) out.push(Number(d));
    } catch {
      /* gone */
    }
  }
  return out;
}
const offsetOf = (line: string): number => Number(/^\s+\+\s*([\d.]+)s\s/.exec(line)?.[1] ?? NaN);

test.serial('demo --ci: VIP lb1 -> lb2 within the outage bound, alerts from both nodes, no takeback, nothing left behind', async (t) => {
  if (!requireRoot(t)) return;
  const before = demoDirs();
  const r = await runCommand(process.execPath, [demoMain, '--ci'], { timeoutMs: 150_000 });
  const out = r.stdout;
  const lines = out.split('\n');
  t.is(r.code, 0, `${out}\n${r.stderr}`);
  const resLine = lines.find((l) => l.startsWith('DEMO-RESULT '));
  t.truthy(resLine, out);
  const res = JSON.parse(resLine!.slice('DEMO-RESULT '.length)) as {
    pass: boolean; vipFirstOn: string; vipMovedTo: string; outageMs: number; boundMs: number; takeback: boolean;
    emails: { node: string; subject: string }[]; namespacesLeft: number; durationMs: number; failures: string[];
  };
  t.deepEqual(res.failures, []);
  t.true(res.pass);
  t.is(res.vipFirstOn, 'lb1');
  t.is(res.vipMovedTo, 'lb2');
  t.true(res.outageMs > 0 && res.outageMs <= res.boundMs, `outage ${res.outageMs} ms, bound ${res.boundMs} ms`);
  t.true(res.boundMs > 2000 && res.boundMs < 3000, `bound = 2 x 1 s + skew + 0.3 s, got ${res.boundMs}`);
  t.is(res.takeback, false);
  t.is(res.namespacesLeft, 0);
  t.true(res.durationMs < 90_000, `demo took ${res.durationMs} ms`);
  const subjects = res.emails.map((m) => `${m.node}: ${m.subject}`);
  for (const want of ['lb2: [lb2] VRRP Instance VI_1 - Entering MASTER state', 'lb1: [lb1] VRRP Instance VI_1 - Entering FAULT state']) t.true(subjects.includes(want), subjects.join('\n'));
  const fault = subjects.indexOf('lb1: [lb1] VRRP Instance VI_1 - Entering FAULT state');
  t.true(subjects.slice(fault + 1).includes('lb1: [lb1] VRRP Instance VI_1 - Entering BACKUP state'), 'lb1 mails its recovery to BACKUP after the FAULT');
  t.false(subjects.slice(fault + 1).some((s) => s.startsWith('lb1:') && s.includes('MASTER')), 'no MASTER mail from lb1 after its FAULT (no takeback)');

  // The printed timeline: numbered steps in order, the key events in causal order, aligned timestamps.
  const stepIdx = [1, 2, 3, 4, 5, 6].map((n) => lines.findIndex((l) => l.startsWith(`${n}/6  `)));
  t.true(stepIdx.every((i, k) => i > 0 && (k === 0 || i > stepIdx[k - 1]!)), `steps in order: ${stepIdx.join(',')}`);
  const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
  const events = [/lb1 -> MASTER/, /lb2 -> BACKUP/, /VIP 198\.18\.0\.10 is on: lb1 /, /served by web1/, /lb1's proxy killed: SIGKILL to PID \d+/, /lb1 -> FAULT \(tracker-fault/, /lb2 -> MASTER/, /VIP 198\.18\.0\.10 is on: lb2;/, /lb1's proxy restarted/, /lb1 -> BACKUP/, /lb2 every time -> no takeback/];
  const idx = events.map(at);
  t.true(idx.every((i, k) => i > 0 && (k === 0 || i > idx[k - 1]!)), `events in order: ${events.map((e, k) => `${e.source}@${idx[k]}`).join(' ')}`);
  t.true(lines.some((l) => /served by web2/.test(l)), 'both backends answer');
  const tl = lines.slice(stepIdx[0], stepIdx[3]).filter((l) => /^\s+\+\s*[\d.]+s\s/.test(l)).map(offsetOf);
  t.true(tl.length >= 10 && tl.every((v, k) => k === 0 || v >= tl[k - 1]! - 0.05), `timestamps of steps 1-3 increase: ${tl.join(' ')}`);
  t.regex(out, new RegExp(`client outage\\s+${res.outageMs.toLocaleString('en').replace(/,/g, ' ')} ms`));
  t.regex(out, /bound\s+[\d ]+ ms\s+= fall x interval 2 000 ms \+ skew 570 ms \(priority 110\) \+ 300 ms/);
  t.regex(out, /verdict\s+PASS/);
  t.regex(out, /stats page \(inside the lab\): http:\/\/198\.18\.0\.10:8404\/stats/);
  t.regex(out, /summary from .*;csv: frontend main OPEN \(\d+ sessions\) \| backend web UP: web1 UP \(\d+\), web2 UP \(\d+\)/);
  t.regex(out, /hapair status on lb1:\n.*router_id lb1[\s\S]*VI_1\s+BACKUP[\s\S]*hapair status on lb2:\n.*router_id lb2[\s\S]*VI_1\s+MASTER\s.*100->110/);
  // `hapair status` on each node: both daemons (VRRP state, priorities, master seen, VIPs, trackers; proxy servers
  // with states and sessions; alert delivery), read through the node's own sockets.
  const s1 = out.slice(out.indexOf('hapair status on lb1:'), out.indexOf('hapair status on lb2:'));
  const s2 = out.slice(out.indexOf('hapair status on lb2:'), out.indexOf('6/6  '));
  t.regex(s1, /^\s+VI_1\s+BACKUP\s+\S+\s+fault-cleared\s+eth0\s+80 v2\s+150\s+198\.18\.0\.12 \(110\)\s+198\.18\.0\.10\/24 \[absent\]$/m);
  t.regex(s2, /^\s+VI_1\s+MASTER\s+\S+\s+master-down-timer\s+eth0\s+80 v2\s+100->110\s+198\.18\.0\.12 \(110\)\s+198\.18\.0\.10\/24 \[installed\]$/m);
  t.regex(s1, /^\s+script chk_proxy: ok \(exit 0\), weight 0 \(fault\)$/m);
  t.regex(s2, /^\s+script chk_web: ok \(exit 0\), weight 10, now \+10$/m, 'the weighted script and its share of the priority');
  for (const [lb, s] of [['lb1', s1], ['lb2', s2]] as const) {
    t.regex(s, new RegExp(`^\\s+PROXY {2}socket \\S+/${lb}/run/proxy\\.sock {2}pid \\d+`, 'm'), `${lb}: proxy section`);
    t.regex(s, /^\s+backend web {2}UP {2}2 active \+ 0 backup usable/m, `${lb}: backend`);
    for (const w of ['web1', 'web2']) t.regex(s, new RegExp(`^\\s+${w} +UP +1 +\\d+/\\d+ +0 +\\S+ +L7OK/200`, 'm'), `${lb}: ${w} state and sessions`);
    t.regex(s, /^\s+ALERTS {2}relay 198\.18\.0\.25:25 reachable$/m, `${lb}: alerts`);
  }
  t.false(lines.some((l) => l.trim().startsWith('{"level"')), 'no raw daemon log lines on the console');

  // Nothing left: namespaces of this run, its processes, its temp dir.
  const base = /lab (hpdemo\d+-[0-9a-f]{6}):/.exec(out)?.[1];
  t.truthy(base, 'the lab name is printed');
  t.deepEqual(netns().filter((n) => n.startsWith(`${base}-`)), []);
  const added = [...demoDirs()].filter((d) => !before.has(d));
  t.deepEqual(added, [], 'temp dir removed');
  t.is(r.stderr, '');
});

test.serial('demo --ci --preempt: lb1 without nopreempt takes the VIP back after its master-down interval, and the demo sees it', async (t) => {
  // The inverse of the no-takeback check above: proves that check watches long enough to catch a takeback.
  if (!requireRoot(t)) return;
  const r = await runCommand(process.execPath, [demoMain, '--ci', '--preempt'], { timeoutMs: 150_000 });
  const out = r.stdout;
  t.is(r.code, 0, `${out}\n${r.stderr}`);
  const res = JSON.parse(out.split('\n').find((l) => l.startsWith('DEMO-RESULT '))!.slice('DEMO-RESULT '.length)) as {
    pass: boolean; vipMovedTo: string; takeback: boolean; expectTakeback: boolean; emails: { node: string; subject: string }[]; namespacesLeft: number; failures: string[];
  };
  t.deepEqual(res.failures, []);
  t.like(res, { pass: true, vipMovedTo: 'lb2', takeback: true, expectTakeback: true, namespacesLeft: 0 });
  t.regex(out, /lb1 +198\.18\.0\.11 +hapair proxy \+ hapair vrrp, priority 150, NO nopreempt/);
  t.regex(out, /lb1 -> MASTER \(preempt: preempting lower-priority master from 198\.18\.0\.12 \(priority 110, ours 150\)\)/);
  t.regex(out, /-> lb1 TOOK IT BACK \(expected without nopreempt\)/);
  const subjects = res.emails.map((m) => `${m.node}: ${m.subject}`);
  const fault = subjects.indexOf('lb1: [lb1] VRRP Instance VI_1 - Entering FAULT state');
  t.true(fault >= 0 && subjects.slice(fault + 1).includes('lb1: [lb1] VRRP Instance VI_1 - Entering MASTER state'), subjects.join('\n'));
});

test.serial('Ctrl-C mid-run: the demo removes its namespaces, processes and temp dir, then dies of SIGINT', async (t) => {
  if (!requireRoot(t)) return;
  const before = demoDirs();
  const child = spawn(process.execPath, [demoMain, '--ci'], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  const deadline = Date.now() + 60_000;
  while (!/lb1 -> MASTER/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 50));
  t.regex(out, /lb1 -> MASTER/, 'the demo got as far as an elected master');
  const base = /lab (hpdemo\d+-[0-9a-f]{6}):/.exec(out)?.[1];
  const dir = [...demoDirs()].find((d) => !before.has(d));
  t.truthy(base);
  t.truthy(dir);
  t.true(netns().filter((n) => n.startsWith(`${base}-`)).length >= 7, 'lab alive before the signal');
  const full = path.join(os.tmpdir(), dir!);
  t.true(pidsMentioning(full).length >= 3, 'daemons running before the signal');
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.kill('SIGINT');
  const e = await exited;
  clearTimeout(timer);
  t.is(e.signal, 'SIGINT', `exit ${JSON.stringify(e)}; ${out.slice(-500)}`);
  t.regex(out, /interrupted \(SIGINT\): removing the lab\.\.\.\nlab removed\n/);
  t.deepEqual(netns().filter((n) => n.startsWith(`${base}-`)), []);
  t.false(fs.existsSync(full), 'temp dir removed');
  t.deepEqual(pidsMentioning(full), [], 'no demo process left');
});

test.serial('reader gone (`npm run demo | head`): EPIPE on stdout, the demo cleans up and exits', async (t) => {
  if (!requireRoot(t)) return;
  const before = demoDirs();
  const child = spawn(process.execPath, [demoMain, '--ci'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((res) => child.on('exit', (code, signal) => res({ code, signal })));
  let out = '';
  const deadline = Date.now() + 60_000;
  child.stdout.on('data', (c: Buffer) => (out += c.toString()));
  while (!/web1, web2 \(HTTP backends\)/.test(out) && Date.now() < deadline && child.exitCode === null) await new Promise((r) => setTimeout(r, 20));
  const base = /lab (hpdemo\d+-[0-9a-f]{6}):/.exec(out)?.[1];
  t.truthy(base, out);
  child.stdout.destroy(); // like `head` exiting: the next write fails with EPIPE
  const timer = setTimeout(() => child.kill('SIGKILL'), 30_000);
  const e = await exited;
  clearTimeout(timer);
  t.deepEqual(e, { code: 1, signal: null });
  t.deepEqual(netns().filter((n) => n.startsWith(`${base}-`)), []);
  t.deepEqual([...demoDirs()].filter((d) => !before.has(d)), [], 'temp dir removed');
});

test.serial('without root: one clear sentence on stderr, exit 1, nothing created', async (t) => {
  if (!requireRoot(t)) return; // we need root to become `nobody`
  const before = demoDirs();
  const demoNs = () => netns().filter((n) => n.startsWith('hpdemo'));
  const nsBefore = demoNs().length;
  const r = await runCommand('setpriv', ['--reuid', 'nobody', '--regid', 'nogroup', '--clear-groups', process.execPath, demoMain, '--ci'], { timeoutMs: 20_000, cwd: '/' });
  t.is(r.code, 1, r.stderr);
  t.is(r.stderr, `${SENTENCE}\n`);
  t.is(r.stdout, '');
  t.is(demoNs().length, nsBefore, 'no namespace created');
  t.deepEqual([...demoDirs()].filter((d) => !before.has(d)), []);
});
