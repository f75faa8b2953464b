// The log line names the client even when the client is gone before the line is written (aborts while waiting for
// the server, resets mid-request): haproxy has the address from accept(); a lazily read peer address would be empty.
import test from 'ava';
import net from 'node:net';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';

/** Connects, writes `text`, destroys the socket after `afterMs`; resolves with the client's own port. */
function abortAfter(port: number, text: string, afterMs: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.connect(port, '127.0.0.1', () => {
      const local = s.localPort!;
      s.write(text);
      setTimeout(() => {
        s.destroy();
        resolve(local);
      }, afterMs);
    });
    s.on('error', reject);
  });
}

for (const mode of ['http', 'tcp'] as const) {
  test(`${mode}: a client that aborts before the log line is still named in it (ip and port)`, async (t) => {
    // The server answers after 1.5 s: the client leaves after 150 ms, while the stream waits for the response.
    const be = await startHttpBackend('slow', (_req, res) => {
      const timer = setTimeout(() => res.end('late'), 1500);
      res.on('close', () => clearTimeout(timer));
    });
    const px = await startInProcess(`
defaults
  mode ${mode}
  timeout connect 1s
  timeout client 5s
  timeout server 5s
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option ${mode}log
  default_backend app
backend app
  server s1 127.0.0.1:${be.port}
`);
    try {
      const ports: number[] = [];
      for (let i = 0; i < 3; i++) ports.push(await abortAfter(px.port('fe'), 'GET /wait HTTP/1.1\r\nHost: x\r\n\r\n', 150));
      await until(() => trafficLogs(px.logs).length >= 3, 4000, 'three log lines');
      const lines = trafficLogs(px.logs);
      for (const l of lines) {
        t.is(l.client_ip, '127.0.0.1', JSON.stringify(l));
        t.regex(String(l.msg), /^127\.0\.0\.1:\d+ \[/);
        // haproxy 2.6 (checked by hand on this config): HTTP waits for the response and logs 200 ----; no
        // `option abortonclose`, so a client FIN after a complete request is not an abort.
        if (mode === 'http') t.is(l.termination_state, '----');
      }
      t.deepEqual(lines.map((l) => Number(l.client_port)).sort(), ports.sort(), 'each line carries its own client port');
    } finally {
      await px.close();
      await be.close();
    }
  });
}
