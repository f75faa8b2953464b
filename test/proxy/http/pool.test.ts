// Idle pool: the http-reuse decision table, LIFO order, proven vs fresh connections, the per-server need estimate
// and the global cap, purge of long-idle connections, dead connections dropped.
import test from 'ava';
import { IdlePool, reuseAllowed } from '../../../src/proxy/http/pool.js';
import type { ServerConn } from '../../../src/proxy/http/server-conn.js';
import type { Server } from '../../../src/proxy/backend/index.js';

const table: [string, boolean, number, boolean][] = [
  ['never', false, 5, false], ['never', true, 5, false],
  ['safe', true, 5, false], ['safe', false, 1, true],
  ['aggressive', true, 1, false], ['aggressive', true, 2, true], ['aggressive', false, 1, true],
  ['always', true, 1, true],
];
for (const [policy, first, tx, expected] of table) {
  test(`reuseAllowed(${policy}, first=${first}, transactions=${tx}) = ${expected}`, (t) => {
    t.is(reuseAllowed(policy as 'safe', first, tx), expected);
  });
}

interface FakeConn { dead: boolean; server: { served: number }; transactions: number; holder: unknown; owner: unknown; idleSince: number; destroyed: boolean; destroy(): void }
function conn(server: { served: number }, transactions = 1): FakeConn {
  return { dead: false, server, transactions, holder: undefined, owner: undefined, idleSince: 0, destroyed: false, destroy() { this.dead = true; this.destroyed = true; } };
}
const asConn = (c: FakeConn): ServerConn => c as unknown as ServerConn;
const asServer = (s: { served: number }): Server => s as unknown as Server;

test('LIFO, proven connections first, first requests obey the policy', (t) => {
  const s = { served: 3 };
  const pool = new IdlePool(5000, 100);
  const a = conn(s, 1);
  const b = conn(s, 1);
  const p = conn(s, 3);
  for (const c of [a, b, p]) pool.put(asConn(c));
  t.is(pool.size, 3);
  t.is(pool.take(asServer(s), 'safe', true), undefined, 'safe: never for a first request');
  t.is(pool.take(asServer(s), 'aggressive', true), asConn(p), 'aggressive first request: only a proven one');
  t.is(pool.take(asServer(s), 'aggressive', true), undefined);
  t.is(pool.take(asServer(s), 'safe', false), asConn(b), 'LIFO');
  t.is(pool.take(asServer(s), 'always', true), asConn(a));
  t.is(pool.size, 0);
});

test('a server keeps no more idle connections than it recently used at once; the global cap holds', (t) => {
  const s = { served: 2 };
  const pool = new IdlePool(5000, 100);
  const cs = Array.from({ length: 5 }, () => conn(s));
  for (const c of cs) pool.put(asConn(c));
  t.is(pool.size, 2);
  t.is(cs.filter((c) => c.destroyed).length, 3);
  const small = new IdlePool(5000, 1);
  const other = { served: 10 };
  small.put(asConn(conn(other)));
  const extra = conn(other);
  small.put(asConn(extra));
  t.is(small.size, 1);
  t.true(extra.destroyed);
});

test('dead idle connections are skipped and purge closes the stale ones', (t) => {
  const s = { served: 4 };
  const pool = new IdlePool(1000, 100);
  const a = conn(s);
  const b = conn(s);
  pool.put(asConn(a));
  pool.put(asConn(b));
  b.dead = true;
  pool.idleDied(asConn(b));
  t.is(pool.size, 1);
  t.is(pool.take(asServer(s), 'always', false), asConn(a));
  const c = conn(s);
  pool.put(asConn(c));
  pool.purge(c.idleSince + 2000);
  t.true(c.destroyed);
  t.is(pool.size, 0);
});
