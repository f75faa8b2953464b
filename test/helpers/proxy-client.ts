// Clients for data-plane tests: a raw TCP exchange (exact bytes in, bytes out, did the proxy close?), a minimal
// HTTP/1.1 response splitter, and a node:http request helper.
import net from 'node:net';
import http from 'node:http';

export interface RawResult {
  readonly data: Buffer;
  readonly text: string;
  /** The proxy closed the connection (FIN or reset) before the wait ended. */
  readonly closed: boolean;
  readonly reset: boolean;
}

/**
 * Sends `parts` (written one after another, `gapMs` apart) and collects what comes back until the peer closes or
 * `waitMs` passes after the last write. `halfClose` sends FIN after the last part.
 */
export function rawExchange(
  port: number,
  parts: (string | Buffer)[] | string | Buffer,
  opts: { gapMs?: number; waitMs?: number; halfClose?: boolean; host?: string } = {},
): Promise<RawResult> {
  const list = Array.isArray(parts) ? parts : [parts];
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let reset = false;
    let done = false;
    const s = net.connect({ port, host: opts.host ?? '127.0.0.1', allowHalfOpen: true });
    let timer: NodeJS.Timeout | undefined;
    const finish = (closed: boolean): void => {
      if (done) return;
      done = true;
      if (timer) clearTimeout(timer);
      s.destroy();
      const data = Buffer.concat(chunks);
      resolve({ data, text: data.toString('latin1'), closed, reset });
    };
    s.on('data', (c: Buffer) => chunks.push(c));
    s.on('error', (e: NodeJS.ErrnoException) => {
      if (e.code === 'ECONNRESET') reset = true;
    });
    s.on('end', () => finish(true));
    s.on('close', () => finish(true));
    s.on('connect', async () => {
      for (let i = 0; i < list.length; i++) {
        if (done) return;
        s.write(list[i]!);
        if (opts.gapMs && i + 1 < list.length) await new Promise((r) => setTimeout(r, opts.gapMs));
      }
      if (opts.halfClose) s.end();
      timer = setTimeout(() => finish(false), opts.waitMs ?? 2000);
    });
  });
}

export interface ParsedResponse {
  readonly status: number;
  readonly statusLine: string;
  readonly headers: Record<string, string>;
  readonly rawHead: string;
  readonly body: string;
}

/** Splits concatenated responses (Content-Length or chunked bodies; no-body statuses honoured). */
export function parseResponses(text: string, headRequests = 0): ParsedResponse[] {
  const out: ParsedResponse[] = [];
  let rest = text;
  let heads = headRequests;
  while (rest.length > 0) {
    const end = rest.indexOf('\r\n\r\n');
    if (end < 0) break;
    const rawHead = rest.slice(0, end);
    const lines = rawHead.split('\r\n');
    const statusLine = lines[0]!;
    const status = Number(statusLine.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const l of lines.slice(1)) {
      const i = l.indexOf(':');
      const k = l.slice(0, i).trim().toLowerCase();
      headers[k] = headers[k] === undefined ? l.slice(i + 1).trim() : `${headers[k]}, ${l.slice(i + 1).trim()}`;
    }
    rest = rest.slice(end + 4);
    let body = '';
    const noBody = status < 200 || status === 204 || status === 304 || heads-- > 0;
    if (!noBody && headers['transfer-encoding']?.includes('chunked')) {
      for (;;) {
        const lf = rest.indexOf('\r\n');
        const size = parseInt(rest.slice(0, lf), 16);
        rest = rest.slice(lf + 2);
        if (size === 0) {
          rest = rest.slice(rest.indexOf('\r\n') + 2);
          break;
        }
        body += rest.slice(0, size);
        rest = rest.slice(size + 2);
      }
    } else if (!noBody && headers['content-length'] !== undefined) {
      const n = Number(headers['content-length']);
      body = rest.slice(0, n);
      rest = rest.slice(n);
    } else if (!noBody && status >= 200) {
      body = rest;
      rest = '';
    }
    out.push({ status, statusLine, headers, rawHead, body });
  }
  return out;
}

export interface SimpleResponse {
  readonly status: number;
  readonly headers: http.IncomingHttpHeaders;
  readonly body: string;
}

/** One request through node:http (keep-alive when an agent is given). */
export function request(
  port: number,
  path = '/',
  opts: { method?: string; headers?: Record<string, string>; body?: string | Buffer; agent?: http.Agent | false; timeoutMs?: number } = {},
): Promise<SimpleResponse> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, path, method: opts.method ?? 'GET', headers: opts.headers, agent: opts.agent ?? false }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString() }));
      res.on('error', reject);
    });
    req.setTimeout(opts.timeoutMs ?? 10_000, () => req.destroy(new Error('client timeout')));
    req.on('error', reject);
    req.end(opts.body);
  });
}
