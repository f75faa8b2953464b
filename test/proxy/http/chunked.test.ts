// Chunked framing scanner: message end found at every split, strict CRLF, size/ext/trailer limits.
import test from 'ava';
import { ChunkedScanner, CHUNKED_MORE, CHUNKED_ERROR } from '../../../src/proxy/http/chunked.js';

/** Feeds `msg` split at the given offsets; returns the absolute end offset, 'more' or the error. */
function scanAll(msg: string, splits: number[] = []): number | string {
  const buf = Buffer.from(msg, 'latin1');
  const s = new ChunkedScanner();
  const cuts = [0, ...splits, buf.length];
  for (let k = 0; k + 1 < cuts.length; k++) {
    const r = s.scan(buf, cuts[k]!, cuts[k + 1]!);
    if (r === CHUNKED_ERROR) return s.error!;
    if (r !== CHUNKED_MORE) return r;
  }
  return 'more';
}

const ends: [string, string, number][] = [
  ['single chunk', '5\r\nhello\r\n0\r\n\r\nNEXT', 15],
  ['hex sizes, upper and lower', 'A\r\n0123456789\r\nb\r\n0123456789a\r\n0\r\n\r\n', 36],
  ['extensions', '5;name=val;x\r\nhello\r\n0;last\r\n\r\n', 31],
  ['BWS before extension', '5 ;a=b\r\nhello\r\n0\r\n\r\n', 20],
  ['trailers', '3\r\nabc\r\n0\r\nX-T: 1\r\nX-U: 2\r\n\r\n', 29],
  ['empty body', '0\r\n\r\n', 5],
  ['leading zeros', '0005\r\nhello\r\n0\r\n\r\n', 18],
];
for (const [name, msg, end] of ends) {
  test(`chunked end: ${name}`, (t) => {
    t.is(scanAll(msg), end);
    for (let i = 1; i < msg.length; i++) t.is(scanAll(msg, [i]), end, `split ${i}`);
  });
}

const bad: [string, string, string][] = [
  ['bare LF after size', '5\nhello\r\n0\r\n\r\n', 'chunk-crlf'],
  ['bare LF after data', '5\r\nhello\n0\r\n\r\n', 'chunk-crlf'],
  ['bare CR after size', '5\rhello\r\n0\r\n\r\n', 'chunk-crlf'],
  ['data longer than size', '3\r\nhello\r\n0\r\n\r\n', 'chunk-crlf'],
  ['non-hex size', 'g\r\n', 'chunk-size'],
  ['empty size line', '\r\n', 'chunk-size'],
  ['negative size', '-1\r\n', 'chunk-size'],
  ['size overflow', 'fffffffffffffff\r\n', 'chunk-size'],
  ['0x prefix', '0x5\r\nhello\r\n', 'chunk-size'],
  ['CTL in extension', '5;a\x01\r\nhello\r\n', 'chunk-ext'],
  ['huge extension', `5;${'a'.repeat(5000)}\r\n`, 'chunk-ext'],
  ['bare LF ending trailers', '0\r\nX: 1\n\r\n', 'chunk-crlf'],
  ['folded trailer', '0\r\nX: 1\r\n y\r\n\r\n', 'chunk-trailer'],
  ['huge trailers', `0\r\n${'X: aaaaaaaaaa\r\n'.repeat(2000)}\r\n`, 'chunk-trailer'],
];
for (const [name, msg, err] of bad) {
  test(`chunked refused: ${name}`, (t) => {
    t.is(scanAll(msg), err);
  });
}

test('incomplete body asks for more and counts payload', (t) => {
  const s = new ChunkedScanner();
  const b = Buffer.from('10\r\n0123456789');
  t.is(s.scan(b, 0, b.length), CHUNKED_MORE);
  t.is(s.payload, 10);
  const c = Buffer.from('abcdef\r\n0\r\n\r\n');
  t.is(s.scan(c, 0, c.length), c.length);
  t.is(s.payload, 16);
  t.true(s.done);
});
