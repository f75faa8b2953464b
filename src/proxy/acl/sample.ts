// What ACLs can look at (haproxy "sample fetches"), as an interface the HTTP/TCP engines implement cheaply.

/** The facts of one request/connection ACLs fetch from. HTTP-only methods return undefined in TCP mode. */
export interface AclSample {
  readonly srcIp: string;
  readonly srcPort: number;
  readonly dstIp: string;
  readonly dstPort: number;
  /** HTTP method, undefined when no HTTP request was parsed (mode tcp). */
  method(): string | undefined;
  /** Full request target as received (haproxy `url`). */
  uri(): string | undefined;
  /** HTTP minor version (0 or 1); undefined in TCP mode. */
  httpMinor(): number | undefined;
  /** Every comma-separated value of every occurrence of a header (haproxy `hdr()`), lower-case name. */
  headerValues(lowerName: string): readonly string[];
  /** Every full occurrence value (haproxy `fhdr()`). */
  fullHeaderValues(lowerName: string): readonly string[];
  /** Request body length announced (Content-Length) or -1 when unknown/none. */
  contentLength(): number;
}

/** haproxy `path`: from the first `/` of the target up to (not including) `?`; absolute-form skips
 *  `scheme://authority`. Authority-form (CONNECT) and `*` have no path. */
export function pathOf(uri: string): string | undefined {
  let start = 0;
  if (uri.charCodeAt(0) !== 47) {
    const scheme = uri.indexOf('://');
    if (scheme < 0) return undefined;
    start = uri.indexOf('/', scheme + 3);
    if (start < 0) return '/'; // "http://host" has an empty path; haproxy reports it as "/"
  }
  const q = uri.indexOf('?', start);
  return q < 0 ? (start === 0 ? uri : uri.slice(start)) : uri.slice(start, q);
}

/** Query string after `?` (without it), or undefined. */
export function queryOf(uri: string): string | undefined {
  const q = uri.indexOf('?');
  return q < 0 ? undefined : uri.slice(q + 1);
}

/** A sample for a bare TCP connection (no HTTP facts). */
export function tcpSample(srcIp: string, srcPort: number, dstIp: string, dstPort: number): AclSample {
  const none: readonly string[] = [];
  return {
    srcIp, srcPort, dstIp, dstPort,
    method: () => undefined,
    uri: () => undefined,
    httpMinor: () => undefined,
    headerValues: () => none,
    fullHeaderValues: () => none,
    contentLength: () => -1,
  };
}
