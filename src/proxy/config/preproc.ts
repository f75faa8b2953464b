// Pure evaluator for haproxy's conditional blocks: `.if/.elif/.else/.endif` expressions (haproxy.md §1.2,
// doc/configuration.txt §2.4; src/cfgcond.c): integers, `!`, `&&` (binds tighter), `||`, parentheses and the
// predicates defined(), feature(), streq(), strneq(), version_atleast(), version_before().

/** The haproxy release whose grammar and checks this loader mirrors (the installed compatibility oracle). */
export const HAPROXY_COMPAT_VERSION = '2.6.12';

/** Build features `feature(X)` answers true for: the ones hapair actually provides. */
export const SUPPORTED_FEATURES: readonly string[] = ['THREAD', 'PROMEX', 'EPOLL', 'GETADDRINFO'];

export type CondEval = { readonly ok: true; readonly value: boolean } | { readonly ok: false; readonly message: string };

interface PredSpec {
  readonly nargs: number;
  readonly run: (args: readonly string[], env: NodeJS.ProcessEnv) => boolean;
}

/** Compares dotted versions numerically (2.6 < 2.6.1 < 2.10); missing parts count as 0. */
export function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  const pb = b.split(/[.-]/).map((p) => parseInt(p, 10) || 0);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d < 0 ? -1 : 1;
  }
  return 0;
}

const PREDICATES: Readonly<Record<string, PredSpec>> = {
  defined: { nargs: 1, run: ([n], env) => env[n!] !== undefined },
  feature: { nargs: 1, run: ([f]) => SUPPORTED_FEATURES.includes(f!) },
  streq: { nargs: 2, run: ([a, b]) => a === b },
  strneq: { nargs: 2, run: ([a, b]) => a !== b },
  version_atleast: { nargs: 1, run: ([v]) => compareVersions(HAPROXY_COMPAT_VERSION, v!) >= 0 },
  version_before: { nargs: 1, run: ([v]) => compareVersions(HAPROXY_COMPAT_VERSION, v!) < 0 },
};

class Parser {
  pos = 0;
  constructor(readonly text: string, readonly env: NodeJS.ProcessEnv) {}
  skip(): void {
    while (this.text[this.pos] === ' ' || this.text[this.pos] === '\t') this.pos++;
  }
  fail(message: string): never {
    throw new CondError(message);
  }
  // expr := and ('||' and)*
  expr(depth: number): boolean {
    if (depth > 1024) this.fail('expression too deeply nested');
    let v = this.and(depth + 1);
    this.skip();
    while (this.text.startsWith('||', this.pos)) {
      this.pos += 2;
      const r = this.and(depth + 1); // always parse the right side so syntax errors are reported
      v = v || r;
      this.skip();
    }
    return v;
  }
  and(depth: number): boolean {
    let v = this.term(depth + 1);
    this.skip();
    while (this.text.startsWith('&&', this.pos)) {
      this.pos += 2;
      const r = this.term(depth + 1);
      v = v && r;
      this.skip();
    }
    return v;
  }
  term(depth: number): boolean {
    this.skip();
    let neg = false;
    while (this.text[this.pos] === '!') {
      neg = !neg;
      this.pos++;
      this.skip();
    }
    const num = /^[-+]?(0x[0-9a-fA-F]+|\d+)/.exec(this.text.slice(this.pos));
    if (num) {
      this.pos += num[0].length;
      return neg !== (Number(num[0]) !== 0);
    }
    if (this.text[this.pos] === '(') {
      this.pos++;
      const v = this.expr(depth + 1);
      this.skip();
      if (this.text[this.pos] !== ')') this.fail(`expected ')' after conditional expression '${this.text}'`);
      this.pos++;
      return neg !== v;
    }
    const name = /^[a-z_]+/.exec(this.text.slice(this.pos))?.[0] ?? '';
    const pred = PREDICATES[name];
    if (!pred) this.fail(`unparsable conditional expression '${this.text.slice(this.pos)}'`);
    this.pos += name.length;
    const args = this.args(name);
    if (args.length !== pred.nargs) {
      this.fail(`missing or extra arguments to predicate '${name}' (got ${args.length}/${pred.nargs})`);
    }
    return neg !== pred.run(args, this.env);
  }
  /** `(a, "b c", 'd')`: second-level argument list; quotes protect commas and parentheses. */
  args(name: string): string[] {
    if (this.text[this.pos] !== '(') this.fail(`missing arguments to predicate '${name}'`);
    this.pos++;
    const out: string[] = [];
    let cur = '';
    let quote = '';
    for (; this.pos < this.text.length; this.pos++) {
      const c = this.text[this.pos]!;
      if (quote) {
        if (c === quote) quote = '';
        else if (c === '\\' && quote === '"' && this.pos + 1 < this.text.length) cur += this.text[++this.pos];
        else cur += c;
      } else if (c === '"' || c === "'") quote = c;
      else if (c === ',') {
        out.push(cur.trim());
        cur = '';
      } else if (c === ')') {
        this.pos++;
        if (cur.trim() !== '' || out.length > 0) out.push(cur.trim());
        return out;
      } else cur += c;
    }
    return this.fail(`missing closing ')' in arguments of predicate '${name}'`);
  }
}

class CondError extends Error {}

/** Evaluates the text after `.if`/`.elif` (words re-joined by spaces, as haproxy does). Empty = false. */
export function evalCondition(text: string, env: NodeJS.ProcessEnv): CondEval {
  if (text.trim() === '') return { ok: true, value: false };
  const p = new Parser(text, env);
  try {
    const value = p.expr(0);
    p.skip();
    if (p.pos < text.length) {
      return { ok: false, message: `unexpected character '${text[p.pos]}' at the end of conditional expression '${text}'` };
    }
    return { ok: true, value };
  } catch (err) {
    if (err instanceof CondError) return { ok: false, message: err.message };
    throw err;
  }
}
