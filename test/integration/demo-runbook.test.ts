// The runbook's procedures replayed on the shipped example configs (scripts/docs/walkthrough.mjs) in a namespace lab:
// status, draining per seed 004 (runtime API and the curl automation), reload keeping state, planned failover,
// nopreempt, FAULT failover, relay outage with spooled alerts, notify-mail. Every check the script makes must pass.
import test from 'ava';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { requireRoot } from '../helpers/root.js';
import { runCommand } from '../helpers/proc.js';
import { outDir, repoRoot } from '../helpers/paths.js';

/** What docs/runbook.md says the commands show; the walkthrough prints `OK  <check>` for each. */
const CHECKS: readonly RegExp[] = [
  /^OK {3}lb1 becomes MASTER$/,
  /^OK {3}lb2 status shows BACKUP$/,
  /^OK {3}the VIP serves through the proxy$/,
  /^OK {3}app1 admin state 8 \(drain\)$/,
  /^OK {3}Cur of a drained idle server is 0$/,
  /^OK {3}seed 004 curl: 303$/,
  /^OK {3}app2 in MAINT on the stats page$/,
  /^OK {3}seed 004 curl: ;st=DONE$/,
  /^OK {3}drain kept across a proxy reload$/,
  /^OK {3}planned failover: lb2 MASTER after \d+ ms/,
  /^OK {3}lb1 \(nopreempt\) comes back as BACKUP, the VIP stays on lb2$/,
  /^OK {3}dead proxy on lb2: lb1 MASTER after \d+ ms$/,
  /^OK {3}alerts wait in the spool while the relay is down$/,
  /^OK {3}spooled alerts delivered once the relay is back$/,
  /^OK {3}alert-relay-up logged$/,
  /^OK {3}notify-mail 'falut' is refused \(exit 2\)$/,
  /^OK {3}transition and server events logged$/,
];

test.serial('runbook walkthrough on the shipped example configs: every documented result holds', async (t) => {
  if (!requireRoot(t)) return;
  const walkLabs = (): string[] => execFileSync('ip', ['netns', 'list']).toString().split('\n').map((l) => l.split(' ')[0]!).filter((n) => n.startsWith('hwalk'));
  const before = new Set(walkLabs());
  const r = await runCommand(process.execPath, [path.join(repoRoot, 'scripts/docs/walkthrough.mjs')], { timeoutMs: 150_000, env: { ...process.env, HAPAIR_OUT: outDir } });
  const lines = r.stdout.split('\n');
  t.is(r.code, 0, `${r.stdout.slice(-3000)}\n${r.stderr}`);
  t.deepEqual(lines.filter((l) => l.startsWith('FAIL')), []);
  for (const re of CHECKS) t.true(lines.some((l) => re.test(l)), `missing: ${re.source}`);
  t.is(lines.filter(Boolean).at(-1), 'walkthrough: every check OK');
  t.deepEqual(walkLabs().filter((n) => !before.has(n)), [], 'lab removed');
});
