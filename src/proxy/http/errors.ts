// haproxy's built-in error responses (2.6 wording and header order, observed on the installed 2.6.12): prebuilt
// once. Parser-level errors (400/408 and our 414/431) use the raw message form with capitalised headers and
// `Connection: close`; stream-level ones (403/500/502/503/504) use the lower-case HTX form and keep-alive.

interface ErrorSpec {
  readonly status: number;
  readonly reason: string;
  readonly text: string;
  /** Raw mux-level message (sent before any stream exists): always closes. */
  readonly raw: boolean;
}

/** Status -> reason and one-sentence explanation, exactly as haproxy prints them. 414/431 are hapair's own
 *  (haproxy answers 400 for oversized heads) in the same style. */
const SPECS: readonly ErrorSpec[] = [
  { status: 400, reason: 'Bad request', text: 'Your browser sent an invalid request.', raw: true },
  { status: 403, reason: 'Forbidden', text: 'Request forbidden by administrative rules.', raw: false },
  { status: 408, reason: 'Request Time-out', text: "Your browser didn't send a complete request in time.", raw: true },
  { status: 414, reason: 'Request-URI Too Long', text: 'Your browser sent a request line that is too long.', raw: true },
  { status: 431, reason: 'Request Header Fields Too Large', text: 'Your browser sent request headers that are too large.', raw: true },
  { status: 500, reason: 'Internal Server Error', text: 'An internal server error occurred.', raw: false },
  { status: 502, reason: 'Bad Gateway', text: 'The server returned an invalid or incomplete response.', raw: false },
  { status: 503, reason: 'Service Unavailable', text: 'No server is available to handle this request.', raw: false },
  { status: 504, reason: 'Gateway Time-out', text: "The server didn't respond in time.", raw: false },
];

interface Built {
  readonly keep: Buffer;
  readonly close: Buffer;
  readonly bodyLen: number;
  readonly raw: boolean;
}

const BUILT = new Map<number, Built>();
for (const s of SPECS) {
  const body = `<html><body><h1>${s.status} ${s.reason}</h1>\n${s.text}\n</body></html>\n`;
  const line = `HTTP/1.1 ${s.status} ${s.reason}\r\n`;
  if (s.raw) {
    const msg = Buffer.from(
      `${line}Content-length: ${body.length}\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n${body}`,
      'latin1',
    );
    BUILT.set(s.status, { keep: msg, close: msg, bodyLen: body.length, raw: true });
  } else {
    const hdrs = `${line}content-length: ${body.length}\r\ncache-control: no-cache\r\ncontent-type: text/html\r\n`;
    BUILT.set(s.status, {
      keep: Buffer.from(`${hdrs}\r\n${body}`, 'latin1'),
      close: Buffer.from(`${hdrs}connection: close\r\n\r\n${body}`, 'latin1'),
      bodyLen: body.length,
      raw: false,
    });
  }
}

export type ErrorStatus = 400 | 403 | 408 | 414 | 431 | 500 | 502 | 503 | 504;

/** The full response bytes for `status`. Raw (parser-level) errors always carry `Connection: close`. */
export function errorResponse(status: ErrorStatus, close: boolean): Buffer {
  const b = BUILT.get(status)!;
  return close ? b.close : b.keep;
}

/** True if haproxy sends this one as a raw mux message that always closes the connection. */
export function errorAlwaysCloses(status: ErrorStatus): boolean {
  return BUILT.get(status)!.raw;
}

/** Response for a HEAD request: same head, no body. */
export function errorResponseHead(status: ErrorStatus, close: boolean): Buffer {
  const b = BUILT.get(status)!;
  const full = close ? b.close : b.keep;
  return full.subarray(0, full.length - b.bodyLen);
}
