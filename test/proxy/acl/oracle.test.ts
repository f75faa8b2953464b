// ACL semantics hapair shares with haproxy 2.6.12, request by request against the real haproxy: non-contiguous and
// IPv4-mapped masks, `-m ip`/`-m int` over multi-valued headers, hdr_cnt/hdr_val, integer operators and ranges.
// Each row's ACL guards `use_backend yes`; both proxies must answer what the row expects.
import test from 'ava';
import http from 'node:http';
import { namedServers, startHaproxy } from '../../helpers/backend-haproxy.js';
import { startInProcess } from '../../helpers/proxy-harness.js';
import { startHttpBackend } from '../../helpers/proxy-servers.js';

interface Probe {
  readonly headers?: Record<string, string | string[]>;
  /** Client address (any 127/8 address is local on Linux). */
  readonly from?: string;
}

// [acl line, probe, expected: the ACL matches]
const rows: [string, Probe, boolean][] = [
  ['src 127.0.0.7/255.0.0.255', { from: '127.1.2.7' }, true],
  ['src 127.0.0.7/255.0.0.255', { from: '127.1.2.8' }, false],
  ['src 127.0.255.0/255.0.255.0', { from: '127.9.255.3' }, true],
  ['src 127.0.255.0/255.0.255.0', { from: '127.9.254.3' }, false],
  ['src ::ffff:127.1.0.0/112', { from: '127.1.5.5' }, true],
  ['src ::ffff:127.1.0.0/112', { from: '127.2.0.1' }, false],
  ['src ::ffff:0:0/96', { from: '127.0.0.1' }, true],
  ['src ::/0', { from: '127.0.0.1' }, true],
  ['src 2001:db8::/32', { from: '127.0.0.1' }, false],
  ['hdr(x-ff) -m ip 10.0.0.0/8', { headers: { 'x-ff': '10.1.2.3' } }, true],
  ['hdr(x-ff) -m ip 10.0.0.0/8', { headers: { 'x-ff': '1.1.1.1, 10.0.0.1' } }, true],
  ['hdr(x-ff) -m ip 10.0.0.0/8', { headers: { 'x-ff': '1.1.1.1' } }, false],
  ['hdr(x-ff) -m ip 10.0.0.3/255.0.0.255', { headers: { 'x-ff': ['1.1.1.1', '10.9.9.3'] } }, true],
  ['hdr_cnt(x-a) eq 2', { headers: { 'x-a': '1, 2' } }, true],
  ['hdr_cnt(x-a) eq 2', { headers: { 'x-a': ['1', '2'] } }, true],
  ['hdr_cnt(x-a) eq 2', { headers: { 'x-a': '1' } }, false],
  ['hdr_val(x-n) gt 5', { headers: { 'x-n': '9' } }, true],
  ['hdr_val(x-n) gt 5', { headers: { 'x-n': '3' } }, false],
  ['hdr_val(x-n) gt 5', { headers: { 'x-n': ['3', '9'] } }, true],
  ['hdr_val(x-n) ne 5', { headers: { 'x-n': '5' } }, true],
  ['hdr_val(x-n) ne 5', { headers: { 'x-n': '6' } }, false],
  ['hdr_val(x-n) 3-7', { headers: { 'x-n': '5' } }, true],
  ['hdr_val(x-n) 3-7', { headers: { 'x-n': '8' } }, false],
  ['hdr_val(x-n) gt 5 lt 3', { headers: { 'x-n': '2' } }, true],
  ['hdr_val(x-n) gt 5 lt 3', { headers: { 'x-n': '4' } }, false],
  ['hdr_val(x-n) gt 5 lt 3', { headers: { 'x-n': '7' } }, true],
  ['hdr_val(x-n) lt 1:5', { headers: { 'x-n': '4' } }, true],
  ['hdr(x-n) -m int 9', { headers: { 'x-n': '9' } }, true],
  ['hdr(x-n) -m int ge 10', { headers: { 'x-n': '9' } }, false],
  ['hdr(x-n) -m bool', { headers: { 'x-n': '3' } }, true],
  ['hdr(x-n) -m bool', { headers: { 'x-n': '0' } }, false],
  ['hdr(x-b) -m bin 414243', { headers: { 'x-b': 'ABC' } }, true],
  ['hdr(x-b) -m bin 414243', { headers: { 'x-b': 'abc' } }, false],
];

function config(port: string, yes: number, no: number): string {
  const lines = ['defaults', '  mode http', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s', 'frontend f', `  bind 127.0.0.1:${port}`];
  rows.forEach(([acl], i) => lines.push(`  acl a${i} ${acl}`, `  use_backend yes if { hdr(x-row) ${i} } a${i}`));
  lines.push('  default_backend no', 'backend yes', `  server s 127.0.0.1:${yes}`, 'backend no', `  server s 127.0.0.1:${no}`, '');
  return lines.join('\n');
}

/** One request on a fresh connection; resolves with the answering backend ('s1' = yes, 's2' = no). */
function ask(port: number, row: number, p: Probe): Promise<string> {
  return new Promise((resolve, reject) => {
    const req = http.get(
      { host: '127.0.0.1', port, path: '/', agent: false, localAddress: p.from, headers: { 'x-row': String(row), ...p.headers } },
      (res) => {
        let b = '';
        res.on('data', (c: Buffer) => (b += c.toString()));
        res.on('end', () => resolve(b));
      },
    );
    req.setTimeout(5000, () => req.destroy(new Error('request timed out')));
    req.on('error', reject);
  });
}

test('ACL rows: hapair and haproxy 2.6 route every probe the same, as the row expects', async (t) => {
  const be = await namedServers(2);
  t.teardown(() => be.close());
  // startHaproxy wraps its body into `listen l` with a bind: give it the frontend's rules as that listen's body.
  const full = config('@PORT', be.ports[0]!, be.ports[1]!);
  const body = full.slice(full.indexOf('frontend f\n') + 'frontend f\n'.length).split('\n').filter((l) => !l.includes('bind ')).join('\n');
  const hap = await startHaproxy(body);
  t.teardown(() => hap.stop());
  const px = await startInProcess(full);
  t.teardown(() => px.close());
  const port = px.port('f');
  const name = (b: string) => (b === 's1' ? true : b === 's2' ? false : b);
  for (const [i, [acl, probe, expected]] of rows.entries()) {
    const what = `${acl} with ${JSON.stringify(probe)}`;
    t.is(name(await ask(hap.port, i, probe)), expected, `haproxy: ${what}`);
    t.is(name(await ask(port, i, probe)), expected, `hapair: ${what}`);
  }
});

test('option forwardfor except with a non-contiguous mask (config + data plane), as haproxy', async (t) => {
  const be = await startHttpBackend('b');
  t.teardown(() => be.close());
  const body = ['  option forwardfor except 127.0.0.7/255.0.0.255', `  server s 127.0.0.1:${be.port}`].join('\n');
  const hap = await startHaproxy(body);
  t.teardown(() => hap.stop());
  const px = await startInProcess(['defaults', '  mode http', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s', 'listen l', '  bind 127.0.0.1:@PORT', body, ''].join('\n'));
  t.teardown(() => px.close());
  const xff = (port: number, from: string) =>
    new Promise<string>((resolve, reject) => {
      http.get({ host: '127.0.0.1', port, path: '/', agent: false, localAddress: from }, (res) => {
        res.resume();
        res.on('end', () => resolve(String(res.headers['x-got-xff'])));
      }).on('error', reject);
    });
  for (const port of [hap.port, px.port('l')]) {
    t.is(await xff(port, '127.3.4.7'), '', 'excepted client: no header');
    t.is(await xff(port, '127.3.4.8'), '127.3.4.8');
  }
});
