// Load-balancing algorithms end to end (real proxy, real servers): weights, haproxy's observed roundrobin
// sequence, static-rr, leastconn, first, hashing (source/uri/url_param/hdr) and consistent-hash stability when a
// server leaves (only its keys move) against map-based (most keys move).
import test from 'ava';
import { startInProcess } from '../../helpers/proxy-harness.js';
import { startHttpBackend, echo, type HttpBackend } from '../../helpers/proxy-servers.js';
import { request } from '../../helpers/proxy-client.js';

let servers: HttpBackend[] = [];
const holds: (() => void)[] = [];

test.before(async () => {
  for (const n of ['s1', 's2', 's3', 's4']) {
    servers.push(await startHttpBackend(n, (req, res, be) => {
      if (req.url?.startsWith('/hold')) holds.push(() => res.setHeader('x-backend', be.name).end('held'));
      else echo(req, res, be);
    }));
  }
});
test.after.always(async () => {
  for (const h of holds.splice(0)) h();
  for (const s of servers) await s.close();
  servers = [];
});

const cfg = (balance: string, serverLines: (s: HttpBackend, i: number) => string, n = 4) => `
defaults
  mode http
  timeout connect 1s
  timeout client 5s
  timeout server 5s
listen lb
  bind 127.0.0.1:@PORT
  ${balance}
${servers.slice(0, n).map((s, i) => `  server ${s.name} 127.0.0.1:${s.port} ${serverLines(s, i)}`).join('\n')}
`;

async function who(port: number, path = '/', headers: Record<string, string> = {}): Promise<string> {
  return String((await request(port, path, { headers })).headers['x-backend']);
}

async function tally(port: number, n: number, path: (i: number) => string = () => '/'): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (let i = 0; i < n; i++) {
    const w = await who(port, path(i));
    out[w] = (out[w] ?? 0) + 1;
  }
  return out;
}

test.serial('roundrobin: exact weighted shares and haproxy\'s observed 1:2 sequence', async (t) => {
  const px = await startInProcess(cfg('balance roundrobin', (_s, i) => `weight ${i + 1}`, 3));
  try {
    t.deepEqual(await tally(px.port('lb'), 60), { s1: 10, s2: 20, s3: 30 });
  } finally {
    await px.close();
  }
  const two = await startInProcess(cfg('balance roundrobin', (_s, i) => `weight ${i + 1}`, 2));
  try {
    const seq: string[] = [];
    for (let i = 0; i < 6; i++) seq.push(await who(two.port('lb')));
    t.deepEqual(seq, ['s2', 's2', 's1', 's2', 's2', 's1']);
  } finally {
    await two.close();
  }
});

test.serial('static-rr: weighted shares', async (t) => {
  const px = await startInProcess(cfg('balance static-rr', (_s, i) => `weight ${i === 0 ? 1 : 3}`, 2));
  try {
    t.deepEqual(await tally(px.port('lb'), 40), { s1: 10, s2: 30 });
  } finally {
    await px.close();
  }
});

test.serial('leastconn and first: a busy server is avoided', async (t) => {
  for (const algo of ['leastconn', 'first']) {
    const px = await startInProcess(cfg(`balance ${algo}`, () => 'maxconn 1', 2));
    try {
      const port = px.port('lb');
      const held = request(port, '/hold');
      await new Promise((r) => setTimeout(r, 100));
      const during = await tally(port, 4);
      for (const h of holds.splice(0)) h();
      const heldBy = (await held).headers['x-backend'];
      const other = heldBy === 's1' ? 's2' : 's1';
      t.deepEqual(during, { [other]: 4 }, algo);
      if (algo === 'first') {
        t.is(heldBy, 's1', 'first picks the lowest id');
        t.deepEqual(await tally(port, 3), { s1: 3 }, 'first keeps using s1 while it has room');
      }
    } finally {
      await px.close();
    }
  }
});

test.serial('hash keys: source, uri, url_param and hdr keep a key on one server and spread distinct keys', async (t) => {
  const algos: [string, (i: number) => { path: string; headers?: Record<string, string> }][] = [
    ['balance uri', (i) => ({ path: `/obj/${i % 8}?v=${i}` })],
    ['balance url_param uid', (i) => ({ path: `/p?x=1&uid=${i % 8}` })],
    ['balance hdr(x-tenant)', (i) => ({ path: '/', headers: { 'x-tenant': `t${i % 8}` } })],
  ];
  for (const [balance, key] of algos) {
    for (const hashType of ['', 'hash-type consistent']) {
      const px = await startInProcess(cfg(`${balance}\n  ${hashType}`, () => ''));
      try {
        const byKey = new Map<number, Set<string>>();
        for (let i = 0; i < 32; i++) {
          const k = key(i);
          const w = await who(px.port('lb'), k.path, k.headers);
          if (!byKey.has(i % 8)) byKey.set(i % 8, new Set());
          byKey.get(i % 8)!.add(w);
        }
        for (const [k, set] of byKey) t.is(set.size, 1, `${balance} ${hashType}: key ${k} stuck to one server`);
        const used = new Set([...byKey.values()].map((s) => [...s][0]));
        t.true(used.size >= 2, `${balance} ${hashType}: keys spread (${[...used].join(',')})`);
      } finally {
        await px.close();
      }
    }
  }
  const src = await startInProcess(cfg('balance source', () => ''));
  try {
    const first = await who(src.port('lb'));
    t.deepEqual(await tally(src.port('lb'), 6), { [first]: 6 }, 'balance source: one client address, one server');
  } finally {
    await src.close();
  }
});

/** Maps 200 URIs, takes s4 out of rotation (maintenance), maps again; returns the fraction of keys that moved
 *  and whether any key not on s4 moved. */
async function movement(hashType: string): Promise<{ moved: number; strayed: number; onS4: number }> {
  const px = await startInProcess(cfg(`balance uri\n  ${hashType}`, () => ''));
  try {
    const port = px.port('lb');
    const before: string[] = [];
    for (let i = 0; i < 200; i++) before.push(await who(port, `/k/${i}`));
    px.rt.backends.get('lb')!.findServer('s4')!.setAdmin('maint', { source: 'cli', reason: 'test' });
    let moved = 0;
    let strayed = 0;
    for (let i = 0; i < 200; i++) {
      const now = await who(port, `/k/${i}`);
      if (now !== before[i]) {
        moved++;
        if (before[i] !== 's4') strayed++;
      }
    }
    return { moved: moved / 200, strayed, onS4: before.filter((s) => s === 's4').length };
  } finally {
    await px.close();
  }
}

test.serial('consistent hashing: when a server leaves only its keys move; map-based moves most', async (t) => {
  const c = await movement('hash-type consistent');
  t.is(c.strayed, 0, 'no key left a server that stayed');
  t.true(c.onS4 > 0);
  t.is(c.moved, c.onS4 / 200);
  const m = await movement('hash-type map-based');
  t.true(m.moved > 0.5, `map-based moved ${Math.round(m.moved * 100)}% of keys`);
});

test.serial('random: weighted shares over the real proxy (weights 1:3), every server used; backup only when all are down', async (t) => {
  const px = await startInProcess(cfg('balance random', (_s, i) => (i === 2 ? 'backup' : `weight ${i === 0 ? 1 : 3}`), 3));
  try {
    const n = 400;
    const got = await tally(px.port('lb'), n);
    t.is(got.s3, undefined, 'the backup gets nothing while actives are up');
    // Expected 100 / 300; a binomial sd is ~8.7, so 60..140 is > 4.5 sd wide: fails only if weights are ignored.
    t.true((got.s1 ?? 0) >= 60 && (got.s1 ?? 0) <= 140, JSON.stringify(got));
    t.is((got.s1 ?? 0) + (got.s2 ?? 0), n);
    const be = px.rt.backends.get('lb')!;
    for (const name of ['s1', 's2']) be.findServer(name)!.setAdmin('maint', { source: 'cli', reason: 'test' });
    t.deepEqual(await tally(px.port('lb'), 10), { s3: 10 }, 'all actives in maintenance: the backup serves');
  } finally {
    await px.close();
  }
});

test.serial('backup servers: the first backup alone when the actives are down, all backups with option allbackups', async (t) => {
  for (const [opt, want] of [['', { s3: 8 }], ['option allbackups', { s3: 4, s4: 4 }]] as const) {
    const px = await startInProcess(cfg(`balance roundrobin\n  ${opt}`, (_s, i) => (i >= 2 ? 'backup' : ''), 4));
    try {
      t.deepEqual(await tally(px.port('lb'), 8), { s1: 4, s2: 4 }, 'actives up: backups idle');
      const be = px.rt.backends.get('lb')!;
      for (const name of ['s1', 's2']) be.findServer(name)!.setAdmin('maint', { source: 'cli', reason: 'test' });
      t.deepEqual(await tally(px.port('lb'), 8), want, opt || 'no allbackups');
    } finally {
      await px.close();
    }
  }
});
