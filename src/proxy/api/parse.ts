// Runtime API line handling (haproxy.md §8): one line carries `;`-separated commands (`\` escapes `;`, `\\`,
// and spaces), each split into words; help lines formatted as haproxy's `  <usage:40>: <desc>`.

/** Splits a request line into commands, honouring `\;` escapes. */
export function splitCommands(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === '\\' && i + 1 < line.length) {
      cur += c + line[++i]!;
      continue;
    }
    if (c === ';') {
      out.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  out.push(cur);
  return out.map((s) => s.trim()).filter((s) => s.length > 0);
}

/** Words separated by blanks; `\x` keeps x literally (escaped spaces and semicolons). */
export function splitWords(cmd: string): string[] {
  const words: string[] = [];
  let cur = '';
  let has = false;
  for (let i = 0; i < cmd.length; i++) {
    const c = cmd[i]!;
    if (c === '\\' && i + 1 < cmd.length) {
      cur += cmd[++i]!;
      has = true;
    } else if (c === ' ' || c === '\t') {
      if (has) words.push(cur);
      cur = '';
      has = false;
    } else {
      cur += c;
      has = true;
    }
  }
  if (has) words.push(cur);
  return words;
}

export function helpLine(usage: string, desc: string): string {
  return `  ${usage.padEnd(40)}: ${desc}\n`;
}

/** `be/srv` or `#id/#id` (haproxy cli `get_backend_server`). */
export function splitServerRef(ref: string | undefined): { backend: string; server: string } | undefined {
  if (!ref) return undefined;
  const slash = ref.indexOf('/');
  if (slash <= 0 || slash === ref.length - 1) return undefined;
  return { backend: ref.slice(0, slash), server: ref.slice(slash + 1) };
}
