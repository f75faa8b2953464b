// The actconn/feconn/beconn/srv_conn/retries block of tcplog and httplog lines against the real haproxy 2.6: one
// request at a time through the same config, side by side. haproxy writes the line after it released the server
// connection (HTTP: end of the transaction; TCP: end of the stream), so beconn and srv_conn no longer count it.
import test from 'ava';
import net from 'node:net';
import { freePort } from '../../helpers/proxy-harness.js';
import { namedServers } from '../../helpers/backend-haproxy.js';
import { sideBySide, logParts } from '../../helpers/haproxy-side-by-side.js';

/** One HTTP/1.0 exchange on a fresh connection, read to the close. */
function once(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => s.write('GET / HTTP/1.0\r\nHost: x\r\n\r\n'));
    s.on('data', () => undefined);
    s.on('error', reject);
    s.on('close', () => resolve());
  });
}

test('connection counters in log lines: same as haproxy 2.6 for sequential http and tcp requests', async (t) => {
  const be = await namedServers(1);
  t.teardown(() => be.close());
  const [http, tcp] = [await freePort(), await freePort()];
  const text = (logPort: number): string => [
    'global', `  log 127.0.0.1:${logPort} local0`,
    'defaults', '  log global', '  option dontlognull', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    'listen web', '  mode http', '  option httplog', `  bind 127.0.0.1:${http}`, `  server s1 127.0.0.1:${be.ports[0]}`,
    'listen raw', '  mode tcp', '  option tcplog', `  bind 127.0.0.1:${tcp}`, `  server s1 127.0.0.1:${be.ports[0]}`,
    '',
  ].join('\n');
  const logs = await sideBySide(text, http, async () => {
    // sideBySide's readiness probe (a connect and close) must be gone before the first request: counted in actconn.
    await new Promise((r) => setTimeout(r, 150));
    for (let i = 0; i < 2; i++) {
      await once(http);
      await once(tcp);
      await new Promise((r) => setTimeout(r, 50));
    }
  }, 4);
  const conns = (lines: string[]): string[] => lines.map((l) => `${logParts(l).proxy} ${logParts(l).conns.join('/')}`).sort();
  t.deepEqual(conns(logs.haproxy), ['raw 1/1/0/0/0', 'raw 1/1/0/0/0', 'web 1/1/0/0/0', 'web 1/1/0/0/0'], logs.haproxy.join('\n'));
  t.deepEqual(conns(logs.hapair), conns(logs.haproxy), logs.hapair.join('\n'));
});
