// Minimal glob(3) for `include`: *, ?, [...] / [!...], {a,b} brace lists (keepalived uses GLOB_BRACE), and
// backslash escapes. Leading dots are only matched explicitly, results are sorted per pattern, like glob(3).
import fs from 'node:fs';
import path from 'node:path';

/** True if the pattern has an unescaped wildcard or brace list. */
export function hasMagic(pattern: string): boolean {
  return /(^|[^\\])[*?[{]/.test(pattern);
}

/** Expands `{a,b}` lists (nested, escaped braces left alone) into plain glob patterns, in order. */
export function expandBraces(pattern: string): string[] {
  let depth = 0;
  let open = -1;
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '\\') {
      i++;
    } else if (c === '{') {
      if (depth++ === 0) open = i;
    } else if (c === '}' && depth > 0 && --depth === 0) {
      const alternatives = splitTopLevel(pattern.slice(open + 1, i));
      const before = pattern.slice(0, open);
      const after = pattern.slice(i + 1);
      return alternatives.flatMap((alt) => expandBraces(before + alt + after));
    }
  }
  return [pattern];
}

function splitTopLevel(body: string): string[] {
  const parts: string[] = [];
  let depth = 0;
  let start = 0;
  for (let i = 0; i < body.length; i++) {
    const c = body[i];
    if (c === '\\') i++;
    else if (c === '{') depth++;
    else if (c === '}') depth--;
    else if (c === ',' && depth === 0) {
      parts.push(body.slice(start, i));
      start = i + 1;
    }
  }
  parts.push(body.slice(start));
  return parts;
}

/** One path segment pattern -> RegExp (anchored). */
export function segmentRegExp(seg: string): RegExp {
  let re = '';
  for (let i = 0; i < seg.length; i++) {
    const c = seg[i]!;
    if (c === '\\' && i + 1 < seg.length) re += escapeRe(seg[++i]!);
    else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else if (c === '[') {
      const close = seg.indexOf(']', i + 2);
      if (close < 0) {
        re += '\\[';
        continue;
      }
      let body = seg.slice(i + 1, close);
      const negate = body.startsWith('!') || body.startsWith('^');
      if (negate) body = body.slice(1);
      re += `[${negate ? '^' : ''}${body.replace(/\\/g, '\\\\')}]`;
      i = close;
    } else re += escapeRe(c);
  }
  return new RegExp(`^${re}$`);
}

function escapeRe(c: string): string {
  return /[.*+?^${}()|[\]\\/]/.test(c) ? `\\${c}` : c;
}

const unescape = (s: string): string => s.replace(/\\(.)/g, '$1');

/** Expands `pattern` relative to `baseDir`; returns existing paths (files and directories), sorted per pattern. */
export function expandGlob(pattern: string, baseDir: string): string[] {
  const out: string[] = [];
  for (const p of expandBraces(pattern)) {
    const abs = path.resolve(baseDir, p);
    const segs = abs.split('/').filter((s) => s !== '');
    let current = ['/'];
    for (const seg of segs) {
      const next: string[] = [];
      for (const dir of current) {
        if (!hasMagic(seg)) {
          next.push(path.join(dir, unescape(seg)));
          continue;
        }
        const re = segmentRegExp(seg);
        let names: string[];
        try {
          names = fs.readdirSync(dir);
        } catch {
          continue;
        }
        for (const n of names.sort()) {
          if (n.startsWith('.') && !seg.startsWith('.')) continue;
          if (re.test(n)) next.push(path.join(dir, n));
        }
      }
      current = next;
    }
    for (const c of current) if (fs.existsSync(c) && !out.includes(c)) out.push(c);
  }
  return out;
}
