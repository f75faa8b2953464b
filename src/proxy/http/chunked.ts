// Streaming validator for chunked transfer coding (RFC 9112 §7.1): finds where a chunked body ends without
// copying it, so the engine can forward the received bytes verbatim and stop exactly at the message end.
//
// Strictness (smuggling defence): chunk-size is 1..13 hex digits (< 2^52); extensions are limited to 4 KiB per
// line and may not contain CTLs; every line of the framing must end with CRLF — a bare LF or a bare CR is
// refused (RFC 9112 §7.1 grammar has no LF-only form); trailer section at most 16 KiB.
import { HEXVAL, VALUECHAR, CR, LF, SP, HTAB } from './chars.js';

const S_SIZE_FIRST = 0;
const S_SIZE = 1;
const S_EXT = 2;
const S_SIZE_LF = 3;
const S_DATA = 4;
const S_DATA_CR = 5;
const S_DATA_LF = 6;
const S_TRAILER_START = 7;
const S_TRAILER = 8;
const S_TRAILER_LF = 9;
const S_END_LF = 10;
const S_DONE = 11;

const MAX_SIZE_DIGITS = 13;
const MAX_EXT = 4096;
const MAX_TRAILERS = 16384;

export const CHUNKED_MORE = -1;
export const CHUNKED_ERROR = -2;

export type ChunkedError = 'chunk-size' | 'chunk-ext' | 'chunk-crlf' | 'chunk-trailer';

export class ChunkedScanner {
  private state = S_SIZE_FIRST;
  private remaining = 0;
  private digits = 0;
  private extLen = 0;
  private trailerLen = 0;
  error: ChunkedError | undefined;
  /** Payload bytes seen so far (without framing), for logs/limits. */
  payload = 0;

  reset(): void {
    this.state = S_SIZE_FIRST;
    this.remaining = 0;
    this.digits = 0;
    this.extLen = 0;
    this.trailerLen = 0;
    this.error = undefined;
    this.payload = 0;
  }

  get done(): boolean {
    return this.state === S_DONE;
  }

  /** Scans buf[start, end). Returns the offset just after the body's last byte if it ends in this range,
   *  CHUNKED_MORE if every byte belongs to the body and more is needed, or CHUNKED_ERROR (see `error`). */
  scan(buf: Buffer, start: number, end: number): number {
    let i = start;
    let st = this.state;
    while (i < end) {
      if (st === S_DATA) {
        const n = Math.min(this.remaining, end - i);
        i += n;
        this.remaining -= n;
        this.payload += n;
        if (this.remaining === 0) st = S_DATA_CR;
        continue;
      }
      const c = buf[i++]!;
      switch (st) {
        case S_SIZE_FIRST:
        case S_SIZE: {
          const h = HEXVAL[c]!;
          if (h !== 0) {
            if (++this.digits > MAX_SIZE_DIGITS) return this.fail('chunk-size');
            this.remaining = this.remaining * 16 + (h - 1);
            st = S_SIZE;
          } else if (st === S_SIZE_FIRST) {
            return this.fail('chunk-size');
          } else if (c === CR) {
            st = S_SIZE_LF;
          } else if (c === 0x3b || c === SP || c === HTAB) {
            st = S_EXT; // chunk-ext (BWS ";" ...): validated loosely, bounded
            this.extLen = 1;
          } else return this.fail(c === LF ? 'chunk-crlf' : 'chunk-size');
          break;
        }
        case S_EXT:
          if (c === CR) st = S_SIZE_LF;
          else if (VALUECHAR[c] !== 1) return this.fail(c === LF ? 'chunk-crlf' : 'chunk-ext');
          else if (++this.extLen > MAX_EXT) return this.fail('chunk-ext');
          break;
        case S_SIZE_LF:
          if (c !== LF) return this.fail('chunk-crlf');
          this.digits = 0;
          st = this.remaining === 0 ? S_TRAILER_START : S_DATA;
          break;
        case S_DATA_CR:
          if (c !== CR) return this.fail('chunk-crlf');
          st = S_DATA_LF;
          break;
        case S_DATA_LF:
          if (c !== LF) return this.fail('chunk-crlf');
          st = S_SIZE_FIRST;
          break;
        case S_TRAILER_START:
          if (c === CR) st = S_END_LF;
          else if (VALUECHAR[c] !== 1 || c === SP || c === HTAB) return this.fail(c === LF ? 'chunk-crlf' : 'chunk-trailer');
          else st = S_TRAILER;
          if (++this.trailerLen > MAX_TRAILERS) return this.fail('chunk-trailer');
          break;
        case S_TRAILER:
          if (c === CR) st = S_TRAILER_LF;
          else if (VALUECHAR[c] !== 1) return this.fail(c === LF ? 'chunk-crlf' : 'chunk-trailer');
          if (++this.trailerLen > MAX_TRAILERS) return this.fail('chunk-trailer');
          break;
        case S_TRAILER_LF:
          if (c !== LF) return this.fail('chunk-crlf');
          st = S_TRAILER_START;
          break;
        case S_END_LF:
          if (c !== LF) return this.fail('chunk-crlf');
          this.state = S_DONE;
          return i;
        default:
          return this.fail('chunk-size');
      }
    }
    this.state = st;
    return CHUNKED_MORE;
  }

  private fail(e: ChunkedError): number {
    this.error = e;
    return CHUNKED_ERROR;
  }
}

/** Decodes a complete, already validated chunked body (framing + trailers) into its payload. Small bodies only
 *  (internal services); returns undefined if the framing is not complete and valid. */
export function decodeChunked(raw: Buffer): Buffer | undefined {
  const out: Buffer[] = [];
  let i = 0;
  for (;;) {
    const lf = raw.indexOf(LF, i);
    if (lf < 1 || raw[lf - 1] !== CR) return undefined;
    let size = 0;
    let j = i;
    for (; j < lf - 1 && HEXVAL[raw[j]!] !== 0; j++) size = size * 16 + (HEXVAL[raw[j]!]! - 1);
    if (j === i) return undefined;
    i = lf + 1;
    if (size === 0) return Buffer.concat(out);
    if (i + size + 2 > raw.length) return undefined;
    out.push(raw.subarray(i, i + size));
    i += size + 2;
  }
}
