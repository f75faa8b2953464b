// A parsed HTTP/1.x message head kept as offsets into the received bytes (zero-copy); strings made on demand.
import { SP, HTAB, lowerByte, equalsLower } from './chars.js';

/** haproxy's tune.http.maxhdr default: at most 101 header lines per message. */
export const MAX_HEADERS = 101;
/** Slots per header in HttpHead.h: line start, name end, value start, value end, next line start. */
export const HSLOT = 5;

/** Header names the parser classifies while parsing (everything else is HDR_OTHER). */
export const HDR_OTHER = 0;
export const HDR_CONTENT_LENGTH = 1;
export const HDR_TRANSFER_ENCODING = 2;
export const HDR_CONNECTION = 3;
export const HDR_HOST = 4;
export const HDR_UPGRADE = 5;
export const HDR_PROXY_CONNECTION = 6;
export const HDR_KEEP_ALIVE = 7;
export const HDR_COOKIE = 8;
export const HDR_EXPECT = 9;
export const HDR_SET_COOKIE = 10;

const EMPTY = Buffer.alloc(0);

export class HttpHead {
  buf: Buffer = EMPTY;
  /** Offset of the first byte of the request/status line (leading empty lines skipped). */
  start = 0;
  /** Offset just after the empty line that ends the head. */
  end = 0;
  /** Offset just after the first line's terminator. */
  lineEnd = 0;
  /** Request: method token (interned for the common ones). */
  method = '';
  methodEnd = 0;
  uriStart = 0;
  uriEnd = 0;
  /** Response: status code and reason phrase bounds. */
  status = 0;
  reasonStart = 0;
  reasonEnd = 0;
  /** HTTP/1.<minor>; major is always 1 (anything else is refused). */
  minor = 1;
  /** Number of header lines. */
  n = 0;
  /** Header offsets and kinds, appended in order (plain small-integer arrays written at their end grow without a
   *  copy; typed arrays would need an off-heap backing store for every connection). Kept between messages. */
  h: number[] = [];
  kind: number[] = [];
  /** True when every line ended with CRLF (the head may then be forwarded byte for byte). */
  canonical = true;
  /** -1 = no Content-Length. */
  contentLength = -1;
  /** Transfer-Encoding present / its last coding is chunked (RFC 9112 §6.1). */
  te = false;
  chunked = false;
  connClose = false;
  connKeepAlive = false;
  connUpgrade = false;
  /** Upgrade header present (with Connection: upgrade this asks for a protocol switch, RFC 9110 §7.8). */
  upgrade = false;
  hostCount = 0;
  hasCookie = false;
  /** Header kinds present (bit per HDR_* id) so the serializer knows quickly whether to drop lines. */
  kinds = 0;
  private uriCache: string | undefined;

  reset(): void {
    this.buf = EMPTY;
    this.start = this.end = this.lineEnd = 0;
    this.method = '';
    this.methodEnd = this.uriStart = this.uriEnd = 0;
    this.status = this.reasonStart = this.reasonEnd = 0;
    this.minor = 1;
    this.n = 0;
    this.canonical = true;
    this.contentLength = -1;
    this.te = this.chunked = false;
    this.connClose = this.connKeepAlive = this.connUpgrade = false;
    this.upgrade = false;
    this.hostCount = 0;
    this.hasCookie = false;
    this.kinds = 0;
    this.uriCache = undefined;
  }

  /** Request target as sent (origin-, absolute-, authority- or asterisk-form). */
  get uri(): string {
    if (this.uriCache === undefined) this.uriCache = this.buf.toString('latin1', this.uriStart, this.uriEnd);
    return this.uriCache;
  }

  get reason(): string {
    return this.buf.toString('latin1', this.reasonStart, this.reasonEnd);
  }

  /** The request line or status line without its terminator (for logs). */
  firstLine(): string {
    let e = this.lineEnd;
    while (e > this.start && (this.buf[e - 1] === 10 || this.buf[e - 1] === 13)) e--;
    return this.buf.toString('latin1', this.start, e);
  }

  name(i: number): string {
    const b = i * HSLOT;
    return this.buf.toString('latin1', this.h[b]!, this.h[b + 1]!);
  }

  value(i: number): string {
    const b = i * HSLOT;
    return this.buf.toString('latin1', this.h[b + 2]!, this.h[b + 3]!);
  }

  /** True if header line i has the given (lower-case) name. */
  isNamed(i: number, lower: string): boolean {
    const b = i * HSLOT;
    return equalsLower(this.buf, this.h[b]!, this.h[b + 1]!, lower);
  }

  /** First full value of a header (lower-case name), or undefined. */
  header(lower: string): string | undefined {
    for (let i = 0; i < this.n; i++) if (this.isNamed(i, lower)) return this.value(i);
    return undefined;
  }

  /** Every occurrence's full value, in order (like haproxy's fhdr). */
  fullValues(lower: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) if (this.isNamed(i, lower)) out.push(this.value(i));
    return out;
  }

  /** Every comma-separated value of every occurrence, OWS trimmed (haproxy's hdr() fetch, haproxy.md §1.5). */
  values(lower: string): string[] {
    const out: string[] = [];
    for (let i = 0; i < this.n; i++) {
      if (!this.isNamed(i, lower)) continue;
      splitCommaList(this.value(i), out);
    }
    return out;
  }

  /** Index of the first header with the given name, or -1. */
  indexOf(lower: string): number {
    for (let i = 0; i < this.n; i++) if (this.isNamed(i, lower)) return i;
    return -1;
  }

  /** Builds the head back with CRLF line ends, dropping lines for which `drop(i)` is true. For non-canonical heads. */
  rebuild(drop?: (i: number) => boolean): string {
    let s = this.firstLine() + '\r\n';
    for (let i = 0; i < this.n; i++) {
      if (drop?.(i)) continue;
      s += `${this.name(i)}: ${this.value(i)}\r\n`;
    }
    return s;
  }
}

/** Splits an HTTP list (`a, b ,c`) into trimmed non-empty items appended to `out`. Quoted commas are rare
 *  in the headers ACLs look at; like haproxy's hdr() fetch we split on every comma. */
export function splitCommaList(v: string, out: string[]): void {
  let s = 0;
  for (let i = 0; i <= v.length; i++) {
    if (i === v.length || v.charCodeAt(i) === 44) {
      let a = s;
      let b = i;
      while (a < b && (v.charCodeAt(a) === SP || v.charCodeAt(a) === HTAB)) a++;
      while (b > a && (v.charCodeAt(b - 1) === SP || v.charCodeAt(b - 1) === HTAB)) b--;
      if (b > a) out.push(v.slice(a, b));
      s = i + 1;
    }
  }
}

/** Header name classifier by length, then case-insensitive compare (names were already checked to be tchar). */
export function classifyHeader(buf: Buffer, s: number, e: number): number {
  switch (e - s) {
    case 4: return equalsLower(buf, s, e, 'host') ? HDR_HOST : HDR_OTHER;
    case 6: {
      const c = lowerByte(buf[s]!);
      if (c === 0x63) return equalsLower(buf, s, e, 'cookie') ? HDR_COOKIE : HDR_OTHER;
      if (c === 0x65) return equalsLower(buf, s, e, 'expect') ? HDR_EXPECT : HDR_OTHER;
      return HDR_OTHER;
    }
    case 7: return equalsLower(buf, s, e, 'upgrade') ? HDR_UPGRADE : HDR_OTHER;
    case 10: {
      const c = lowerByte(buf[s]!);
      if (c === 0x63) return equalsLower(buf, s, e, 'connection') ? HDR_CONNECTION : HDR_OTHER;
      if (c === 0x6b) return equalsLower(buf, s, e, 'keep-alive') ? HDR_KEEP_ALIVE : HDR_OTHER;
      if (c === 0x73) return equalsLower(buf, s, e, 'set-cookie') ? HDR_SET_COOKIE : HDR_OTHER;
      return HDR_OTHER;
    }
    case 14: return equalsLower(buf, s, e, 'content-length') ? HDR_CONTENT_LENGTH : HDR_OTHER;
    case 16: return equalsLower(buf, s, e, 'proxy-connection') ? HDR_PROXY_CONNECTION : HDR_OTHER;
    case 17: return equalsLower(buf, s, e, 'transfer-encoding') ? HDR_TRANSFER_ENCODING : HDR_OTHER;
    default: return HDR_OTHER;
  }
}

