// Turns haproxy.cfg text into statements: lexes each line, applies `.if/.elif/.else/.endif` masking and the
// `.diag/.notice/.warning/.alert` directives, and the `no`/`default` keyword modifiers (src/cfgparse.c readcfgfile).
import type { DiagnosticSink } from '../../core/diagnostics.js';
import { reportError, reportWarning } from './codes.js';
import { lexLine } from './lexer.js';
import { evalCondition } from './preproc.js';

export type KeywordModifier = 'std' | 'no' | 'default';

export interface Statement {
  readonly file: string;
  readonly line: number;
  /** Words after the `no`/`default` modifier was removed (UTF-8 decoded); never empty. */
  readonly args: readonly string[];
  /** The same words as raw bytes (one char per byte, latin1): what check payloads send on the wire. */
  readonly raw: readonly string[];
  readonly modifier: KeywordModifier;
}

/** Keywords that open a section (haproxy.md §1.1). The reader only needs them for `${.SECTION}`. */
export const SECTION_KEYWORDS: ReadonlySet<string> = new Set([
  'global', 'defaults', 'frontend', 'backend', 'listen', 'userlist', 'peers', 'resolvers', 'mailers', 'program',
  'http-errors', 'ring', 'log-forward', 'cache', 'fcgi-app',
]);

/** Keywords accepting `no`/`default` in haproxy 2.6 (others: fatal "negation/default currently supported only for ..."). */
const MODIFIABLE = new Set(['option', 'log', 'busy-polling', 'set-dumpable', 'strict-limits', 'insecure-fork-wanted', 'numa-cpu-mapping']);

type CondState = 'take' | 'drop' | 'skip' | 'else-take' | 'else-drop';
const MASKED: ReadonlySet<CondState> = new Set(['drop', 'skip', 'else-drop']);
const MAX_NESTED = 100; // haproxy MAXNESTEDCONDS

/** haproxy aborts the file after 50 fatal errors. */
const MAX_FATAL = 50;

/** Decodes a latin1 "byte string" (one char per byte) as UTF-8. */
export function bytesToUtf8(s: string): string {
  // eslint-disable-next-line no-control-regex
  return /[^\x00-\x7f]/.test(s) ? Buffer.from(s, 'latin1').toString('utf8') : s;
}

/**
 * `text` is a byte string (each char one byte, as read with 'latin1'), so `\xNN` escapes and raw UTF-8
 * bytes mix exactly as in haproxy's C strings; words are decoded to UTF-8 afterwards.
 */
export function readStatements(
  text: string,
  file: string,
  env: NodeJS.ProcessEnv,
  sink: DiagnosticSink,
  /** Called for each statement as it is read, so keyword errors count toward haproxy's 50-error limit. */
  onStatement?: (s: Statement) => void,
): Statement[] {
  const out: Statement[] = [];
  const lines = text.split('\n');
  const missingLf = text.length > 0 && !text.endsWith('\n');
  if (!missingLf && lines[lines.length - 1] === '') lines.pop();
  const conds: CondState[] = [];
  let section = '';
  let scanned = sink.items.length; // count this file's errors incrementally (no rescans of the sink)
  let fatal = 0;
  for (let idx = 0; idx < lines.length; idx++) {
    const lineno = idx + 1;
    for (; scanned < sink.items.length; scanned++) if (sink.items[scanned]!.severity === 'error') fatal++;
    if (fatal >= MAX_FATAL) {
      reportError(sink, file, lineno, 'too-many-errors', `too many fatal errors (${MAX_FATAL}), stopping now`);
      break;
    }
    const lex = lexLine(lines[idx]!, { env, file, line: lineno, section });
    if (lex.error) {
      reportError(sink, file, lineno, lex.error.code, `${lex.error.message} at position ${lex.error.column}`);
      continue;
    }
    let raw = lex.words;
    // An empty word ends the argument list for every haproxy keyword parser (they test `*args[n]`).
    const empty = raw.indexOf('');
    if (empty >= 0) raw = raw.slice(0, empty);
    let args = raw.map(bytesToUtf8);
    const masked = conds.length > 0 && MASKED.has(conds[conds.length - 1]!);
    if (lex.slashComment !== undefined && !masked) {
      reportWarning(sink, file, lineno, 'slash-comment',
        `'//' at position ${lex.slashComment} is not a comment in haproxy (2.6 rejects the line); hapair ignores the rest of the line`,
        "use '#' for comments");
    }
    if (args.length === 0) continue;
    const kw = args[0]!;
    if (kw.startsWith('.')) {
      const r = directive(kw, args, conds, env, file, lineno, sink);
      if (r === 'abort') return out;
      if (r === 'handled') continue;
    }
    if (conds.length > 0 && MASKED.has(conds[conds.length - 1]!)) continue;
    if (kw.startsWith('.')) {
      const r = message(kw, args, file, lineno, sink);
      if (r === 'abort') return out;
      continue;
    }
    let modifier: KeywordModifier = 'std';
    if (kw === 'no' || kw === 'default') {
      modifier = kw;
      args = args.slice(1);
      raw = raw.slice(1);
      if (args.length === 0) continue;
      if (!MODIFIABLE.has(args[0]!)) {
        reportError(sink, file, lineno, 'bad-modifier',
          'negation/default currently supported only for options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping');
        continue;
      }
    }
    if (SECTION_KEYWORDS.has(args[0]!)) section = args[1] ?? args[0]!;
    const stmt: Statement = { file, line: lineno, args, raw, modifier };
    out.push(stmt);
    onStatement?.(stmt);
  }
  if (conds.length > 0) reportError(sink, file, lines.length, 'unterminated-if', "non-terminated '.if' block");
  if (missingLf) {
    // haproxy 2.6 makes this fatal ("file might have been truncated"); a missing final newline is almost
    // always an editor artefact, so hapair only warns (documented deliberate difference).
    reportWarning(sink, file, lines.length, 'missing-lf', 'missing LF on last line, file might have been truncated', 'end the file with a newline');
  }
  return out;
}

type DirectiveResult = 'handled' | 'abort' | 'not-mine';

/** `.if/.elif/.else/.endif`: nesting state machine mirroring readcfgfile's NESTED_COND_* states. */
function directive(kw: string, args: readonly string[], conds: CondState[], env: NodeJS.ProcessEnv, file: string, line: number, sink: DiagnosticSink): DirectiveResult {
  const top = conds[conds.length - 1];
  const expr = args.slice(1).join(' ');
  const evaluate = (): boolean | undefined => {
    const r = evalCondition(expr, env);
    if (!r.ok) {
      reportError(sink, file, line, 'bad-condition', `${r.message} in '${kw}'`);
      return undefined;
    }
    return r.value;
  };
  switch (kw) {
    case '.if': {
      if (conds.length + 1 >= MAX_NESTED) {
        reportError(sink, file, line, 'too-many-nested-if', `too many nested '.if', max is ${MAX_NESTED}`);
        return 'abort';
      }
      if (top !== undefined && MASKED.has(top)) {
        conds.push('skip'); // inside a dropped block nothing is evaluated
        return 'handled';
      }
      const v = evaluate();
      if (v === undefined) return 'abort';
      conds.push(v ? 'take' : 'drop');
      return 'handled';
    }
    case '.elif': {
      if (top === undefined) return lone(kw, file, line, sink);
      if (top === 'else-take' || top === 'else-drop') {
        reportError(sink, file, line, 'bad-if-structure', "'.elif' after '.else' is not permitted");
        return 'abort';
      }
      if (top === 'take' || top === 'skip') {
        conds[conds.length - 1] = 'skip';
        return 'handled';
      }
      const v = evaluate();
      if (v === undefined) return 'abort';
      conds[conds.length - 1] = v ? 'take' : 'drop';
      return 'handled';
    }
    case '.else':
    case '.endif': {
      if (args.length > 1) {
        reportError(sink, file, line, 'unexpected-argument', `Unexpected argument '${args[1]}' for '${kw}'`);
        return 'abort';
      }
      if (top === undefined) return lone(kw, file, line, sink);
      if (kw === '.endif') {
        conds.pop();
        return 'handled';
      }
      if (top === 'else-take' || top === 'else-drop') {
        reportError(sink, file, line, 'bad-if-structure', "'.else' after '.else' is not permitted");
        return 'abort';
      }
      conds[conds.length - 1] = top === 'drop' ? 'else-take' : 'else-drop';
      return 'handled';
    }
    default:
      return 'not-mine';
  }
}

function lone(kw: string, file: string, line: number, sink: DiagnosticSink): DirectiveResult {
  reportError(sink, file, line, 'bad-if-structure', `lone '${kw}' with no matching '.if'`);
  return 'abort';
}

/** `.diag/.notice/.warning/.alert "<message>"`: .alert is fatal and stops the file, like haproxy. */
function message(kw: string, args: readonly string[], file: string, line: number, sink: DiagnosticSink): 'ok' | 'abort' {
  const known = ['.alert', '.warning', '.notice', '.diag'];
  if (!known.includes(kw)) {
    reportError(sink, file, line, 'unknown-directive', `unknown directive '${kw}'`);
    return 'abort';
  }
  if (args.length > 2) {
    reportError(sink, file, line, 'unexpected-argument', `Unexpected argument '${args[2]}' for '${kw}'. Use quotes if the message should contain spaces`);
    return 'ok';
  }
  const text = args[1] ?? '';
  if (kw === '.alert') {
    reportError(sink, file, line, 'alert-directive', `'${text}'`);
    return 'abort';
  }
  // .warning is a real warning; .notice and .diag are informational: kept as warnings with their own code
  // so `hapair check` shows them (Diagnostic has no "notice" severity).
  reportWarning(sink, file, line, kw === '.warning' ? 'warning-directive' : kw === '.notice' ? 'notice-directive' : 'diag-directive', `'${text}'`);
  return 'ok';
}
