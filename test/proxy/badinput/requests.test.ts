// Bad client input through the real proxy: smuggling attempts and invalid requests -> 400 + close (nothing reaches
// the server), oversized heads -> 414/431, slowloris -> 408, a client cut mid-head -> 400. Each answered with
// haproxy's exact page.
import test from 'ava';
import { startInProcess, trafficLogs, type InProcessProxy } from '../../helpers/proxy-harness.js';
import { startHttpBackend, type HttpBackend } from '../../helpers/proxy-servers.js';
import { rawExchange } from '../../helpers/proxy-client.js';

let px: InProcessProxy;
let be: HttpBackend;

test.before(async () => {
  be = await startHttpBackend('b1');
  px = await startInProcess(`
defaults
  mode http
  timeout connect 2s
  timeout client 5s
  timeout server 5s
  timeout http-request 600ms
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  default_backend app
backend app
  server s1 127.0.0.1:${be.port}
`);
});

test.after.always(async () => {
  await px?.close();
  await be?.close();
});

const PAGE_400 = 'HTTP/1.1 400 Bad request\r\nContent-length: 90\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text/html\r\n\r\n<html><body><h1>400 Bad request</h1>\nYour browser sent an invalid request.\n</body></html>\n';

const smuggling: [string, string][] = [
  ['CL.TE', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG'],
  ['TE.CL', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n'],
  ['duplicate CL', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 0\r\n\r\n'],
  ['conflicting CL', 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde'],
  ['TE obfuscated by space before colon', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n'],
  ['TE obfuscated by obs-fold', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding:\r\n chunked\r\n\r\n0\r\n\r\n'],
  ['TE xchunked', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: xchunked\r\n\r\n'],
  ['TE chunked then identity', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n'],
  ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n'],
  ['bare CR in header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\rTransfer-Encoding: chunked\r\n\r\n'],
  ['NUL in header', 'GET / HTTP/1.1\r\nHost: x\r\nX-A: a\0b\r\n\r\n'],
  ['bad chunk size in body', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n'],
  ['bare LF in chunk framing', 'POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n3\nabc\r\n0\r\n\r\n'],
  ['invalid method', 'G(T / HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['invalid URI char', 'GET /a<b> HTTP/1.1\r\nHost: x\r\n\r\n'],
  ['invalid header name char', 'GET / HTTP/1.1\r\nHost: x\r\nX@Y: z\r\n\r\n'],
  ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'],
  ['binary garbage', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03'],
];

for (const [name, msg] of smuggling) {
  test.serial(`smuggling/invalid: ${name} -> 400 + close, nothing forwarded`, async (t) => {
    const before = be.requests;
    const r = await rawExchange(px.port('fe'), msg + 'GET /second HTTP/1.1\r\nHost: x\r\n\r\n', { waitMs: 1500 });
    t.true(r.closed, 'connection closed');
    t.is(r.text, PAGE_400);
    t.is(be.requests, before, 'backend saw nothing');
  });
}

test.serial('oversized request line -> 414 + close', async (t) => {
  const r = await rawExchange(px.port('fe'), `GET /${'a'.repeat(20000)} HTTP/1.1\r\nHost: x\r\n\r\n`);
  t.true(r.closed);
  t.regex(r.text, /^HTTP\/1\.1 414 Request-URI Too Long\r\nContent-length: \d+\r\nCache-Control: no-cache\r\nConnection: close\r\n/);
});

test.serial('oversized headers -> 431 + close; too many headers -> 431', async (t) => {
  const big = await rawExchange(px.port('fe'), `GET / HTTP/1.1\r\nHost: x\r\nX-Big: ${'b'.repeat(17000)}\r\n\r\n`);
  t.true(big.closed);
  t.regex(big.text, /^HTTP\/1\.1 431 Request Header Fields Too Large\r\n/);
  const many = await rawExchange(px.port('fe'), `GET / HTTP/1.1\r\nHost: x\r\n${'X-A: 1\r\n'.repeat(120)}\r\n`);
  t.regex(many.text, /^HTTP\/1\.1 431 /);
});

test.serial('slowloris: a head trickling in is cut by timeout http-request with 408', async (t) => {
  const start = Date.now();
  const parts = ['GET / HTTP/1.1\r\n', 'Host: x\r\n', 'X-1: a\r\n', 'X-2: a\r\n', 'X-3: a\r\n', 'X-4: a\r\n', 'X-5: a\r\n', 'X-6: a\r\n'];
  const r = await rawExchange(px.port('fe'), parts, { gapMs: 200, waitMs: 2000 });
  const took = Date.now() - start;
  t.true(r.closed);
  t.regex(r.text, /^HTTP\/1\.1 408 Request Time-out\r\nContent-length: 110\r\nCache-Control: no-cache\r\nConnection: close\r\nContent-Type: text\/html\r\n\r\n<html><body><h1>408 Request Time-out<\/h1>\nYour browser didn't send a complete request in time\.\n<\/body><\/html>\n$/);
  t.true(took >= 550 && took < 1500, `closed after ${took} ms (timeout http-request 600ms)`);
  const l = trafficLogs(px.logs).find((x) => x.status === 408);
  t.is(String(l?.termination_state).slice(0, 2), 'cR');
});

test.serial('a silent connection is closed after timeout http-request without a reply, logged 408 cR-- (as haproxy)', async (t) => {
  const seen = px.logs.length;
  const r = await rawExchange(px.port('fe'), [], { waitMs: 2000 });
  t.true(r.closed);
  t.is(r.text, '');
  const l = trafficLogs(px.logs.slice(seen))[0];
  t.is(l?.status, 408);
  t.is(l?.termination_state, 'cR--');
  t.is(l?.request, '<BADREQ>');
});

test.serial('a client that shuts down mid-head gets 400 (haproxy 2.6 does the same)', async (t) => {
  const r = await rawExchange(px.port('fe'), 'GET /x HTTP/1.1\r\nHost: x\r\n', { halfClose: true, waitMs: 1000 });
  t.true(r.closed);
  t.is(r.text, PAGE_400);
});

test.serial('a valid request after all this still works', async (t) => {
  const r = await rawExchange(px.port('fe'), 'GET /ok HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n');
  t.regex(r.text, /^HTTP\/1\.1 200 OK\r\n/);
  t.true(r.text.endsWith('b1 GET /ok 0\n'));
});
