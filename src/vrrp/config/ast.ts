// keepalived.conf syntax tree types (types only): lexer items and the {keyword, args, file, line, children} tree.

/** One word of a statement. Offsets index `ConfNode.raw` so command lines can be re-split like keepalived. */
export interface ConfWord {
  readonly text: string;
  /** Written as "..." (keepalived's main tokenizer only knows double quotes). */
  readonly quoted: boolean;
  readonly start: number;
  readonly end: number;
}

/** A statement: first word is the keyword. `children` is present iff a `{ ... }` block followed it. */
export interface ConfNode {
  readonly keyword: string;
  readonly args: readonly string[];
  readonly words: readonly ConfWord[];
  /** The statement text with comments removed, from the keyword to its last word. */
  readonly raw: string;
  readonly file: string;
  readonly line: number;
  readonly children?: readonly ConfNode[];
  /** Where the block's `{` was (same line as the keyword, or the next line). */
  readonly openLine?: number;
}

/** What the lexer emits for each physical line, in order. */
export type LexItem =
  | { readonly kind: 'stmt'; readonly words: readonly ConfWord[]; readonly raw: string; readonly file: string; readonly line: number }
  | { readonly kind: 'open'; readonly file: string; readonly line: number }
  | { readonly kind: 'close'; readonly file: string; readonly line: number }
  | { readonly kind: 'include'; readonly pattern: string; readonly file: string; readonly line: number }
  /** A comment that contains a brace: kept so an unclosed block can point at the brace hidden in it. */
  | { readonly kind: 'comment-brace'; readonly brace: '{' | '}'; readonly text: string; readonly file: string; readonly line: number };

/** Result of reading one file's included files (the file layer; tests may inject their own). */
export interface IncludedFile {
  readonly file: string;
  readonly text: string;
}

/**
 * Resolves `include <glob>` written in `fromFile`: relative patterns are relative to that file's directory
 * (keepalived chdirs into each file's directory). Returns matched files in glob order, or a problem.
 */
export type IncludeResolver = (
  pattern: string,
  fromFile: string,
) => { readonly files: readonly IncludedFile[] } | { readonly error: string; readonly code: 'include-not-found' | 'include-read-error' } | { readonly warning: string; readonly code: 'include-no-match' };
