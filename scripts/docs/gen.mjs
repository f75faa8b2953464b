#!/usr/bin/env node
// Keeps the configuration references in step with the loaders. Reads the keyword tables of the compiled loaders
// ($HAPAIR_OUT or dist), then for every docs/*.md: `--write` refills the generated regions; the default (check)
// reports generated regions that are stale and hand-written keyword tables that miss or invent keywords.
// usage: node scripts/docs/gen.mjs [--check | --write | --print]    (exit 1 on drift in check mode)
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { fillGenerated, generatedRegions, keywordRegions, outDir, repoRoot, setDiff } from './lib.mjs';
import { keepalivedFacts } from './keepalived.mjs';
import { haproxyFacts } from './haproxy.mjs';

/** Everything the docs must agree with: keyword sets and generated region contents, by region name. */
export async function collectFacts(out = outDir()) {
  const ka = await keepalivedFacts(out);
  const px = await haproxyFacts(out);
  return { keywords: new Map([...ka.keywords, ...px.keywords]), generated: new Map([...ka.generated, ...px.generated]) };
}

function docFiles() {
  const dir = path.join(repoRoot, 'docs');
  return fs.readdirSync(dir).filter((f) => f.endsWith('.md')).map((f) => path.join(dir, f));
}

/** Problems found in the docs (empty = in step). Region names used nowhere are problems too. */
export async function checkDocs(out = outDir()) {
  const facts = await collectFacts(out);
  const problems = [];
  const seenGen = new Set();
  const seenKw = new Set();
  for (const file of docFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const rel = path.relative(repoRoot, file);
    for (const [name, content] of generatedRegions(text)) {
      seenGen.add(name);
      const want = facts.generated.get(name);
      if (want === undefined) problems.push(`${rel}: generated region '${name}' is not produced by scripts/docs`);
      else if (content !== want) problems.push(`${rel}: generated region '${name}' is stale (run: node scripts/docs/gen.mjs --write)`);
    }
    for (const [name, words] of keywordRegions(text)) {
      seenKw.add(name);
      const actual = facts.keywords.get(name);
      if (!actual) {
        problems.push(`${rel}: keyword region '${name}' has no loader table`);
        continue;
      }
      const { missing, extra } = setDiff(words, actual);
      if (missing.length) problems.push(`${rel}: '${name}' table lacks ${missing.join(', ')} (accepted by the loader)`);
      if (extra.length) problems.push(`${rel}: '${name}' table lists ${extra.join(', ')} (not accepted by the loader)`);
    }
  }
  for (const name of facts.generated.keys()) if (!seenGen.has(name)) problems.push(`no doc has the generated region '${name}'`);
  for (const name of facts.keywords.keys()) if (!seenKw.has(name)) problems.push(`no doc has the keyword table '${name}'`);
  return problems;
}

export async function writeDocs(out = outDir()) {
  const facts = await collectFacts(out);
  const changed = [];
  for (const file of docFiles()) {
    const text = fs.readFileSync(file, 'utf8');
    const next = fillGenerated(text, facts.generated);
    if (next !== text) {
      fs.writeFileSync(file, next);
      changed.push(path.relative(repoRoot, file));
    }
  }
  return changed;
}

async function main() {
  const mode = process.argv[2] ?? '--check';
  if (mode === '--write') {
    const changed = await writeDocs();
    process.stdout.write(changed.length ? `updated ${changed.join(', ')}\n` : 'docs already up to date\n');
  }
  if (mode === '--print') {
    const facts = await collectFacts();
    for (const [name, words] of facts.keywords) process.stdout.write(`## ${name}\n${[...words].sort().join(' ')}\n\n`);
    for (const [name, content] of facts.generated) process.stdout.write(`## ${name}\n${content}\n`);
    return;
  }
  const problems = await checkDocs();
  for (const p of problems) process.stderr.write(`${p}\n`);
  if (problems.length) process.exitCode = 1;
  else if (mode === '--check') process.stdout.write('docs in step with the loaders\n');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await main();
