// Parses `acl` lines and `if|unless` conditions into AclConfig / Condition (haproxy.md §1.5 ACLs;
// doc/configuration.txt §7.1-7.2): fetch + optional (arg), flags -i -m -f -n -M -u --, then patterns.
import net from 'node:net';
import type { AclConfig, CondTerm, Condition } from '../types.js';
import type { StmtCtx } from './ctx.js';

type PatternKind = 'str' | 'reg' | 'ip' | 'int' | 'method' | 'bool';

interface FetchSpec {
  readonly arg: 'none' | 'required' | 'optional';
  readonly kind: PatternKind;
}

/**
 * Fetches/ACL keywords hapair evaluates (kept in step with the data plane's src/proxy/acl/match.ts table: base
 * fetches plus their _beg/_end/_sub/_reg/_dom/_dir/_len forms). Others are refused: a silently false ACL misroutes.
 */
const FETCHES: Readonly<Record<string, FetchSpec>> = {
  path: { arg: 'none', kind: 'str' }, path_beg: { arg: 'none', kind: 'str' }, path_end: { arg: 'none', kind: 'str' },
  path_sub: { arg: 'none', kind: 'str' }, path_dir: { arg: 'none', kind: 'str' }, path_dom: { arg: 'none', kind: 'str' },
  path_reg: { arg: 'none', kind: 'reg' }, path_len: { arg: 'none', kind: 'int' },
  url: { arg: 'none', kind: 'str' }, url_beg: { arg: 'none', kind: 'str' }, url_end: { arg: 'none', kind: 'str' },
  url_sub: { arg: 'none', kind: 'str' }, url_dir: { arg: 'none', kind: 'str' }, url_dom: { arg: 'none', kind: 'str' },
  url_reg: { arg: 'none', kind: 'reg' }, url_len: { arg: 'none', kind: 'int' },
  hdr: { arg: 'optional', kind: 'str' }, 'req.hdr': { arg: 'optional', kind: 'str' },
  'req.fhdr': { arg: 'optional', kind: 'str' }, // (plain `fhdr` is not an ACL keyword in haproxy 2.6)
  hdr_beg: { arg: 'optional', kind: 'str' }, hdr_end: { arg: 'optional', kind: 'str' },
  hdr_dom: { arg: 'optional', kind: 'str' }, hdr_dir: { arg: 'optional', kind: 'str' },
  hdr_sub: { arg: 'optional', kind: 'str' }, hdr_reg: { arg: 'optional', kind: 'reg' },
  hdr_len: { arg: 'optional', kind: 'int' }, hdr_cnt: { arg: 'optional', kind: 'int' }, hdr_val: { arg: 'optional', kind: 'int' },
  src: { arg: 'none', kind: 'ip' }, dst: { arg: 'none', kind: 'ip' },
  src_port: { arg: 'none', kind: 'int' }, dst_port: { arg: 'none', kind: 'int' },
  method: { arg: 'none', kind: 'method' }, 'req.ver': { arg: 'none', kind: 'str' }, req_ver: { arg: 'none', kind: 'str' },
};

/** `-m` match methods (pattern.c pat_match_names). */
const MATCH_METHODS = new Set(['found', 'bool', 'int', 'ip', 'bin', 'len', 'str', 'sub', 'reg', 'beg', 'end', 'dir', 'dom']);

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

/** `addr[/mask]` as pat_parse_ip accepts it: an IPv4/IPv6 literal, mask as a length or a dotted IPv4 mask. */
function isIpPattern(p: string): boolean {
  const [addr, mask, extra] = p.split('/');
  if (extra !== undefined || !addr) return false;
  const fam = net.isIP(addr);
  if (fam === 0) return false;
  if (mask === undefined) return true;
  if (/^\d{1,3}$/.test(mask)) return Number(mask) <= (fam === 4 ? 32 : 128);
  return fam === 4 && net.isIPv4(mask);
}

function patternError(kind: PatternKind, p: string, method: string | undefined): string | undefined {
  const m = method ?? kind;
  if (m === 'reg') {
    try {
      new RegExp(p);
    } catch (err) {
      return `regex '${p}' is invalid: ${(err as Error).message}`;
    }
  } else if (m === 'ip') {
    if (!isIpPattern(p)) return `'${p}' is not a valid IPv4 or IPv6 address`;
  } else if (m === 'int' || m === 'len') {
    if (!/^(\d+|\d*:\d*|(eq|ne|lt|le|gt|ge))$/.test(p) && !/^\d+:\d+$/.test(p)) return `'${p}' is not a number nor a supported operator`;
  }
  return undefined;
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
  const spec = FETCHES[fetch];
  if (!m || !spec) {
    ctx.error('unsupported-fetch', `error detected while parsing ACL '${name}' : unknown fetch method '${fetch}' in ACL expression '${head}' (not supported by hapair)`);
    return undefined;
  }
  if (m[3]) {
    ctx.error('unsupported-fetch', `ACL '${name}': converters ('${m[3]}') are not supported by hapair`);
    return undefined;
  }
  const arg = m[2];
  if (spec.arg === 'none' && arg !== undefined) {
    ctx.error('bad-acl', `ACL '${name}': fetch method '${fetch}' does not take any argument`);
    return undefined;
  }
  if (spec.arg === 'required' && !arg) {
    ctx.error('bad-acl', `ACL '${name}': fetch method '${fetch}' expects an argument`);
    return undefined;
  }
  let ignoreCase = false;
  let matchMethod: string | undefined;
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
        matchMethod = v;
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
  if (spec.kind !== 'bool' && matchMethod !== 'found' && matchMethod !== 'bool' && patterns.length === 0 && files.length === 0 && !dashDash) {
    // haproxy only warns: the ACL is kept and never matches.
    ctx.warn('acl-never-matches', `ACL '${name}': no pattern to match against were provided, so this ACL will never match. If this is what you intended, please add '--' to get rid of this warning. If you intended to match only for existence, please use '-m found'. If you wanted to force an int to match as a bool, please use '-m bool'.`);
  }
  for (const p of patterns) {
    const err = patternError(spec.kind, p, matchMethod);
    if (err) {
      ctx.error('bad-acl-pattern', `error detected while parsing ACL '${name}' : ${err}`);
      return undefined;
    }
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
