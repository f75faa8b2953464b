// ACL engine tables: every criterion/match method against real parsed requests, conditions, routing.
import test from 'ava';
import type { AclConfig, Condition, CondTerm, ProxySection, UseBackendRule } from '../../../src/proxy/types.js';
import { compileAcl, isCompileError } from '../../../src/proxy/acl/match.js';
import { AclSet, compileRouter } from '../../../src/proxy/acl/condition.js';
import { parseNetwork, inNetwork } from '../../../src/proxy/acl/net.js';
import { pathOf } from '../../../src/proxy/acl/sample.js';
import { HeadParser, DONE } from '../../../src/proxy/http/parser.js';
import { RequestSample } from '../../../src/proxy/http/sample.js';

const where = { file: 't.cfg', line: 1 };

function req(text: string, src = '10.0.0.5', dstPort = 80): RequestSample {
  const p = new HeadParser('request');
  if (p.execute(Buffer.from(text.replace(/\n/g, '\r\n') + '\r\n\r\n', 'latin1')) !== DONE) throw new Error(`bad request ${text}`);
  const s = new RequestSample({ remoteAddress: src, remotePort: 40000, localAddress: '127.0.0.1', localPort: dstPort });
  s.head = p.head;
  return s;
}

/** Parses an acl line body like `hdr_dom(host) -i example.com` into an AclConfig (test-side mini parser). */
function aclOf(line: string, name = 'a'): AclConfig {
  const words = line.split(/\s+/).filter(Boolean);
  const first = words.shift()!;
  const m = /^([^(]+)(?:\((.*)\))?$/.exec(first)!;
  let ignoreCase = false;
  let matchMethod: string | undefined;
  while (words[0]?.startsWith('-')) {
    const f = words.shift()!;
    if (f === '-i') ignoreCase = true;
    else if (f === '-m') matchMethod = words.shift();
    else if (f === '--') break;
  }
  return { name, criterion: m[1]!, arg: m[2], ignoreCase, matchMethod, patterns: words, where };
}

const GET_HOST = (host: string, path = '/') => `GET ${path} HTTP/1.1\nHost: ${host}`;

const table: [string, string, boolean][] = [
  // acl line, request, expected
  ['path /a/b', 'GET /a/b?x=1 HTTP/1.1', true],
  ['path /a', 'GET /a/b HTTP/1.1', false],
  ['path_beg -i /static /images', 'GET /Static/x.css HTTP/1.1', true],
  ['path_beg /static /images', 'GET /Static/x.css HTTP/1.1', false],
  ['path_beg /images', 'GET http://h/images/a.png HTTP/1.1\nHost: h', true],
  ['path_end -i .jpg .gif .png .css .js', 'GET /img/a.PNG?v=2 HTTP/1.1', true],
  ['path_end .jpg', 'GET /a.jpg.html HTTP/1.1', false],
  ['path_end .js', 'GET /x?file=a.js HTTP/1.1', false],
  ['path_reg ^/api/v[0-9]+/', 'GET /api/v2/users HTTP/1.1', true],
  ['path_reg ^/api/v[0-9]+/', 'GET /api/vx/users HTTP/1.1', false],
  ['path_sub admin', 'GET /x/administrator HTTP/1.1', true],
  ['path_dir img', 'GET /a/img/b HTTP/1.1', true],
  ['path_dir img', 'GET /a/imgs/b HTTP/1.1', false],
  ['url_sub -i buy_sid=', 'GET /shop?BUY_SID=12 HTTP/1.1', true],
  ['url_sub buy_sid=', 'GET /shop?x=1 HTTP/1.1', false],
  ['url_beg /', 'GET /x HTTP/1.1', true],
  ['hdr_dom(host) -i example.com', GET_HOST('www.example.com'), true],
  ['hdr_dom(host) -i example.com', GET_HOST('example.com:8080'), true],
  ['hdr_dom(host) -i example.com', GET_HOST('badexample.com'), false],
  ['hdr_dom(host) -i bbs.z.cn', GET_HOST('BBS.Z.CN'), true],
  ['hdr_dom(host) bbs.z.cn', GET_HOST('BBS.Z.CN'), false],
  ['hdr_dom(host) .example.com.', GET_HOST('a.example.com'), true],
  ['hdr_beg(host) -i img. video. download. ftp.', GET_HOST('video.example.com'), true],
  ['hdr_beg(host) -i www', GET_HOST('api.example.com'), false],
  ['hdr_end(host) -i .cn', GET_HOST('z.CN'), true],
  ['hdr_reg(host) -i ^(www.z.cn|z.cn)', GET_HOST('WWW.Z.CN'), true],
  ['hdr_reg(host) ^(www.z.cn|z.cn)', GET_HOST('api.z.cn'), false],
  ['hdr_sub(user-agent) curl', 'GET / HTTP/1.1\nUser-Agent: curl/8.1', true],
  ['hdr(x-env) prod', 'GET / HTTP/1.1\nX-Env: dev, prod', true],
  ['hdr(x-env) prod', 'GET / HTTP/1.1\nX-Env: dev\nX-Env: prod', true],
  ['hdr(x-env) prod', 'GET / HTTP/1.1\nX-Env: production', false],
  ['req.fhdr(x-env) dev,prod', 'GET / HTTP/1.1\nX-Env: dev,prod', true],
  ['hdr(x-env) dev,prod', 'GET / HTTP/1.1\nX-Env: dev,prod', false],
  ['hdr(x-env) -m found', 'GET / HTTP/1.1\nX-Env: a', true],
  ['hdr(x-env) -m found', 'GET / HTTP/1.1', false],
  ['hdr(host) -m beg -i WWW.', GET_HOST('www.a.com'), true],
  ['hdr_cnt(x-a) gt 1', 'GET / HTTP/1.1\nX-A: 1\nX-A: 2', true],
  ['hdr_cnt(x-a) gt 1', 'GET / HTTP/1.1\nX-A: 1', false],
  ['hdr_len(host) 5:10', GET_HOST('abcdefg'), true],
  ['src 10.0.0.0/8', 'GET / HTTP/1.1', true],
  ['src 192.168.0.0/16 172.16.0.0/255.240.0.0', 'GET / HTTP/1.1', false],
  ['src 10.0.0.5', 'GET / HTTP/1.1', true],
  ['method POST PUT', 'PUT / HTTP/1.1', true],
  ['method POST', 'GET / HTTP/1.1', false],
  ['method -i post', 'POST / HTTP/1.1', true],
  ['dst_port 80', 'GET / HTTP/1.1', true],
  ['dst_port 1024:65535', 'GET / HTTP/1.1', false],
  ['dst_port lt 100', 'GET / HTTP/1.1', true],
];

for (const [line, request, expected] of table) {
  test(`acl ${line} vs ${JSON.stringify(request)} -> ${expected}`, (t) => {
    const p = compileAcl(aclOf(line));
    if (isCompileError(p)) return t.fail(p.message);
    t.is(p(req(request)), expected);
  });
}

test('src matches IPv4-mapped IPv6 client addresses and IPv6 networks', (t) => {
  const p = compileAcl(aclOf('src 127.0.0.0/8 2001:db8::/32'));
  if (isCompileError(p)) return t.fail();
  t.true(p(req('GET / HTTP/1.1', '::ffff:127.0.0.1')));
  t.true(p(req('GET / HTTP/1.1', '2001:db8::1')));
  t.false(p(req('GET / HTTP/1.1', '2001:db9::1')));
  t.false(p(req('GET / HTTP/1.1', '::1')));
});

test('network parsing', (t) => {
  t.truthy(parseNetwork('10.0.0.0/8'));
  t.falsy(parseNetwork('10.0.0.0/33'));
  t.falsy(parseNetwork('10.0.0/8'));
  t.falsy(parseNetwork('10.0.0.0/255.0.256.0'));
  t.falsy(parseNetwork('2001:db8::/255.255.0.0'), 'dotted masks are IPv4 only');
  t.true(inNetwork('198.18.3.4', parseNetwork('198.18.0.0/15')!));
  t.false(inNetwork('198.20.0.1', parseNetwork('198.18.0.0/15')!));
  t.true(inNetwork('::1', parseNetwork('::1')!));
  t.true(inNetwork('0.0.0.1', parseNetwork('0.0.0.0/0')!));
  // Non-contiguous dotted masks (haproxy keeps them as plain masks): the address is compared under the mask.
  const odd = parseNetwork('10.0.0.7/255.0.0.255')!;
  t.is(odd.prefix, -1);
  t.true(inNetwork('10.200.3.7', odd));
  t.true(inNetwork('::ffff:10.1.1.7', odd));
  t.false(inNetwork('10.200.3.8', odd));
  t.false(inNetwork('11.0.0.7', odd));
  t.is(parseNetwork('10.0.0.0/255.255.0.0')!.prefix, 16);
  // IPv4-mapped IPv6 networks: /96 and longer are the IPv4 networks they map; IPv4 clients match v6 networks
  // through their mapped form (pat_match_ip v4tov6).
  t.deepEqual(parseNetwork('::ffff:10.1.0.0/112'), parseNetwork('10.1.0.0/16'));
  t.true(inNetwork('10.1.2.3', parseNetwork('::ffff:0:0/95')!));
  t.true(inNetwork('10.1.2.3', parseNetwork('::/0')!));
  t.false(inNetwork('10.1.2.3', parseNetwork('2001:db8::/32')!));
  t.false(inNetwork('2001:db8::1', parseNetwork('0.0.0.0/0')!));
});

test('path extraction from every request-target form', (t) => {
  t.is(pathOf('/a?b'), '/a');
  t.is(pathOf('http://h:8/p/q?x'), '/p/q');
  t.is(pathOf('http://h'), '/');
  t.is(pathOf('h:443'), undefined);
  t.is(pathOf('*'), undefined);
});

test('compile errors: unknown criterion, bad regex, bad network, bad int', (t) => {
  for (const line of ['nosuch x', 'fhdr(x) a', 'constructor x', 'path_reg (', 'src 300.1.1.1', 'dst_port abc', 'dst_port 5:3', 'hdr(x) -m bin 4', 'hdr(x) -m regm a']) {
    const p = compileAcl(aclOf(line));
    t.true(isCompileError(p), line);
  }
});

// ---- conditions and routing --------------------------------------------------------------------

const term = (acl: string, negate = false): CondTerm => ({ acl, negate });
const cond = (polarity: 'if' | 'unless', ...anyOf: CondTerm[][]): Condition => ({ polarity, anyOf, where });

test('same-name ACL lines are OR-ed; conditions AND/OR/NOT/unless; predefined ACLs', (t) => {
  const set = new AclSet([
    aclOf('path_beg -i /static /images /javascript /stylesheets', 'url_static'),
    aclOf('path_end -i .jpg .gif .png .css .js', 'url_static'),
    aclOf('hdr_beg(host) -i www', 'host_www'),
  ]);
  const css = req('GET /x/a.css HTTP/1.1\nHost: www.a');
  const img = req('GET /images/a HTTP/1.1\nHost: img.a');
  const api = req('GET /api HTTP/1.1\nHost: www.a');
  const urlStatic = set.compile(cond('if', [term('url_static')]));
  t.true(urlStatic(css));
  t.true(urlStatic(img));
  t.false(urlStatic(api));
  // seed 002 commented example: `use_backend static if host_static || host_www url_static`
  const both = set.compile(cond('if', [term('host_www'), term('url_static')]));
  t.true(both(css));
  t.false(both(img));
  t.false(both(api));
  t.true(set.compile(cond('if', [term('url_static')], [term('host_www')]))(api));
  t.true(set.compile(cond('if', [term('url_static', true)]))(api));
  t.false(set.compile(cond('unless', [term('host_www')]))(api));
  t.true(set.compile(cond('if', [term('TRUE')]))(api));
  t.false(set.compile(cond('if', [term('FALSE')]))(api));
  t.true(set.compile(cond('if', [term('METH_GET')]))(api));
  t.false(set.compile(cond('if', [term('LOCALHOST')]))(api));
  t.true(set.compile(cond('if', [term('LOCALHOST')]))(req('GET / HTTP/1.1', '127.0.0.1')));
  t.true(set.compile(cond('if', [term('HTTP_1.1')]))(api));
  t.true(set.compile(cond('if', [{ negate: false, anonymous: aclOf('path_beg /api') }]))(api));
  t.is(set.problems.length, 0);
  set.compile(cond('if', [term('undefined_acl')]));
  t.is(set.problems.length, 1);
});

function section(rules: UseBackendRule[], def?: string, acls: AclConfig[] = []): ProxySection {
  return { kind: 'frontend', name: 'main', acls, useBackends: rules, defaultBackend: def } as unknown as ProxySection;
}

test('routing: first matching use_backend, then default_backend, else none', (t) => {
  const acls = [aclOf('hdr_reg(host) -i ^(www.z.cn|z.cn)', 'www_policy'), aclOf('url_sub -i buy_sid=', 'url_policy'), aclOf('hdr_dom(host) -i bbs.z.cn', 'bbs_policy')];
  const rules: UseBackendRule[] = [
    { backend: 'server_www', cond: cond('if', [term('www_policy')]), where },
    { backend: 'server_app', cond: cond('if', [term('url_policy')]), where },
    { backend: 'server_bbs', cond: cond('if', [term('bbs_policy')]), where },
  ];
  const r = compileRouter(section(rules, 'server_cache', acls));
  t.false(r.static);
  t.is(r.route(req(GET_HOST('z.cn', '/?buy_sid=1'))), 'server_www');
  t.is(r.route(req(GET_HOST('shop.z.cn', '/?buy_sid=1'))), 'server_app');
  t.is(r.route(req(GET_HOST('bbs.z.cn'))), 'server_bbs');
  t.is(r.route(req(GET_HOST('other'))), 'server_cache');
  const none = compileRouter(section([{ backend: 'x', cond: cond('if', [term('FALSE')]), where }]));
  t.is(none.route(req(GET_HOST('other'))), undefined);
  const listen = compileRouter({ ...section([]), kind: 'listen', name: 'p80' } as ProxySection);
  t.true(listen.static);
  t.is(listen.route(req(GET_HOST('a'))), 'p80');
});
