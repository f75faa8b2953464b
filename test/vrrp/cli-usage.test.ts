// CLI surface of issue 2 (spawned CLI, no root): `hapair --help`, `hapair vrrp` and `hapair status` usage, flags
// and exit codes (0 help, 2 usage errors with EUSAGE, 1 for a file that cannot be run or daemons not running).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { tmpDir } from '../helpers/paths.js';

test('hapair --help lists the issue-2 commands', async (t) => {
  const r = await runCli(['--help']);
  t.is(r.code, 0);
  for (const cmd of ['vrrp', 'check', 'status']) t.regex(r.stdout, new RegExp(`^  ${cmd} +\\S`, 'm'), cmd);
  const bad = await runCli(['nosuch']);
  t.is(bad.code, 2);
  t.regex(bad.stderr, /unknown command 'nosuch'/);
});

test('hapair vrrp --help documents -f, the run dir, log level and the signals', async (t) => {
  const r = await runCli(['vrrp', '--help']);
  t.is(r.code, 0);
  for (const s of ['-f, --config FILE', '--run-dir DIR', '--log-level LEVEL', '--dont-release-vips', 'SIGTERM', 'SIGHUP', 'SIGUSR1', 'CAP_NET_RAW']) t.true(r.stdout.includes(s), s);
});

const USAGE_ERRORS: [string, string[], RegExp][] = [
  ['unknown flag', ['vrrp', '--bogus'], /Unknown option '--bogus'/],
  ['positional argument', ['vrrp', 'keepalived.conf'], /Unexpected argument 'keepalived\.conf'/],
  ['-f without a value', ['vrrp', '-f'], /argument missing/],
  ['unknown log level (pino would throw a stack trace)', ['vrrp', '--log-level', 'loud', '-f', '/nonexistent'], /--log-level must be one of fatal, error, warn, info, debug, trace, silent \(got 'loud'\)/],
  ['status: unknown flag', ['status', '--bogus'], /Unknown option '--bogus'/],
];
for (const [what, argv, re] of USAGE_ERRORS) {
  test(`usage error exits 2 with EUSAGE: ${what}`, async (t) => {
    const r = await runCli(argv);
    t.is(r.code, 2, r.stderr);
    t.regex(r.stderr, re);
    t.regex(r.stderr, /\[EUSAGE\]/);
    t.false(/\n\s+at /.test(r.stderr), 'no stack trace');
  });
}

test('hapair vrrp -f on a missing file: exit 1 naming the file, nothing started', async (t) => {
  const dir = tmpDir('hapair-cli-');
  const r = await runCli(['vrrp', '-f', path.join(dir, 'missing.conf'), '--run-dir', path.join(dir, 'run')]);
  t.is(r.code, 1);
  t.regex(r.stderr, new RegExp(`^${path.join(dir, 'missing.conf')}: cannot read`, 'm'));
  t.false(fs.existsSync(path.join(dir, 'run', 'vrrp.sock')));
});

test('hapair status --help names every VRRP field; with no daemon it says so and exits 1', async (t) => {
  const h = await runCli(['status', '--help']);
  t.is(h.code, 0);
  for (const s of ['--run-dir DIR', '--json', 'state', 'base/effective priority', 'master seen', 'VIPs', 'trackers', 'rx/tx/rejected counters']) t.true(h.stdout.includes(s), s);
  const dir = tmpDir('hapair-cli-');
  const r = await runCli(['status', '--run-dir', dir, '--proxy-socket', path.join(dir, 'p.sock')]);
  t.is(r.code, 1);
  t.regex(r.stdout, new RegExp(`^VRRP: ${path.join(dir, 'vrrp.sock')}: daemon not running`, 'm'));
  const j = await runCli(['status', '--json', '--run-dir', dir, '--proxy-socket', path.join(dir, 'p.sock')]);
  t.is(j.code, 1);
  t.regex((JSON.parse(j.stdout) as { vrrp: { error: string } }).vrrp.error, /daemon not running/);
});
