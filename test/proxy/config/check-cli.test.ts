// `hapair check -f haproxy.cfg` on every seed config, next to `haproxy -c -f` on the same file (haproxy 2.6.12):
// the seeds load (exit 0, OK verdict); where haproxy 2.6 refuses a seed (1.x section-line address, `//` comments)
// hapair explains the mapping in a warning at the same file:line haproxy names; a broken config fails both, at the
// same line, and hapair exits non-zero.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { spawnSync } from 'node:child_process';
import { runCli } from '../../helpers/proc.js';
import { fixture, tmpDir } from '../../helpers/paths.js';
import { HAPROXY } from '../../helpers/backend-haproxy.js';

/** haproxy -c: exit code and the file:line of each ALERT. */
function haproxyCheck(file: string): { code: number; alertLines: number[] } {
  const r = spawnSync(HAPROXY, ['-c', '-f', file], { encoding: 'utf8', timeout: 10_000 });
  const alertLines = [...r.stderr.matchAll(/^\[ALERT\].*?\[[^\]\n]*\.cfg:(\d+)\]/gm)].map((m) => Number(m[1]));
  return { code: r.status ?? -1, alertLines };
}

const SEEDS = fs.readdirSync(fixture('seeds')).filter((f) => f.startsWith('haproxy-') && f.endsWith('.cfg'));

test('the seed list is what the issue names (000, 001 x2, 002, 003, 004)', (t) => {
  t.deepEqual(SEEDS.map((f) => f.slice(8, 11)).sort(), ['000', '001', '001', '002', '003', '004']);
});

for (const seed of SEEDS) {
  test(`hapair check ${seed}: loads (exit 0, OK verdict), every line file:line, haproxy -c refusals explained`, async (t) => {
    const file = fixture('seeds', seed);
    const r = await runCli(['check', '-f', file]);
    t.is(r.code, 0, r.stderr);
    t.regex(r.stdout, new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: OK`));
    const warnings = r.stderr.split('\n').filter(Boolean);
    for (const l of warnings) t.true(l.startsWith(`${file}:`) && / warning: /.test(l), l);
    const ha = haproxyCheck(file);
    if (ha.code === 0) return t.pass();
    // haproxy 2.6 refuses: its first alert line must carry one of our warnings saying what hapair does instead.
    const first = ha.alertLines[0]!;
    const ours = warnings.find((l) => l.startsWith(`${file}:${first}: warning:`));
    t.truthy(ours, `haproxy alerts at line ${first}; hapair warnings:\n${warnings.join('\n')}`);
    t.regex(ours ?? '', /haproxy( 2\.6)? (rejects|refuses)|2\.6 rejects/, 'the warning says haproxy 2.6 refuses it');
  });
}

test('a broken config: hapair check exits 1 at the line haproxy -c names, and says FAILED', async (t) => {
  const dir = tmpDir('hapair-a3-check-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'bad.cfg');
  fs.writeFileSync(file, ['defaults', '  mode http', '  timeout client 5s', 'frontend fe', '  bind 127.0.0.1:8080', '  timeout client 10x', '  default_backend app', 'backend app', '  server s 127.0.0.1:80 weight 999', ''].join('\n'));
  const r = await runCli(['check', '-f', file]);
  t.is(r.code, 1);
  t.regex(r.stdout, /FAILED/);
  const errLines = [...r.stderr.matchAll(new RegExp(`^${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+): (?!warning)`, 'gm'))].map((m) => Number(m[1]));
  const ha = haproxyCheck(file);
  t.not(ha.code, 0);
  t.deepEqual(errLines, ha.alertLines, `hapair:\n${r.stderr}`);
});
