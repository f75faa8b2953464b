// Hash inputs: source words, uri whole/len/depth/path-only, url_param, hdr use_domain_only (haproxy backend.c).
import test from 'ava';
import { hdrKey, sourceWord, uriKey, uriPath, urlParamKey } from '../../../src/proxy/balancer/keys.js';

test('source: IPv4 is the big-endian address, IPv6 the XOR of four words, mapped IPv4 counts as IPv4', (t) => {
  t.is(sourceWord('198.18.0.1'), 0xc6120001);
  t.is(sourceWord('::ffff:198.18.0.1'), 0xc6120001);
  t.is(sourceWord('2001:db8::1'), (0x20010db8 ^ 0 ^ 0 ^ 1) >>> 0);
  t.is(sourceWord('::1'), 1);
  t.is(sourceWord('fe80::1:2:3:4%eth0'), (0xfe800000 ^ 0 ^ 0x00010002 ^ 0x00030004) >>> 0);
  t.is(sourceWord('not-an-ip'), undefined);
});

const U = { whole: false, pathOnly: false };
const uriTable: [string, Parameters<typeof uriKey>[1], string][] = [
  ['/a/b/c?x=1', U, '/a/b/c'],
  ['/a/b/c?x=1', { ...U, whole: true }, '/a/b/c?x=1'],
  ['/a/b/c?x=1', { ...U, len: 4 }, '/a/b'],
  ['/a/b/c?x=1', { ...U, depth: 1 }, '/a'],
  ['/a/b/c?x=1', { ...U, depth: 2 }, '/a/b'],
  ['/a/b/c?x=1', { ...U, depth: 5 }, '/a/b/c'],
  ['http://h.example:81/p/q?z', { ...U, pathOnly: true }, '/p/q'],
  ['http://h.example:81/p/q?z', U, 'http://h.example:81/p/q'],
  ['/?', U, '/'],
];
for (const [uri, opts, want] of uriTable) {
  test(`uri key ${uri} ${JSON.stringify(opts)} -> ${want}`, (t) => t.is(uriKey(uri, opts), want));
}

test('uriPath strips scheme and authority only from absolute URIs', (t) => {
  t.is(uriPath('/x'), '/x');
  t.is(uriPath('https://a.b/c?d'), '/c?d');
});

const paramTable: [string, string, string | undefined][] = [
  ['/p?user=bob&x=1', 'user', 'bob'],
  ['/p?x=1&user=bob', 'user', 'bob'],
  ['/p?x=1&user=', 'user', ''],
  ['/p?username=bob', 'user', undefined],
  ['/p?user', 'user', undefined],
  ['/p', 'user', undefined],
  ['/p?a=1&user=bob&user=eve', 'user', 'bob'],
];
for (const [uri, name, want] of paramTable) {
  test(`url_param ${name} in ${uri} -> ${String(want)}`, (t) => t.is(urlParamKey(uri, name), want));
}

const hdrTable: [string | undefined, boolean, string | undefined][] = [
  ['www.example.com', false, 'www.example.com'],
  ['www.example.com', true, 'example'],
  ['example.com', true, 'example'],
  ['a.b.example.co', true, 'example'],
  ['localhost', true, 'localhost'],
  ['example.com:8080', true, 'example'],
  ['', true, undefined],
  [undefined, false, undefined],
];
for (const [v, dom, want] of hdrTable) {
  test(`hdr ${String(v)} use_domain_only=${dom} -> ${String(want)}`, (t) => t.is(hdrKey(v, dom), want));
}
