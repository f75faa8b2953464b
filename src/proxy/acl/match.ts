// One `acl` line -> a predicate over an AclSample (pure): fetch table + match-method table, haproxy.md §1.5
// and haproxy configuration.txt §7.1/§7.3.6 semantics (-i, -m, dom/dir/beg/end/sub/reg/len/found/int/ip).
import type { AclConfig } from '../types.js';
import type { AclSample } from './sample.js';
import { pathOf } from './sample.js';
import { parseNetwork, inNetwork, addrBytes, type Network } from './net.js';

export type MatchMethod = 'str' | 'beg' | 'end' | 'sub' | 'reg' | 'dom' | 'dir' | 'len' | 'found' | 'int' | 'ip' | 'bool';
type FetchResult = string | readonly string[] | number | undefined;
type Fetch = (s: AclSample, arg: string | undefined) => FetchResult;

export type AclPredicate = (s: AclSample) => boolean;

export interface AclCompileError {
  readonly code: 'acl-unknown-criterion' | 'acl-bad-pattern' | 'acl-bad-method';
  readonly message: string;
}

const one = (v: string | undefined): FetchResult => v;
const hdr: Fetch = (s, a) => s.headerValues((a ?? '').toLowerCase());
const fhdr: Fetch = (s, a) => s.fullHeaderValues((a ?? '').toLowerCase());
const path: Fetch = (s) => { const u = s.uri(); return u === undefined ? undefined : pathOf(u); };
const url: Fetch = (s) => one(s.uri());

/** Criterion -> fetch + default match method. Suffixed forms (path_beg, hdr_dom, ...) are derived below. */
const BASE: Record<string, { fetch: Fetch; match: MatchMethod }> = {
  path: { fetch: path, match: 'str' },
  url: { fetch: url, match: 'str' },
  hdr: { fetch: hdr, match: 'str' },
  'req.hdr': { fetch: hdr, match: 'str' },
  fhdr: { fetch: fhdr, match: 'str' },
  'req.fhdr': { fetch: fhdr, match: 'str' },
  method: { fetch: (s) => one(s.method()), match: 'str' },
  src: { fetch: (s) => s.srcIp, match: 'ip' },
  dst: { fetch: (s) => s.dstIp, match: 'ip' },
  src_port: { fetch: (s) => s.srcPort, match: 'int' },
  dst_port: { fetch: (s) => s.dstPort, match: 'int' },
  hdr_cnt: { fetch: (s, a) => s.fullHeaderValues((a ?? '').toLowerCase()).length, match: 'int' },
  hdr_val: { fetch: (s, a) => { const v = s.headerValues((a ?? '').toLowerCase())[0]; return v === undefined ? undefined : parseInt(v, 10); }, match: 'int' },
  'req.ver': { fetch: (s) => { const m = s.httpMinor(); return m === undefined ? undefined : `1.${m}`; }, match: 'str' },
  req_ver: { fetch: (s) => { const m = s.httpMinor(); return m === undefined ? undefined : `1.${m}`; }, match: 'str' },
};

const SUFFIXES: Record<string, MatchMethod> = {
  _beg: 'beg', _end: 'end', _sub: 'sub', _reg: 'reg', _dom: 'dom', _dir: 'dir', _len: 'len',
};

function resolveCriterion(criterion: string): { fetch: Fetch; match: MatchMethod } | undefined {
  const base = BASE[criterion];
  if (base) return base;
  for (const [suffix, match] of Object.entries(SUFFIXES)) {
    if (!criterion.endsWith(suffix)) continue;
    const root = BASE[criterion.slice(0, -suffix.length)];
    if (root) return { fetch: root.fetch, match };
  }
  return undefined;
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

type IntTest = (n: number) => boolean;

/** Integer patterns: `N`, `A:B`, `:B`, `A:`, or an operator word (eq ge gt le lt) followed by N. */
function intPatterns(patterns: readonly string[]): IntTest[] | undefined {
  const out: IntTest[] = [];
  const ops: Record<string, (a: number, b: number) => boolean> = {
    eq: (a, b) => a === b, ge: (a, b) => a >= b, gt: (a, b) => a > b, le: (a, b) => a <= b, lt: (a, b) => a < b,
  };
  for (let i = 0; i < patterns.length; i++) {
    const p = patterns[i]!;
    const op = ops[p];
    if (op) {
      const n = Number(patterns[++i]);
      if (!Number.isInteger(n)) return undefined;
      out.push((v) => op(v, n));
      continue;
    }
    const m = /^(-?\d*):(-?\d*)$/.exec(p);
    if (m) {
      const lo = m[1] === '' ? -Infinity : Number(m[1]);
      const hi = m[2] === '' ? Infinity : Number(m[2]);
      out.push((v) => v >= lo && v <= hi);
      continue;
    }
    if (!/^-?\d+$/.test(p)) return undefined;
    const n = Number(p);
    out.push((v) => v === n);
  }
  return out;
}

function stringTest(method: MatchMethod, patterns: readonly string[], icase: boolean): ((v: string) => boolean) | AclCompileError {
  const pats = icase ? patterns.map((p) => p.toLowerCase()) : [...patterns];
  const norm = icase ? (v: string) => v.toLowerCase() : (v: string) => v;
  switch (method) {
    case 'str': {
      const set = new Set(pats);
      return (v) => set.has(norm(v));
    }
    case 'beg': return (v) => { const n = norm(v); return pats.some((p) => n.startsWith(p)); };
    case 'end': return (v) => { const n = norm(v); return pats.some((p) => n.endsWith(p)); };
    case 'sub': return (v) => { const n = norm(v); return pats.some((p) => n.includes(p)); };
    case 'dom': return (v) => { const n = norm(v); return pats.some((p) => domMatch(n, p)); };
    case 'dir': return (v) => { const n = norm(v); return pats.some((p) => dirMatch(n, p)); };
    case 'reg': {
      const res: RegExp[] = [];
      for (const p of patterns) {
        try {
          res.push(new RegExp(p, icase ? 'i' : ''));
        } catch (e) {
          return { code: 'acl-bad-pattern', message: `invalid regex '${p}': ${(e as Error).message}` };
        }
      }
      return (v) => res.some((r) => r.test(v));
    }
    case 'len': {
      const tests = intPatterns(patterns);
      if (!tests) return { code: 'acl-bad-pattern', message: `invalid length pattern in '${patterns.join(' ')}'` };
      return (v) => tests.some((t) => t(v.length));
    }
    case 'found': return () => true;
    default: return { code: 'acl-bad-method', message: `match method '${method}' does not apply to strings` };
  }
}

/** Compiles one acl line. Returns an error for unknown criteria, bad regexes, bad ints/networks. */
export function compileAcl(acl: AclConfig): AclPredicate | AclCompileError {
  const crit = resolveCriterion(acl.criterion);
  if (!crit) return { code: 'acl-unknown-criterion', message: `unknown ACL criterion '${acl.criterion}'` };
  const method = (acl.matchMethod as MatchMethod | undefined) ?? crit.match;
  const fetch = crit.fetch;
  const arg = acl.arg;
  if (method === 'found') {
    return (s) => {
      const v = fetch(s, arg);
      return v !== undefined && (!Array.isArray(v) || v.length > 0);
    };
  }
  if (method === 'ip') {
    const nets: Network[] = [];
    for (const p of acl.patterns) {
      const n = parseNetwork(p);
      if (!n) return { code: 'acl-bad-pattern', message: `invalid address or network '${p}'` };
      nets.push(n);
    }
    return (s) => {
      const v = fetch(s, arg);
      if (typeof v !== 'string') return false;
      const b = addrBytes(v);
      return b !== undefined && nets.some((n) => inNetwork(b, n));
    };
  }
  if (method === 'int') {
    const tests = intPatterns(acl.patterns);
    if (!tests) return { code: 'acl-bad-pattern', message: `invalid integer pattern in '${acl.patterns.join(' ')}'` };
    return (s) => {
      const v = fetch(s, arg);
      const n = typeof v === 'number' ? v : typeof v === 'string' ? parseInt(v, 10) : NaN;
      return Number.isFinite(n) && tests.some((t) => t(n));
    };
  }
  const test = stringTest(method, acl.patterns, acl.ignoreCase);
  if (typeof test !== 'function') return test;
  return (s) => {
    const v = fetch(s, arg);
    if (v === undefined) return false;
    if (typeof v === 'number') return test(String(v));
    if (typeof v === 'string') return test(v);
    // Multi-valued fetches (hdr): any value matching is a match (haproxy.md §1.5).
    for (let i = 0; i < v.length; i++) if (test(v[i]!)) return true;
    return false;
  };
}

export function isCompileError(x: AclPredicate | AclCompileError): x is AclCompileError {
  return typeof x !== 'function';
}
