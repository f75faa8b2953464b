#!/usr/bin/env node
// Enforces the project rule "one concern per file, < 400 lines" over src/ and test/ TypeScript files.
// Usage: node scripts/check-file-size.mjs [--max 399] [dir...]; exit 1 listing every file over the limit.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const maxIdx = args.indexOf('--max');
const max = maxIdx >= 0 ? Number(args.splice(maxIdx, 2)[1]) : 399;
const roots = args.length > 0 ? args : ['src', 'test'];

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.ts')) yield p;
  }
}

const over = [];
for (const root of roots) {
  if (!fs.existsSync(root)) continue;
  for (const file of walk(root)) {
    const text = fs.readFileSync(file, 'utf8');
    const lines = text.endsWith('\n') ? text.split('\n').length - 1 : text.split('\n').length;
    if (lines > max) over.push(`${file}: ${lines} lines (limit ${max})`);
  }
}
if (over.length > 0) {
  process.stderr.write(`files over the size limit:\n  ${over.join('\n  ')}\n`);
  process.exit(1);
}
process.stdout.write(`all TypeScript files under ${roots.join(', ')} have at most ${max} lines\n`);
