// fullconn default (haproxy.md §4.1): ceil(Σ maxconn of the frontends reaching the backend / 10), minimum 1.
import test from 'ava';
import { computeFullconn, reachableBackends } from '../../../src/proxy/config/fullconn.js';
import { parseLines, proxy } from '../../helpers/pxconf.js';

const cfg = (lines: readonly string[]) => {
  const r = parseLines(lines);
  if (!r.config) throw new Error(JSON.stringify(r.errors));
  return r.config;
};

test('haproxy lab example: a stats listen with global maxconn 9981 gets fullconn 999', (t) => {
  const c = cfg(['global', '  maxconn 9981', 'listen stats', '  bind :8000', '  mode http', '  stats enable']);
  t.is(computeFullconn(c).get('stats'), 999);
});

const rows: [string, string[], Record<string, number | undefined>][] = [
  ['default_backend counts the frontend maxconn once', ['frontend f', '  bind :1', '  maxconn 100', '  default_backend b', 'backend b'], { b: 10 }],
  ['use_backend targets count too, once per frontend, not again when also default',
    ['frontend f', '  bind :1', '  maxconn 100', '  use_backend b if TRUE', '  use_backend b if FALSE', '  use_backend c if TRUE', '  default_backend b', 'backend b', 'backend c'], { b: 10, c: 10 }],
  ['two frontends add up (rounded up)', ['frontend f1', '  bind :1', '  maxconn 1024', '  default_backend b', 'frontend f2', '  bind :2', '  maxconn 1000', '  default_backend b', 'backend b'], { b: 203 }],
  ['frontend without maxconn uses the global one', ['global', '  maxconn 50', 'frontend f', '  bind :1', '  default_backend b', 'backend b'], { b: 5 }],
  ['frontend maxconn from defaults', ['defaults', '  maxconn 300', 'frontend f', '  bind :1', '  default_backend b', 'backend b'], { b: 30 }],
  ['a listen with a default_backend does not count itself', ['global', '  maxconn 100', 'listen l', '  bind :1', '  default_backend b', 'backend b'], { l: 1, b: 10 }],
  ['unreachable backend: 1', ['global', '  maxconn 100', 'backend lonely'], { lonely: 1 }],
  ['explicit fullconn wins', ['global', '  maxconn 100', 'frontend f', '  bind :1', '  default_backend b', 'backend b', '  fullconn 7'], { b: 7 }],
  ['disabled frontends do not count', ['frontend f', '  bind :1', '  maxconn 100', '  disabled', '  default_backend b', 'frontend g', '  bind :2', '  maxconn 20', '  default_backend b', 'backend b'], { b: 2 }],
  ['unknown global maxconn: undefined (runtime decides)', ['frontend f', '  bind :1', '  default_backend b', 'backend b', 'backend other'], { b: undefined, other: 1 }],
];
for (const [name, lines, expected] of rows) {
  test(`fullconn: ${name}`, (t) => {
    const fc = computeFullconn(cfg(lines));
    for (const [be, v] of Object.entries(expected)) t.is(fc.get(be), v, be);
  });
}

test('the runtime can pass the global maxconn it computed (e.g. from the fd limit)', (t) => {
  const c = cfg(['frontend f', '  bind :1', '  default_backend b', 'backend b']);
  t.is(computeFullconn(c, 4096).get('b'), 410);
});

test('dynamic use_backend names (log-format) are not counted', (t) => {
  const c = cfg(['global', '  maxconn 100', 'frontend f', '  bind :1', '  mode http', '  use_backend be_%[req.hdr(host)] if TRUE', '  default_backend b', 'backend b', '  mode http']);
  t.deepEqual(reachableBackends(proxy(c, 'f')), ['b']);
});
