// `stats enable` in a plain `frontend` of the real proxy (default URI, no auth, refresh): the page sits next to
// normal traffic, shows per server status with time since last change, check result, weight, sessions, queue and
// bytes; ;csv / ;json from the same frontend; the Prometheus exporter on that frontend reports the same states
// and counts the transition (hapair_server_transitions_total).
import test from 'ava';
import { freePort, namedBackend, startProxy } from '../../helpers/check-proxy.js';
import { until } from '../../helpers/ctl-real.js';

/** Cells (tags stripped) of the row whose name cell is `name` in table#`table`, keyed by sub-column order. */
function rowCells(html: string, table: string, name: string): string[] {
  const tbl = html.slice(html.indexOf(`<table class="px" id="${table}">`));
  const end = tbl.indexOf('</table>');
  const row = tbl.slice(0, end).split('\n').find((l) => l.includes(`<td class="name">${name}</td>`)) ?? '';
  return [...row.matchAll(/<td[^>]*>(.*?)<\/td>/g)].map((m) => m[1]!.replace(/<[^>]+>/g, ''));
}

test('stats in a frontend: page at the default URI beside traffic, columns a human reads, CSV/JSON, metrics', async (t) => {
  const w1 = await namedBackend('w1');
  const dead = await freePort();
  const port = await freePort();
  const proxy = await startProxy(`defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${port}
    stats enable
    stats refresh 5s
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend app
backend app
    server w1 127.0.0.1:${w1.port} check inter 300
    server w2 127.0.0.1:${dead} check inter 300 fall 1
`);
  t.teardown(async () => {
    await proxy.stop();
    await w1.close();
  });
  const base = `http://127.0.0.1:${port}`;
  const page = async () => {
    const r = await fetch(`${base}/haproxy?stats`);
    return { r, html: await r.text() };
  };
  await until('w2 DOWN on the page', async () => rowCells((await page()).html, 'app', 'w2').some((c) => / DOWN$/.test(c)));
  t.is(await (await fetch(`${base}/`)).text(), 'w1\n', 'other paths are traffic');
  for (let i = 0; i < 3; i++) await (await fetch(`${base}/x`)).text();

  const { r, html } = await page();
  t.is(r.status, 200, 'no stats auth configured: open page');
  t.regex(r.headers.get('content-type') ?? '', /^text\/html/);
  t.is(r.headers.get('refresh'), '5');
  t.regex(html, /<h1>Statistics Report for pid \d+<small>hapair \d+\.\d+\.\d+ · /, 'version shown without hide-version');
  for (const group of ['Queue', 'Sessions', 'Bytes', 'Server']) t.regex(html, new RegExp(`<th colspan="\\d+">${group}</th>`));
  // Column order of one table row: name, Queue(3), Session rate(3), Sessions(6), Bytes(2), Denied(2), Errors(3), Warnings(2), Server(...)
  const idx = { qcur: 1, scur: 7, smax: 8, stot: 10, bin: 13, bout: 14, status: 22, lastchk: 23, wght: 24 };
  const up = rowCells(html, 'app', 'w1');
  const down = rowCells(html, 'app', 'w2');
  t.regex(up[idx.status]!, /^\d\S* UP$/, `status with the time since the last change: ${up[idx.status]}`);
  t.regex(up[idx.lastchk]!, /^(\* )?L4OK in \d+ms$/); // "* ": a check running right now
  t.is(up[idx.wght], '1/1');
  t.is(up[idx.qcur], '0');
  t.true(Number(up[idx.stot]!.replace(/\D/g, '')) >= 4, `sessions total ${up[idx.stot]}`);
  t.true(Number(up[idx.bout]!.replace(/\D/g, '')) > 0, 'bytes counted');
  t.regex(down[idx.status]!, / DOWN$/);
  t.regex(down[idx.lastchk]!, /^L4CON in \d+ms$/);
  t.regex(html, /<tr class="active_down">/, 'the DOWN row gets its colour class');
  t.regex(html, /<tr class="active_up">/);

  const csv = (await (await fetch(`${base}/haproxy?stats;csv`)).text()).split('\n');
  t.regex(csv[0]!, /^# pxname,svname,qcur,qmax,scur,smax,slim,stot,/);
  t.true(csv.some((l) => l.startsWith('app,w2,') && l.includes(',DOWN,')));
  const json = JSON.parse(await (await fetch(`${base}/haproxy?stats;json`)).text()) as { field: { name: string }; value: { value: unknown } }[][];
  const w2 = json.find((row) => row.some((f) => f.field.name === 'svname' && f.value.value === 'w2'))!;
  t.is(w2.find((f) => f.field.name === 'status')?.value.value, 'DOWN');

  const metrics = await (await fetch(`${base}/metrics`)).text();
  t.true(metrics.split('\n').includes('haproxy_server_status{proxy="app",server="w2",state="DOWN"} 1'));
  t.true(metrics.split('\n').includes('haproxy_server_status{proxy="app",server="w1",state="UP"} 1'));
  t.true(metrics.split('\n').includes('hapair_server_transitions_total{proxy="app",server="w2",to="DOWN"} 1'), 'every transition counted');
  t.regex(metrics, /^haproxy_server_check_failures_total\{proxy="app",server="w2"\} [1-9]/m);
});

test('nbthread 2: the exporter served by a worker shows the control process transition counts', async (t) => {
  const w1 = await namedBackend('w1');
  const dead = await freePort();
  const port = await freePort();
  const proxy = await startProxy(`global
    nbthread 2
defaults
    mode http
    timeout connect 1s
    timeout client 5s
    timeout server 5s
frontend www
    bind 127.0.0.1:${port}
    http-request use-service prometheus-exporter if { path /metrics }
    default_backend app
backend app
    server w1 127.0.0.1:${w1.port} check inter 300
    server w2 127.0.0.1:${dead} check inter 300 fall 1
`);
  t.teardown(async () => {
    await proxy.stop();
    await w1.close();
  });
  const metrics = async () => (await (await fetch(`http://127.0.0.1:${port}/metrics`)).text()).split('\n');
  await until('w2 DOWN in the exporter', async () => (await metrics()).includes('haproxy_server_status{proxy="app",server="w2",state="DOWN"} 1'));
  t.true((await metrics()).includes('hapair_server_transitions_total{proxy="app",server="w2",to="DOWN"} 1'), 'counted in the control process');
});
