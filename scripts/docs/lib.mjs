// Shared helpers of the docs tooling: where the compiled loaders are, and the two kinds of marked regions in
// docs/*.md — "generated" regions (rewritten from the loader tables) and "keywords" regions (hand-written
// tables whose keyword column is checked against the loader tables, so the prose cannot drift from the code).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** The compiled tree to read tables from: $HAPAIR_OUT (e.g. .build/me) or dist. */
export function outDir(given) {
  return path.resolve(repoRoot, given ?? process.env.HAPAIR_OUT ?? 'dist');
}

/** Imports a compiled module, e.g. loadModule(out, 'src/vrrp/config/global.js'). */
export function loadModule(out, rel) {
  const file = path.join(out, rel);
  if (!fs.existsSync(file)) throw new Error(`${file} not found: build first (npx tsc -p . --outDir ${path.relative(repoRoot, out)})`);
  return import(pathToFileURL(file).href);
}

export function readSource(rel) {
  return fs.readFileSync(path.join(repoRoot, rel), 'utf8');
}

const GENERATED = /<!-- generated: ([a-z0-9-]+)[^>]*-->\n([\s\S]*?)<!-- \/generated -->/g;
const KEYWORDS = /<!-- keywords: ([a-z0-9-]+)(?: prefix=([a-z-]+))? -->\n([\s\S]*?)<!-- \/keywords -->/g;

/** name -> current content of every generated region of a markdown text. */
export function generatedRegions(text) {
  return new Map([...text.matchAll(GENERATED)].map((m) => [m[1], m[2]]));
}

/** Replaces the content of generated regions whose name is in `contents`; returns the new text. */
export function fillGenerated(text, contents) {
  return text.replace(GENERATED, (all, name, _old) => {
    const c = contents.get(name);
    if (c === undefined) return all;
    const head = all.slice(0, all.indexOf('-->') + 4);
    return `${head}${c.endsWith('\n') ? c : `${c}\n`}<!-- /generated -->`;
  });
}

/**
 * Keywords documented in each "keywords" region: the code spans of the FIRST cell of every table row, first word
 * of each span (`| \`priority N\` | ...` -> priority; `| \`a\`, \`b\` |` -> a, b). Header rows have no code span.
 * With `prefix=option` the word after a leading `option` is taken (`option httplog [clf]` -> httplog).
 */
export function keywordRegions(text) {
  const out = new Map();
  for (const m of text.matchAll(KEYWORDS)) {
    const words = new Set();
    const prefix = m[2];
    for (const line of m[3].split('\n')) {
      if (!line.startsWith('|')) continue;
      const cell = line.split(/(?<!\\)\|/)[1] ?? ''; // `\|` inside a cell is not a separator
      for (const span of cell.matchAll(/`([^`]+)`/g)) {
        const w = span[1].trim().split(/\s+/);
        words.add(prefix !== undefined && w[0] === prefix ? w[1] : w[0]);
      }
    }
    const prev = out.get(m[1]) ?? new Set();
    out.set(m[1], new Set([...prev, ...words]));
  }
  return out;
}

/** Markdown table from a header and rows (cells escaped for `|`). */
export function table(header, rows) {
  const esc = (s) => String(s).replace(/\|/g, '\\|').replace(/\n/g, ' ');
  return [`| ${header.join(' | ')} |`, `|${header.map(() => '---').join('|')}|`, ...rows.map((r) => `| ${r.map(esc).join(' | ')} |`)].join('\n') + '\n';
}

/** `a`, `b`, `c` as one wrapped paragraph. */
export function codeList(words) {
  return [...words].sort().map((w) => `\`${w}\``).join(', ') + '\n';
}

export function setDiff(documented, actual) {
  return {
    missing: [...actual].filter((w) => !documented.has(w)).sort(), // in the loader, not in the doc
    extra: [...documented].filter((w) => !actual.has(w)).sort(), // in the doc, not in the loader
  };
}
