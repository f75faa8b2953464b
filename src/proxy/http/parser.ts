// Incremental, chunk-split-safe HTTP/1.x head parser (pure): RFC 9112 framing with the smuggling defences below.
//
// Policy (documented in docs and asserted by test/proxy/http/parser.test.ts):
//  - Line ends: CRLF, or a bare LF (RFC 9112 §2.2 allows recognising LF alone; the head is then rebuilt with CRLF
//    before forwarding). A CR anywhere else ("bare CR") is refused: it is not a valid method/URI/field byte.
//  - obs-fold (a line starting with SP/HTAB) is refused (RFC 9112 §5.2 lets a server reject it with 400).
//  - Whitespace between a field name and the colon is refused (RFC 9112 §5.1 MUST).
//  - Method and field names: tchar only. Request target: haproxy's default URI filter (chars.ts URICHAR).
//    Version: exactly `HTTP/1.<digit>` (HTTP/2 preface, HTTP/0.9 and other protocols are refused).
//  - Content-Length: digits only, one header line only (a duplicate, even identical, or a list is refused).
//  - Transfer-Encoding: requests accept it only in HTTP/1.1, never together with Content-Length, and only if
//    `chunked` is the final coding and appears once (RFC 9112 §6.1, §6.3). Responses with a non-final chunked
//    are read until close; a response with both TE and CL ignores CL (RFC 9112 §6.3 rule 3).
//  - More than one Host header is refused (RFC 9112 §3.2).
//  - Size: the whole head must fit in tune.bufsize - tune.maxrewrite (default 16384 - 1024) like haproxy's buffer;
//    overflowing while still in the request line answers 414, later 431 (haproxy answers 400 for both: we follow
//    the RFC status codes, keeping haproxy's page style). More than 101 header lines (tune.http.maxhdr) is 431.
// Requests that fail answer 400/414/431; responses that fail become 502 at the caller.
import { TCHAR, URICHAR, VALUECHAR, CR, LF, SP, HTAB, COLON, lowerByte } from './chars.js';
import {
  HttpHead, MAX_HEADERS, HSLOT, classifyHeader,
  HDR_CONTENT_LENGTH, HDR_TRANSFER_ENCODING, HDR_CONNECTION, HDR_HOST, HDR_UPGRADE, HDR_COOKIE,
} from './head.js';
import { headLimit } from '../config/head-limit.js';

export const NEED_MORE = 0;
export const DONE = 1;
export const ERROR = 2;

/** tune.bufsize (16384) minus tune.maxrewrite (1024): room a head may use, as in haproxy (the proxy passes the
 *  configured limit, config/head-limit.ts). */
export const DEFAULT_HEAD_LIMIT = headLimit({});

/** Stable reasons for refusing a head; they appear in logs and tests assert them. */
export type HeadError =
  | 'bad-method' | 'bad-uri' | 'bad-version' | 'bad-status-line' | 'bad-header-name' | 'bad-header-value'
  | 'obs-fold' | 'bare-cr' | 'cl-invalid' | 'cl-duplicate' | 'te-invalid' | 'te-not-chunked' | 'te-with-cl'
  | 'te-http10' | 'host-duplicate' | 'too-many-headers' | 'uri-too-long' | 'head-too-large';

const METHODS = ['GET', 'POST', 'HEAD', 'PUT', 'DELETE', 'OPTIONS', 'CONNECT', 'PATCH', 'TRACE'];

/** Returns an interned string for the common methods to avoid a per-request allocation. */
function methodString(buf: Buffer, s: number, e: number): string {
  const len = e - s;
  for (const m of METHODS) {
    if (m.length !== len) continue;
    let i = 0;
    while (i < len && buf[s + i] === m.charCodeAt(i)) i++;
    if (i === len) return m;
  }
  return buf.toString('latin1', s, e);
}

export class HeadParser {
  readonly head = new HttpHead();
  /** After DONE: the bytes that followed the head in the last chunk (body or a pipelined request), if any. */
  rest: Buffer | undefined;
  /** After ERROR: status to answer (requests: 400/414/431) and a stable reason. */
  errStatus = 0;
  errReason: HeadError | undefined;
  /** Bytes fed for the current head (for logs and `bytes_in`). */
  private acc: Buffer | undefined;
  private accLen = 0;
  private phase = 0; // 0 = before/in the first line, 1 = header lines
  private pos = 0; // start of the line being parsed
  private scan = 0; // where to resume looking for LF
  private readonly isRequest: boolean;

  constructor(kind: 'request' | 'response', readonly limit: number = DEFAULT_HEAD_LIMIT) {
    this.isRequest = kind === 'request';
  }

  /** True when part of a head is buffered (a client that stops here is "in the middle of a request"). */
  get partial(): boolean {
    return this.accLen > 0;
  }

  /** Forget any partial head (e.g. after an error or when the connection is reused for another message). */
  reset(): void {
    this.acc = undefined;
    this.accLen = 0;
    this.rest = undefined;
    this.errStatus = 0;
    this.errReason = undefined;
    this.startOver();
  }

  private startOver(): void {
    this.phase = 0;
    this.pos = 0;
    this.scan = 0;
    this.head.reset();
  }

  /** Feeds one received chunk. Returns NEED_MORE, DONE (see `head`, `rest`) or ERROR (see `errStatus`). */
  execute(chunk: Buffer): number {
    if (this.accLen === 0) {
      this.startOver();
      const r = this.run(chunk);
      if (r === DONE) {
        this.rest = this.head.end < chunk.length ? chunk.subarray(this.head.end) : undefined;
        return r;
      }
      if (r === ERROR) return r;
      // Incomplete: keep what follows the skipped leading empty lines and parse it again as one buffer later
      // (one extra pass over a partial head, then strictly incremental).
      const from = this.head.start;
      const len = chunk.length - from;
      if (len === 0) return NEED_MORE;
      this.acc = Buffer.allocUnsafe(Math.min(Math.max(1024, len * 2), this.limit + 2));
      chunk.copy(this.acc, 0, from);
      this.accLen = len;
      this.startOver();
      return NEED_MORE;
    }
    const before = this.accLen;
    const take = Math.min(chunk.length, this.limit + 2 - before);
    let acc = this.acc!;
    if (before + take > acc.length) {
      const bigger = Buffer.allocUnsafe(Math.min(Math.max(acc.length * 2, before + take), this.limit + 2));
      acc.copy(bigger, 0, 0, before);
      acc = this.acc = bigger;
    }
    chunk.copy(acc, before, 0, take);
    this.accLen = before + take;
    const r = this.run(acc.subarray(0, this.accLen));
    if (r === DONE) {
      const off = this.head.end - before;
      this.rest = off < chunk.length ? chunk.subarray(off) : undefined;
      // The head keeps referencing this buffer (it may still be queued in a socket write): never reuse it.
      this.acc = undefined;
      this.accLen = 0;
    } else if (r === ERROR) {
      this.acc = undefined;
      this.accLen = 0;
    }
    return r;
  }

  private fail(status: number, reason: HeadError): number {
    this.errStatus = this.isRequest ? status : 502;
    this.errReason = reason;
    return ERROR;
  }

  private tooLarge(): number {
    return this.phase === 0 && this.isRequest ? this.fail(414, 'uri-too-long') : this.fail(431, 'head-too-large');
  }

  /** Parses complete lines of buf from the saved position. */
  private run(buf: Buffer): number {
    const head = this.head;
    const end = buf.length;
    head.buf = buf;
    let pos = this.pos;
    for (;;) {
      const lf = buf.indexOf(LF, this.scan);
      if (lf < 0) {
        this.pos = pos;
        this.scan = end;
        if (end - head.start > this.limit) return this.tooLarge();
        return NEED_MORE;
      }
      if (lf + 1 - head.start > this.limit) {
        this.pos = pos;
        return this.tooLarge();
      }
      let le = lf;
      if (le > pos && buf[le - 1] === CR) le--;
      else head.canonical = false;
      if (this.phase === 0) {
        if (le === pos) {
          // RFC 9112 §2.2: ignore empty lines received before the request-line.
          pos = this.scan = lf + 1;
          head.start = pos;
          continue;
        }
        head.start = pos;
        const r = this.isRequest ? this.requestLine(buf, pos, le) : this.statusLine(buf, pos, le);
        if (r !== NEED_MORE) return r;
        head.lineEnd = lf + 1;
        this.phase = 1;
      } else if (le === pos) {
        head.end = lf + 1;
        this.pos = this.scan = lf + 1;
        return this.finish();
      } else {
        const r = this.headerLine(buf, pos, le, lf + 1);
        if (r !== NEED_MORE) return r;
      }
      pos = this.scan = lf + 1;
    }
  }

  private requestLine(buf: Buffer, s: number, e: number): number {
    const head = this.head;
    let i = s;
    while (i < e && TCHAR[buf[i]!] === 1) i++;
    if (i === s || i >= e || buf[i] !== SP) return this.fail(400, i < e && buf[i] === CR ? 'bare-cr' : 'bad-method');
    head.methodEnd = i;
    head.method = methodString(buf, s, i);
    const us = ++i;
    while (i < e && URICHAR[buf[i]!] === 1) i++;
    if (i === us || i >= e || buf[i] !== SP) return this.fail(400, i < e && buf[i] === CR ? 'bare-cr' : 'bad-uri');
    head.uriStart = us;
    head.uriEnd = i;
    return this.version(buf, i + 1, e) ? NEED_MORE : this.fail(400, 'bad-version');
  }

  /** `HTTP/1.<digit>` exactly from s to e. Sets head.minor. */
  private version(buf: Buffer, s: number, e: number): boolean {
    if (e - s !== 8) return false;
    if (buf[s] !== 0x48 || buf[s + 1] !== 0x54 || buf[s + 2] !== 0x54 || buf[s + 3] !== 0x50 || buf[s + 4] !== 0x2f) return false;
    if (buf[s + 5] !== 0x31 || buf[s + 6] !== 0x2e) return false;
    const m = buf[s + 7]! - 0x30;
    if (m < 0 || m > 9) return false;
    this.head.minor = m === 0 ? 0 : 1; // HTTP/1.x with x >= 1 is handled as 1.1 (RFC 9110 §2.5)
    return true;
  }

  private statusLine(buf: Buffer, s: number, e: number): number {
    const head = this.head;
    if (e - s < 12 || !this.version(buf, s, s + 8) || buf[s + 8] !== SP) return this.fail(502, 'bad-status-line');
    let st = 0;
    for (let i = s + 9; i < s + 12; i++) {
      const d = buf[i]! - 0x30;
      if (d < 0 || d > 9) return this.fail(502, 'bad-status-line');
      st = st * 10 + d;
    }
    if (st < 100) return this.fail(502, 'bad-status-line');
    head.status = st;
    if (e > s + 12) {
      if (buf[s + 12] !== SP) return this.fail(502, 'bad-status-line');
      for (let i = s + 13; i < e; i++) if (VALUECHAR[buf[i]!] !== 1) return this.fail(502, 'bad-status-line');
    }
    head.reasonStart = Math.min(s + 13, e);
    head.reasonEnd = e;
    return NEED_MORE;
  }

  private headerLine(buf: Buffer, s: number, e: number, next: number): number {
    const head = this.head;
    const c0 = buf[s]!;
    if (c0 === SP || c0 === HTAB) return this.fail(400, 'obs-fold');
    let i = s;
    while (i < e && TCHAR[buf[i]!] === 1) i++;
    if (i === s || i >= e || buf[i] !== COLON) return this.fail(400, i < e && buf[i] === CR ? 'bare-cr' : 'bad-header-name');
    const nameEnd = i++;
    while (i < e && (buf[i] === SP || buf[i] === HTAB)) i++;
    const vs = i;
    let ve = e;
    while (ve > vs && (buf[ve - 1] === SP || buf[ve - 1] === HTAB)) ve--;
    for (let j = vs; j < ve; j++) {
      if (VALUECHAR[buf[j]!] !== 1) return this.fail(400, buf[j] === CR ? 'bare-cr' : 'bad-header-value');
    }
    const n = head.n;
    if (n >= MAX_HEADERS) return this.fail(431, 'too-many-headers');
    const b = n * HSLOT;
    const h = head.h;
    h[b] = s;
    h[b + 1] = nameEnd;
    h[b + 2] = vs;
    h[b + 3] = ve;
    h[b + 4] = next;
    const kind = classifyHeader(buf, s, nameEnd);
    head.kind[n] = kind;
    head.n = n + 1;
    if (kind === 0) return NEED_MORE;
    head.kinds |= 1 << kind;
    switch (kind) {
      case HDR_CONTENT_LENGTH: return this.contentLength(buf, vs, ve);
      case HDR_TRANSFER_ENCODING: return this.transferEncoding(buf, vs, ve);
      case HDR_CONNECTION: this.connectionTokens(buf, vs, ve); return NEED_MORE;
      case HDR_HOST: head.hostCount++; return NEED_MORE;
      case HDR_UPGRADE: head.upgrade = true; return NEED_MORE;
      case HDR_COOKIE: head.hasCookie = true; return NEED_MORE;
      default: return NEED_MORE;
    }
  }

  private contentLength(buf: Buffer, s: number, e: number): number {
    if (this.head.contentLength !== -1) return this.fail(400, 'cl-duplicate');
    if (e === s || e - s > 15) return this.fail(400, 'cl-invalid');
    let v = 0;
    for (let i = s; i < e; i++) {
      const d = buf[i]! - 0x30;
      if (d < 0 || d > 9) return this.fail(400, 'cl-invalid');
      v = v * 10 + d;
    }
    this.head.contentLength = v;
    return NEED_MORE;
  }

  /** Codings list: each token a tchar run; chunked must be last and unique (RFC 9112 §6.1, §7). */
  private transferEncoding(buf: Buffer, s: number, e: number): number {
    const head = this.head;
    head.te = true;
    let i = s;
    let any = false;
    while (i < e) {
      while (i < e && (buf[i] === SP || buf[i] === HTAB || buf[i] === 0x2c)) i++;
      if (i >= e) break;
      const ts = i;
      while (i < e && TCHAR[buf[i]!] === 1) i++;
      if (i === ts) return this.fail(400, 'te-invalid'); // parameters (`;q=`) or junk
      const te = i;
      while (i < e && (buf[i] === SP || buf[i] === HTAB)) i++;
      if (i < e && buf[i] !== 0x2c) return this.fail(400, 'te-invalid');
      any = true;
      const isChunked = te - ts === 7 && tokenIs(buf, ts, 'chunked');
      if (head.chunked) {
        // Something follows `chunked`: refused for requests, read-until-close for responses.
        if (this.isRequest) return this.fail(400, 'te-not-chunked');
        head.chunked = false;
      } else head.chunked = isChunked;
    }
    if (!any) return this.fail(400, 'te-invalid');
    return NEED_MORE;
  }

  private connectionTokens(buf: Buffer, s: number, e: number): void {
    const head = this.head;
    let i = s;
    while (i < e) {
      while (i < e && (buf[i] === SP || buf[i] === HTAB || buf[i] === 0x2c)) i++;
      const ts = i;
      while (i < e && buf[i] !== 0x2c && buf[i] !== SP && buf[i] !== HTAB) i++;
      const len = i - ts;
      if (len === 5 && tokenIs(buf, ts, 'close')) head.connClose = true;
      else if (len === 10 && tokenIs(buf, ts, 'keep-alive')) head.connKeepAlive = true;
      else if (len === 7 && tokenIs(buf, ts, 'upgrade')) head.connUpgrade = true;
    }
  }

  /** Whole-head checks once the empty line is reached. */
  private finish(): number {
    const head = this.head;
    if (this.isRequest) {
      if (head.te) {
        if (head.minor === 0) return this.fail(400, 'te-http10');
        if (head.contentLength !== -1) return this.fail(400, 'te-with-cl');
        if (!head.chunked) return this.fail(400, 'te-not-chunked');
      }
      if (head.hostCount > 1) return this.fail(400, 'host-duplicate');
    } else if (head.te) {
      head.contentLength = -1; // RFC 9112 §6.3 rule 3: Transfer-Encoding overrides Content-Length
    }
    return DONE;
  }
}

function tokenIs(buf: Buffer, s: number, lower: string): boolean {
  for (let k = 0; k < lower.length; k++) if (lowerByte(buf[s + k]!) !== lower.charCodeAt(k)) return false;
  return true;
}
