// Pure evaluation of tcp-check / http-check `expect` rules against received bytes, plus the minimal HTTP
// response reader the HTTP checks need (status line, headers, Content-Length/chunked/EOF body), bounded by
// tune.bufsize like haproxy (haproxy.md §2.5).
import type { CheckStatusCode } from '../types.js';

/** haproxy tune.bufsize default: checks never look past this many bytes. */
export const CHECK_BUFSIZE = 16384;

export type TcpMatch = 'string' | 'rstring' | 'binary' | 'rbinary';
export type HttpMatch = 'status' | 'rstatus' | 'string' | 'rstring';

export interface TcpExpect {
  readonly kind: 'expect';
  readonly negate: boolean;
  readonly match: TcpMatch;
  readonly pattern: string;
  readonly minRecv?: number;
  readonly step: number;
  /** Compiled once: RegExp for rstring/rbinary, bytes for binary/string. */
  readonly regex?: RegExp;
  readonly bytes?: Buffer;
}

export interface HttpExpect {
  readonly kind: 'http-expect';
  readonly negate: boolean;
  readonly match: HttpMatch;
  readonly pattern: string;
  readonly step: number;
  readonly regex?: RegExp;
}

export type ExpectEval =
  | { readonly kind: 'pass' }
  | { readonly kind: 'wait' }
  | { readonly kind: 'fail'; readonly status: CheckStatusCode; readonly code?: number; readonly info: string };

export function hexToBuffer(hex: string): Buffer {
  const clean = hex.replace(/\s+/g, '');
  if (!/^([0-9a-fA-F]{2})*$/.test(clean)) throw new Error(`invalid hex string '${hex}'`);
  return Buffer.from(clean, 'hex');
}

/** Builds a compiled tcp-check expect (throws on a bad regex/hex: the caller reports it once at start). */
export function compileTcpExpect(r: { negate: boolean; match: TcpMatch; pattern: string; minRecv?: number }, step: number): TcpExpect {
  const base = { kind: 'expect' as const, negate: r.negate, match: r.match, pattern: r.pattern, step, ...(r.minRecv !== undefined ? { minRecv: r.minRecv } : {}) };
  if (r.match === 'rstring' || r.match === 'rbinary') return { ...base, regex: new RegExp(r.pattern) };
  if (r.match === 'binary') return { ...base, bytes: hexToBuffer(r.pattern) };
  return { ...base, bytes: Buffer.from(r.pattern, 'latin1') };
}

export function compileHttpExpect(r: { negate: boolean; match: HttpMatch; pattern: string }, step: number): HttpExpect {
  const base = { kind: 'http-expect' as const, negate: r.negate, match: r.match, pattern: r.pattern, step };
  return r.match === 'rstatus' || r.match === 'rstring' ? { ...base, regex: new RegExp(r.pattern) } : base;
}

function matchTcp(rule: TcpExpect, buf: Buffer): boolean {
  switch (rule.match) {
    case 'string':
    case 'binary':
      return buf.indexOf(rule.bytes!) >= 0;
    case 'rstring':
      return rule.regex!.test(buf.toString('latin1'));
    case 'rbinary':
      return rule.regex!.test(buf.toString('hex'));
  }
}

/**
 * tcp-check expect: a match (xor `!`) passes; otherwise wait for more data until min-recv bytes, EOF or a
 * full buffer, then fail with L7RSP (haproxy tcpcheck_eval_expect).
 */
export function evalTcpExpect(rule: TcpExpect, buf: Buffer, eof: boolean): ExpectEval {
  const final = eof || buf.length >= CHECK_BUFSIZE;
  const hasMin = rule.minRecv !== undefined && rule.minRecv >= 0;
  if (hasMin && buf.length < rule.minRecv! && !final) return { kind: 'wait' };
  const matched = buf.length >= (rule.bytes?.length ?? 1) && matchTcp(rule, buf);
  // A mismatch is only conclusive with min-recv, at EOF or with a full buffer (also for `!` rules).
  if (!matched && !final && !hasMin) return { kind: 'wait' };
  if (matched !== rule.negate) return { kind: 'pass' };
  const what = rule.match === 'binary' || rule.match === 'rbinary' ? 'binary pattern' : 'content';
  const info = rule.negate
    ? `TCPCHK matched unwanted ${what} '${rule.pattern}' at step ${rule.step}`
    : buf.length === 0 && eof
      ? `TCPCHK got an empty response at step ${rule.step}`
      : `TCPCHK did not match ${what} '${rule.pattern}' at step ${rule.step}`;
  return { kind: 'fail', status: 'L7RSP', info };
}

export interface HttpResponse {
  readonly code: number;
  readonly reason: string;
  readonly headers: ReadonlyMap<string, string>;
  readonly body: Buffer;
  /** Whole body read (by length, chunked end, or EOF), or the buffer limit reached. */
  readonly complete: boolean;
}

export type HttpRead = { readonly kind: 'wait' } | { readonly kind: 'bad'; readonly info: string } | { readonly kind: 'ok'; readonly res: HttpResponse };

function dechunk(raw: Buffer): { body: Buffer; done: boolean } | undefined {
  const parts: Buffer[] = [];
  let off = 0;
  for (let n = 0; n < 10000; n++) {
    const eol = raw.indexOf('\r\n', off, 'latin1');
    if (eol < 0) return { body: Buffer.concat(parts), done: false };
    const size = parseInt(raw.toString('latin1', off, eol).split(';')[0]!.trim(), 16);
    if (!Number.isFinite(size) || size < 0) return undefined;
    if (size === 0) return { body: Buffer.concat(parts), done: true };
    const start = eol + 2;
    if (raw.length < start + size + 2) {
      parts.push(raw.subarray(start, Math.min(raw.length, start + size)));
      return { body: Buffer.concat(parts), done: false };
    }
    parts.push(raw.subarray(start, start + size));
    off = start + size + 2;
  }
  return { body: Buffer.concat(parts), done: true };
}

/** Reads an HTTP/1.x response out of `buf` (all bytes received so far). */
export function readHttpResponse(buf: Buffer, eof: boolean): HttpRead {
  const full = buf.length >= CHECK_BUFSIZE;
  const eol = buf.indexOf('\r\n', 0, 'latin1');
  const lineEnd = eol >= 0 ? eol : buf.indexOf('\n');
  if (lineEnd < 0) return eof || full ? { kind: 'bad', info: buf.length === 0 ? 'empty response' : 'invalid HTTP status line' } : { kind: 'wait' };
  const m = /^HTTP\/\d\.\d (\d{3})(?: (.*))?$/.exec(buf.toString('latin1', 0, lineEnd).trimEnd());
  if (!m) return { kind: 'bad', info: 'invalid HTTP status line' };
  const code = Number(m[1]);
  const reason = m[2] ?? '';
  const hdrEnd = buf.indexOf('\r\n\r\n', 0, 'latin1');
  if (hdrEnd < 0) {
    if (!eof && !full) return { kind: 'wait' };
    return { kind: 'ok', res: { code, reason, headers: new Map(), body: Buffer.alloc(0), complete: true } };
  }
  const headers = new Map<string, string>();
  for (const line of buf.toString('latin1', lineEnd + 2, hdrEnd).split('\r\n')) {
    const c = line.indexOf(':');
    if (c > 0) headers.set(line.slice(0, c).trim().toLowerCase(), line.slice(c + 1).trim());
  }
  const raw = buf.subarray(hdrEnd + 4);
  const noBody = code === 204 || code === 304 || (code >= 100 && code < 200);
  if (noBody) return { kind: 'ok', res: { code, reason, headers, body: Buffer.alloc(0), complete: true } };
  if (/chunked/i.test(headers.get('transfer-encoding') ?? '')) {
    const d = dechunk(raw);
    if (!d) return { kind: 'bad', info: 'invalid chunked body' };
    return { kind: 'ok', res: { code, reason, headers, body: d.body, complete: d.done || eof || full } };
  }
  const cl = headers.get('content-length');
  if (cl !== undefined && /^\d+$/.test(cl)) {
    const len = Number(cl);
    return { kind: 'ok', res: { code, reason, headers, body: raw.subarray(0, len), complete: raw.length >= len || eof || full } };
  }
  return { kind: 'ok', res: { code, reason, headers, body: raw, complete: eof || full } };
}

/** "200", "200,300-399" -> membership test. */
export function statusInList(code: number, list: string): boolean {
  return list.split(',').some((part) => {
    const [a, b] = part.trim().split('-');
    const lo = Number(a);
    const hi = b === undefined ? lo : Number(b);
    return Number.isFinite(lo) && Number.isFinite(hi) && code >= lo && code <= hi;
  });
}

/** The implicit rule haproxy appends when an HTTP check has no expect: 2xx and 3xx pass. */
export const IMPLICIT_HTTP_EXPECT: HttpExpect = { kind: 'http-expect', negate: false, match: 'status', pattern: '200-399', step: 0 };

/** One http-check expect rule against a parsed response (`complete` matters only for body matches). */
export function evalHttpExpect(rule: HttpExpect, res: HttpResponse): ExpectEval {
  let matched: boolean;
  if (rule.match === 'status') matched = statusInList(res.code, rule.pattern);
  else if (rule.match === 'rstatus') matched = rule.regex!.test(String(res.code));
  else {
    if (!res.complete) return { kind: 'wait' };
    const body = res.body.toString('latin1');
    matched = rule.match === 'string' ? body.includes(rule.pattern) : rule.regex!.test(body);
  }
  if (matched !== rule.negate) return { kind: 'pass' };
  const why = res.reason ? ` (${res.reason})` : '';
  if (rule.match === 'status' || rule.match === 'rstatus') {
    return { kind: 'fail', status: 'L7STS', code: res.code, info: `HTTP status check returned code <${res.code}>${why}` };
  }
  return {
    kind: 'fail',
    status: 'L7RSP',
    code: res.code,
    info: rule.negate ? `HTTP check matched unwanted content '${rule.pattern}'` : `HTTP content check did not match '${rule.pattern}'`,
  };
}
