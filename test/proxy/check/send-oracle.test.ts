// HTTP check requests on the wire, hapair vs the real haproxy 2.6: the same `option httpchk` / `http-check send`
// lines go through haproxy and through our loader + plan + engine; both requests must be identical (header names
// compared case-insensitively: haproxy lowercases them on HTTP/1). Pins the option/send merge (finalize.ts).
import test from 'ava';
import { parseProxyText } from '../../../src/proxy/config/load.js';
import { healthPlan, healthTarget } from '../../../src/proxy/check/plan.js';
import { runProbe } from '../../../src/proxy/check/engine.js';
import { startHaproxy } from '../../helpers/backend-haproxy.js';
import { httpServer, type TestServer } from '../../helpers/check-servers.js';
import { FakeRuntime } from '../../helpers/check-fixtures.js';

/** Request head lines with lowercased header names (the request line itself is kept as is). */
function normalise(raw: string): string[] {
  const [head, body = ''] = raw.split('\r\n\r\n');
  const [first, ...headers] = head!.split('\r\n');
  return [first!, ...headers.map((h) => h.replace(/^[^:]+/, (n) => n.toLowerCase())), `body=${body}`];
}

async function firstRequest(srv: TestServer, timeoutMs = 5000): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const got = srv.received.find((b) => b.includes('\r\n\r\n'));
    if (got) return got.toString('latin1');
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('no check request arrived');
}

async function viaHaproxy(lines: readonly string[]): Promise<string> {
  const srv = await httpServer(() => ({ status: 200 }));
  const hap = await startHaproxy([...lines, `server s1 127.0.0.1:${srv.port} check inter 100`].map((l) => `  ${l}`).join('\n'));
  try {
    return await firstRequest(srv);
  } finally {
    await hap.stop();
    await srv.close();
  }
}

async function viaHapair(lines: readonly string[]): Promise<string> {
  const srv = await httpServer(() => ({ status: 200 }));
  try {
    const text = ['defaults', '  mode http', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s', 'listen l', '  bind 127.0.0.1:1',
      ...[...lines, `server s1 127.0.0.1:${srv.port} check`].map((l) => `  ${l}`)].join('\n') + '\n';
    const r = parseProxyText(text, 'oracle.cfg');
    if (!r.config) throw new Error(r.diagnostics.map((d) => `${d.line}: ${d.message}`).join('\n'));
    const rt = new FakeRuntime(r.config);
    const out = await runProbe({ plan: healthPlan(rt.backends.get('l')!.section.healthCheck), target: healthTarget(rt.server('l', 's1')), interMs: 2000, serverDown: false });
    if (out.status !== 'L7OK') throw new Error(`probe: ${out.status} ${out.info}`);
    return await firstRequest(srv);
  } finally {
    await srv.close();
  }
}

const ROWS: [string, string[]][] = [
  ['plain option httpchk', ['option httpchk']],
  ['send without hdr keeps the option line headers', ['option httpchk GET /x HTTP/1.1\\r\\nHost:\\ foo\\r\\nX-A:\\ b', 'http-check send meth GET']],
  ['send with hdr replaces the option line headers', ['option httpchk GET /x HTTP/1.1\\r\\nHost:\\ foo\\r\\nX-A:\\ b', 'http-check send meth GET hdr X-B c']],
  ['send fields override method and version', ['option httpchk GET /h', 'http-check send meth HEAD ver HTTP/1.1 hdr Host app']],
];

for (const [name, lines] of ROWS) {
  test.serial(`http check request like haproxy 2.6: ${name}`, async (t) => {
    const [theirs, ours] = [await viaHaproxy(lines), await viaHapair(lines)];
    t.deepEqual(normalise(ours), normalise(theirs));
  });
}
