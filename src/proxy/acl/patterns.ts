// ACL pattern lists the loader validates and the matcher compiles with the SAME code (pure), so a pattern the
// config accepts can never be one the data plane drops: integer/length patterns with haproxy's operators
// (acl.c parse_acl_expr, pattern.c pat_parse_int) and address patterns (acl/net.ts).
import { parseNetwork, type Network } from './net.js';

export type IntTest = (n: number) => boolean;
export type Compiled<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly message: string };

/**
 * haproxy get_std_op words. An operator applies to every following value until the next operator; acl.c rewrites
 * `gt x` into the range `x+1:`, `le x` into `:x`, ... `ne` is an operator word too, but haproxy has no rewrite for
 * it: the value after `ne` is matched as with `eq` (checked against haproxy 2.6.12 in test/proxy/acl/oracle.test.ts).
 */
const OPERATORS: Readonly<Record<string, ((n: number) => IntTest) | undefined>> = {
  eq: undefined,
  ne: undefined,
  ge: (n) => (v) => v >= n,
  gt: (n) => (v) => v > n,
  le: (n) => (v) => v <= n,
  lt: (n) => (v) => v < n,
};

const DIGITS = /^\d+$/;

/** One value as pat_parse_int reads it: `N`, or a range split at the first `:` or `-` (`A:B`, `:B`, `A:`, `A-B`). */
function rangeTest(text: string): IntTest | string {
  const sep = text.search(/[:-]/);
  if (sep < 0) {
    if (!DIGITS.test(text)) return `'${text}' is not a number`;
    const n = Number(text);
    return (v) => v === n;
  }
  const lo = text.slice(0, sep);
  const hi = text.slice(sep + 1);
  const bad = `'${text}' is not a valid number range`;
  if ((lo !== '' && !DIGITS.test(lo)) || (hi !== '' && !DIGITS.test(hi)) || (lo === '' && hi === '')) return bad;
  const min = lo === '' ? -Infinity : Number(lo);
  const max = hi === '' ? Infinity : Number(hi);
  if (min > max) return bad;
  return (v) => v >= min && v <= max;
}

/** Integer (`-m int`) and length (`-m len`) patterns. A pattern starting with '-' only gets here after `--`. */
export function compileIntPatterns(patterns: readonly string[]): Compiled<IntTest[]> {
  const tests: IntTest[] = [];
  let op = 'eq';
  for (const p of patterns) {
    if (Object.hasOwn(OPERATORS, p)) {
      op = p;
      continue;
    }
    // A value with a range separator is a range whatever the operator; otherwise the operator applies.
    const rewrite = /[:-]/.test(p) ? undefined : OPERATORS[op];
    if (rewrite) {
      if (!DIGITS.test(p)) return { ok: false, message: `'${p}' is neither a number nor a supported operator` };
      tests.push(rewrite(Number(p)));
      continue;
    }
    const t = rangeTest(p);
    if (typeof t === 'string') return { ok: false, message: t };
    tests.push(t);
  }
  return { ok: true, value: tests };
}

/** Address patterns (`src`, `dst`, `-m ip`): haproxy pat_parse_ip forms, non-contiguous IPv4 masks included. */
export function compileIpPatterns(patterns: readonly string[]): Compiled<Network[]> {
  const nets: Network[] = [];
  for (const p of patterns) {
    const n = parseNetwork(p);
    if (!n) return { ok: false, message: `'${p}' is not a valid IPv4 or IPv6 address` };
    nets.push(n);
  }
  return { ok: true, value: nets };
}

/** Regex patterns (`_reg`, `-m reg`), compiled once; `-i` makes them case-insensitive. */
export function compileRegexes(patterns: readonly string[], icase: boolean): Compiled<RegExp[]> {
  const out: RegExp[] = [];
  for (const p of patterns) {
    try {
      out.push(new RegExp(p, icase ? 'i' : ''));
    } catch (err) {
      return { ok: false, message: `regex '${p}' is invalid: ${(err as Error).message}` };
    }
  }
  return { ok: true, value: out };
}

/** `-m bin` patterns: hex strings (pattern.c pat_parse_bin), kept as the latin1 strings they encode. */
export function compileBinPatterns(patterns: readonly string[]): Compiled<string[]> {
  const out: string[] = [];
  for (const p of patterns) {
    if (!/^(?:[0-9A-Fa-f]{2})*$/.test(p)) return { ok: false, message: `'${p}' is not a valid hexadecimal string` };
    out.push(Buffer.from(p, 'hex').toString('latin1'));
  }
  return { ok: true, value: out };
}

/** Match methods of `-m` (pattern.c pat_match_names, without regm which needs maps). */
export type MatchMethod = 'found' | 'bool' | 'int' | 'ip' | 'bin' | 'len' | 'str' | 'sub' | 'reg' | 'beg' | 'end' | 'dir' | 'dom';
export const MATCH_METHODS: ReadonlySet<string> = new Set<MatchMethod>(['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom']);

/** Methods whose patterns are parsed (the others take patterns as plain strings, or none). */
const PATTERN_COMPILERS: Readonly<Partial<Record<MatchMethod, (patterns: readonly string[]) => Compiled<unknown>>>> = {
  int: compileIntPatterns,
  len: compileIntPatterns,
  ip: compileIpPatterns,
  reg: (p) => compileRegexes(p, false),
  bin: compileBinPatterns,
};

/** The loader's check of an ACL's patterns under its effective match method: what compileAcl would refuse. */
export function patternProblem(method: MatchMethod, patterns: readonly string[]): string | undefined {
  const r = PATTERN_COMPILERS[method]?.(patterns);
  return r && !r.ok ? r.message : undefined;
}
