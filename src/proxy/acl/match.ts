// One `acl` line -> a predicate over an AclSample (pure): the shared keyword table (config/acl.ts) resolved to fetches
// + match-method table, haproxy.md §1.5, configuration.txt §7.1/§7.3.6 (-i, -m found/bool/int/ip/bin/len/str/...).
import type { AclConfig } from '../types.js';
import type { AclSample } from './sample.js';
import { pathOf } from './sample.js';
import { addrBytes, inNetwork } from './net.js';
import { compileBinPatterns, compileIntPatterns, compileIpPatterns, compileRegexes, type MatchMethod } from './patterns.js';
import { aclKeyword, type AclFetchId } from '../config/acl.js';

export type { MatchMethod } from './patterns.js';
type FetchResult = string | readonly string[] | number | undefined;
type Fetch = (s: AclSample, arg: string | undefined) => FetchResult;

export type AclPredicate = (s: AclSample) => boolean;

export interface AclCompileError {
  readonly code: 'acl-unknown-criterion' | 'acl-bad-pattern' | 'acl-bad-method';
  readonly message: string;
}

const one = (v: string | undefined): FetchResult => v;
const hdr = (s: AclSample, a: string | undefined): readonly string[] => s.headerValues((a ?? '').toLowerCase());
const version: Fetch = (s) => {
  const m = s.httpMinor();
  return m === undefined ? undefined : `1.${m}`;
};

/**
 * How each fetch of the shared keyword table (config/acl.ts ACL_KEYWORDS) reads the sample. Multi-valued fetches
 * return every value: an ACL tries each one (haproxy sets SMP_OPT_ITERATE for ACLs).
 */
const FETCHES: Readonly<Record<AclFetchId, Fetch>> = {
  path: (s) => {
    const u = s.uri();
    return u === undefined ? undefined : pathOf(u);
  },
  url: (s) => one(s.uri()),
  hdr,
  fhdr: (s, a) => s.fullHeaderValues((a ?? '').toLowerCase()),
  // hdr_cnt counts comma-separated values like hdr() sees them (req.fhdr_cnt would count lines).
  hdr_cnt: (s, a) => hdr(s, a).length,
  // hdr_val: each value read as an integer, tried in turn.
  hdr_val: hdr,
  method: (s) => one(s.method()),
  src: (s) => s.srcIp,
  dst: (s) => s.dstIp,
  src_port: (s) => s.srcPort,
  dst_port: (s) => s.dstPort,
  req_ver: version,
};

function resolveCriterion(criterion: string): { fetch: Fetch; match: MatchMethod } | undefined {
  const kw = aclKeyword(criterion);
  return kw && { fetch: FETCHES[kw.fetch], match: kw.match };
}

/** dom: the pattern equals a whole run of labels delimited by `/ ? . :` or the ends (pattern delimiters stripped). */
function domMatch(value: string, pat: string): boolean {
  return delimitedMatch(value, pat, '/?.:');
}

/** dir: same with `/` and `?` as delimiters. */
function dirMatch(value: string, pat: string): boolean {
  return delimitedMatch(value, pat, '/?');
}

function delimitedMatch(value: string, rawPat: string, delims: string): boolean {
  let a = 0;
  let b = rawPat.length;
  while (a < b && delims.includes(rawPat[a]!)) a++;
  while (b > a && delims.includes(rawPat[b - 1]!)) b--;
  const pat = rawPat.slice(a, b);
  if (pat === '') return false;
  let from = 0;
  for (;;) {
    const i = value.indexOf(pat, from);
    if (i < 0) return false;
    const before = i === 0 || delims.includes(value[i - 1]!);
    const j = i + pat.length;
    const after = j === value.length || delims.includes(value[j]!);
    if (before && after) return true;
    from = i + 1;
  }
}

type ValueTest = (v: string | number) => boolean;
type Built = ValueTest | AclCompileError;

const bad = (message: string): AclCompileError => ({ code: 'acl-bad-pattern', message });
const asInt = (v: string | number): number => (typeof v === 'number' ? v : parseInt(v, 10));

/** String matches (pattern.c pat_match_str/beg/end/sub/dom/dir): `-i` folds both sides. */
const STRING_TESTS: Readonly<Record<'str' | 'beg' | 'end' | 'sub' | 'dom' | 'dir', (pats: readonly string[]) => (n: string) => boolean>> = {
  str: (pats) => {
    const set = new Set(pats);
    return (n) => set.has(n);
  },
  beg: (pats) => (n) => pats.some((p) => n.startsWith(p)),
  end: (pats) => (n) => pats.some((p) => n.endsWith(p)),
  sub: (pats) => (n) => pats.some((p) => n.includes(p)),
  dom: (pats) => (n) => pats.some((p) => domMatch(n, p)),
  dir: (pats) => (n) => pats.some((p) => dirMatch(n, p)),
};

function stringTest(kind: keyof typeof STRING_TESTS, patterns: readonly string[], icase: boolean): ValueTest {
  const t = STRING_TESTS[kind](icase ? patterns.map((p) => p.toLowerCase()) : patterns);
  return icase ? (v) => t(String(v).toLowerCase()) : (v) => t(String(v));
}

/** Match method -> test of ONE fetched value (numbers are read as their decimal text by string methods). */
const METHODS: Readonly<Record<Exclude<MatchMethod, 'found'>, (acl: AclConfig) => Built>> = {
  str: (a) => stringTest('str', a.patterns, a.ignoreCase),
  beg: (a) => stringTest('beg', a.patterns, a.ignoreCase),
  end: (a) => stringTest('end', a.patterns, a.ignoreCase),
  sub: (a) => stringTest('sub', a.patterns, a.ignoreCase),
  dom: (a) => stringTest('dom', a.patterns, a.ignoreCase),
  dir: (a) => stringTest('dir', a.patterns, a.ignoreCase),
  reg: (a) => {
    const r = compileRegexes(a.patterns, a.ignoreCase);
    return r.ok ? (v) => r.value.some((re) => re.test(String(v))) : bad(r.message);
  },
  len: (a) => {
    const r = compileIntPatterns(a.patterns);
    return r.ok ? (v) => r.value.some((t) => t(String(v).length)) : bad(r.message);
  },
  int: (a) => {
    const r = compileIntPatterns(a.patterns);
    return r.ok ? (v) => { const n = asInt(v); return Number.isFinite(n) && r.value.some((t) => t(n)); } : bad(r.message);
  },
  // bool takes no pattern: a non-zero integer is true.
  bool: () => (v) => { const n = asInt(v); return Number.isFinite(n) && n !== 0; },
  ip: (a) => {
    const r = compileIpPatterns(a.patterns);
    if (!r.ok) return bad(r.message);
    return (v) => {
      const b = typeof v === 'string' ? addrBytes(v) : undefined;
      return b !== undefined && r.value.some((n) => inNetwork(b, n));
    };
  },
  bin: (a) => {
    const r = compileBinPatterns(a.patterns);
    if (!r.ok) return bad(r.message);
    const set = new Set(r.value);
    return (v) => set.has(String(v));
  },
};

/** Compiles one acl line. Returns an error for unknown criteria and patterns its method cannot parse. */
export function compileAcl(acl: AclConfig): AclPredicate | AclCompileError {
  const crit = resolveCriterion(acl.criterion);
  if (!crit) return { code: 'acl-unknown-criterion', message: `unknown ACL criterion '${acl.criterion}'` };
  const method = (acl.matchMethod as MatchMethod | undefined) ?? crit.match;
  const { fetch } = crit;
  const arg = acl.arg;
  if (method === 'found') {
    return (s) => {
      const v = fetch(s, arg);
      return v !== undefined && (!Array.isArray(v) || v.length > 0);
    };
  }
  const build = Object.hasOwn(METHODS, method) ? METHODS[method] : undefined;
  if (!build) return { code: 'acl-bad-method', message: `unknown match method '${method}'` };
  const test = build(acl);
  if (typeof test !== 'function') return test;
  return (s) => {
    const v = fetch(s, arg);
    if (v === undefined) return false;
    if (typeof v !== 'object') return test(v);
    // Multi-valued fetches (hdr): any value matching is a match (haproxy.md §1.5, SMP_OPT_ITERATE).
    for (let i = 0; i < v.length; i++) if (test(v[i]!)) return true;
    return false;
  };
}

export function isCompileError(x: AclPredicate | AclCompileError): x is AclCompileError {
  return typeof x !== 'function';
}
