// Health-check keywords: `option httpchk` (with its legacy `\r\n` header trick), `http-check ...`,
// `tcp-check ...`, `external-check command|path` (haproxy.md §2.5; src/tcpcheck.c parse_tcpcheck_*).
import type { CheckRule } from '../types.js';
import type { StmtCtx } from './ctx.js';
import type { HttpchkRequest, ProxyDraft } from './draft.js';
import { parseIntArg } from './units.js';

type Expect = Extract<CheckRule, { kind: 'expect' }>;
type Match = Expect['match'];

const TCP_MATCHES: ReadonlySet<Match> = new Set(['string', 'rstring', 'binary', 'rbinary']);
const HTTP_MATCHES: ReadonlySet<Match> = new Set(['status', 'rstatus', 'string', 'rstring']);
const HEX = /^([0-9a-fA-F]{2})+$/;

/** Splits `option httpchk` arguments: [[meth] uri [version[\r\nheaders[\r\n\r\nbody]]]] (proxy_parse_httpchk_req). */
export function parseHttpchkArgs(ctx: StmtCtx, words: readonly string[]): HttpchkRequest | undefined {
  if (words.length > 3) {
    ctx.error('too-many-args', `'option httpchk' cannot handle unexpected argument '${words[3]}'`);
    return undefined;
  }
  const req: HttpchkRequest = { headers: [], where: ctx.where };
  if (words.length === 1) req.uri = words[0];
  else if (words.length >= 2) {
    req.method = words[0];
    req.uri = words[1];
  }
  let vsn = words[2];
  if (vsn !== undefined) {
    let body: string | undefined;
    const b = vsn.indexOf('\r\n\r\n');
    const h = vsn.indexOf('\r\n');
    let hdrText: string | undefined;
    if (b >= 0 && b === h) {
      body = vsn.slice(b + 4);
      vsn = vsn.slice(0, b);
    } else if (h >= 0) {
      hdrText = b >= 0 ? vsn.slice(h + 2, b) : vsn.slice(h + 2);
      if (b >= 0) body = vsn.slice(b + 4);
      vsn = vsn.slice(0, h);
    }
    if (hdrText !== undefined || body !== undefined) {
      ctx.warn('httpchk-hidden-headers',
        "'option httpchk' : hiding headers or body at the end of the version string is deprecated. Please, consider to use 'http-check send' directive instead.",
        "move them to 'http-check send hdr <name> <value>'");
    }
    for (const line of (hdrText ?? '').split('\r\n')) {
      if (line === '') continue;
      const colon = line.indexOf(':');
      if (colon <= 0 || /[\s]/.test(line.slice(0, colon))) {
        ctx.error('bad-httpchk', `'option httpchk' : unable to parse the request header '${line}'`);
        return undefined;
      }
      req.headers.push([line.slice(0, colon), line.slice(colon + 1).trim()]);
    }
    req.version = vsn;
    if (body !== undefined && body !== '') req.body = body;
  }
  return req;
}

/** Parses `expect [min-recv n] [comment c] [*-status s] [on-* fmt] [!] <match> <pattern>`. */
function parseExpect(ctx: StmtCtx, kw: string, from: number, allowed: ReadonlySet<Match>): Expect | undefined {
  const a = ctx.args;
  let minRecv: number | undefined;
  let comment: string | undefined;
  let negate = false;
  let i = from;
  for (; i < a.length; i++) {
    const w = a[i]!;
    if (w === 'min-recv') {
      const r = parseIntArg(a[++i], -1, 0x7fffffff);
      if (!r.ok) return fail(ctx, kw, `'min-recv' ${r.message}`);
      minRecv = r.value;
    } else if (w === 'comment') {
      comment = a[++i];
      if (comment === undefined) return fail(ctx, kw, "'comment' expects a string as argument");
    } else if (['ok-status', 'error-status', 'tout-status', 'on-success', 'on-error', 'status-code'].includes(w)) {
      if (a[i + 1] === undefined) return fail(ctx, kw, `'${w}' expects an argument`);
      ctx.warn('ignored-check-param', `'${kw} expect' : '${w}' is not supported by hapair and is ignored`);
      i++;
    } else if (w === '!') negate = !negate;
    else break;
  }
  const match = a[i] as Match | undefined;
  if (match === undefined) return fail(ctx, kw, "expects a pattern type ('string', 'rstring', ...)");
  if (!allowed.has(match)) {
    return fail(ctx, kw, `'expect' only supports ${[...allowed].map((m) => `'${m}'`).join(', ')} in hapair, but got '${match}'`);
  }
  const pattern = a[i + 1];
  if (pattern === undefined) return fail(ctx, kw, `'${match}' expects <pattern> as an argument`);
  if (a.length > i + 2) return fail(ctx, kw, `unexpected argument '${a[i + 2]}' after the pattern`);
  if ((match === 'binary') && !HEX.test(pattern)) return fail(ctx, kw, `'binary' expects an even-length hexadecimal pattern, got '${pattern}'`);
  if (match === 'rstring' || match === 'rbinary' || match === 'rstatus') {
    try {
      new RegExp(pattern);
    } catch (err) {
      return fail(ctx, kw, `invalid regex '${pattern}': ${(err as Error).message}`);
    }
  }
  if (match === 'status' && !/^\d{3}(-\d{3})?(,\d{3}(-\d{3})?)*$/.test(pattern)) {
    return fail(ctx, kw, `'status' expects a list of status codes or ranges, got '${pattern}'`);
  }
  return {
    kind: 'expect', negate, match, pattern, where: ctx.where,
    ...(minRecv !== undefined ? { minRecv } : {}), ...(comment !== undefined ? { comment } : {}),
  };
}

function fail(ctx: StmtCtx, kw: string, msg: string): undefined {
  ctx.error('bad-check-rule', `'${kw} ${ctx.args[1] ?? ''}' : ${msg}.`);
  return undefined;
}

/** `connect [default] [port N] [addr A] [comment c]` (shared by tcp-check and http-check). */
function parseConnect(ctx: StmtCtx, kw: string): CheckRule | undefined {
  const a = ctx.args;
  let port: number | undefined;
  let addr: string | undefined;
  let comment: string | undefined;
  let isDefault = false;
  for (let i = 2; i < a.length; i++) {
    const w = a[i]!;
    if (w === 'default') isDefault = true;
    else if (w === 'port') {
      const r = parseIntArg(a[++i], 1, 65535);
      if (!r.ok) return fail(ctx, kw, `'port' expects a port number (1-65535), got '${a[i] ?? ''}'`);
      port = r.value;
    } else if (w === 'addr') {
      addr = a[++i];
      if (addr === undefined) return fail(ctx, kw, "'addr' expects an address");
    } else if (w === 'comment') {
      comment = a[++i];
      if (comment === undefined) return fail(ctx, kw, "'comment' expects a string");
    } else if (w === 'linger') {
      continue; // only changes how the socket is closed
    } else if (['send-proxy', 'via-socks4', 'ssl', 'sni', 'alpn', 'proto'].includes(w)) {
      return fail(ctx, kw, `'connect ${w}' is not supported by hapair`);
    } else return fail(ctx, kw, `unknown 'connect' option '${w}'`);
  }
  return {
    kind: 'connect', isDefault, where: ctx.where,
    ...(port !== undefined ? { port } : {}), ...(addr !== undefined ? { addr } : {}), ...(comment !== undefined ? { comment } : {}),
  };
}

/** `tcp-check <rule>` in a backend-capable section. */
export function parseTcpCheck(d: ProxyDraft, ctx: StmtCtx): void {
  const a = ctx.args;
  const raw = ctx.stmt.raw;
  const sub = a[1];
  let rule: CheckRule | undefined;
  const commentAt = (i: number): string | undefined => (a[i] === 'comment' ? a[i + 1] : undefined);
  switch (sub) {
    case 'connect': {
      // tcpcheck.c: once a ruleset has a connect, its first step must be a connect (comments may precede it).
      const first = d.check.tcpRules.find((r) => r.kind !== 'comment');
      if (first && first.kind !== 'connect') {
        ctx.error('bad-check-rule', "'tcp-check connect' : first step MUST also be a 'connect', optionally preceded by a 'set-var', an 'unset-var' or a 'comment', when there is a 'connect' step in the tcp-check ruleset.");
        return;
      }
      rule = parseConnect(ctx, 'tcp-check');
      break;
    }
    case 'send':
    case 'send-binary': {
      const data = raw[2];
      if (data === undefined) {
        fail(ctx, 'tcp-check', `'${sub}' expects a ${sub === 'send' ? 'string' : 'hexadecimal string'} as argument`);
        return;
      }
      if (a.length > 3 && a[3] !== 'comment') {
        fail(ctx, 'tcp-check', `unexpected argument '${a[3]}'`);
        return;
      }
      if (sub === 'send-binary' && !HEX.test(data)) {
        fail(ctx, 'tcp-check', `'send-binary' expects an even-length hexadecimal string, got '${data}'`);
        return;
      }
      const comment = commentAt(3);
      rule = {
        kind: 'send', data: sub === 'send' ? Buffer.from(data, 'latin1') : Buffer.from(data, 'hex'), where: ctx.where,
        ...(comment !== undefined ? { comment } : {}),
      };
      break;
    }
    case 'expect':
      rule = parseExpect(ctx, 'tcp-check', 2, TCP_MATCHES);
      break;
    case 'comment':
      if (a[2] === undefined) {
        fail(ctx, 'tcp-check', "'comment' expects a string as argument");
        return;
      }
      rule = { kind: 'comment', text: a.slice(2).join(' '), where: ctx.where };
      break;
    case 'send-lf':
    case 'send-binary-lf':
    case 'set-var':
    case 'unset-var':
      ctx.error('unsupported-check-rule', `'tcp-check ${sub}' is not supported by hapair`);
      return;
    default:
      ctx.error('bad-check-rule', `'tcp-check' only supports 'comment', 'connect', 'send', 'send-binary', 'expect'. but got '${sub ?? ''}'`);
      return;
  }
  if (rule) d.check.tcpRules.push(rule);
}

/** `http-check <rule>|disable-on-404|send-state`. */
export function parseHttpCheck(d: ProxyDraft, ctx: StmtCtx): void {
  const a = ctx.args;
  const sub = a[1];
  if (sub === 'disable-on-404' || sub === 'send-state') {
    if (ctx.tooMany(0, 2)) return;
    if (sub === 'disable-on-404') d.check.disableOn404 = true;
    else d.check.sendState = true;
    return;
  }
  let rule: CheckRule | undefined;
  switch (sub) {
    case 'connect':
      rule = parseConnect(ctx, 'http-check');
      break;
    case 'send':
      rule = parseHttpSend(ctx);
      break;
    case 'expect':
      rule = parseExpect(ctx, 'http-check', 2, HTTP_MATCHES);
      break;
    case 'comment':
      if (a[2] === undefined) {
        fail(ctx, 'http-check', "'comment' expects a string as argument");
        return;
      }
      rule = { kind: 'comment', text: a.slice(2).join(' '), where: ctx.where };
      break;
    case 'set-var':
    case 'unset-var':
      ctx.error('unsupported-check-rule', `'http-check ${sub}' is not supported by hapair`);
      return;
    default:
      ctx.error('bad-check-rule', `'http-check' only supports 'disable-on-404', 'send-state', 'comment', 'connect', 'send', 'expect'. but got '${sub ?? ''}'`);
      return;
  }
  if (!rule) return;
  if (d.check.type === 'http' && rule.kind !== 'comment') {
    const err = httpSequenceError(d, rule);
    if (err) {
      ctx.error('bad-check-rule', `'http-check ${sub}' : ${err}.`);
      return;
    }
  }
  d.check.httpRules.push(rule);
}

/**
 * tcpcheck_add_http_rule(): once `option httpchk` is active, an explicit rule must follow a sensible
 * predecessor: send after connect (or first), expect after send/expect, connect after expect.
 */
function httpSequenceError(d: ProxyDraft, rule: CheckRule): string | undefined {
  const rules = d.check.httpRules;
  // get_last_tcpcheck_rule() skips comments.
  const last = [...rules].reverse().find((r) => r.kind !== 'comment');
  const step = rules.length + 1;
  if (!last) return undefined; // nothing yet, or only the implicit send of `option httpchk`
  if (last.kind !== 'connect' && rule.kind === 'http-send') return `unable to add http-check send rule at step ${step} (missing connect rule)`;
  if (last.kind !== 'http-send' && last.kind !== 'expect' && rule.kind === 'expect') return `unable to add http-check expect rule at step ${step} (missing send rule)`;
  if (last.kind !== 'expect' && rule.kind === 'connect') return `unable to add http-check connect rule at step ${step} (missing expect rule)`;
  return undefined;
}

/** `http-check send [meth M] [uri U] [ver V] [hdr N V]* [body S]`: unset fields come from `option httpchk`. */
function parseHttpSend(ctx: StmtCtx): CheckRule | undefined {
  const a = ctx.args;
  const out: { method: string; uri: string; version: string; headers: [string, string][]; body?: string } = {
    method: '', uri: '', version: '', headers: [],
  };
  for (let i = 2; i < a.length; i++) {
    const w = a[i]!;
    const v = a[i + 1];
    if (w === 'hdr') {
      const val = a[i + 2];
      if (v === undefined || val === undefined) return fail(ctx, 'http-check', "'hdr' expects <name> and <value> as arguments");
      out.headers.push([v, val]);
      i += 2;
      continue;
    }
    if (['meth', 'uri', 'ver', 'body', 'comment'].includes(w)) {
      if (v === undefined) return fail(ctx, 'http-check', `'${w}' expects an argument`);
      if (w === 'meth') out.method = v;
      else if (w === 'uri') out.uri = v;
      else if (w === 'ver') out.version = v;
      else if (w === 'body') out.body = v;
      i++;
      continue;
    }
    if (w === 'uri-lf' || w === 'body-lf') return fail(ctx, 'http-check', `'${w}' (log-format) is not supported by hapair`);
    return fail(ctx, 'http-check', `'send' only supports 'comment', 'meth', 'uri', 'uri-lf', 'ver', 'hdr', 'body' or 'body-lf' but got '${w}'`);
  }
  return { kind: 'http-send', method: out.method, uri: out.uri, version: out.version, headers: out.headers, where: ctx.where, ...(out.body !== undefined ? { body: out.body } : {}) };
}

/** `external-check command <cmd>` / `external-check path <PATH>`. */
export function parseExternalCheck(d: ProxyDraft, ctx: StmtCtx): void {
  const [, sub, v] = ctx.args;
  if (sub !== 'command' && sub !== 'path') {
    ctx.error('bad-external-check', `'external-check' expects 'command' or 'path' but got '${sub ?? ''}'`);
    return;
  }
  if (v === undefined) {
    ctx.error('bad-external-check', `'external-check ${sub}' expects ${sub === 'command' ? 'a command' : 'a PATH value'} as argument`);
    return;
  }
  if (ctx.tooMany(1, 2)) return;
  if (sub === 'command') d.check.externalCommand = v;
  else d.check.externalPath = v;
}
