// Session/request rates sampled from the cumulative counters (no data-path work), their maxima, the columns that
// show them (rate, rate_max, req_rate, req_rate_max, conn_rate, conn_rate_max), and `clear counters [all]` over a
// real runtime API socket: maxima only at operator level, everything at admin level.
import test from 'ava';
import path from 'node:path';
import { ratesOf, sampleAll, sampleRates } from '../../../src/proxy/stats/rates.js';
import { newCounters } from '../../../src/proxy/backend/counters.js';
import { startRuntimeApi } from '../../../src/proxy/api/server.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { startChecks } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { realClock } from '../../../src/core/clock.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';
import { tmpDir } from '../../helpers/paths.js';

test('rates: increase over the elapsed time, maxima kept, a cleared counter counts from zero again', (t) => {
  const view = {};
  const c = newCounters();
  const rows: [number, number, number, { rate: number; rateMax: number; reqRate: number; reqRateMax: number }][] = [
    // [now ms, stot, req_tot, expected after the sample]
    [0, 5, 7, { rate: 0, rateMax: 0, reqRate: 0, reqRateMax: 0 }], // first sample: baseline only
    [1000, 15, 37, { rate: 10, rateMax: 10, reqRate: 30, reqRateMax: 30 }],
    [2000, 18, 38, { rate: 3, rateMax: 10, reqRate: 1, reqRateMax: 30 }],
    [4000, 58, 38, { rate: 20, rateMax: 20, reqRate: 0, reqRateMax: 30 }], // 40 over 2 s
    [5000, 0, 0, { rate: 0, rateMax: 20, reqRate: 0, reqRateMax: 30 }], // cleared: no negative rate
    [6000, 4, 4, { rate: 4, rateMax: 20, reqRate: 4, reqRateMax: 30 }],
  ];
  for (const [now, total, req, want] of rows) {
    c.total = total;
    c.reqTotal = req;
    sampleRates(view, c, now);
    t.deepEqual({ ...ratesOf(view) }, { ...ratesOf(view), ...want }, `at ${now} ms`);
  }
});

async function api(t: import('ava').ExecutionContext) {
  const rt = FakeRuntime.of([section({ name: 'web', kind: 'listen', mode: 'http', servers: [serverConfig({ name: 's1', port: 9 })] })]);
  const checks = startChecks(rt, { logger: silentLogger(), clock: realClock });
  const dir = tmpDir('hapair-rates-');
  const where = { file: 't.cfg', line: 1 };
  const sockets = [{ path: path.join(dir, 'admin.sock'), level: 'admin' as const, where }, { path: path.join(dir, 'oper.sock'), level: 'operator' as const, where }];
  const srv = await startRuntimeApi(rt, checks, sockets, { logger: silentLogger() });
  t.teardown(async () => {
    checks.stop();
    await srv.close();
  });
  const col = async (name: string, row: string): Promise<string> => {
    const [head, ...lines] = (await sendCommand(sockets[0]!.path, 'show stat')).split('\n');
    const i = head!.slice(2).split(',').indexOf(name);
    return lines.find((l) => l.startsWith(`web,${row},`))!.split(',')[i]!;
  };
  return { rt, admin: (c: string) => sendCommand(sockets[0]!.path, c), oper: (c: string) => sendCommand(sockets[1]!.path, c), col };
}

test('show stat rate columns come from the sampler; clear counters resets maxima, clear counters all everything', async (t) => {
  const { rt, admin, oper, col } = await api(t);
  const fe = rt.frontends.get('web')!;
  const be = rt.backends.get('web')!;
  const s1 = be.servers[0]!;
  const base = Date.now() + 10_000;
  sampleAll(rt, base);
  Object.assign(fe.counters, { total: 50, reqTotal: 120, max: 9, cur: 2 });
  Object.assign(be.counters, { total: 50, max: 7, queueMax: 3 });
  Object.assign(s1.counters, { total: 50, max: 7, bytesIn: 1000 });
  s1.counters.hrsp['2xx'] = 40;
  sampleAll(rt, base + 1000);
  t.is(await col('rate', 'FRONTEND'), '50');
  t.is(await col('rate_max', 'FRONTEND'), '50');
  t.is(await col('req_rate', 'FRONTEND'), '120');
  t.is(await col('req_rate_max', 'FRONTEND'), '120');
  t.is(await col('conn_rate', 'FRONTEND'), '50');
  t.is(await col('conn_rate_max', 'FRONTEND'), '50');
  t.is(await col('rate', 's1'), '50');
  t.is(await col('rate', 'BACKEND'), '50');
  sampleAll(rt, base + 2000); // nothing new: rates 0, maxima stay
  t.is(await col('rate', 'FRONTEND'), '0');
  t.is(await col('rate_max', 'FRONTEND'), '50');

  t.is(await oper('clear counters all'), 'Permission denied\n\n');
  t.is(await oper('clear counters'), '\n');
  t.is(await col('rate_max', 'FRONTEND'), '0');
  t.is(await col('smax', 'FRONTEND'), '2', 'smax restarts from scur');
  t.is(await col('qmax', 'BACKEND'), '0');
  t.is(await col('stot', 'FRONTEND'), '50', 'totals survive clear counters');
  t.is(await col('hrsp_2xx', 's1'), '40');

  t.is(await admin('clear counters all'), '\n');
  t.is(await col('stot', 'FRONTEND'), '0');
  t.is(await col('bin', 's1'), '0');
  t.is(await col('hrsp_2xx', 's1'), '0');
  t.is(await col('scur', 'FRONTEND'), '2', 'current sessions are not counters');
  t.regex(await admin('help clear'), /\n {2}clear counters \[all\] {20}: clear max statistics counters \(or all counters\)\n/);
});
