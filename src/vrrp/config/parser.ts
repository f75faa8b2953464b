// keepalived.conf parser (pure): lexer items -> {keyword, args, file, line, children} tree, with includes
// spliced in through an injected resolver and brace errors reported at the lines that explain them.
//
// keepalived behaviour matched: a block may open on the keyword line or on the next line ([lib/parser.c]
// `process_stream`, "skip_sublevel == -1" / `need_bob`); `include` is textual, so an included file's lines
// continue the including block; relative patterns are relative to the including file's directory.
// keepalived reports brace trouble only as "There are N missing '}'s or extra '{'s"; hapair names the block
// and its OPENING line, and points at a '}' hidden inside a comment when that is the likely cause.
import type { ConfNode, ConfWord, IncludeResolver, LexItem } from './ast.js';
import { Reporter } from './codes.js';
import { lexKeepalived } from './lexer.js';

/** Deeper include nesting than this is certainly a mistake (keepalived has no limit and loops forever). */
export const MAX_INCLUDE_DEPTH = 16;

export interface ParseResult {
  readonly nodes: ConfNode[];
  /** The main file first, then every included file in load order. */
  readonly files: string[];
}

interface MutableNode {
  keyword: string;
  args: string[];
  words: ConfWord[];
  raw: string;
  file: string;
  line: number;
  children?: MutableNode[];
  openLine?: number;
}

interface Frame {
  readonly id: number;
  readonly node: MutableNode | null; // null: the root, or an anonymous block after a stray '{'
  readonly children: MutableNode[];
  readonly file: string;
  readonly line: number;
}

interface CommentHint {
  readonly item: Extract<LexItem, { kind: 'comment-brace' }>;
  readonly openFrames: readonly number[]; // ids of the frames open when the comment was read
  readonly innermost: Frame;
}

/** Lexes `text` (and its includes, if a resolver is given) and builds the tree. Never throws. */
export function parseTree(text: string, file: string, rep: Reporter, resolve?: IncludeResolver): ParseResult {
  const files = [file];
  const items = expand(lexKeepalived(text, file, rep), [file], files, rep, resolve);
  return { nodes: build(items, rep) as ConfNode[], files };
}

/** Replaces each include item by the items of the files it matches, depth-first, guarding against cycles. */
function expand(items: LexItem[], stack: string[], files: string[], rep: Reporter, resolve?: IncludeResolver): LexItem[] {
  const out: LexItem[] = [];
  for (const item of items) {
    if (item.kind !== 'include') {
      out.push(item);
      continue;
    }
    if (!resolve) {
      rep.error(item, 'include-read-error', `include '${item.pattern}' cannot be read here (text parsed without a file system)`);
      continue;
    }
    if (stack.length >= MAX_INCLUDE_DEPTH) {
      rep.error(item, 'include-depth', `include '${item.pattern}' nests deeper than ${MAX_INCLUDE_DEPTH} files`);
      continue;
    }
    const res = resolve(item.pattern, item.file);
    if ('error' in res) {
      rep.error(item, res.code, res.error);
      continue;
    }
    if ('warning' in res) {
      rep.warn(item, res.code, res.warning, 'remove the include or add the files it should match');
      continue;
    }
    for (const inc of res.files) {
      if (stack.includes(inc.file)) {
        rep.error(item, 'include-cycle', `include '${item.pattern}' includes ${inc.file} again (include cycle: ${[...stack, inc.file].join(' -> ')})`);
        continue;
      }
      if (!files.includes(inc.file)) files.push(inc.file);
      out.push(...expand(lexKeepalived(inc.text, inc.file, rep), [...stack, inc.file], files, rep, resolve));
    }
  }
  return out;
}

function describe(node: MutableNode): string {
  return [node.keyword, ...node.args].join(' ');
}

/** Builds the tree; reports unexpected '{', extra '}' and blocks left open at the end of input. */
function build(items: readonly LexItem[], rep: Reporter): MutableNode[] {
  let nextId = 0;
  const root: Frame = { id: nextId++, node: null, children: [], file: '', line: 0 };
  const stack: Frame[] = [root];
  const hints: CommentHint[] = [];
  let lastStmt: MutableNode | null = null; // eligible to receive a '{' (the item just before)

  for (const item of items) {
    const top = stack[stack.length - 1]!;
    switch (item.kind) {
      case 'stmt': {
        const node: MutableNode = {
          keyword: item.words[0]!.text,
          args: item.words.slice(1).map((w) => w.text),
          words: [...item.words],
          raw: item.raw,
          file: item.file,
          line: item.line,
        };
        top.children.push(node);
        lastStmt = node;
        break;
      }
      case 'open': {
        if (lastStmt && !lastStmt.children) {
          lastStmt.children = [];
          lastStmt.openLine = item.line;
          stack.push({ id: nextId++, node: lastStmt, children: lastStmt.children, file: lastStmt.file, line: lastStmt.line });
        } else {
          rep.error(item, 'unexpected-open', `'{' does not follow a keyword that opens a block`);
          stack.push({ id: nextId++, node: null, children: [], file: item.file, line: item.line });
        }
        lastStmt = null;
        break;
      }
      case 'close': {
        if (stack.length === 1) {
          const openHint = [...hints].reverse().find((h) => h.item.brace === '{');
          const why = openHint ? `; the '{' on ${openHint.item.file}:${openHint.item.line} is inside a comment, so it opened nothing` : '';
          rep.error(item, 'extra-close', `extra '}' with no open block${why}`);
        } else {
          stack.pop();
        }
        lastStmt = null;
        break;
      }
      case 'comment-brace':
        hints.push({ item, openFrames: stack.map((f) => f.id), innermost: top });
        break;
      case 'include':
        break; // already expanded
    }
  }

  // Blocks still open at the end: report each at its opening line, outermost first.
  const unclosed = stack.slice(1);
  for (const frame of unclosed) {
    const name = frame.node ? `'${describe(frame.node)}'` : `'{'`;
    rep.error({ file: frame.file, line: frame.line }, 'unclosed-block',
      `block ${name} opened here is never closed (missing '}'; keepalived only says "There are ${unclosed.length} missing '}'s or extra '{'s")`);
  }
  const outer = unclosed[0];
  if (outer) {
    for (const h of hints) {
      if (h.item.brace !== '}' || !h.openFrames.includes(outer.id)) continue;
      const target = h.innermost.node ? `'${describe(h.innermost.node)}' (line ${h.innermost.line})` : 'the enclosing block';
      rep.warn(h.item, 'brace-in-comment', `this '}' is inside a comment ('${h.item.text.trim()}'), so it does not close ${target}`,
        `move the '}' before the '#' or onto its own line`);
    }
  }
  return root.children;
}
