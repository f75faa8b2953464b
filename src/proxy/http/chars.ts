// Byte-class tables for the HTTP/1.1 head parser (RFC 9110 §5.6.2 tchar, RFC 3986 URI chars as haproxy filters them).

/** RFC 9110 §5.6.2: tchar = "!#$%&'*+-.^_`|~" / DIGIT / ALPHA. Used for methods and header names. */
export const TCHAR = new Uint8Array(256);
/** Request-target bytes haproxy accepts without `option accept-invalid-http-request`: everything visible except
 *  0-32, `"` `<` `>` `\` `^` `` ` `` `{` `|` `}`, 127, bytes >= 128 and `#` (fragments are refused too). */
export const URICHAR = new Uint8Array(256);
/** RFC 9110 §5.5 field-value bytes: VCHAR, obs-text (0x80-0xFF), SP and HTAB; never NUL, CR, LF or other CTLs. */
export const VALUECHAR = new Uint8Array(256);
/** Reason-phrase bytes (RFC 9112 §4): HTAB / SP / VCHAR / obs-text — same set as field values. */
export const REASONCHAR = VALUECHAR;
/** Hex digit value + 1 (0 = not a hex digit), for chunk sizes. */
export const HEXVAL = new Uint8Array(256);

(function init(): void {
  const tspecial = "!#$%&'*+-.^_`|~";
  for (let c = 0; c < 256; c++) {
    const alnum = (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
    TCHAR[c] = alnum || tspecial.includes(String.fromCharCode(c)) ? 1 : 0;
    VALUECHAR[c] = c === 0x09 || (c >= 0x20 && c !== 0x7f) ? 1 : 0;
    URICHAR[c] = c > 0x20 && c < 0x7f && !'"<>\\^`{|}#'.includes(String.fromCharCode(c)) ? 1 : 0;
    if (c >= 0x30 && c <= 0x39) HEXVAL[c] = c - 0x30 + 1;
    else if (c >= 0x41 && c <= 0x46) HEXVAL[c] = c - 0x41 + 11;
    else if (c >= 0x61 && c <= 0x66) HEXVAL[c] = c - 0x61 + 11;
  }
})();

export const CR = 13;
export const LF = 10;
export const SP = 32;
export const HTAB = 9;
export const COLON = 58;

/** ASCII lower-case of one byte. */
export function lowerByte(c: number): number {
  return c >= 0x41 && c <= 0x5a ? c | 0x20 : c;
}

/** True if buf[start, end) equals `lower` (already lower-case ASCII) ignoring ASCII case. */
export function equalsLower(buf: Buffer, start: number, end: number, lower: string): boolean {
  if (end - start !== lower.length) return false;
  for (let i = 0; i < lower.length; i++) {
    if (lowerByte(buf[start + i]!) !== lower.charCodeAt(i)) return false;
  }
  return true;
}
