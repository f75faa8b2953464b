// tcp-check / http-check expect evaluation and the HTTP response reader (tables; no sockets).
import test from 'ava';
import {
  compileHttpExpect, compileTcpExpect, evalHttpExpect, evalTcpExpect, readHttpResponse, statusInList, CHECK_BUFSIZE,
} from '../../../src/proxy/check/expect.js';

const B = (s: string) => Buffer.from(s, 'latin1');

test('tcp expect: match, negation, waiting for more, EOF/full/min-recv ends the wait', (t) => {
  const str = compileTcpExpect({ negate: false, match: 'string', pattern: '+OK POP3 ready' }, 2);
  t.is(evalTcpExpect(str, B('+OK POP3 ready\r\n'), false).kind, 'pass');
  t.is(evalTcpExpect(str, B('+OK PO'), false).kind, 'wait');
  const f = evalTcpExpect(str, B('-ERR go away\r\n'), true);
  t.is(f.kind, 'fail');
  t.like(f, { status: 'L7RSP', info: "TCPCHK did not match content '+OK POP3 ready' at step 2" });
  t.is(evalTcpExpect(str, Buffer.alloc(CHECK_BUFSIZE, 'a'), false).kind, 'fail');
  const neg = compileTcpExpect({ negate: true, match: 'string', pattern: 'ERR' }, 1);
  t.is(evalTcpExpect(neg, B('+OK'), true).kind, 'pass');
  t.is(evalTcpExpect(neg, B('+OK'), false).kind, 'wait');
  t.is(evalTcpExpect(neg, B('-ERR'), false).kind, 'fail');
  const min = compileTcpExpect({ negate: false, match: 'string', pattern: 'zz', minRecv: 3 }, 1);
  t.is(evalTcpExpect(min, B('abc'), false).kind, 'fail');
  t.is(evalTcpExpect(min, B('ab'), false).kind, 'wait');
});

test('tcp expect: binary, rbinary, rstring', (t) => {
  const bin = compileTcpExpect({ negate: false, match: 'binary', pattern: '0500' }, 1);
  t.is(evalTcpExpect(bin, Buffer.from([5, 0]), false).kind, 'pass');
  t.is(evalTcpExpect(bin, Buffer.from([5, 0xff]), true).kind, 'fail');
  const rb = compileTcpExpect({ negate: false, match: 'rbinary', pattern: '^05..$' }, 1);
  t.is(evalTcpExpect(rb, Buffer.from([5, 0x42]), false).kind, 'pass');
  const rs = compileTcpExpect({ negate: false, match: 'rstring', pattern: '^HTTP/1.1 204' }, 1);
  t.is(evalTcpExpect(rs, B('HTTP/1.1 204 No Content\r\n\r\n'), false).kind, 'pass');
  t.is(evalTcpExpect(rs, B('HTTP/1.1 200 OK\r\n\r\n'), true).kind, 'fail');
  t.throws(() => compileTcpExpect({ negate: false, match: 'binary', pattern: 'zz' }, 1));
});

test('HTTP reader: status line, headers, bodies by length / chunked / EOF, garbage', (t) => {
  t.is(readHttpResponse(B('HTTP/1.1 20'), false).kind, 'wait');
  t.like(readHttpResponse(B('SSH-2.0-OpenSSH\r\n'), false), { kind: 'bad' });
  t.like(readHttpResponse(B(''), true), { kind: 'bad', info: 'empty response' });
  const cl = readHttpResponse(B('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhello'), false);
  t.true(cl.kind === 'ok' && cl.res.complete && cl.res.body.toString() === 'hello' && cl.res.code === 200);
  const partial = readHttpResponse(B('HTTP/1.0 200 OK\r\nContent-Length: 5\r\n\r\nhe'), false);
  t.true(partial.kind === 'ok' && !partial.res.complete);
  const ch = readHttpResponse(B('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2\r\nde\r\n0\r\n\r\n'), false);
  t.true(ch.kind === 'ok' && ch.res.complete && ch.res.body.toString() === 'abcde');
  const eof = readHttpResponse(B('HTTP/1.0 503 Service Unavailable\r\n\r\nbusy'), true);
  t.true(eof.kind === 'ok' && eof.res.code === 503 && eof.res.reason === 'Service Unavailable' && eof.res.body.toString() === 'busy');
});

test('HTTP expect: status lists, rstatus, string/rstring, negation, failure statuses', (t) => {
  t.true(statusInList(302, '200,300-399'));
  t.false(statusInList(404, '200,300-399'));
  const res = (code: number, body = '') => ({ code, reason: 'R', headers: new Map(), body: B(body), complete: true });
  const st = compileHttpExpect({ negate: false, match: 'status', pattern: '200-399' }, 3);
  t.is(evalHttpExpect(st, res(204)).kind, 'pass');
  t.like(evalHttpExpect(st, res(503)), { kind: 'fail', status: 'L7STS', code: 503 });
  const rst = compileHttpExpect({ negate: false, match: 'rstatus', pattern: '^[23]' }, 3);
  t.is(evalHttpExpect(rst, res(301)).kind, 'pass');
  t.like(evalHttpExpect(rst, res(500)), { kind: 'fail', status: 'L7STS' });
  const s = compileHttpExpect({ negate: false, match: 'string', pattern: 'test me' }, 3);
  t.is(evalHttpExpect(s, res(200, 'x test me y')).kind, 'pass');
  t.like(evalHttpExpect(s, res(200, 'nope')), { kind: 'fail', status: 'L7RSP' });
  t.is(evalHttpExpect(s, { ...res(200, 'te'), complete: false }).kind, 'wait');
  const ns = compileHttpExpect({ negate: true, match: 'rstring', pattern: 'maintenance' }, 3);
  t.is(evalHttpExpect(ns, res(200, 'all good')).kind, 'pass');
  t.like(evalHttpExpect(ns, res(200, 'in maintenance')), { kind: 'fail', status: 'L7RSP' });
});
