// Backend.connect on real loopback sockets: refused -> retries -> redispatch (counters wretr/wredis/econ),
// connect timeout against a black hole, reuse callback, aborts, queue timeout through connect.
import test from 'ava';
import { Backend } from '../../../src/proxy/backend/backend.js';
import { realClock } from '../../../src/core/clock.js';
import { logSink, section, srvCfg, stream } from '../../helpers/backend-fixtures.js';
import { blackHole, countingServer, refusingPort } from '../../helpers/backend-net.js';

function backend(ports: number[], extra: Parameters<typeof section>[1] = {}, cfgExtra: Parameters<typeof srvCfg>[2][] = []) {
  return new Backend(
    section(ports.map((p, i) => srvCfg(`a${i + 1}`, i + 1, { port: p, ...(cfgExtra[i] ?? {}) })), { timeouts: { connect: 200 }, ...extra }),
    100,
    { logger: logSink().logger, clock: realClock },
  );
}

const req = (extra: object = {}) => ({ clientIp: '127.0.0.1', clientPort: 5555, dstPort: 80, stream: stream(), ...extra });

test('roundrobin, refused server: the retry goes straight to the other server (wredis)', async (t) => {
  const good = await countingServer();
  t.teardown(() => good.close());
  const be = backend([await refusingPort(), good.port], { options: { redispatch: { interval: -1 } } });
  const h = stream();
  const r = await be.connect(req({ stream: h }));
  t.true(r.ok);
  if (!r.ok) return;
  t.is(r.server.name, 'a2');
  t.is(r.retries, 1);
  t.true(r.redispatched);
  t.is(be.servers[0]!.counters.redispatches, 1);
  t.is(be.counters.redispatches, 1);
  t.true(r.connectMs < 200);
  r.socket.destroy();
  t.is(be.beconn, 1);
  be.release(r.server, h);
  t.is(be.beconn, 0);
});

test('persistent stream on a refusing server: same-server retries (wretr) then redispatch on the last retry', async (t) => {
  const good = await countingServer();
  t.teardown(() => good.close());
  const be = backend([await refusingPort(), good.port], { retries: 3, options: { redispatch: { interval: -1 } } });
  const t0 = performance.now();
  const r = await be.connect(req({ persistServer: 'a1' }));
  const took = performance.now() - t0;
  t.like(r, { ok: true, retries: 3, redispatched: true });
  if (r.ok) {
    t.is(r.server.name, 'a2');
    r.socket.destroy();
  }
  t.is(be.servers[0]!.counters.retries, 2, 'two same-server retries');
  t.is(be.servers[0]!.counters.redispatches, 1);
  // Each same-server retry after a refusal waits min(timeout connect, 1 s) = 200 ms; the redispatch does not.
  t.true(took >= 380 && took < 3000, `took ${took} ms`);
});

test('without option redispatch: N+1 attempts on the same server, then connect-failed and econ', async (t) => {
  const port = await refusingPort();
  const be = backend([port, port], { retries: 2 });
  const r = await be.connect(req({ persistServer: 'a1' }));
  t.like(r, { ok: false, why: 'connect-failed', retries: 2, error: 'ECONNREFUSED' });
  t.is(be.servers[0]!.counters.retries, 2);
  t.is(be.servers[0]!.counters.connErrors, 1);
  t.is(be.counters.connErrors, 1);
  t.is(be.beconn, 0, 'slot released');
});

test('connect timeout against a black hole: connect-timeout after retries, no wait between timeouts', async (t) => {
  const hole = await blackHole();
  t.teardown(() => hole.close());
  const be = backend([hole.port], { retries: 1, timeouts: { connect: 250 } });
  const t0 = performance.now();
  const r = await be.connect(req());
  const took = performance.now() - t0;
  t.like(r, { ok: false, why: 'connect-timeout', retries: 1 });
  t.true(took >= 480 && took < 2000, `two attempts of 250 ms: ${took}`);
});

test('reuse callback: an idle pooled socket is used instead of a new connection', async (t) => {
  const good = await countingServer();
  t.teardown(() => good.close());
  const be = backend([good.port]);
  const first = await be.connect(req());
  t.true(first.ok);
  if (!first.ok) return;
  const pooled = first.socket;
  const again = await be.connect(req(), { reuse: (s) => (s.name === 'a1' ? pooled : undefined) });
  t.like(again, { ok: true, reused: true });
  await new Promise((r) => setTimeout(r, 50));
  t.is(good.accepted(), 1, 'no second TCP connection');
  pooled.destroy();
});

test('client abort during connect and queue timeout through connect', async (t) => {
  const hole = await blackHole();
  t.teardown(() => hole.close());
  const be = backend([hole.port], { timeouts: { connect: 5000, queue: 150 } }, [{ maxconn: 1, minconn: 1 }]);
  const ac = new AbortController();
  const pending = be.connect(req({ signal: ac.signal }));
  const queued = await be.connect(req());
  t.like(queued, { ok: false, why: 'queue-timeout' });
  if (!queued.ok) t.true(queued.queuedMs >= 140, `queued ${queued.queuedMs} ms`); // timers may fire ~1 ms early vs performance.now()
  ac.abort();
  t.like(await pending, { ok: false, why: 'aborted' });
  t.is(be.beconn, 0);
});
