// HTTP/1.x head parser: accepted heads, every smuggling/oversize refusal with its status and reason, and the same
// outcome whatever way the bytes are split into chunks.
import test from 'ava';
import { HeadParser, DONE, ERROR, NEED_MORE } from '../../../src/proxy/http/parser.js';

interface Outcome {
  r: number;
  status?: number;
  reason?: string;
  head?: { method: string; uri: string; minor: number; cl: number; chunked: boolean; n: number; canonical: boolean };
  rest?: string;
}

function feedAll(p: HeadParser, chunks: Buffer[]): Outcome {
  let r = NEED_MORE;
  let k = 0;
  while (k < chunks.length) {
    r = p.execute(chunks[k++]!);
    if (r !== NEED_MORE) break;
  }
  const unfed = Buffer.concat(chunks.slice(k)).toString('latin1');
  if (r === ERROR) return { r, status: p.errStatus, reason: p.errReason };
  if (r === NEED_MORE) return { r };
  const h = p.head;
  return {
    r,
    head: { method: h.method, uri: h.uri, minor: h.minor, cl: h.contentLength, chunked: h.chunked, n: h.n, canonical: h.canonical },
    rest: (p.rest?.toString('latin1') ?? '') + unfed,
  };
}

function parseReq(text: string, split?: number[]): Outcome {
  const buf = Buffer.from(text, 'latin1');
  const chunks: Buffer[] = [];
  let last = 0;
  for (const s of split ?? []) {
    chunks.push(buf.subarray(last, s));
    last = s;
  }
  chunks.push(buf.subarray(last));
  return feedAll(new HeadParser('request'), chunks);
}

const ok = (t: string): string => t;

test('simple GET parses with method, uri, version and rest', (t) => {
  const o = parseReq('GET /a?b=1 HTTP/1.1\r\nHost: x\r\n\r\nBODY');
  t.is(o.r, DONE);
  t.deepEqual(o.head, { method: 'GET', uri: '/a?b=1', minor: 1, cl: -1, chunked: false, n: 1, canonical: true });
  t.is(o.rest, 'BODY');
});

test('every split position gives the same result as one chunk', (t) => {
  const msgs = [
    'POST /x HTTP/1.1\r\nHost: a\r\nContent-Length: 3\r\nX-A:  v  \r\n\r\nabc',
    'GET / HTTP/1.0\nHost: a\n\n',
    '\r\n\r\nGET /p HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n',
    'GET / HTTP/1.1\r\nHost: a\r\n X: folded\r\n\r\n',
    'GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\n',
  ];
  for (const m of msgs) {
    const whole = parseReq(m);
    for (let i = 1; i < m.length; i++) {
      t.deepEqual(parseReq(m, [i]), whole, `split at ${i} of ${JSON.stringify(m)}`);
    }
    // byte by byte
    t.deepEqual(parseReq(m, Array.from({ length: m.length - 1 }, (_, i) => i + 1)), whole, `bytewise ${JSON.stringify(m)}`);
  }
});

const accepted: [string, string, Partial<NonNullable<Outcome['head']>>][] = [
  ['bare LF line ends accepted and marked non-canonical', 'GET / HTTP/1.1\nHost: a\n\n', { canonical: false }],
  ['HTTP/1.0', 'GET / HTTP/1.0\r\n\r\n', { minor: 0 }],
  ['HTTP/1.2 handled as 1.1', 'GET / HTTP/1.2\r\n\r\n', { minor: 1 }],
  ['absolute-form target', 'GET http://h/p?q HTTP/1.1\r\nHost: h\r\n\r\n', { uri: 'http://h/p?q' }],
  ['asterisk-form', 'OPTIONS * HTTP/1.1\r\nHost: h\r\n\r\n', { uri: '*', method: 'OPTIONS' }],
  ['CONNECT authority-form', 'CONNECT h:443 HTTP/1.1\r\nHost: h:443\r\n\r\n', { uri: 'h:443', method: 'CONNECT' }],
  ['chunked final coding', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip, chunked\r\n\r\n', { chunked: true }],
  ['TE split across lines, chunked last', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\nTransfer-Encoding: chunked\r\n\r\n', { chunked: true }],
  ['content-length', 'POST / HTTP/1.1\r\ncontent-length: 0012\r\n\r\n', { cl: 12 }],
  ['custom method token', 'PROPFIND / HTTP/1.1\r\n\r\n', { method: 'PROPFIND' }],
  ['obs-text in a value', 'GET / HTTP/1.1\r\nX: caf\xe9\r\n\r\n', { n: 1 }],
  ['empty header value', 'GET / HTTP/1.1\r\nX:\r\n\r\n', { n: 1 }],
  ['leading empty lines skipped', '\r\n\nGET / HTTP/1.1\r\n\r\n', { method: 'GET' }],
];
for (const [name, msg, expect] of accepted) {
  test(`accepts: ${name}`, (t) => {
    const o = parseReq(ok(msg));
    t.is(o.r, DONE, JSON.stringify(o));
    for (const [k, v] of Object.entries(expect)) t.deepEqual((o.head as Record<string, unknown>)[k], v, k);
  });
}

const refused: [string, string, number, string][] = [
  ['CL + TE (smuggling)', 'POST / HTTP/1.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'te-with-cl'],
  ['TE + CL in the other order', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n', 400, 'te-with-cl'],
  ['conflicting Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\n', 400, 'cl-duplicate'],
  ['duplicate identical Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n', 400, 'cl-duplicate'],
  ['Content-Length list', 'POST / HTTP/1.1\r\nContent-Length: 5, 5\r\n\r\n', 400, 'cl-invalid'],
  ['signed Content-Length', 'POST / HTTP/1.1\r\nContent-Length: +5\r\n\r\n', 400, 'cl-invalid'],
  ['huge Content-Length', 'POST / HTTP/1.1\r\nContent-Length: 1234567890123456\r\n\r\n', 400, 'cl-invalid'],
  ['empty Content-Length', 'POST / HTTP/1.1\r\nContent-Length:\r\n\r\n', 400, 'cl-invalid'],
  ['obs-fold', 'GET / HTTP/1.1\r\nX-A: a\r\n b\r\n\r\n', 400, 'obs-fold'],
  ['obs-fold with tab', 'GET / HTTP/1.1\r\nX-A: a\r\n\tb\r\n\r\n', 400, 'obs-fold'],
  ['space before colon', 'GET / HTTP/1.1\r\nHost : a\r\n\r\n', 400, 'bad-header-name'],
  ['bare CR in a value', 'GET / HTTP/1.1\r\nX: a\rb\r\n\r\n', 400, 'bare-cr'],
  ['bare CR ending a line', 'GET / HTTP/1.1\rHost: a\r\n\r\n', 400, 'bad-version'],
  ['NUL in a value', 'GET / HTTP/1.1\r\nX: a\x00b\r\n\r\n', 400, 'bad-header-value'],
  ['CTL in a value', 'GET / HTTP/1.1\r\nX: a\x01b\r\n\r\n', 400, 'bad-header-value'],
  ['bad char in header name', 'GET / HTTP/1.1\r\nX(y): a\r\n\r\n', 400, 'bad-header-name'],
  ['no colon', 'GET / HTTP/1.1\r\nXy\r\n\r\n', 400, 'bad-header-name'],
  ['bad method char', 'G\x01T / HTTP/1.1\r\n\r\n', 400, 'bad-method'],
  ['lower-case method token is fine but @ is not', 'GE@T / HTTP/1.1\r\n\r\n', 400, 'bad-method'],
  ['double space after method', 'GET  / HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['space in URI', 'GET /a b HTTP/1.1\r\n\r\n', 400, 'bad-version'],
  ['quote in URI', 'GET /a"b HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['brace in URI', 'GET /a{b HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['fragment in URI', 'GET /a#b HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['8-bit byte in URI', 'GET /caf\xe9 HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['DEL in URI', 'GET /a\x7f HTTP/1.1\r\n\r\n', 400, 'bad-uri'],
  ['HTTP/0.9 request', 'GET /\r\n\r\n', 400, 'bad-uri'],
  ['HTTP/2 preface', 'PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n', 400, 'bad-version'],
  ['other protocol', 'GET / RTSP/1.0\r\n\r\n', 400, 'bad-version'],
  ['two-digit minor', 'GET / HTTP/1.10\r\n\r\n', 400, 'bad-version'],
  ['TE not final chunked', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, gzip\r\n\r\n', 400, 'te-not-chunked'],
  ['TE chunked twice', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked, chunked\r\n\r\n', 400, 'te-not-chunked'],
  ['TE gzip only', 'POST / HTTP/1.1\r\nTransfer-Encoding: gzip\r\n\r\n', 400, 'te-not-chunked'],
  ['TE identity', 'POST / HTTP/1.1\r\nTransfer-Encoding: identity\r\n\r\n', 400, 'te-not-chunked'],
  ['TE with parameters', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunked;q=1\r\n\r\n', 400, 'te-invalid'],
  ['TE chunkedx', 'POST / HTTP/1.1\r\nTransfer-Encoding: chunkedx\r\n\r\n', 400, 'te-not-chunked'],
  ['TE in HTTP/1.0', 'POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n', 400, 'te-http10'],
  ['empty TE', 'POST / HTTP/1.1\r\nTransfer-Encoding: \r\n\r\n', 400, 'te-invalid'],
  ['TE with vertical tab', 'POST / HTTP/1.1\r\nTransfer-Encoding: \x0bchunked\r\n\r\n', 400, 'bad-header-value'],
  ['two Host headers', 'GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n', 400, 'host-duplicate'],
  ['oversized request line', `GET /${'a'.repeat(16000)} HTTP/1.1\r\n\r\n`, 414, 'uri-too-long'],
  ['oversized headers', `GET / HTTP/1.1\r\n${'X-Long: ' + 'b'.repeat(8000) + '\r\n'}${'X-Long2: ' + 'b'.repeat(8000) + '\r\n'}\r\n`, 431, 'head-too-large'],
  ['too many headers', `GET / HTTP/1.1\r\n${'X: 1\r\n'.repeat(102)}\r\n`, 431, 'too-many-headers'],
];
for (const [name, msg, status, reason] of refused) {
  test(`refuses: ${name} -> ${status} ${reason}`, (t) => {
    const o = parseReq(msg);
    t.is(o.r, ERROR, JSON.stringify(o));
    t.is(o.status, status);
    t.is(o.reason, reason);
    // Same verdict when fed in 7-byte pieces.
    const splits = [];
    for (let i = 7; i < msg.length; i += 7) splits.push(i);
    const o2 = parseReq(msg, splits);
    t.is(o2.status, status, 'split');
  });
}

test('an unterminated oversized head is refused before the end arrives (no unbounded buffering)', (t) => {
  const p = new HeadParser('request');
  t.is(p.execute(Buffer.from('GET / HTTP/1.1\r\n')), NEED_MORE);
  let r = NEED_MORE;
  let fed = 0;
  while (r === NEED_MORE && fed < 100_000) {
    r = p.execute(Buffer.from('X-A: ' + 'z'.repeat(1000) + '\r\n'));
    fed += 1007;
  }
  t.is(r, ERROR);
  t.is(p.errStatus, 431);
  t.true(fed < 17_000);
});

test('an endless request line is refused with 414 without a LF ever arriving', (t) => {
  const p = new HeadParser('request');
  let r = p.execute(Buffer.from('GET /'));
  for (let i = 0; i < 40 && r === NEED_MORE; i++) r = p.execute(Buffer.alloc(1000, 0x61));
  t.is(r, ERROR);
  t.is(p.errStatus, 414);
});

test('headers are available as strings, values split on commas', (t) => {
  const p = new HeadParser('request');
  t.is(p.execute(Buffer.from('GET / HTTP/1.1\r\nHost: www.Example.com:80\r\nX-L: a, b\r\nx-l: c\r\nConnection: Keep-Alive, Upgrade\r\nUpgrade: websocket\r\n\r\n')), DONE);
  const h = p.head;
  t.is(h.header('host'), 'www.Example.com:80');
  t.deepEqual(h.values('x-l'), ['a', 'b', 'c']);
  t.deepEqual(h.fullValues('x-l'), ['a, b', 'c']);
  t.true(h.connKeepAlive);
  t.true(h.connUpgrade);
  t.true(h.upgrade);
  t.false(h.connClose);
  t.is(h.firstLine(), 'GET / HTTP/1.1');
});

test('pipelined requests: rest holds the next request, parsed next', (t) => {
  const p = new HeadParser('request');
  t.is(p.execute(Buffer.from('GET /1 HTTP/1.1\r\n\r\nGET /2 HTTP/1.1\r\n\r\n')), DONE);
  t.is(p.head.uri, '/1');
  const rest = p.rest!;
  t.is(p.execute(rest), DONE);
  t.is(p.head.uri, '/2');
  t.is(p.rest, undefined);
});

// ---- responses --------------------------------------------------------------------------------

function parseResp(text: string): Outcome & { status?: number } {
  const p = new HeadParser('response');
  const r = p.execute(Buffer.from(text, 'latin1'));
  if (r === ERROR) return { r, status: p.errStatus, reason: p.errReason };
  return { r, status: p.head.status, head: { method: '', uri: '', minor: p.head.minor, cl: p.head.contentLength, chunked: p.head.chunked, n: p.head.n, canonical: p.head.canonical } };
}

test('responses: status line forms and framing', (t) => {
  t.is(parseResp('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok').head?.cl, 2);
  t.is(parseResp('HTTP/1.1 204\r\n\r\n').status, 204);
  t.is(parseResp('HTTP/1.0 404 Not Found\r\n\r\n').head?.minor, 0);
  const both = parseResp('HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n');
  t.is(both.head?.cl, -1, 'TE overrides CL in responses');
  t.true(both.head?.chunked);
  const notFinal = parseResp('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked, gzip\r\n\r\n');
  t.is(notFinal.r, DONE);
  t.false(notFinal.head?.chunked, 'read until close');
});

test('responses: garbage and invalid heads map to 502', (t) => {
  for (const g of ['garbage garbage\r\n\r\n', 'HTTP/1.1 2000 OK\r\n\r\n', 'HTTP/1.1 099 X\r\n\r\n', 'HTTP/1.1 200 OK\r\nBad Name: x\r\n\r\n',
    'HTTP/1.1 200 OK\r\nContent-Length: 1\r\nContent-Length: 2\r\n\r\n', 'HTTP/2 200\r\n\r\n', 'HTTP/1.1 200OK\r\n\r\n']) {
    const o = parseResp(g);
    t.is(o.r, ERROR, g);
    t.is(o.status, 502, g);
  }
});
