// Proxy keywords and their defaults, table-driven: each row is a few lines inside `listen a` and the model
// fields they must produce (haproxy.md §1.4-1.5, §4, §5, §7.1).
import test from 'ava';
import type { ProxySection } from '../../../src/proxy/types.js';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { codes, notable, parseLines, proxy } from '../../helpers/pxconf.js';

const listenLines = (lines: readonly string[]): string[] => ['listen a', '  bind :8000', ...lines.map((l) => `  ${l}`)];
const listen = (lines: readonly string[]) => parseLines(listenLines(lines));
/** haproxy 2.6 itself on the same lines (compatibility oracle). */
const haproxyAccepts = async (lines: readonly string[]): Promise<boolean> => (await haproxyCheckText(listenLines(lines).join('\n') + '\n')).valid;

test('defaults of a bare listen', (t) => {
  const r = listen([]);
  const p = proxy(r.config, 'a');
  t.like(p, { kind: 'listen', mode: 'tcp', retries: 3, httpReuse: 'safe', balance: { kind: 'roundrobin' }, maxconn: undefined, fullconn: undefined });
  t.deepEqual(p.hashType, { method: 'map-based', fn: 'sdbm', avalanche: false });
  t.deepEqual(p.options, { httplog: false, tcplog: false, dontlognull: false, httpConnMode: 'keep-alive', httpTunnel: false, allbackups: false, persist: false, abortonclose: false });
  t.deepEqual(p.timeouts, {});
  t.deepEqual(p.healthCheck, { type: 'tcp', rules: [], sendState: false, disableOn404: false });
  t.is(p.stats, undefined);
  t.deepEqual(p.logs, []);
});

const rows: [string, string[], (p: ProxySection) => unknown, unknown][] = [
  ['mode http', ['mode http'], (p) => p.mode, 'http'],
  ['maxconn', ['maxconn 500'], (p) => p.maxconn, 500],
  ['fullconn', ['fullconn 40'], (p) => p.fullconn, 40],
  ['retries', ['retries 0'], (p) => p.retries, 0],
  ['http-reuse', ['http-reuse never'], (p) => p.httpReuse, 'never'],
  ['balance static-rr', ['balance static-rr'], (p) => p.balance, { kind: 'static-rr' }],
  ['balance leastconn', ['balance leastconn'], (p) => p.balance, { kind: 'leastconn' }],
  ['balance first', ['balance first'], (p) => p.balance, { kind: 'first' }],
  ['balance source', ['balance source'], (p) => p.balance, { kind: 'source' }],
  ['balance uri', ['balance uri'], (p) => p.balance, { kind: 'uri', whole: false, pathOnly: false }],
  ['balance uri args', ['balance uri whole path-only len 10 depth 2'], (p) => p.balance, { kind: 'uri', whole: true, pathOnly: true, len: 10, depth: 2 }],
  ['balance hdr', ['mode http', 'balance hdr(Host) use_domain_only'], (p) => p.balance, { kind: 'hdr', header: 'Host', useDomainOnly: true }],
  ['balance url_param', ['balance url_param uid'], (p) => p.balance, { kind: 'url_param', param: 'uid' }],
  ['balance random', ['balance random'], (p) => p.balance, { kind: 'random', draws: 2 }],
  ['balance random(5)', ['balance random(5)'], (p) => p.balance, { kind: 'random', draws: 5 }],
  ['bare balance = roundrobin', ['balance leastconn', 'balance'], (p) => p.balance, { kind: 'roundrobin' }],
  ['hash-type consistent', ['hash-type consistent'], (p) => p.hashType, { method: 'consistent', fn: 'sdbm', avalanche: true }],
  ['hash-type consistent crc32', ['hash-type consistent crc32'], (p) => p.hashType, { method: 'consistent', fn: 'crc32', avalanche: false }],
  ['hash-type map-based djb2 avalanche', ['hash-type map-based djb2 avalanche'], (p) => p.hashType, { method: 'map-based', fn: 'djb2', avalanche: true }],
  ['option httplog in http', ['mode http', 'option httplog'], (p) => [p.options.httplog, p.options.tcplog], [true, false]],
  ['option httplog clf', ['mode http', 'option httplog clf'], (p) => p.options.httplog, true],
  ['tcplog then httplog: last wins', ['mode http', 'option tcplog', 'option httplog'], (p) => [p.options.httplog, p.options.tcplog], [true, false]],
  ['option httpclose', ['option httpclose'], (p) => p.options.httpConnMode, 'close'],
  ['server-close then keep-alive', ['option http-server-close', 'option http-keep-alive'], (p) => p.options.httpConnMode, 'keep-alive'],
  ['option redispatch', ['option redispatch'], (p) => p.options.redispatch, { interval: -1 }],
  ['option redispatch 3', ['option redispatch 3'], (p) => p.options.redispatch, { interval: 3 }],
  ['option redispatch 0 disables', ['option redispatch 0'], (p) => p.options.redispatch, undefined],
  ['option forwardfor', ['mode http', 'option forwardfor'], (p) => p.options.forwardfor && [p.options.forwardfor.header, p.options.forwardfor.ifNone, p.options.forwardfor.except], ['X-Forwarded-For', false, undefined]],
  ['option forwardfor full', ['mode http', 'option forwardfor except 10.0.0.0/255.0.0.0 header X-Client if-none'], (p) => p.options.forwardfor && [p.options.forwardfor.header, p.options.forwardfor.ifNone, p.options.forwardfor.except], ['X-Client', true, { network: '10.0.0.0', prefix: 8 }]],
  ['option forwardfor except host', ['mode http', 'option forwardfor except 127.0.0.1'], (p) => p.options.forwardfor?.except, { network: '127.0.0.1', prefix: 32 }],
  ['option forwardfor except IPv6', ['mode http', 'option forwardfor except ::1/128'], (p) => p.options.forwardfor?.except, { network: '::1', prefix: 128 }],
  ['option allbackups/persist/abortonclose/dontlognull', ['option allbackups', 'option persist', 'option abortonclose', 'option dontlognull'], (p) => [p.options.allbackups, p.options.persist, p.options.abortonclose, p.options.dontlognull], [true, true, true, true]],
  ['cookie default mode is passive', ['mode http', 'cookie SERVERID'], (p) => [p.cookie?.name, p.cookie?.mode, p.cookie?.passive], ['SERVERID', 'rewrite', true]],
  ['cookie insert flags', ['mode http', 'cookie S insert indirect nocache postonly preserve httponly secure domain .a.com domain .b.com maxidle 1h maxlife 2d'],
    (p) => p.cookie && { ...p.cookie, where: undefined }, { name: 'S', mode: 'insert', indirect: true, nocache: true, postonly: true, preserve: true, httponly: true, secure: true, domains: ['.a.com', '.b.com'], maxidle: 3_600_000, maxlife: 172_800_000, where: undefined }],
  ['cookie prefix', ['mode http', 'cookie JSESSIONID prefix nocache'], (p) => [p.cookie?.mode, p.cookie?.passive], ['prefix', undefined]],
  ['timeouts, all of them', ['timeout client 1s', 'timeout server 2s', 'timeout connect 3s', 'timeout queue 4s', 'timeout tunnel 5s', 'timeout client-fin 6s', 'timeout server-fin 7s', 'timeout http-request 8s', 'timeout http-keep-alive 9s', 'timeout check 10s', 'timeout tarpit 11s'],
    (p) => p.timeouts, { client: 1000, server: 2000, connect: 3000, queue: 4000, tunnel: 5000, clientFin: 6000, serverFin: 7000, httpRequest: 8000, httpKeepAlive: 9000, check: 10_000, tarpit: 11_000 }],
  ['timeout without unit is ms', ['timeout client 1500'], (p) => p.timeouts.client, 1500],
  ['log lines', ['log 10.0.0.1:1514 len 2048 format rfc5424 local3 warning info', 'log /dev/log daemon', 'log stderr user'],
    (p) => p.logs.map((l) => [l.address, l.facility, l.level]), [['10.0.0.1:1514', 'local3', 'warning'], ['/dev/log', 'daemon', undefined], ['stderr', 'user', undefined]]],
  ['disabled', ['disabled'], (p) => p.disabled, true],
  ['enabled cancels disabled', ['disabled', 'enabled'], (p) => p.disabled, undefined],
  ['stats defaults', ['mode http', 'stats enable'], (p) => p.stats && [p.stats.uri, p.stats.realm, p.stats.auth, p.stats.hideVersion, p.stats.refreshSec], ['/haproxy?stats', 'HAProxy Statistics', [], false, undefined]],
  ['any stats keyword enables stats', ['mode http', 'stats uri /s'], (p) => p.stats?.enabled, true],
  ['stats refresh counts seconds', ['mode http', 'stats refresh 5'], (p) => p.stats?.refreshSec, 5],
  ['stats refresh 1m', ['mode http', 'stats refresh 1m'], (p) => p.stats?.refreshSec, 60],
  ['stats auth keeps colons in password', ['mode http', 'stats auth u:p:w'], (p) => p.stats?.auth, [{ user: 'u', pass: 'p:w' }]],
  ['stats auth without colon = empty password', ['mode http', 'stats auth admin'], (p) => p.stats?.auth, [{ user: 'admin', pass: '' }]],
  ['stats admin unless', ['mode http', 'acl lan src 10.0.0.0/8', 'stats admin unless !lan'], (p) => p.stats?.adminRules.map((c) => [c.polarity, c.anyOf]), [['unless', [[{ negate: true, acl: 'lan' }]]]]],
  ['prometheus exporter', ['mode http', 'http-request use-service prometheus-exporter'], (p) => p.promExporter && p.promExporter.cond, undefined],
  ['http-request rules in file order', ['mode http', 'http-request allow if { src 10.0.0.0/8 }', 'http-request deny deny_status 503 if { path_beg /admin }', 'http-request use-service prometheus-exporter', 'http-request deny'],
    (p) => p.httpRequestRules?.map((r) => [r.action, r.denyStatus, r.cond !== undefined, r.where.line]), [['allow', undefined, true, 4], ['deny', 503, true, 5], ['prometheus-exporter', undefined, false, 6], ['deny', undefined, false, 7]]],
  ['prometheus exporter with condition', ['mode http', 'http-request use-service prometheus-exporter if { path /metrics }'], (p) => p.promExporter?.cond?.anyOf[0]?.[0], { negate: false, anonymous: { name: 'anonymous', criterion: 'path', ignoreCase: false, patterns: ['/metrics'], where: { file: 't.cfg', line: 4 } } }],
];

for (const [name, lines, pick, expected] of rows) {
  test(`keyword: ${name}`, async (t) => {
    const r = listen(lines);
    t.deepEqual(notable(r.errors), []);
    t.deepEqual(pick(proxy(r.config, 'a')), expected);
    t.true(await haproxyAccepts(lines), 'haproxy 2.6 accepts it too');
  });
}

/**
 * Rows marked 'refused' are valid haproxy that hapair refuses on purpose (feature not provided); 'strict' rows are
 * values haproxy silently reads as 0 with atol() where hapair reports the typo. All others: haproxy errors too.
 */
const errors: [string, string[], string, ('refused' | 'strict')?][] = [
  ['mode health removed', ['mode health'], 'removed-keyword@3'],
  ['default_backend loop', ['default_backend a'], 'backend-loop@3'],
  ['use_backend loop', ['use_backend a if TRUE'], 'backend-loop@3'],
  ['unknown mode', ['mode udp'], 'bad-value@3'],
  ['maxconn junk', ['maxconn lots'], 'bad-value@3', 'strict'],
  ['maxconn missing', ['maxconn'], 'missing-argument@3'],
  ['maxconn extra', ['maxconn 1 2'], 'too-many-args@3'],
  ['http-reuse bad', ['http-reuse sometimes'], 'bad-value@3'],
  ['balance random(0)', ['balance random(0)'], 'bad-balance@3'],
  ['balance uri len 0', ['balance uri len 0'], 'bad-balance@3'],
  ['balance rdp-cookie refused', ['balance rdp-cookie'], 'bad-balance@3', 'refused'],
  ['hash-type avalanche removed', ['hash-type avalanche'], 'bad-hash-type@3'],
  ['hash-type bad fn', ['hash-type consistent md5'], 'bad-hash-type@3'],
  ['cookie rewrite+indirect', ['mode http', 'cookie S rewrite indirect'], 'bad-cookie@4'],
  ['cookie two modes', ['mode http', 'cookie S insert prefix'], 'bad-cookie@4'],
  ['cookie preserve alone', ['mode http', 'cookie S preserve'], 'bad-cookie@4'],
  ['cookie unknown flag', ['mode http', 'cookie S insert sticky'], 'bad-cookie@4'],
  ['timeout unknown', ['timeout forever 1s'], 'bad-timeout@3'],
  ['timeout missing value', ['timeout client'], 'bad-timeout@3'],
  ['timeout extra arg', ['timeout client 1s 2s'], 'too-many-args@3'],
  ['contimeout removed', ['contimeout 1s'], 'removed-keyword@3'],
  ['srvtimeout removed', ['srvtimeout 1s'], 'removed-keyword@3'],
  ['unknown option', ['option frobnicate'], 'unknown-option@3'],
  ['protocol check refused', ['option mysql-check'], 'unsupported-option@3', 'refused'],
  ['no option forwardfor', ['no option forwardfor'], 'bad-modifier@3'],
  ['default option httpclose', ['default option httpclose'], 'bad-modifier@3'],
  ['option forwardfor bad except', ['option forwardfor except nonsense'], 'bad-option@3'],
  ['option forwardfor except octet > 255', ['option forwardfor except 300.0.0.0/8'], 'bad-option@3'],
  ['option forwardfor except bad IPv6', ['option forwardfor except fe80::zz'], 'bad-option@3'],
  ['option forwardfor except prefix > 32', ['option forwardfor except 10.0.0.0/33'], 'bad-option@3'],
  ['option forwardfor bad word', ['option forwardfor always'], 'bad-option@3'],
  ['option httplog bad arg', ['option httplog json'], 'bad-option@3'],
  ['option dontlognull arg', ['option dontlognull yes'], 'too-many-args@3'],
  ['id zero', ['id 0'], 'bad-value@3'],
  ['stats refresh decimal', ['mode http', 'stats refresh 1.5s'], 'bad-stats@4'],
  ['stats admin without cond', ['mode http', 'stats admin TRUE'], 'bad-stats@4'],
  ['stats unknown', ['mode http', 'stats nope'], 'bad-stats@4'],
  ['stats socket in proxy', ['stats socket /tmp/x'], 'misplaced-keyword@3'],
  ['redirect refused', ['mode http', 'redirect location /x'], 'unsupported-keyword@4', 'refused'],
  ['log bad facility', ['log 127.0.0.1 local8'], 'bad-log@3'],
  ['log bad level', ['log 127.0.0.1 local0 loud'], 'bad-log@3'],
  ['log bad len', ['log 127.0.0.1 len 10 local0'], 'bad-log@3'],
  ['no log with args', ['no log 127.0.0.1 local0'], 'too-many-args@3'],
  ['http-request deny_status out of range', ['mode http', 'http-request deny deny_status 999'], 'bad-value@4'],
  ['http-request deny_status without a built-in page', ['mode http', 'http-request deny deny_status 429'], 'bad-value@4', 'refused'], // haproxy has a 429 page; hapair only pages it sends itself
  ['http-request deny junk instead of a condition', ['mode http', 'http-request deny now'], 'bad-condition@4'],
  ['http-request without an action', ['mode http', 'http-request'], 'missing-argument@4'],
];
for (const [name, lines, code, difference] of errors) {
  test(`keyword error: ${name}`, async (t) => {
    const r = listen(lines);
    t.deepEqual(codes(r.errors), [code]);
    t.is(r.config, undefined, 'a config with errors yields no config');
    t.is(await haproxyAccepts(lines), difference !== undefined, difference ? `deliberate difference (${difference})` : 'haproxy 2.6 rejects it too');
  });
}

const warnings: [string, string[], string][] = [
  ['unsupported harmless keyword', ['mode http', 'compression algo gzip'], 'ignored-keyword@4'],
  ['errorfile', ['mode http', 'errorfile 503 /etc/haproxy/errors/503.http'], 'ignored-keyword@4'],
  ['ignored option', ['option tcpka'], 'ignored-option@3'],
  ['other http-request actions', ['mode http', 'http-request set-header X-A b'], 'ignored-keyword@4'],
  ['junk after a time unit', ['timeout client 10sec'], 'time-suffix@3'],
  ['timeout set twice', ['timeout client 1s', 'timeout client 2s'], 'timeout-overwritten@4'],
  ['cookie domain without dot', ['mode http', 'cookie S insert domain example.com'], 'cookie-domain@4'],
  ['stats show-node', ['mode http', 'stats show-node'], 'ignored-keyword@4'],
  ['stats auth user repeated', ['mode http', 'stats auth a:1', 'stats auth a:2'], 'duplicate-stats-user@5'],
];
for (const [name, lines, code] of warnings) {
  test(`keyword warning: ${name}`, async (t) => {
    const r = listen(lines);
    t.deepEqual(r.errors, []);
    t.true(codes(r.warnings).includes(code), codes(r.warnings).join(','));
    t.true(await haproxyAccepts(lines), 'haproxy 2.6 accepts it too');
  });
}

test('mode tcp drops HTTP-only settings with haproxy\'s warnings', (t) => {
  const r = listen(['stats enable', 'option httplog', 'option forwardfor', 'cookie S insert', 'server s 127.0.0.1:80 cookie a', 'http-request use-service prometheus-exporter']);
  const p = proxy(r.config, 'a');
  t.like(p, { stats: undefined, cookie: undefined, promExporter: undefined });
  t.like(p.options, { httplog: false, tcplog: true, forwardfor: undefined });
  t.is(r.warnings.filter((w) => w.code === 'needs-http-mode').length, 6);
});

test('legacy keywords map with a warning each', (t) => {
  const r = listen(['mode http', 'option forceclose', 'redisp']);
  const p = proxy(r.config, 'a');
  t.is(p.options.httpConnMode, 'close');
  t.deepEqual(p.options.redispatch, { interval: -1 });
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('legacy')), ['legacy-keyword@4', 'legacy-keyword@5']);
  t.regex(r.warnings.find((w) => w.line === 4)!.message, /maps it to 'option httpclose'/);
  t.regex(r.warnings.find((w) => w.line === 5)!.message, /maps it to 'option redispatch'/);
});

test('`//` blog comments: accepted with one warning per line, consistently in every section', (t) => {
  const r = parseLines(['global //g', '  maxconn 10 //m', 'defaults //d', '  mode http //x', 'listen a //l', '  bind *:8080 //b', '  stats uri /admin //u']);
  t.deepEqual(r.errors, []);
  t.deepEqual(r.warnings.filter((w) => w.code === 'slash-comment').map((w) => w.line), [1, 2, 3, 4, 5, 6, 7]);
  t.is(proxy(r.config, 'a').stats?.uri, '/admin');
  t.is(r.config?.global.maxconn, 10);
});

test('maxconn 0 on a frontend means the global maxconn: stored as unset', (t) => {
  t.is(proxy(listen(['maxconn 0']).config, 'a').maxconn, undefined);
  t.is(proxy(listen(['fullconn 0']).config, 'a').fullconn, undefined, 'fullconn 0 = automatic');
});
