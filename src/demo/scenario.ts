// Demo steps a-c: VIP on lb1 serving the client; lb1's proxy SIGKILLed -> lb2 takes over; no takeback.
// The outage is measured from the client. Steps d/e are in report.ts.
import type { Narrator } from './narrator.js';
import { fmtMs } from './narrator.js';
import type { DemoProc, LogLine } from './procs.js';
import type { Stage } from './stage.js';
import type { DemoResult } from './result.js';
import { measureOutage, outageBound, type ProbeSample } from './outage.js';
import { masterDownIntervalMs } from '../vrrp/timers.js';
import { HTTP_PORT, TIMING, VIP, type LbName } from './topology.js';

const URL = `http://${VIP}:${HTTP_PORT}/`;
/** Probe: a new request every 15 ms; one stuck on a SYN sent to the old MAC is abandoned after 200 ms. */
const PROBE = { everyMs: 15, timeoutMs: 200, maxMs: 25_000 };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface Ctx {
  readonly stage: Stage;
  readonly say: Narrator;
  readonly result: DemoResult;
  readonly pause: () => Promise<void>;
}

const timeOf = (l: LogLine): number => (typeof l.time === 'string' ? Date.parse(l.time) : Date.now());

/** The first transition to `to` logged after line index `mark` of a vrrp daemon (bounded wait). */
function transition(p: DemoProc, to: string, mark: number, timeoutMs: number): Promise<LogLine> {
  return p.waitFor((l) => l.event === 'transition' && l.to === to && p.lines.indexOf(l) >= mark, timeoutMs, `a transition to ${to}`);
}

function why(l: LogLine): string {
  return [l.reason, l.detail].filter((x) => typeof x === 'string' && x !== '').join(': ');
}

function prio(stage: Stage, lb: LbName): string {
  const spec = stage.lb(lb);
  return `priority ${spec.priority}${spec.nopreempt ? ', nopreempt' : ''}`;
}

/** Step a: both nodes up, lb1 MASTER first (started first, so its election is deterministic), client served. */
export async function stepStart(c: Ctx): Promise<void> {
  const { stage, say } = c;
  say.step(`Start: two load balancers, VIP ${VIP} on lb1, the client served through it`);
  await stage.startServices();
  say.event('web1, web2 (HTTP backends) and the mail server are listening');
  await Promise.all(stage.lbs.map((lb) => stage.startProxy(lb.name)));
  say.event(`hapair proxy running on lb1 and lb2 (PIDs ${stage.lbs.map((lb) => stage.proxies.get(lb.name)!.pid).join(', ')})`);
  const v1 = stage.startVrrp('lb1');
  say.event(`hapair vrrp started on lb1 (${prio(stage, 'lb1')}), state BACKUP until its master-down timer expires`);
  const m1 = await transition(v1, 'MASTER', 0, 20_000);
  say.event(`lb1 -> MASTER (${why(m1)}), VIP ${VIP} added, gratuitous ARP sent`, timeOf(m1));
  const v2 = stage.startVrrp('lb2');
  const b2 = await transition(v2, 'BACKUP', 0, 15_000);
  say.event(`lb2 -> BACKUP (${prio(stage, 'lb2')}; hears lb1's adverts)`, timeOf(b2));
  const holders = await stage.vipHolders(VIP);
  c.result.vipFirstOn = holders.length === 1 ? holders[0] : holders.join(',') || 'none';
  say.event(`VIP ${VIP} is on: ${holders.join(', ') || 'nobody'} (ip addr in each namespace)`);
  const got = await stage.clientGet(URL, 4);
  say.event(`client GET ${URL} x ${got.length}, a new connection each:`);
  for (const r of got) say.detail(r.ok ? `HTTP ${String(r.status)}  served by ${String(r.by)}  "${String(r.body)}"  (${String(r.ms)} ms)` : `failed: ${String(r.err ?? r.status)}`);
  await c.pause();
}

/** Step b: SIGKILL lb1's proxy by PID; the weight-0 check fails `fall` times -> FAULT -> lb2 MASTER. */
export async function stepKill(c: Ctx): Promise<void> {
  const { stage, say } = c;
  say.step("Failure: lb1's proxy is killed; lb1 goes to FAULT and lb2 takes the VIP");
  const probe = stage.startProbe(URL, PROBE.everyMs, PROBE.timeoutMs, PROBE.maxMs);
  await probe.waitFor((l) => l.event === 'probing', 10_000, 'probe start');
  say.event(`client probe started: GET ${URL} every ${PROBE.everyMs} ms, new connection each, ${PROBE.timeoutMs} ms timeout`);
  await sleep(800); // a baseline of served requests before the failure
  const v1 = stage.vrrpOf('lb1');
  const v2 = stage.vrrpOf('lb2');
  const [m1, m2] = [v1.lines.length, v2.lines.length];
  const proxy = stage.proxies.get('lb1')!;
  const killedAt = Date.now();
  proxy.child.kill('SIGKILL');
  say.event(`lb1's proxy killed: SIGKILL to PID ${proxy.pid} (only that PID; its stats socket stays behind, dead)`, killedAt);
  const f1 = await transition(v1, 'FAULT', m1, 15_000);
  say.event(`lb1 -> FAULT (${String(f1.reason)}: chk_proxy = 'hapair proxy-alive' failed ${TIMING.checkFall}x in a row): priority-0 advert sent, VIP removed`, timeOf(f1));
  const t2 = await transition(v2, 'MASTER', m2, 15_000);
  say.event(`lb2 -> MASTER (${why(t2)}, effective priority ${String(t2.priority)}), VIP added, gratuitous ARP sent`, timeOf(t2));
  // Let the probe see a steady run of served requests through lb2, then stop it.
  await sleep(1000);
  probe.send('stop');
  await probe.waitFor((l) => l.event === 'done', 5000, 'probe end');
  const samples = probe.lines.filter((l) => l.event === 'p') as unknown as ProbeSample[];
  const o = measureOutage(samples);
  const prioNow = typeof t2.priority === 'number' ? t2.priority : stage.lb('lb2').priority;
  const b = outageBound({ fall: TIMING.checkFall, intervalSec: TIMING.checkIntervalSec, version: TIMING.version, priority: prioNow, advertIntMs: TIMING.advertIntSec * 1000 });
  const holders = await stage.vipHolders(VIP);
  c.result.vipMovedTo = holders.length === 1 ? holders[0] : holders.join(',') || 'none';
  c.result.outageMs = Math.round(o.outageMs);
  c.result.boundMs = b.boundMs;
  c.result.outagePass = o.recovered && o.outageMs <= b.boundMs;
  const byBackend = new Map<string, number>();
  for (const s of samples) if (s.ok && s.by) byBackend.set(s.by, (byBackend.get(s.by) ?? 0) + 1);
  say.event(`VIP ${VIP} is on: ${holders.join(', ') || 'nobody'}; probe: ${samples.length} requests, ${samples.filter((s) => s.ok).length} served (${[...byBackend].map(([k, n]) => `${k} ${n}`).join(', ')})`);
  const errs = o.errors.map((e) => `${e.count} ${e.err}`).join(', ');
  say.line();
  say.block([
    `client outage   ${fmtMs(o.outageMs).padStart(9)}   longest gap between two served requests${o.failed ? ` (${o.failed} failed: ${errs})` : ''}`,
    `bound           ${fmtMs(b.boundMs).padStart(9)}   = fall x interval ${fmtMs(b.detectMs)} + skew ${fmtMs(b.skewMs)} (priority ${prioNow}) + ${fmtMs(b.slackMs)}`,
    `verdict         ${(c.result.outagePass ? 'PASS' : 'FAIL').padStart(9)}${o.recovered ? '' : '   (the service never came back during the probe)'}`,
  ].join('\n'));
  say.block('(refused: lb1 still held the VIP but had no proxy; timeout: the VIP was on its way to lb2, the client\'s ARP not yet updated)');
  await c.pause();
}

/** Sampling period of the VIP holder after lb1's recovery. */
const HOLDER_EVERY_MS = 500;

/**
 * Step c: the proxy comes back; lb1 leaves FAULT as BACKUP. With nopreempt it accepts lb2's lower-priority adverts
 * and the VIP stays; without (`--preempt`) it discards them and takes over when its Master_Down_Interval expires.
 * The VIP is watched for that interval plus 1.5 s, so a takeback would be seen (the check can fail).
 */
export async function stepRecover(c: Ctx): Promise<void> {
  const { stage, say } = c;
  const lb1 = stage.lb('lb1');
  say.step(lb1.nopreempt
    ? "Recovery: lb1's proxy restarted; the VIP stays on lb2 (nopreempt, no second outage)"
    : "Recovery: lb1's proxy restarted; WITHOUT nopreempt lb1 takes the VIP back (a second move)");
  const v1 = stage.vrrpOf('lb1');
  const mark = v1.lines.length;
  const p = await stage.startProxy('lb1', '-restarted');
  say.event(`lb1's proxy restarted (PID ${p.pid})`);
  const b1 = await transition(v1, 'BACKUP', mark, 15_000);
  say.event(`lb1 -> BACKUP (${String(b1.reason)}: chk_proxy passed ${TIMING.checkRise}x): it hears lb2's lower-priority adverts and, ${lb1.nopreempt ? 'with nopreempt, accepts them' : 'without nopreempt, discards them'}`, timeOf(b1));
  const downMs = masterDownIntervalMs(TIMING.version, lb1.priority, TIMING.advertIntSec * 1000);
  const samples = Math.ceil((downMs + 1500) / HOLDER_EVERY_MS);
  const seen: string[] = [];
  for (let i = 0; i < samples; i++) {
    await sleep(HOLDER_EVERY_MS);
    seen.push((await stage.vipHolders(VIP)).join('+') || 'nobody');
  }
  const back = v1.lines.find((l, i) => i >= mark && l.event === 'transition' && l.to === 'MASTER');
  if (back) say.event(`lb1 -> MASTER (${why(back)}): the VIP moves back to lb1`, timeOf(back));
  c.result.takeback = back !== undefined || seen.some((h) => h.includes('lb1'));
  const stayed = seen.every((h) => h === 'lb2');
  const verdictText = c.result.takeback ? `lb1 TOOK IT BACK${lb1.nopreempt ? '' : ' (expected without nopreempt)'}` : 'no takeback';
  say.event(`VIP holder checked ${samples}x over ${((samples * HOLDER_EVERY_MS) / 1000).toFixed(1)} s (lb1's master-down interval ${fmtMs(downMs)} + 1.5 s): ${stayed ? 'lb2 every time' : seen.join(', ')} -> ${verdictText}`);
  await c.pause();
}

export { URL as DEMO_URL };
