// The HTTP head limit from tune.bufsize / tune.maxrewrite, as haproxy computes it (maxrewrite capped at half the buffer).
import test from 'ava';
import { headLimit } from '../../../src/proxy/config/head-limit.js';

const rows: [string, { tuneBufsize?: number; tuneMaxrewrite?: number }, number][] = [
  ['defaults: 16384 - 1024', {}, 15360],
  ['bigger buffer', { tuneBufsize: 32768 }, 31744],
  ['own maxrewrite', { tuneBufsize: 32768, tuneMaxrewrite: 4096 }, 28672],
  ['maxrewrite 0', { tuneMaxrewrite: 0 }, 16384],
  ['maxrewrite above half the buffer is lowered to half', { tuneBufsize: 4096, tuneMaxrewrite: 3000 }, 2048],
];
for (const [name, g, want] of rows) test(`headLimit: ${name}`, (t) => t.is(headLimit(g), want));
