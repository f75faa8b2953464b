// timeout connect on the data plane against the real haproxy 2.6: a server whose accept queue is full (SYNs
// dropped), `retries 1`, the same config through both proxies. Compared: the bytes the HTTP client gets (503 page),
// what the TCP client gets (nothing, then a close), the termination state and retries in the log, and the time
// (two connect timeouts, no pause between them).
import test from 'ava';
import net from 'node:net';
import { freePort } from '../../helpers/proxy-harness.js';
import { blackHole } from '../../helpers/backend-net.js';
import { rawExchange } from '../../helpers/proxy-client.js';
import { sideBySide, logParts } from '../../helpers/haproxy-side-by-side.js';

function tcpClient(port: number): Promise<{ bytes: number; ms: number }> {
  return new Promise((resolve) => {
    const t0 = Date.now();
    let bytes = 0;
    const s = net.connect(port, '127.0.0.1', () => s.write('hello'));
    s.on('data', (c: Buffer) => (bytes += c.length));
    s.on('error', () => undefined);
    s.on('close', () => resolve({ bytes, ms: Date.now() - t0 }));
    s.setTimeout(5000, () => s.destroy());
  });
}

test('timeout connect with retries 1: same client view and log line as haproxy 2.6, http and tcp', async (t) => {
  const hole = await blackHole();
  t.teardown(() => hole.close());
  const [http, tcp] = [await freePort(), await freePort()];
  const text = (logPort: number): string => [
    'global', `  log 127.0.0.1:${logPort} local0`,
    'defaults', '  log global', '  option dontlognull', '  retries 1', '  timeout connect 300ms', '  timeout client 5s', '  timeout server 5s',
    'listen web', '  mode http', '  option httplog', `  bind 127.0.0.1:${http}`, `  server s1 127.0.0.1:${hole.port}`,
    'listen raw', '  mode tcp', '  option tcplog', `  bind 127.0.0.1:${tcp}`, `  server s1 127.0.0.1:${hole.port}`,
    '',
  ].join('\n');
  const seen: Record<string, { http: string; httpMs: number; tcp: { bytes: number; ms: number } }> = {};
  const logs = await sideBySide(text, http, async (which) => {
    const t0 = Date.now();
    const [h, c] = await Promise.all([
      rawExchange(http, 'GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n', { waitMs: 3000 }).then((r) => ({ text: r.text, ms: Date.now() - t0 })),
      tcpClient(tcp),
    ]);
    seen[which] = { http: h.text, httpMs: h.ms, tcp: c };
  }, 2);
  const ha = seen.haproxy!;
  const me = seen.hapair!;
  t.regex(ha.http, /^HTTP\/1\.1 503 /, 'haproxy answers 503 after the connect timeouts');
  t.is(me.http, ha.http, 'same response bytes');
  t.is(me.tcp.bytes, 0);
  t.is(ha.tcp.bytes, 0);
  for (const v of [ha, me]) {
    t.true(v.httpMs >= 550 && v.httpMs < 2000, `two 300 ms connect timeouts, no pause: ${v.httpMs} ms`);
    t.true(v.tcp.ms >= 550 && v.tcp.ms < 2000, `tcp: ${v.tcp.ms} ms`);
  }
  const sum = (lines: string[]): string[] => lines.map((l) => {
    const p = logParts(l);
    return `${p.proxy} ${p.term} retries=${p.conns[4]}`;
  }).sort();
  t.log(sum(logs.haproxy).join(" | "));
  t.deepEqual(sum(logs.hapair), sum(logs.haproxy), `haproxy:\n${logs.haproxy.join('\n')}\nhapair:\n${logs.hapair.join('\n')}`);
});
