// keepalived.conf lexer (pure): comments, quotes, brace splitting, include lines; every item carries file:line.
//
// Facts matched (keepalived v2.2.7 lib/parser.c, read for behaviour only):
// - `decomment`: '#' or '!' outside double quotes starts a comment ANYWHERE on a line, even glued to a word
//   (man keepalived.conf: "Comments start with '#' or '!' to the end of the line and can start anywhere in a
//   line"); `\#` and `\!` outside quotes stand for the literal character.
// - `read_line`: an unquoted '{' or '}' splits the line: text before it is one statement, the brace is its own
//   item and the rest of the line is read again, so `auth { auth_type PASS }` is four items.
// - `alloc_strvec_r`: words are separated by blanks; "..." is one word without the quotes (no escapes here;
//   command lines are re-split later with quotes and escapes, see argv.ts).
// - `check_include`: a line starting `include ` (or includer/m/w/b/a) names a glob; handled by parser.ts.
import type { ConfWord, LexItem } from './ast.js';
import type { Reporter } from './codes.js';

const BLANK = /[ \t\f\v]/;

interface Decommented {
  readonly text: string; // leading/trailing blanks removed
  readonly comment: string | null; // from the comment character to the end of the line
  readonly gluedTo: string | null; // the word the comment character is glued to, if any
  readonly unterminated: boolean;
}

/** Removes the comment and unescapes `\#` / `\!` outside quotes, exactly where keepalived does. */
export function decomment(line: string): Decommented {
  const s = line.replace(/^[ \t\f\v]+/, '');
  let out = '';
  let quote = false;
  let comment: string | null = null;
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c === '"') {
      quote = !quote;
      out += c;
    } else if (c === '\\' && i + 1 < s.length) {
      const n = s[i + 1]!;
      out += !quote && (n === '#' || n === '!') ? n : c + n;
      i++;
    } else if (!quote && (c === '#' || c === '!')) {
      comment = s.slice(i);
      break;
    } else {
      out += c;
    }
  }
  const glued = comment !== null && out.length > 0 && !BLANK.test(out[out.length - 1]!);
  const gluedTo = glued ? (/(\S+)$/.exec(out)?.[1] ?? null) : null;
  return { text: out.replace(/[ \t\f\v]+$/, ''), comment, gluedTo, unterminated: quote };
}

/** Splits one statement's text into words like keepalived's main tokenizer; offsets index `s`. */
export function tokenize(s: string): ConfWord[] {
  const words: ConfWord[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && BLANK.test(s[i]!)) i++;
    if (i >= s.length) break;
    if (s[i] === '"') {
      const close = s.indexOf('"', i + 1);
      const end = close < 0 ? s.length : close;
      words.push({ text: s.slice(i + 1, end), quoted: true, start: i, end: close < 0 ? end : end + 1 });
      i = close < 0 ? s.length : close + 1;
      continue;
    }
    let j = i;
    while (j < s.length && !BLANK.test(s[j]!) && s[j] !== '"') j++;
    words.push({ text: s.slice(i, j), quoted: false, start: i, end: j });
    i = j;
  }
  return words;
}

/** Index of the next '{' or '}' outside "..." at or after `from`, or -1 (an unclosed quote hides the rest). */
function nextBrace(s: string, from: number): number {
  for (let i = from; i < s.length; i++) {
    const c = s[i];
    if (c === '{' || c === '}') return i;
    if (c === '"') {
      const close = s.indexOf('"', i + 1);
      if (close < 0) return -1;
      i = close;
    }
  }
  return -1;
}

const INCLUDE = /^include[rmwba]?[ \t\f\v]+(.*)$/;

/** Keepalived preprocessor features hapair does not implement; their lines are refused, not misread. */
const UNSUPPORTED_PREFIX: readonly { readonly test: RegExp; readonly what: string }[] = [
  { test: /^@/, what: 'conditional configuration (@id lines)' },
  { test: /^\$[A-Za-z_][A-Za-z0-9_]*\s*=/, what: 'parameter definitions ($NAME=...)' },
  { test: /^~(SEQ|LST)\b/, what: 'sequence blocks (~SEQ/~LST)' },
];

/** Lexes one file's text. Problems are reported to `rep`; lexing always continues to the end. */
export function lexKeepalived(text: string, file: string, rep: Reporter): LexItem[] {
  const items: LexItem[] = [];
  const lines = text.split('\n');
  for (let n = 0; n < lines.length; n++) {
    const lineNo = n + 1;
    const at = { file, line: lineNo };
    const d = decomment(lines[n]!.replace(/\r$/, ''));
    if (d.unterminated) rep.error(at, 'unterminated-quote', `unterminated quote in '${d.text}'`);
    if (d.comment !== null && d.gluedTo !== null && d.text.length > 0) {
      rep.warn(at, 'comment-mid-word', `'${d.comment[0]}' right after '${d.gluedTo}' starts a comment (as in keepalived): the rest of the line is ignored`,
        `put a blank before '${d.comment[0]}' if a comment was meant, otherwise quote the value or write \\${d.comment[0]}`);
    }
    lexContent(d.text, file, lineNo, items, rep);
    // The comment ends the line, so its braces come after the line's own items.
    for (const brace of ['{', '}'] as const) {
      if (d.comment?.includes(brace)) items.push({ kind: 'comment-brace', brace, text: d.comment, file, line: lineNo });
    }
  }
  return items;
}

function lexContent(text: string, file: string, line: number, items: LexItem[], rep: Reporter): void {
  if (text === '') return;
  const inc = INCLUDE.exec(text);
  if (inc) {
    items.push({ kind: 'include', pattern: inc[1]!.trim(), file, line });
    return;
  }
  const unsupported = UNSUPPORTED_PREFIX.find((u) => u.test.test(text));
  if (unsupported) {
    rep.error({ file, line }, 'unsupported-syntax', `keepalived ${unsupported.what} is not supported by hapair: '${text}'`);
    return;
  }
  splitBraces(text, file, line, items);
}

function splitBraces(s: string, file: string, line: number, items: LexItem[]): void {
  let pos = 0;
  while (pos < s.length) {
    while (pos < s.length && BLANK.test(s[pos]!)) pos++;
    if (pos >= s.length) break;
    const c = s[pos];
    if (c === '{' || c === '}') {
      items.push({ kind: c === '{' ? 'open' : 'close', file, line });
      pos++;
      continue;
    }
    const brace = nextBrace(s, pos);
    const end = brace < 0 ? s.length : brace;
    const raw = s.slice(pos, end).replace(/[ \t\f\v]+$/, '');
    const words = tokenize(raw);
    if (words.length > 0) items.push({ kind: 'stmt', words, raw, file, line });
    pos = end;
  }
}
