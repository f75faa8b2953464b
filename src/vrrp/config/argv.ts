// Splits command lines into argv like keepalived's `alloc_strvec_quoted_escaped` (pure): "..." and '...' group
// words, backslash escapes are decoded, and the result is executed with execFile — never through a shell.
//
// keepalived re-parses a script line twice ([lib/notify.c] `notify_script_init`, `set_script_params_array`):
// the statement `notify_master "/bin/x.sh a b" user group` splits into [keyword, command, user, group], then the
// command string is split again into the program and its arguments. Escapes decoded (lib/parser.c): \xHH..,
// \cX (control), \0-\7 octal (up to 3 digits), \a \b \E \f \n \r \t \v, and \<any> = the character itself.

export type SplitResult = { readonly ok: true; readonly words: string[] } | { readonly ok: false; readonly error: string };

const BLANK = /[ \t\f\v\r\n]/;
const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07', b: '\b', E: '\x1b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v',
};
const HEX = /[0-9a-fA-F]/;
const OCT = /[0-7]/;

/** Decodes the escape starting after a backslash at `s[i]`; returns the character and the next index. */
function decodeEscape(s: string, i: number): { ch: string; next: number } {
  const c = s[i]!;
  if (c === 'x' && HEX.test(s[i + 1] ?? '')) {
    let j = i + 1;
    let v = 0;
    while (j < s.length && HEX.test(s[j]!)) v = ((v << 4) | parseInt(s[j++]!, 16)) & 0xff; // keepalived keeps a char
    return { ch: String.fromCharCode(v), next: j };
  }
  if (c === 'c' && i + 1 < s.length) return { ch: String.fromCharCode(s.charCodeAt(i + 1) & 0x1f), next: i + 2 };
  if (OCT.test(c)) {
    let j = i;
    let v = 0;
    while (j < s.length && j < i + 3 && OCT.test(s[j]!)) v = (v << 3) + Number(s[j++]);
    return { ch: String.fromCharCode(v & 0xff), next: j };
  }
  return { ch: SIMPLE_ESCAPES[c] ?? c, next: i + 1 };
}

/** Splits `s` into words honouring quotes and escapes; an unmatched quote or trailing '\' is an error. */
export function splitQuotedEscaped(s: string): SplitResult {
  const words: string[] = [];
  let i = 0;
  while (i < s.length) {
    while (i < s.length && BLANK.test(s[i]!)) i++;
    if (i >= s.length) break;
    let word = '';
    let quote: '"' | "'" | null = null;
    while (i < s.length) {
      const c = s[i]!;
      if (c === '\\') {
        if (i + 1 >= s.length) return { ok: false, error: `missing escaped character after '\\' at the end of '${s}'` };
        const e = decodeEscape(s, i + 1);
        word += e.ch;
        i = e.next;
      } else if (quote !== null) {
        if (c === quote) quote = null;
        else word += c;
        i++;
      } else if (c === '"' || c === "'") {
        quote = c;
        i++;
      } else if (BLANK.test(c)) {
        break;
      } else {
        word += c;
        i++;
      }
    }
    if (quote !== null) return { ok: false, error: `missing terminating ${quote} in '${s}'` };
    words.push(word);
  }
  return { ok: true, words };
}
