// haproxy-style error responses byte for byte against the real haproxy 2.6: the same config and the same bad
// requests / misbehaving servers through both; 400, 408, 502, 503, 504 from bad input and servers, 403 and 500 from
// `http-request deny [deny_status 500]` (src/proxy/http/errors.ts has the pages).
import test from 'ava';
import { freePort, startInProcess } from '../../helpers/proxy-harness.js';
import { startRawServer, misbehave } from '../../helpers/proxy-servers.js';
import { rawExchange } from '../../helpers/proxy-client.js';
import { startHaproxy } from '../../helpers/haproxy-side-by-side.js';
import { errorResponse } from '../../../src/proxy/http/errors.js';

interface Probe {
  readonly name: string;
  readonly parts: string[];
  readonly waitMs: number;
  readonly gapMs?: number;
}
const PROBES: Probe[] = [
  { name: '400 conflicting Content-Length', parts: ['POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\nab'], waitMs: 400 },
  { name: '400 invalid method character', parts: ['G(T / HTTP/1.1\r\nHost: x\r\n\r\n'], waitMs: 400 },
  { name: '408 head not finished in time', parts: ['GET / HTTP/1.1\r\nHost: x\r\n'], waitMs: 900 },
  { name: '502 garbage from the server', parts: ['GET /garbage HTTP/1.1\r\nHost: x\r\n\r\n'], waitMs: 400 },
  { name: '503 no server', parts: ['GET /none HTTP/1.1\r\nHost: x\r\n\r\n'], waitMs: 400 },
  { name: '504 server silent', parts: ['GET /hang HTTP/1.1\r\nHost: x\r\n\r\n'], waitMs: 1100 },
  { name: '503 no server, HTTP/1.0 (close form)', parts: ['GET /none HTTP/1.0\r\n\r\n'], waitMs: 400 },
];
/** `http-request deny [deny_status 500]`: the 403 and 500 pages, from each proxy. */
const DENIED: [string, number][] = [['/deny', 403], ['/boom', 500]];
const denied = (port: number): Promise<string[]> =>
  Promise.all(DENIED.map(([path]) => rawExchange(port, `GET ${path} HTTP/1.1\r\nHost: x\r\n\r\n`, { waitMs: 400 }).then((r) => r.text)));

test('error responses: hapair sends the same bytes as haproxy 2.6 (400/408/502/503/504; 403/500 pages)', async (t) => {
  const garbage = await startRawServer(misbehave.garbage);
  const hang = await startRawServer(misbehave.hang);
  t.teardown(() => Promise.all([garbage.close(), hang.close()]));
  const port = await freePort();
  const text = [
    'defaults', '  mode http', '  timeout connect 1s', '  timeout client 5s', '  timeout server 600ms', '  timeout http-request 400ms',
    'frontend fe', `  bind 127.0.0.1:${port}`,
    '  http-request deny if { path /deny }', '  http-request deny deny_status 500 if { path /boom }',
    '  use_backend garbage if { path /garbage }', '  use_backend hang if { path /hang }', '  default_backend none',
    'backend garbage', `  server s 127.0.0.1:${garbage.port}`,
    'backend hang', `  server s 127.0.0.1:${hang.port}`,
    'backend none',
    '',
  ].join('\n');
  const got: Record<'haproxy' | 'hapair', string[]> = { haproxy: [], hapair: [] };
  const hap = await startHaproxy(text, port);
  const deniedBy: Record<'haproxy' | 'hapair', string[]> = { haproxy: [], hapair: [] };
  try {
    got.haproxy = await Promise.all(PROBES.map((p) => rawExchange(port, p.parts, { waitMs: p.waitMs }).then((r) => r.text)));
    deniedBy.haproxy = await denied(port);
  } finally {
    await hap();
  }
  const px = await startInProcess(text);
  try {
    got.hapair = await Promise.all(PROBES.map((p) => rawExchange(port, p.parts, { waitMs: p.waitMs }).then((r) => r.text)));
    deniedBy.hapair = await denied(port);
  } finally {
    await px.close();
  }
  PROBES.forEach((p, i) => {
    t.regex(got.haproxy[i]!, new RegExp(`^HTTP/1\\.[01] ${p.name.slice(0, 3)} `), `haproxy: ${p.name}`);
    t.is(got.hapair[i], got.haproxy[i], p.name);
  });
  DENIED.forEach(([path, status], i) => {
    t.is(deniedBy.haproxy[i], errorResponse(status as 403 | 500, false).toString('latin1'), `haproxy's ${status} page (${path}) is our built-in one`);
    t.is(deniedBy.hapair[i], deniedBy.haproxy[i], `${status} from http-request deny (${path})`);
  });
});
