// Table-driven keyword dispatch (like keepalived's install_keyword tables, in TS): one small handler per
// keyword, arity and block checks done once here, unknown keywords reported with a suggestion.
import type { ConfNode, ConfWord } from './ast.js';
import type { Reporter } from './codes.js';

export interface KeywordSpec<S> {
  /** 'required': the keyword opens a `{ }` block; default: a block after it is an error. */
  readonly block?: 'required';
  readonly minArgs?: number;
  /** Words beyond this are ignored with a warning (keepalived ignores them silently). */
  readonly maxArgs?: number;
  /** The arguments are a secret (an inline password): messages name the keyword, never the words after it. */
  readonly secret?: boolean;
  readonly handle: (node: ConfNode, state: S, rep: Reporter) => void;
}

export type KeywordTable<S> = Readonly<Record<string, KeywordSpec<S>>>;

/** keepalived keywords hapair does not implement: refused (error) or accepted without effect (warning). */
export type UnsupportedTable = Readonly<Record<string, { readonly level: 'error' | 'warning'; readonly why: string }>>;

export interface BlockSpec<S> {
  readonly name: string; // for messages, e.g. 'vrrp_instance'
  readonly table: KeywordTable<S>;
  readonly unsupported?: UnsupportedTable;
  /** Split `kw1 args kw2 args` lines (seed 002's notify_master/notify_backup) into two statements. */
  readonly splitStray?: boolean;
}

/** Dispatches every statement of a block to its handler. */
export function applyBlock<S>(nodes: readonly ConfNode[], spec: BlockSpec<S>, state: S, rep: Reporter): void {
  for (const node of nodes) {
    for (const part of spec.splitStray ? splitStray(node, spec, rep) : [node]) dispatch(part, spec, state, rep);
  }
}

function known<S>(spec: BlockSpec<S>, word: string): boolean {
  return Object.hasOwn(spec.table, word) || (spec.unsupported !== undefined && Object.hasOwn(spec.unsupported, word));
}

/** A copy of `node` made of words[from..]; offsets rebased on the new raw text. */
function tail(node: ConfNode, from: number, children: readonly ConfNode[] | undefined): ConfNode {
  const words = node.words.slice(from);
  const base = words[0]!.start;
  const end = words[words.length - 1]!.end;
  const rebased: ConfWord[] = words.map((w) => ({ ...w, start: w.start - base, end: w.end - base }));
  return {
    keyword: rebased[0]!.text,
    args: rebased.slice(1).map((w) => w.text),
    words: rebased,
    raw: node.raw.slice(base, end),
    file: node.file,
    line: node.line,
    ...(children ? { children, openLine: node.openLine ?? node.line } : {}),
  };
}

function head(node: ConfNode, to: number): ConfNode {
  const words = node.words.slice(0, to);
  return {
    keyword: node.keyword,
    args: words.slice(1).map((w) => w.text),
    words,
    raw: node.raw.slice(0, words[words.length - 1]!.end),
    file: node.file,
    line: node.line,
  };
}

/**
 * keepalived reads `notify_master "a"  notify_backup "b"` as ONE statement whose extra words become the
 * script's user and group, so the script is dropped. hapair reads the second keyword as its own statement
 * (an unquoted word that is a keyword of the same block) and says so.
 */
function splitStray<S>(node: ConfNode, spec: BlockSpec<S>, rep: Reporter): ConfNode[] {
  const k = node.words.findIndex((w, i) => i > 0 && !w.quoted && known(spec, w.text));
  if (k < 0) return [node];
  const first = head(node, k);
  const rest = tail(node, k, node.children);
  const shown = spec.table[rest.keyword]?.secret ? `${rest.keyword} ...` : rest.raw;
  rep.warn(node, 'stray-keyword',
    `'${rest.keyword}' is a second keyword on the '${node.keyword}' line: keepalived would read it as an argument of ${node.keyword}` +
      `${node.keyword.startsWith('notify') ? ' (a user name, and drop the script)' : ' (and ignore it)'}; hapair reads it as its own statement`,
    `put '${shown}' on its own line`);
  return [first, ...splitStray(rest, spec, rep)];
}

function dispatch<S>(node: ConfNode, spec: BlockSpec<S>, state: S, rep: Reporter): void {
  const kw = spec.table[node.keyword];
  if (!kw || !Object.hasOwn(spec.table, node.keyword)) {
    const unsup = spec.unsupported && Object.hasOwn(spec.unsupported, node.keyword) ? spec.unsupported[node.keyword] : undefined;
    if (unsup?.level === 'error') rep.error(node, 'unsupported-keyword', `'${node.keyword}' in ${spec.name} is not supported by hapair: ${unsup.why}`);
    else if (unsup) rep.warn(node, 'unsupported-ignored', `'${node.keyword}' in ${spec.name} has no effect in hapair: ${unsup.why}`, `remove '${node.keyword}'`);
    else rep.error(node, 'unknown-keyword', `unknown keyword '${node.keyword}' in ${spec.name}${suggest(node.keyword, Object.keys(spec.table))}`);
    return;
  }
  if (kw.block === 'required' && !node.children) {
    rep.error(node, 'block-expected', `'${node.keyword}' must be followed by a { ... } block`);
    return;
  }
  if (kw.block !== 'required' && node.children) {
    rep.error(node, 'block-unexpected', `'${node.keyword}' does not take a { ... } block`);
    return;
  }
  const min = kw.minArgs ?? 0;
  if (node.args.length < min) {
    rep.error(node, 'missing-argument', `'${node.keyword}' needs ${min === 1 ? 'a value' : `${min} values`}`);
    return;
  }
  if (kw.maxArgs !== undefined && node.args.length > kw.maxArgs) {
    const extra = node.args.slice(kw.maxArgs).join(' ');
    rep.warn(node, 'extra-argument', `'${extra}' after '${node.keyword}' is ignored (as in keepalived)`, `remove '${extra}' or put it on its own line`);
  }
  kw.handle(node, state, rep);
}

/** ", did you mean 'x'?" for a keyword within edit distance 2 (catches `raise` for `rise`, issue #535). */
export function suggest(word: string, candidates: readonly string[]): string {
  let best: string | null = null;
  let bestD = 3;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestD) {
      bestD = d;
      best = c;
    }
  }
  return best ? ` (did you mean '${best}'?)` : '';
}

function distance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
