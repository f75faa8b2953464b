// Internal services answered by the proxy itself: the stats page (GET/HEAD/POST whose path starts with `stats uri`,
// haproxy.md §7.1) and `http-request use-service prometheus-exporter`. Reads the (bounded) request body into a
// ServiceRequest, calls the control plane, writes the ServiceResponse with a Content-Length.
import type { Conn } from '../io/conn.js';
import type { ServiceRequest, ServiceResponse } from '../types.js';
import type { SessionFrontend } from '../frontend-types.js';
import type { HttpHead } from './head.js';
import { decodeChunked } from './chunked.js';

/** tune.bufsize: a stats POST larger than the buffer is refused by the stats page (EXCD); we pass one byte more
 *  than this so the page can tell. */
export const SERVICE_BODY_LIMIT = 16384 + 1;

const REASONS: Record<number, string> = {
  200: 'OK', 201: 'Created', 204: 'No Content', 301: 'Moved Permanently', 302: 'Found', 303: 'See Other',
  304: 'Not Modified', 400: 'Bad Request', 401: 'Unauthorized', 403: 'Forbidden', 404: 'Not Found',
  405: 'Method Not Allowed', 413: 'Payload Too Large', 500: 'Internal Server Error', 501: 'Not Implemented',
  503: 'Service Unavailable',
};

/** GET/HEAD/POST whose path (with query; absolute-form authority skipped) starts with the stats prefix. A prefix
 *  that does not start with `/` is compared with the full URI, as haproxy does. */
export function isStatsRequest(head: HttpHead, prefix: string): boolean {
  const m = head.method;
  if (m !== 'GET' && m !== 'HEAD' && m !== 'POST') return false;
  let uri = head.uri;
  if (prefix.startsWith('/') && !uri.startsWith('/')) {
    const s = uri.indexOf('://');
    if (s < 0) return false;
    const p = uri.indexOf('/', s + 3);
    uri = p < 0 ? '/' : uri.slice(p);
  }
  return uri.startsWith(prefix);
}

/** What the exchange needs from the HTTP session. */
export interface ServiceHost {
  readonly sock: Conn;
  readonly fe: SessionFrontend;
  readonly parser: { readonly head: HttpHead };
  readonly sample: { readonly srcIp: string };
  readonly clientKeep: boolean;
  readonly isClosed: boolean;
  readonly facts: { status: number };
}

export class ServiceExchange {
  started = false;
  private readonly parts: Buffer[] = [];
  private len = 0;
  private chunked = false;

  constructor(
    private readonly host: ServiceHost,
    private readonly kind: 'stats' | 'metrics',
    private readonly done: (bytesOut: number) => void,
  ) {}

  add(part: Buffer, chunked: boolean): void {
    this.chunked = chunked;
    if (this.len >= SERVICE_BODY_LIMIT * 2) return;
    const keep = part.subarray(0, SERVICE_BODY_LIMIT * 2 - this.len);
    this.parts.push(keep);
    this.len += keep.length;
  }

  run(): void {
    if (this.started) return;
    this.started = true;
    const h = this.host;
    const head = h.parser.head;
    const raw = Buffer.concat(this.parts);
    let body = this.chunked ? decodeChunked(raw) ?? Buffer.alloc(0) : raw;
    if (body.length > SERVICE_BODY_LIMIT) body = body.subarray(0, SERVICE_BODY_LIMIT);
    // The head is reused by the next request: the service gets its own copy of the headers.
    const headers = new Map<string, string>();
    for (let i = 0; i < head.n; i++) {
      const k = head.name(i).toLowerCase();
      if (!headers.has(k)) headers.set(k, head.value(i));
    }
    const req: ServiceRequest = {
      method: head.method, uri: head.uri, version: `HTTP/1.${head.minor}`, header: (n) => headers.get(n.toLowerCase()), body, clientIp: h.sample.srcIp,
    };
    const hooks = h.fe.deps.services;
    const call = this.kind === 'stats' ? hooks.stats?.(h.fe.section, req) : hooks.metrics?.(req);
    if (!call) return this.respond({ status: 503, headers: [['content-type', 'text/plain']], body: 'service not available\n' });
    call.then((r) => this.respond(r), (err: unknown) => {
      this.respond({ status: 500, headers: [['content-type', 'text/plain']], body: `internal error: ${String(err)}\n` });
    });
  }

  private respond(r: ServiceResponse): void {
    const h = this.host;
    if (h.isClosed) return this.done(0);
    const body = typeof r.body === 'string' ? Buffer.from(r.body, 'utf8') : r.body;
    let text = `HTTP/1.1 ${r.status} ${REASONS[r.status] ?? 'Unknown'}\r\n`;
    for (const [k, v] of r.headers) {
      const lk = k.toLowerCase();
      if (lk === 'content-length' || lk === 'transfer-encoding' || lk === 'connection') continue;
      text += `${k}: ${v}\r\n`;
    }
    text += `content-length: ${body.length}\r\n`;
    if (!h.clientKeep) text += 'connection: close\r\n';
    text += '\r\n';
    const headBuf = Buffer.from(text, 'latin1');
    const withBody = h.parser.head.method !== 'HEAD' && body.length > 0;
    if (withBody) h.sock.writev([headBuf, body]);
    else h.sock.write(headBuf);
    h.facts.status = r.status;
    this.done(headBuf.length + (withBody ? body.length : 0));
  }
}
