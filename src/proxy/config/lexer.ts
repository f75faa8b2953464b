// Pure haproxy.cfg line lexer: splits one physical line into words exactly like haproxy 2.6's parse_line().
// Rules (haproxy.md §1.2, doc/configuration.txt §2.2): unprotected `#` ends the line; backslash escapes
// outside single quotes; "weak" double quotes expand $VAR/${VAR}/${VAR-default}/${VAR[*]}; 'strong'
// single quotes protect everything; quoted and unquoted pieces concatenate; no line continuation.

/** haproxy's MAX_LINE_ARGS: more words on one line is a fatal "too many words". */
export const MAX_LINE_WORDS = 64;

export type LexErrorCode = 'unmatched-quote' | 'unmatched-brace' | 'bad-hex-escape' | 'bad-env-name' | 'bad-word-expand' | 'too-many-words';

export interface LexError {
  readonly code: LexErrorCode;
  readonly message: string;
  readonly column: number; // 1-based position in the line, like haproxy's "at position N"
}

export interface LexResult {
  /** Words in order. Empty words ("") are kept except a trailing one, as haproxy does. */
  readonly words: string[];
  readonly error?: LexError;
  /** 1-based column of a blog-style `//` trailing comment we stopped at (haproxy would reject it). */
  readonly slashComment?: number;
}

export interface LexContext {
  readonly env: NodeJS.ProcessEnv;
  /** Values of the pseudo-variables "${.FILE}", "${.LINE}", "${.SECTION}" (haproxy.md §1.2). */
  readonly file: string;
  readonly line: number;
  readonly section: string;
}

const isSpace = (c: string | undefined): boolean => c === ' ' || c === '\t' || c === '\v' || c === '\f';
const isHex = (c: string | undefined): boolean => c !== undefined && /^[0-9a-fA-F]$/.test(c);
const isAlpha = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z]$/.test(c);
const isAlnum = (c: string | undefined): boolean => c !== undefined && /^[A-Za-z0-9]$/.test(c);

/** Simple escapes valid outside single quotes: `\ `, `\\`, `\#`, `\'`, `\"`, `\t`, `\n`, `\r`. */
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  ' ': ' ', '\\': '\\', '#': '#', "'": "'", '"': '"', t: '\t', n: '\n', r: '\r',
};

/**
 * Lexes one line (without its trailing LF). The caller decides what a `slashComment` means; we only
 * stop there when `//` starts a word outside quotes (preceded by blanks or at the start of the line).
 */
export function lexLine(line: string, ctx: LexContext): LexResult {
  const words: string[] = [];
  let cur = '';
  let inWord = false; // something (even an empty quoted string) was emitted for the current word
  let squote = -1; // column of the opening quote, -1 = not inside
  let dquote = -1;
  let i = 0;
  // haproxy skips leading blanks before calling parse_line.
  while (i < line.length && isSpace(line[i])) i++;
  const fail = (code: LexErrorCode, message: string, at: number): LexResult => ({ words, error: { code, message, column: at + 1 } });
  const endWord = (): void => {
    words.push(cur);
    cur = '';
    inWord = false;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (c === '\r' || c === '\n' || c === '\0') break; // haproxy stops at CR/LF/NUL
    if (squote >= 0) {
      if (c === "'") squote = -1;
      else cur += c;
      i++;
      continue;
    }
    if (c === '#' && dquote < 0) break; // comment
    if (c === '"') {
      dquote = dquote >= 0 ? -1 : i;
      inWord = true;
      i++;
      continue;
    }
    if (c === "'" && dquote < 0) {
      squote = i;
      inWord = true;
      i++;
      continue;
    }
    if (c === '\\') {
      const n = line[i + 1];
      if (n === 'x') {
        if (!isHex(line[i + 2]) || !isHex(line[i + 3])) return fail('bad-hex-escape', 'truncated or invalid hexadecimal sequence', i);
        cur += String.fromCharCode(parseInt(line.slice(i + 2, i + 4), 16));
        i += 4;
      } else if (n === '$' && dquote >= 0) {
        cur += '$'; // `\$` protects a dollar only where it would expand (inside double quotes)
        i += 2;
      } else if (n !== undefined && SIMPLE_ESCAPES[n] !== undefined) {
        cur += SIMPLE_ESCAPES[n];
        i += 2;
      } else {
        cur += '\\'; // other `\X` stay verbatim (regex `\1`, `\.`): only the backslash is consumed here
        i += 1;
      }
      inWord = true;
      continue;
    }
    if (isSpace(c) && dquote < 0) {
      while (i < line.length && isSpace(line[i])) i++;
      endWord();
      continue;
    }
    if (c === '/' && line[i + 1] === '/' && dquote < 0 && !inWord) {
      // Blog-style `// note` starting a word: not haproxy syntax; the caller reports it as a warning.
      return finish(words, cur, i + 1);
    }
    if (c === '$' && dquote >= 0) {
      const r = expandVar(line, i, ctx);
      if ('error' in r) return fail(r.error.code, r.error.message, r.error.at);
      if (r.split) {
        // ${VAR[*]}: each blank in the value separates words (haproxy PARSE_OPT_WORD_EXPAND).
        const v = r.value;
        let k = 0;
        while (k < v.length) {
          if (isSpace(v[k])) {
            endWord();
            while (k < v.length && isSpace(v[k])) k++;
          } else cur += v[k++];
        }
      } else cur += r.value;
      inWord = true;
      i = r.next;
      continue;
    }
    cur += c;
    inWord = true;
    i++;
  }
  if (squote >= 0) return fail('unmatched-quote', 'unmatched quote', squote);
  if (dquote >= 0) return fail('unmatched-quote', 'unmatched quote', dquote);
  return finish(words, cur, undefined);
}

function finish(words: string[], cur: string, slashAt: number | undefined): LexResult {
  // haproxy never adds an empty trailing word (after trailing blanks or a trailing "").
  if (cur !== '') words.push(cur);
  if (words.length > MAX_LINE_WORDS) {
    return {
      words: words.slice(0, MAX_LINE_WORDS),
      error: { code: 'too-many-words', message: `too many words, truncating after word ${MAX_LINE_WORDS}`, column: 1 },
    };
  }
  return slashAt === undefined ? { words } : { words, slashComment: slashAt };
}

type VarResult = { value: string; split: boolean; next: number } | { error: { code: LexErrorCode; message: string; at: number } };

/** Expands `$NAME`, `${NAME}`, `${NAME-default}`, `${NAME[*]}` starting at line[at] === '$'. */
function expandVar(line: string, at: number, ctx: LexContext): VarResult {
  let i = at + 1;
  const brace = line[i] === '{' ? i++ : -1;
  const start = i;
  const first = line[i];
  if (!isAlpha(first) && first !== '_' && first !== '.') {
    return { error: { code: 'bad-env-name', message: 'forbidden first char in environment variable name', at: i } };
  }
  if (first === '.') i++;
  while (i < line.length && (isAlnum(line[i]) || line[i] === '_')) i++;
  const name = line.slice(start, i);
  let value: string | undefined;
  let fromLine = false; // a `${X-default}` default is already bytes of the line
  if (name.startsWith('.')) {
    const pseudo: Record<string, string> = { '.LINE': String(ctx.line), '.FILE': ctx.file, '.SECTION': ctx.section };
    value = pseudo[name];
    if (value === undefined) return { error: { code: 'bad-env-name', message: `unsupported internal variable '${name}'`, at: start } };
  } else {
    value = ctx.env[name];
  }
  let split = false;
  if (brace >= 0 && line[i] === '[') {
    if (line[i + 1] !== '*' || line[i + 2] !== ']') {
      return { error: { code: 'bad-word-expand', message: 'truncated or invalid word expansion sequence', at: i } };
    }
    split = true;
    i += 3;
  }
  if (brace >= 0) {
    if (line[i] === '-') {
      const close = line.indexOf('}', i);
      if (close < 0) return { error: { code: 'unmatched-brace', message: 'unmatched brace in environment variable name', at: brace } };
      if (value === undefined) {
        value = line.slice(i + 1, close); // default only when unset, not when empty
        fromLine = true;
      }
      i = close;
    } else if (line[i] !== '}') {
      return { error: { code: 'unmatched-brace', message: 'unmatched brace in environment variable name', at: brace } };
    }
    i++; // skip '}'
  }
  // The line is a byte string (latin1); environment values are Unicode strings: re-encode as UTF-8 bytes.
  const bytes = fromLine ? value ?? '' : Buffer.from(value ?? '', 'utf8').toString('latin1');
  return { value: bytes, split, next: i };
}
