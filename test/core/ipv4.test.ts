// Dotted-quad helpers shared by the VRRP codec, checksum and keepalived config: table of accepted/refused forms.
import test from 'ava';
import { ipv4Bytes, ipv4ToNumber, numberToIpv4 } from '../../src/core/ipv4.js';

const ROWS: [string, number | undefined][] = [
  ['0.0.0.0', 0],
  ['198.18.0.1', 0xc6120001],
  ['255.255.255.255', 0xffffffff],
  ['224.0.0.18', 0xe0000012],
  ['010.1.1.1', 0x0a010101], // leading zeros read as decimal, like the codec always did
  ['256.0.0.1', undefined],
  ['1.2.3', undefined],
  ['1.2.3.4.5', undefined],
  ['1.2.3.x', undefined],
  ['1.2.3.-4', undefined],
  ['::1', undefined],
  ['', undefined],
];

for (const [text, want] of ROWS) {
  test(`ipv4ToNumber(${JSON.stringify(text)}) = ${want}`, (t) => {
    t.is(ipv4ToNumber(text), want);
    t.is(ipv4Bytes(text)?.length, want === undefined ? undefined : 4);
    if (want !== undefined) t.is(numberToIpv4(want), text.replace(/^0+(?=\d)/, ''));
  });
}
