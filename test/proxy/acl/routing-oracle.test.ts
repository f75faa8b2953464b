// A routing table over real sockets, against the real haproxy 2.6: one frontend whose use_backend rules use every
// criterion the issue names (path, path_beg, path_end, path_reg, url_sub, hdr, hdr_beg/end/dom/reg, src, method,
// -i) and every condition form (if, unless, implicit AND, ||, !, rule order, default_backend). Each probe must
// land on the backend the table expects, through haproxy and through hapair.
import test from 'ava';
import { freePort, startInProcess } from '../../helpers/proxy-harness.js';
import { ask, namedServers } from '../../helpers/backend-haproxy.js';
import { startHaproxy } from '../../helpers/haproxy-side-by-side.js';

const RULES = [
  'acl is_static path_beg -i /static /images',
  'acl is_img path_end -i .png .jpg',
  'acl api path_reg ^/api/v[0-9]+/',
  'acl exact path /health',
  'acl sid url_sub -i sid=',
  'acl host_img hdr_beg(host) -i img.',
  'acl host_cn hdr_end(host) -i .cn',
  'acl host_ex hdr_dom(host) -i example.com',
  'acl host_re hdr_reg(host) ^www[0-9]\\.',
  'acl env_prod hdr(x-env) -i prod',
  'acl local src 127.0.0.0/24',
  'acl post method POST',
  'use_backend b1 if exact',
  'use_backend b2 if api post',
  'use_backend b3 if api !post',
  'use_backend b4 if is_static || is_img',
  'use_backend b1 if sid host_cn',
  'use_backend b2 if host_img || host_re',
  'use_backend b3 unless local',
  'use_backend b4 if host_ex env_prod',
  'default_backend b5',
];

interface Probe {
  readonly method?: string;
  readonly path: string;
  readonly host?: string;
  readonly headers?: Record<string, string>;
  readonly from?: string;
  readonly expect: string;
  readonly why: string;
}
const PROBES: Probe[] = [
  { path: '/health', expect: 's1', why: 'path exact' },
  { path: '/health/x', expect: 's5', why: 'path is not a prefix match' },
  { method: 'POST', path: '/api/v1/x', expect: 's2', why: 'implicit AND' },
  { path: '/api/v1/x', expect: 's3', why: '! negation' },
  { path: '/API/v1/x', expect: 's5', why: 'path_reg is case-sensitive without -i' },
  { path: '/Static/a.css', expect: 's4', why: 'path_beg -i' },
  { path: '/a/b.PNG?v=1', expect: 's4', why: 'path_end -i ignores the query' },
  { path: '/shop?SID=1', host: 'z.CN', expect: 's1', why: 'url_sub -i AND hdr_end -i' },
  { path: '/shop?sid=1', host: 'z.com', expect: 's5', why: 'AND: one side false' },
  { path: '/', host: 'IMG.foo', expect: 's2', why: 'hdr_beg -i, first side of ||' },
  { path: '/', host: 'www1.foo', expect: 's2', why: 'hdr_reg, second side of ||' },
  { path: '/', host: 'WWW1.foo', expect: 's5', why: 'hdr_reg is case-sensitive' },
  { path: '/', from: '127.0.1.5', expect: 's3', why: 'unless src' },
  { path: '/static/x', from: '127.0.1.5', expect: 's4', why: 'rule order: the first matching use_backend wins' },
  { path: '/', host: 'www.example.com', headers: { 'x-env': 'PROD' }, expect: 's4', why: 'hdr_dom subdomain AND hdr -i' },
  { path: '/', host: 'example.com:8080', headers: { 'x-env': 'prod' }, expect: 's4', why: 'hdr_dom ignores the port' },
  { path: '/', host: 'badexample.com', headers: { 'x-env': 'prod' }, expect: 's5', why: 'hdr_dom needs a dot boundary' },
  { method: 'DELETE', path: '/', expect: 's5', why: 'default_backend' },
];

test('routing table: every probe lands on the expected backend through haproxy 2.6 and through hapair', async (t) => {
  const be = await namedServers(5);
  t.teardown(() => be.close());
  const port = await freePort();
  const text = [
    'defaults', '  mode http', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe', `  bind 127.0.0.1:${port}`, ...RULES.map((r) => `  ${r}`),
    ...be.ports.flatMap((p, i) => [`backend b${i + 1}`, `  server s 127.0.0.1:${p}`]),
    '',
  ].join('\n');
  const run = async (): Promise<string[]> => {
    const out: string[] = [];
    for (const p of PROBES) out.push(await ask(port, { ...p, host: p.host ?? 'x', localAddress: p.from }));
    return out;
  };
  const stop = await startHaproxy(text, port);
  let theirs: string[];
  try {
    theirs = await run();
  } finally {
    await stop();
  }
  const px = await startInProcess(text);
  let mine: string[];
  try {
    mine = await run();
  } finally {
    await px.close();
  }
  PROBES.forEach((p, i) => {
    const what = `${p.method ?? 'GET'} ${p.path} host=${p.host ?? 'x'} ${JSON.stringify(p.headers ?? {})} from ${p.from ?? '127.0.0.1'}: ${p.why}`;
    t.is(theirs[i], p.expect, `haproxy: ${what}`);
    t.is(mine[i], p.expect, `hapair: ${what}`);
  });
});
