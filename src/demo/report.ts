// Demo steps d/e: the alert mails the mail server received, the stats page and `hapair status` on both nodes.
import type { Ctx } from './scenario.js';
import { subjectNode } from './mail-headers.js';
import { hasMail, REQUIRED_MAILS, type MailSeen } from './result.js';
import { parseStatsCsv, summarizeStats } from './stats-summary.js';
import { CLI_MAIN } from './stage.js';
import { RECIPIENT, STATS_PORT, STATS_URI, VIP } from './topology.js';

/** How long the mails of the timeline may take to arrive (the daemons deliver within seconds). */
const MAIL_WAIT_MS = 10_000;

function mailsOf(c: Ctx): MailSeen[] {
  return (c.stage.mail?.lines ?? [])
    .filter((l) => l.event === 'message')
    .map((l) => {
      const subject = String(l.subject ?? '');
      const from = String(l.from || l.envelopeFrom || '');
      return { at: Number(l.at), node: subjectNode(subject) ?? from, from, subject };
    });
}

/** Step d: waits (bounded) for the mails the failover must have produced, then lists every mail received. */
export async function stepMails(c: Ctx): Promise<void> {
  const { say } = c;
  say.step(`Alerts: mails the lab's mail server received for ${RECIPIENT} (time of arrival)`);
  const want = [...REQUIRED_MAILS, ['lb1', 'BACKUP'] as const];
  const end = Date.now() + MAIL_WAIT_MS;
  while (Date.now() < end && !want.every(([n, s]) => hasMail(mailsOf(c), n, s))) await new Promise((r) => setTimeout(r, 100));
  const mails = mailsOf(c).sort((a, b) => a.at - b.at);
  c.result.emails = mails;
  for (const m of mails) say.event(`from ${m.node.padEnd(4)} <${m.from.replace(/^.*<|>.*$/g, '')}>  "${m.subject}"`, m.at);
  const missing = want.filter(([n, s]) => !hasMail(mails, n, s));
  if (missing.length) say.detail(`MISSING: ${missing.map(([n, s]) => `${s} from ${n}`).join(', ')}`);
  else say.detail('each node mails its own view: lb1 its FAULT (and recovery to BACKUP), lb2 its MASTER');
  await c.pause();
}

/** Step e: stats page URLs (reachable inside the lab only), a summary fetched from it, `hapair status` on both nodes. */
export async function stepObserve(c: Ctx): Promise<void> {
  const { stage, say } = c;
  say.step('Observe: the stats page and `hapair status` on both nodes');
  const url = `http://${VIP}:${STATS_PORT}${STATS_URI}`;
  say.event(`stats page (inside the lab): ${url}  (through the VIP, so lb2's proxy answers)`);
  say.detail(`per node: ${stage.lbs.map((lb) => `http://${lb.ip}:${STATS_PORT}${STATS_URI}`).join('  ')}`);
  const [csv] = await stage.clientGet(`${url};csv`, 1, true);
  if (csv?.ok) say.detail(`summary from ${url};csv: ${summarizeStats(parseStatsCsv(String(csv.body)), new Set(['stats']))}`);
  else say.detail(`stats page not reachable: ${String(csv?.err ?? csv?.status ?? 'no answer')}`);
  for (const lb of stage.lbs) {
    const f = stage.files[lb.name];
    const r = await stage.run(lb.name, [process.execPath, CLI_MAIN, 'status', '--run-dir', f.runDir, '--proxy-config', f.haproxyCfg]);
    say.event(`hapair status on ${lb.name}:`);
    say.block(r.stdout || r.stderr, 13);
  }
  await c.pause();
}
