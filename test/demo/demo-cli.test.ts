// `npm run demo` command line without a lab (no root needed, milliseconds): --help, bad options, the npm script.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from '../helpers/proc.js';
import { outDir, repoRoot } from '../helpers/paths.js';
import { DEMO_USAGE } from '../../src/demo/options.js';

const demoMain = path.join(outDir, 'src/demo/main.js');

test('--help / -h: the usage on stdout, exit 0, nothing built', async (t) => {
  for (const flag of ['--help', '-h']) {
    const r = await runCommand(process.execPath, [demoMain, flag], { timeoutMs: 20_000 });
    t.is(r.code, 0, r.stderr);
    t.is(r.stdout, `${DEMO_USAGE}\n`);
    t.is(r.stderr, '');
  }
  for (const opt of ['--ci', '--keep-logs', '--preempt']) t.true(DEMO_USAGE.includes(opt), `usage documents ${opt}`);
});

test('bad options: one line naming the option, then the usage, on stderr; exit 2 before any root check', async (t) => {
  for (const bad of [['--bogus'], ['--ci', 'now']]) {
    const r = await runCommand(process.execPath, [demoMain, ...bad], { timeoutMs: 20_000 });
    t.is(r.code, 2, bad.join(' '));
    t.is(r.stdout, '');
    t.is(r.stderr, `hapair demo: unknown option '${bad.at(-1)}'\n${DEMO_USAGE}\n`);
  }
});

test('package.json: `npm run demo` builds, then runs the compiled demo entry', (t) => {
  const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> };
  t.regex(pkg.scripts.demo!, /&& tsc -p tsconfig\.json && node dist\/src\/demo\/main\.js$/);
  t.true(fs.existsSync(demoMain));
});
