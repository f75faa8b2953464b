// HTTP timeouts through the real proxy: http-keep-alive closes idle connections between requests, timeout client
// cuts a client stalling mid-body (cD), timeout server cuts a server stalling mid-response (sD) and answers 504
// when no response started (sH).
import test from 'ava';
import http from 'node:http';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';
import { startHttpBackend, type HttpBackend } from '../../helpers/proxy-servers.js';
import { rawExchange } from '../../helpers/proxy-client.js';

let be: HttpBackend;
test.before(async () => {
  be = await startHttpBackend('b1', (req: http.IncomingMessage, res: http.ServerResponse) => {
    if (req.url === '/stall-body') {
      res.writeHead(200, { 'content-length': '100' });
      res.write('part');
      return; // never finishes
    }
    if (req.url === '/never') return;
    req.resume();
    req.on('end', () => res.end('ok'));
  });
});
test.after.always(async () => be?.close());

const cfg = () => `
defaults
  mode http
  timeout connect 1s
  timeout client 500ms
  timeout server 500ms
  timeout http-request 2s
  timeout http-keep-alive 300ms
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  default_backend app
backend app
  server s1 127.0.0.1:${be.port}
`;

test('timeout http-keep-alive closes an idle connection after a response, silently', async (t) => {
  const px = await startInProcess(cfg());
  try {
    const t0 = Date.now();
    const r = await rawExchange(px.port('fe'), 'GET /a HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 3000 });
    const ms = Date.now() - t0;
    t.true(r.closed);
    t.regex(r.text, /^HTTP\/1\.1 200 OK\r\n[\s\S]*ok$/);
    t.true(ms >= 250 && ms < 1500, `closed after ${ms} ms`);
  } finally {
    await px.close();
  }
});

test('timeout client: a client stalling in the middle of its body is cut (cD)', async (t) => {
  const px = await startInProcess(cfg());
  try {
    const r = await rawExchange(px.port('fe'), 'POST /up HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nonly-some', { waitMs: 3000 });
    t.true(r.closed);
    await until(() => trafficLogs(px.logs).length > 0, 2000);
    t.is(String(trafficLogs(px.logs)[0]!.termination_state).slice(0, 2), 'cD');
  } finally {
    await px.close();
  }
});

test('timeout server: 504 before the response head (sH), cut during the body (sD)', async (t) => {
  const px = await startInProcess(cfg());
  try {
    const a = await rawExchange(px.port('fe'), 'GET /never HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 1500 });
    t.regex(a.text, /^HTTP\/1\.1 504 Gateway Time-out\r\n/);
    const b = await rawExchange(px.port('fe'), 'GET /stall-body HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 3000 });
    t.true(b.closed);
    t.true(b.text.endsWith('part'));
    await until(() => trafficLogs(px.logs).length >= 2, 2000);
    const terms = trafficLogs(px.logs).map((l) => String(l.termination_state).slice(0, 2));
    t.deepEqual(terms, ['sH', 'sD']);
  } finally {
    await px.close();
  }
});
