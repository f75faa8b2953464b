// Pure readers of the markdown docs for test/docs: checked config examples, `hapair` invocations, links, anchors.

export interface CheckedExample {
  readonly type: 'keepalived' | 'haproxy';
  readonly warnings: readonly string[]; // exact set of warning codes `hapair check` must print
  readonly text: string;
  readonly line: number;
}

/** `<!-- check: keepalived|haproxy [warn=a,b] -->` followed by a fenced block. */
export function checkedExamples(md: string): CheckedExample[] {
  const out: CheckedExample[] = [];
  for (const m of md.matchAll(/<!-- check: (keepalived|haproxy)(?: warn=([a-z0-9,-]+))? -->\n```[a-z]*\n([\s\S]*?)```/g)) {
    out.push({
      type: m[1] as 'keepalived' | 'haproxy',
      warnings: m[2] ? m[2].split(',') : [],
      text: m[3]!,
      line: md.slice(0, m.index).split('\n').length,
    });
  }
  return out;
}

/** Every piece of code in a document: fenced blocks (line by line) and inline code spans. */
export function codeLines(md: string): string[] {
  const lines: string[] = [];
  const prose = md.replace(/```[a-z]*\n([\s\S]*?)```/g, (_all, body: string) => {
    lines.push(...body.split('\n'));
    return '';
  });
  for (const m of prose.matchAll(/`([^`\n]+)`/g)) lines.push(m[1]!);
  return lines;
}

export interface Invocation {
  readonly command: string;
  readonly options: readonly string[];
  readonly source: string;
}

/**
 * `hapair CMD [options]` uses in code: options are the `-x`/`--xx` words up to the end of that shell command
 * (`|`, `;`, `&&`, `#`) or a bare `--` (what follows belongs to a child command). Quoted text is skipped.
 */
export function invocations(line: string): Invocation[] {
  const out: Invocation[] = [];
  const unquoted = line.replace(/"[^"]*"|'[^']*'/g, ' Q ');
  for (const m of unquoted.matchAll(/(?:^|[\s/])hapair\s+([a-z][a-z-]*)([^|;#&]*)/g)) {
    const options: string[] = [];
    for (const w of (m[2] ?? '').trim().split(/\s+/)) {
      if (w === '--') break;
      const opt = /^(--?[A-Za-z][A-Za-z-]*)(=.*)?$/.exec(w);
      if (opt) options.push(opt[1]!);
    }
    out.push({ command: m[1]!, options, source: line.trim() });
  }
  return out;
}

/** GitHub's heading anchors: lower case, punctuation dropped, blanks to '-'. */
export function slug(heading: string): string {
  return heading
    .trim()
    .toLowerCase()
    .replace(/`/g, '')
    .replace(/[^\p{L}\p{N} _-]/gu, '')
    .replace(/ /g, '-');
}

export function anchors(md: string): Set<string> {
  const noCode = md.replace(/```[a-z]*\n[\s\S]*?```/g, '');
  return new Set([...noCode.matchAll(/^#{1,6} (.+)$/gm)].map((m) => slug(m[1]!)));
}

/** Relative markdown links `[text](file.md#anchor)` / `(#anchor)`; external URLs are left out. */
export function relativeLinks(md: string): { file: string; anchor?: string }[] {
  const out: { file: string; anchor?: string }[] = [];
  for (const m of md.matchAll(/\]\(([^)\s]+)\)/g)) {
    const target = m[1]!;
    if (/^[a-z]+:/.test(target)) continue;
    const [file, anchor] = target.split('#');
    out.push({ file: file ?? '', ...(anchor !== undefined ? { anchor } : {}) });
  }
  return out;
}
