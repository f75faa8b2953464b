// Entry of `npm run demo`: root check, the narrated failover in a namespace lab, cleanup on every exit path (incl. signals).
import fs from 'node:fs';
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import type { Lab } from '../lab/index.js';
import { CLEANUP_SIGNALS, exec, teardownSync } from '../lab/index.js';
import { errorMessage } from '../core/errors.js';
import { Narrator, fmtMs } from './narrator.js';
import { DEMO_USAGE, NO_IP_COMMAND, parseDemoArgs, requirementProblem, type DemoOptions } from './options.js';
import { resultLine, verdict, type DemoResult } from './result.js';
import { stepKill, stepRecover, stepStart, type Ctx } from './scenario.js';
import { stepMails, stepObserve } from './report.js';
import { Stage } from './stage.js';
import { DemoProcError, logTail } from './procs.js';
import { CLIENT, MAIL, TIMING, VIP, VRID, WEBS, WEB_PORT, SMTP_PORT, demoLbs, type LbSpec } from './topology.js';

/** Once stdout is gone (`npm run demo | head`), writes are dropped: the demo still cleans up behind itself. */
let stdoutGone = false;
const out = (s: string): void => {
  if (!stdoutGone) process.stdout.write(s);
};
const STEPS = 6;
/** Interactive pauses continue by themselves after this long (every wait of the demo is bounded). */
const PAUSE_MS = 30_000;

/** Cleanup state reachable from signal and exit handlers, which must work synchronously. */
const live: { lab?: Lab; dir?: string; keepLogs: boolean } = { keepLogs: false };

/** Synchronous last-resort cleanup: SIGKILL our children and whatever runs in the lab's namespaces, delete them,
 *  then the temp dir. Idempotent; used on signals, on a crash (process 'exit') and when stdout breaks. */
function cleanupSync(): void {
  if (live.lab) teardownSync(live.lab);
  if (live.dir && !live.keepLogs) fs.rmSync(live.dir, { recursive: true, force: true });
}

/**
 * The lab's own hooks remove its namespaces on the same signals (CLEANUP_SIGNALS); this handler, installed first,
 * also narrates and removes the temp dir, so it tears the lab down itself before saying so.
 */
function onSignal(sig: NodeJS.Signals): void {
  out(`\n\ninterrupted (${sig}): removing the lab...\n`);
  cleanupSync();
  out(`lab removed${live.dir && live.keepLogs ? `; logs kept in ${live.dir}` : ''}\n`);
  for (const x of CLEANUP_SIGNALS) process.removeListener(x, onSignal);
  process.kill(process.pid, sig); // die of the signal, as the caller expects
}

function onStdoutError(): void {
  // EPIPE: the reader went away. Nobody can watch any more: clean up now and stop.
  stdoutGone = true;
  cleanupSync();
  process.exit(1);
}

function pauser(interactive: boolean): () => Promise<void> {
  if (!interactive) return async () => undefined;
  return () =>
    new Promise<void>((resolve) => {
      out('\n  [press Enter for the next step]');
      const done = () => {
        clearTimeout(timer);
        process.stdin.off('data', done);
        process.stdin.pause();
        resolve();
      };
      const timer = setTimeout(done, PAUSE_MS);
      process.stdin.resume();
      process.stdin.once('data', done);
    });
}

function header(say: Narrator, lbs: readonly LbSpec[]): void {
  const [lb1, lb2] = lbs;
  const w = lb2!.weightedScript;
  say.header('hapair demo: two load balancers, one virtual IP, end to end', [
    ['VIP', `${VIP}  (VRRPv${TIMING.version}, virtual_router_id ${VRID}, advert every ${TIMING.advertIntSec} s)`],
    ['lb1', `${lb1!.ip}  hapair proxy + hapair vrrp, priority ${lb1!.priority}, ${lb1!.nopreempt ? 'nopreempt' : 'NO nopreempt (--preempt: it will take the VIP back)'}`],
    ['lb2', `${lb2!.ip}  hapair proxy + hapair vrrp, priority ${lb2!.priority}${w ? ` (${w.weight > 0 ? '+' : ''}${w.weight} from script ${w.name})` : ''}`],
    ['health', `'hapair proxy-alive' every ${TIMING.checkIntervalSec} s, fall ${TIMING.checkFall} / rise ${TIMING.checkRise}, no weight: failure = FAULT`],
    ['others', `${WEBS.map((x) => `${x.name} ${x.ip}:${WEB_PORT}`).join(', ')}; client ${CLIENT.ip}; mail ${MAIL.ip}:${SMTP_PORT}`],
    ['network', 'one namespace per host on a bridge in its own namespace; nothing touches this host\'s network'],
  ]);
}

async function namespacesLeft(base: string): Promise<number> {
  const r = await exec(['ip', 'netns', 'list'], { timeoutMs: 5000 });
  return r.stdout.split('\n').filter((l) => l.startsWith(`${base}-`)).length;
}

async function cleanup(say: Narrator, stage: Stage | undefined, result: DemoResult): Promise<void> {
  say.step('Cleanup: stop every process, delete the namespaces and temp files', STEPS);
  const lab = live.lab;
  if (stage) {
    await stage.stopAll().catch(() => undefined);
    say.event('daemons stopped (SIGTERM by PID: vrrp sends priority 0 and its STOP mail, proxies close)');
  }
  if (lab) {
    await lab.teardown();
    live.lab = undefined; // torn down: nothing left for the exit handler
    result.namespacesLeft = await namespacesLeft(lab.base);
    say.event(`namespaces deleted: 'ip netns list' shows ${result.namespacesLeft} of ${lab.base}-*; processes left: ${lab.childPids().length}`);
  }
  const dir = live.dir;
  if (dir) {
    if (live.keepLogs) say.event(`configs and daemon logs kept in ${dir}`);
    else {
      fs.rmSync(dir, { recursive: true, force: true });
      live.dir = undefined;
      say.event(`temp dir ${dir} removed (daemon logs were in ${path.join(dir, 'logs')}; --keep-logs keeps them)`);
    }
  }
}

async function run(opts: DemoOptions): Promise<number> {
  const say = new Narrator(out, STEPS);
  const lbs = demoLbs(opts.preempt);
  const result: DemoResult = { emails: [], expectTakeback: opts.preempt };
  live.keepLogs = opts.keepLogs;
  live.dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-demo-'));
  for (const sig of CLEANUP_SIGNALS) process.on(sig, onSignal);
  process.on('exit', cleanupSync);
  process.stdout.on('error', onStdoutError);
  header(say, lbs);
  let stage: Stage | undefined;
  try {
    stage = await Stage.build(live.dir, (lab) => (live.lab = lab), lbs);
    say.line();
    say.event(`lab ${stage.lab.base}: ${stage.lab.namespaces().length} network namespaces (switch, ${[...lbs, ...WEBS, MAIL, CLIENT].map((h) => h.name).join(', ')})`);
    const ctx: Ctx = { stage, say, result, pause: pauser(!opts.ci) };
    for (const step of [stepStart, stepKill, stepRecover, stepMails, stepObserve]) await step(ctx);
  } catch (err) {
    result.error = errorMessage(err);
    say.line(`\n  demo stopped by an error: ${result.error}`);
    if (err instanceof DemoProcError) for (const l of logTail(err.logFile)) say.line(`    | ${l}`);
    if (live.dir) say.line(`  (daemon logs: ${path.join(live.dir, 'logs')}; run with --keep-logs to keep them)`);
  } finally {
    await cleanup(say, stage, result);
  }
  result.durationMs = say.since();
  const v = verdict(result);
  say.line();
  say.line(
    `Result: ${v.pass ? 'PASS' : 'FAIL'}  VIP ${result.vipFirstOn ?? '?'} -> ${result.vipMovedTo ?? '?'}, client outage ${result.outageMs === undefined ? '?' : fmtMs(result.outageMs)}` +
      ` (bound ${result.boundMs === undefined ? '?' : fmtMs(result.boundMs)}), ${result.emails.length} alert mails, ${result.takeback === undefined ? 'takeback ?' : result.takeback ? (result.expectTakeback ? 'takeback (expected: lb1 without nopreempt)' : 'TAKEBACK') : 'no takeback'}` +
      `, ${result.namespacesLeft ?? '?'} namespaces left  (${(result.durationMs / 1000).toFixed(1)} s)`,
  );
  for (const f of v.failures) say.line(`  - ${f}`);
  if (opts.ci) say.line(resultLine(result));
  for (const sig of CLEANUP_SIGNALS) process.removeListener(sig, onSignal);
  return v.pass ? 0 : 1;
}

async function main(): Promise<number> {
  const opts = parseDemoArgs(process.argv.slice(2), process.env, process.stdin.isTTY === true);
  if ('error' in opts) {
    process.stderr.write(`hapair demo: ${opts.error}\n${DEMO_USAGE}\n`);
    return 2;
  }
  if (opts.help) {
    out(`${DEMO_USAGE}\n`);
    return 0;
  }
  const problem = requirementProblem(process.platform, process.getuid?.()) ?? (spawnSync('ip', ['-V']).error ? NO_IP_COMMAND : undefined);
  if (problem) {
    process.stderr.write(`${problem}\n`);
    return 1;
  }
  return run(opts);
}

main().then(
  (code) => process.exit(code),
  (err: unknown) => {
    process.stderr.write(`hapair demo: ${errorMessage(err)}\n`);
    process.exit(1);
  },
);
