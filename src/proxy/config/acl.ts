// The ACL keyword table shared with the data plane, and the parser of `acl` lines and `if|unless` conditions into
// AclConfig / Condition (haproxy.md §1.5; configuration.txt §7.1-7.2): fetch + optional (arg), flags, patterns.
import type { AclConfig, CondTerm, Condition } from '../types.js';
import type { StmtCtx } from './ctx.js';
import { MATCH_METHODS, patternProblem, type MatchMethod } from '../acl/patterns.js';

/** The sample fetches behind the ACL keywords; src/proxy/acl/match.ts implements each one (a typed table). */
export type AclFetchId = 'path' | 'url' | 'hdr' | 'fhdr' | 'hdr_cnt' | 'hdr_val' | 'method' | 'src' | 'dst' | 'src_port' | 'dst_port' | 'req_ver';

export interface AclKeyword {
  readonly fetch: AclFetchId;
  /** Default match method (what `-m` overrides). */
  readonly match: MatchMethod;
}

/** Whether a fetch takes an argument in parentheses: the header fetches take an optional header name. */
const FETCH_ARG: Readonly<Record<AclFetchId, 'none' | 'optional'>> = {
  path: 'none', url: 'none', hdr: 'optional', fhdr: 'optional', hdr_cnt: 'optional', hdr_val: 'optional', method: 'none',
  src: 'none', dst: 'none', src_port: 'none', dst_port: 'none', req_ver: 'none',
};

/**
 * THE table of ACL keywords hapair evaluates, read by this loader and by the data plane (acl/match.ts): haproxy 2.6
 * ACL keyword -> fetch + default match method (configuration.txt §7.3). Any other keyword is refused: a silently
 * false ACL misroutes. It lives here, not under acl/, because scripts/docs reads keyword names from config sources.
 */
export const ACL_KEYWORDS: Readonly<Record<string, AclKeyword>> = {
  path: { fetch: 'path', match: 'str' }, path_beg: { fetch: 'path', match: 'beg' }, path_end: { fetch: 'path', match: 'end' },
  path_sub: { fetch: 'path', match: 'sub' }, path_dir: { fetch: 'path', match: 'dir' }, path_dom: { fetch: 'path', match: 'dom' },
  path_reg: { fetch: 'path', match: 'reg' }, path_len: { fetch: 'path', match: 'len' },
  url: { fetch: 'url', match: 'str' }, url_beg: { fetch: 'url', match: 'beg' }, url_end: { fetch: 'url', match: 'end' },
  url_sub: { fetch: 'url', match: 'sub' }, url_dir: { fetch: 'url', match: 'dir' }, url_dom: { fetch: 'url', match: 'dom' },
  url_reg: { fetch: 'url', match: 'reg' }, url_len: { fetch: 'url', match: 'len' },
  hdr: { fetch: 'hdr', match: 'str' }, 'req.hdr': { fetch: 'hdr', match: 'str' },
  'req.fhdr': { fetch: 'fhdr', match: 'str' }, // (plain `fhdr` is not an ACL keyword in haproxy 2.6)
  hdr_beg: { fetch: 'hdr', match: 'beg' }, hdr_end: { fetch: 'hdr', match: 'end' }, hdr_dom: { fetch: 'hdr', match: 'dom' },
  hdr_dir: { fetch: 'hdr', match: 'dir' }, hdr_sub: { fetch: 'hdr', match: 'sub' }, hdr_reg: { fetch: 'hdr', match: 'reg' },
  hdr_len: { fetch: 'hdr', match: 'len' }, hdr_cnt: { fetch: 'hdr_cnt', match: 'int' }, hdr_val: { fetch: 'hdr_val', match: 'int' },
  src: { fetch: 'src', match: 'ip' }, dst: { fetch: 'dst', match: 'ip' },
  src_port: { fetch: 'src_port', match: 'int' }, dst_port: { fetch: 'dst_port', match: 'int' },
  method: { fetch: 'method', match: 'str' }, 'req.ver': { fetch: 'req_ver', match: 'str' }, req_ver: { fetch: 'req_ver', match: 'str' },
};

/** The table entry of an ACL keyword (own properties only: `constructor` is not a fetch). */
export function aclKeyword(name: string): AclKeyword | undefined {
  return Object.hasOwn(ACL_KEYWORDS, name) ? ACL_KEYWORDS[name] : undefined;
}

/** Predefined ACLs (doc §7.4) usable without declaration. */
export const PREDEFINED_ACLS: ReadonlySet<string> = new Set([
  'FALSE', 'HTTP', 'HTTP_1.0', 'HTTP_1.1', 'HTTP_2.0', 'HTTP_CONTENT', 'HTTP_URL_ABS', 'HTTP_URL_SLASH', 'HTTP_URL_STAR',
  'LOCALHOST', 'METH_CONNECT', 'METH_DELETE', 'METH_GET', 'METH_HEAD', 'METH_OPTIONS', 'METH_POST', 'METH_PUT',
  'METH_TRACE', 'RDP_COOKIE', 'REQ_CONTENT', 'TRUE', 'WAIT_END',
]);

/** haproxy invalid_char(): names may hold letters, digits and `-_.:`. */
export function invalidNameChar(name: string): string | undefined {
  return /[^A-Za-z0-9_.:-]/.exec(name)?.[0];
}

/**
 * Parses `<fetch>[(<arg>)] [flags] <patterns...>` starting at args[from] (used for `acl <name> ...` and for
 * anonymous `{ ... }` ACLs). Returns undefined after reporting an error.
 */
export function parseAclBody(name: string, args: readonly string[], from: number, ctx: StmtCtx): AclConfig | undefined {
  const head = args[from];
  if (head === undefined || head === '') {
    ctx.error('bad-acl', `missing ACL expression for ACL '${name}'`);
    return undefined;
  }
  const m = /^([a-z_.0-9]+)(?:\((.*)\))?((?:,.*)?)$/.exec(head);
  const fetch = m?.[1] ?? head;
  const spec = aclKeyword(fetch);
  if (!m || !spec) {
    ctx.error('unsupported-fetch', `error detected while parsing ACL '${name}' : unknown fetch method '${fetch}' in ACL expression '${head}' (not supported by hapair)`);
    return undefined;
  }
  if (m[3]) {
    ctx.error('unsupported-fetch', `ACL '${name}': converters ('${m[3]}') are not supported by hapair`);
    return undefined;
  }
  const arg = m[2];
  if (FETCH_ARG[spec.fetch] === 'none' && arg !== undefined) {
    ctx.error('bad-acl', `ACL '${name}': fetch method '${fetch}' does not take any argument`);
    return undefined;
  }
  let ignoreCase = false;
  let matchMethod: MatchMethod | undefined;
  let dashDash = false;
  const patterns: string[] = [];
  const files: string[] = [];
  let i = from + 1;
  // Flags come first; `--` ends them. A pattern starting with '-' needs `--` before it.
  for (; i < args.length; i++) {
    const a = args[i]!;
    if (!a.startsWith('-')) break;
    if (a === '--') {
      dashDash = true;
      i++;
      break;
    }
    if (a === '-i') ignoreCase = true;
    else if (a === '-n' || a === '-u') continue; // -n: no DNS resolution; -u: unique id: no effect here
    else if (a === '-m' || a === '-f' || a === '-M' || a === '-F') {
      const v = args[++i];
      if (v === undefined) {
        ctx.error('bad-acl', `ACL '${name}': flag '${a}' expects an argument`);
        return undefined;
      }
      if (a === '-m') {
        if (!MATCH_METHODS.has(v)) {
          ctx.error('bad-acl', `ACL '${name}': unknown matching method '${v}' for '-m'`);
          return undefined;
        }
        matchMethod = v as MatchMethod;
      } else if (a === '-f') files.push(v);
      else {
        ctx.error('unsupported-acl-flag', `ACL '${name}': map/pattern flag '${a}' is not supported by hapair`);
        return undefined;
      }
    } else {
      ctx.error('bad-acl', `ACL '${name}': '${a}' is not a valid ACL option. Please use '--' before any pattern beginning with a '-'`);
      return undefined;
    }
  }
  for (; i < args.length; i++) patterns.push(args[i]!);
  for (const f of files) {
    const text = ctx.deps.readFile?.(f);
    if (ctx.deps.readFile && text === undefined) {
      ctx.error('acl-file', `ACL '${name}': failed to open pattern file '${f}'`);
      return undefined;
    }
    // pat_ref_read_from_file(): one pattern per line, blanks trimmed, empty and '#' lines skipped.
    for (const raw of (text ?? '').split('\n')) {
      const p = raw.trim();
      if (p !== '' && !p.startsWith('#')) patterns.push(p);
    }
  }
  if (matchMethod !== 'found' && matchMethod !== 'bool' && patterns.length === 0 && files.length === 0 && !dashDash) {
    // haproxy only warns: the ACL is kept and never matches.
    ctx.warn('acl-never-matches', `ACL '${name}': no pattern to match against were provided, so this ACL will never match. If this is what you intended, please add '--' to get rid of this warning. If you intended to match only for existence, please use '-m found'. If you wanted to force an int to match as a bool, please use '-m bool'.`);
  }
  // The matcher's own pattern compilers (acl/patterns.ts) judge the patterns: accepted here = usable there.
  const err = patternProblem(matchMethod ?? spec.match, patterns);
  if (err) {
    ctx.error('bad-acl-pattern', `error detected while parsing ACL '${name}' : ${err}`);
    return undefined;
  }
  const acl: AclConfig = {
    name, criterion: fetch, ignoreCase, patterns, where: ctx.where,
    ...(arg !== undefined && arg !== '' ? { arg } : {}),
    ...(matchMethod ? { matchMethod } : {}),
    ...(files.length ? { patternFiles: files } : {}),
  };
  return acl;
}

/**
 * Parses `if|unless <cond>` at args[from] (args[from] is the polarity word). `known(name)` says whether a
 * named ACL is declared (haproxy needs the ACL declared before the rule that uses it).
 */
export function parseCondition(args: readonly string[], from: number, ctx: StmtCtx, known: (name: string) => boolean): Condition | undefined {
  const pol = args[from];
  if (pol !== 'if' && pol !== 'unless') {
    ctx.error('bad-condition', `expects 'if' or 'unless' followed by a condition but got '${pol}'`);
    return undefined;
  }
  const anyOf: CondTerm[][] = [];
  let group: CondTerm[] = [];
  let i = from + 1;
  if (i >= args.length) {
    // An empty condition has no term: `if` never matches, `unless` always does (acl_exec_cond).
    ctx.warn('empty-condition', `'${pol}' without any ACL: the condition is always ${pol === 'if' ? 'false' : 'true'}`);
  }
  while (i < args.length) {
    let w = args[i]!;
    if (w === '||' || w.toLowerCase() === 'or') {
      // haproxy (acl.c parse_acl_cond) silently drops empty OR terms; we say so.
      if (group.length === 0) ctx.warn('empty-condition-term', `empty term before '${w}' in condition is ignored`);
      else anyOf.push(group);
      group = [];
      i++;
      continue;
    }
    let negate = false;
    while (w.startsWith('!')) {
      negate = !negate;
      w = w.slice(1);
      if (w === '') {
        w = args[++i] ?? '';
        if (w === '') {
          ctx.error('bad-condition', "missing ACL after '!'");
          return undefined;
        }
      }
    }
    if (w === '{') {
      const close = args.indexOf('}', i + 1);
      if (close < 0) {
        ctx.error('bad-condition', "missing closing '}' in condition");
        return undefined;
      }
      const body = args.slice(0, close);
      const acl = parseAclBody('anonymous', body, i + 1, ctx);
      if (!acl) return undefined;
      group.push({ negate, anonymous: acl });
      i = close + 1;
      continue;
    }
    if (!known(w) && !PREDEFINED_ACLS.has(w)) {
      ctx.error('unknown-acl', `no such ACL : '${w}'`);
      return undefined;
    }
    group.push({ negate, acl: w });
    i++;
  }
  if (group.length > 0) anyOf.push(group);
  else if (anyOf.length > 0) ctx.warn('empty-condition-term', 'empty term after the last OR in condition is ignored');
  return { polarity: pol, anyOf, where: ctx.where };
}
