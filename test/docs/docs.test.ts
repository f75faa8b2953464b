// The docs cannot drift from the code: keyword tables vs the loaders, config examples through `hapair check`,
// every `hapair` command line shown against the real usage texts, links and anchors, README contract.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { outDir, repoRoot, tmpDir } from '../helpers/paths.js';
import { runCli } from '../helpers/proc.js';
import { anchors, checkedExamples, codeLines, invocations, relativeLinks, slug } from '../helpers/docs-text.js';

const docsDir = path.join(repoRoot, 'docs');
const docFiles = [...fs.readdirSync(docsDir).filter((f) => f.endsWith('.md')).map((f) => path.join(docsDir, f)), path.join(repoRoot, 'README.md')];
const read = (f: string): string => fs.readFileSync(f, 'utf8');
const rel = (f: string): string => path.relative(repoRoot, f);

test('keyword tables and generated tables in docs match the loaders', async (t) => {
  const gen = (await import(pathToFileURL(path.join(repoRoot, 'scripts/docs/gen.mjs')).href)) as { checkDocs(out: string): Promise<string[]> };
  const problems = await gen.checkDocs(outDir);
  t.deepEqual(problems, [], 'run `node scripts/docs/gen.mjs --write` for generated tables; edit the keyword tables by hand');
});

test('config examples in docs pass hapair check with exactly the warnings they announce', async (t) => {
  const dir = tmpDir('hapair-docs-');
  let n = 0;
  for (const file of docFiles) {
    for (const ex of checkedExamples(read(file))) {
      const cfg = path.join(dir, `ex${n++}.${ex.type === 'haproxy' ? 'cfg' : 'conf'}`);
      fs.writeFileSync(cfg, ex.text);
      const r = await runCli(['check', '--json', '--type', ex.type, '-f', cfg]);
      const out = JSON.parse(r.stdout) as { ok: boolean; results: { diagnostics: { severity: string; code: string; message: string }[] }[] };
      const diags = out.results.flatMap((x) => x.diagnostics);
      const where = `${rel(file)}:${ex.line}`;
      t.true(out.ok, `${where}: ${diags.filter((d) => d.severity === 'error').map((d) => `${d.code} ${d.message}`).join('; ')}`);
      t.deepEqual([...new Set(diags.filter((d) => d.severity === 'warning').map((d) => d.code))].sort(), [...ex.warnings].sort(), `${where}: warnings`);
    }
  }
  t.true(n >= 5, `only ${n} checked examples found`);
  fs.rmSync(dir, { recursive: true, force: true });
});

test('every hapair command line in the docs names a real command and real options', async (t) => {
  const help = await runCli(['--help']);
  const commands = new Set([...help.stdout.matchAll(/^ {2}([a-z-]+) {2,}/gm)].map((m) => m[1]!));
  t.true(commands.has('vrrp') && commands.has('check'), 'command list parsed from hapair --help');
  const usage = new Map<string, string>();
  let seen = 0;
  for (const file of docFiles) {
    for (const line of codeLines(read(file))) {
      for (const inv of invocations(line)) {
        seen++;
        t.true(commands.has(inv.command), `${rel(file)}: unknown command in '${inv.source}'`);
        if (!commands.has(inv.command)) continue;
        if (!usage.has(inv.command)) usage.set(inv.command, (await runCli([inv.command, '--help'])).stdout);
        const text = usage.get(inv.command)!;
        for (const opt of inv.options) {
          const known = new RegExp(`(^|[\\s,\\[(|])${opt.replace(/-/g, '\\-')}([\\s,=\\]|)]|$)`, 'm').test(text);
          t.true(known, `${rel(file)}: '${opt}' is not an option of 'hapair ${inv.command}' in '${inv.source}'`);
        }
      }
    }
  }
  t.true(seen >= 20, `only ${seen} hapair invocations found`);
});

test('relative links and anchors between the docs resolve', (t) => {
  for (const file of docFiles) {
    for (const link of relativeLinks(read(file))) {
      const target = link.file === '' ? file : path.resolve(path.dirname(file), link.file);
      t.true(fs.existsSync(target), `${rel(file)}: link to missing ${link.file}`);
      if (link.anchor !== undefined && target.endsWith('.md') && fs.existsSync(target)) {
        t.true(anchors(read(target)).has(link.anchor), `${rel(file)}: no heading '#${link.anchor}' in ${rel(target)}`);
      }
    }
  }
});

test('README keeps the two commands, the summary line format and the benchmarks placeholder', (t) => {
  const readme = read(path.join(repoRoot, 'README.md'));
  t.true(readme.includes('sudo npm run demo'));
  t.true(readme.includes('sudo npm test'));
  t.true(readme.includes('N passed, N failed'));
  const bench = readme.indexOf('## Benchmarks');
  t.true(bench >= 0, '## Benchmarks section');
  t.true(readme.indexOf('<!-- bench-table -->', bench) > bench, 'placeholder inside the Benchmarks section');
});

const SLUGS: readonly [string, string][] = [
  ['The nopreempt + weight trap', 'the-nopreempt--weight-trap'],
  ['Alert mails: mail_notify.py → hapair notify-mail', 'alert-mails-mail_notifypy--hapair-notify-mail'],
  ['`global_defs`', 'global_defs'],
  ['Deliberate differences from haproxy 2.6', 'deliberate-differences-from-haproxy-26'],
];
for (const [heading, want] of SLUGS) test(`slug: ${heading}`, (t) => t.is(slug(heading), want));

const INVOCATIONS: readonly [string, { command: string; options: string[] }[]][] = [
  ['hapair ctl -f /etc/hapair/haproxy.cfg "set server app/app1 state drain"', [{ command: 'ctl', options: ['-f'] }]],
  ['hapair agent --port 3333 --addr 127.0.0.1 -- /bin/check --fast', [{ command: 'agent', options: ['--port', '--addr'] }]],
  ["hapair ctl 'show stat' | awk -F, '{print $5}'", [{ command: 'ctl', options: [] }]],
  ['/usr/local/bin/hapair notify-mail master --instance VI_1', [{ command: 'notify-mail', options: ['--instance'] }]],
  ['hapair status --json | jq .; hapair check -f a.conf', [{ command: 'status', options: ['--json'] }, { command: 'check', options: ['-f'] }]],
  ['run the hapair daemons', [{ command: 'daemons', options: [] }]],
];
for (const [line, want] of INVOCATIONS) {
  test(`invocations: ${line}`, (t) => t.deepEqual(invocations(line).map(({ command, options }) => ({ command, options: [...options] })), want));
}
