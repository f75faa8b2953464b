// Health-check configuration: `option httpchk` forms and its header escaping, merge with `http-check send`,
// the implicit expect, tcp-check rules and their bytes, inheritance from defaults, external checks; each
// accepted/refused config is also judged by haproxy -c.
import test from 'ava';
import type { CheckRule, HealthCheckConfig } from '../../../src/proxy/types.js';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { codes, notable, parseLines, proxy } from '../../helpers/pxconf.js';

const be = (lines: readonly string[], pre: readonly string[] = []): string[] =>
  [...pre, 'backend b', ...lines.map((l) => `  ${l}`), 'listen z', '  bind :8000'];
const hc = (lines: readonly string[], pre: readonly string[] = []) => {
  const r = parseLines(be(lines, pre));
  return { r, hc: r.config ? proxy(r.config, 'b').healthCheck : undefined };
};
const haproxyAccepts = async (lines: readonly string[], pre: readonly string[] = []): Promise<boolean> =>
  (await haproxyCheckText(be(lines, pre).join('\n') + '\n')).valid;

/** Compact rule notation for tables. */
function show(r: CheckRule): string {
  switch (r.kind) {
    case 'connect': return `connect${r.port ? `:${r.port}` : ''}${r.addr ? `@${r.addr}` : ''}${r.isDefault ? ' default' : ''}`;
    case 'send': return `send ${JSON.stringify(r.data.toString('latin1'))}`;
    case 'http-send': return `http ${r.method} ${r.uri} ${r.version}${r.headers.map(([n, v]) => ` [${n}: ${v}]`).join('')}${r.body !== undefined ? ` body=${r.body}` : ''}`;
    case 'expect': return `expect ${r.negate ? '! ' : ''}${r.match} ${r.pattern}${r.minRecv !== undefined ? ` min-recv=${r.minRecv}` : ''}`;
    case 'comment': return `# ${r.text}`;
  }
}

/** [name, lines, httpRequest (= the option line), effective rules] */
const httpchk: [string, string[], Partial<HealthCheckConfig['httpRequest']> | undefined, string[]][] = [
  ['no args: OPTIONS / HTTP/1.0', ['option httpchk'], { method: 'OPTIONS', uri: '/', version: 'HTTP/1.0', headers: [] }, ['http OPTIONS / HTTP/1.0', 'expect status 200-399']],
  ['uri only', ['option httpchk /health'], { method: 'OPTIONS', uri: '/health' }, ['http OPTIONS /health HTTP/1.0', 'expect status 200-399']],
  ['method + uri', ['option httpchk HEAD /h'], { method: 'HEAD', uri: '/h', version: 'HTTP/1.0' }, ['http HEAD /h HTTP/1.0', 'expect status 200-399']],
  ['method + uri + version', ['option httpchk GET /h HTTP/1.1'], { version: 'HTTP/1.1' }, ['http GET /h HTTP/1.1', 'expect status 200-399']],
  ['legacy headers in the version', ['option httpchk GET / HTTP/1.1\\r\\nHost:\\ www\\r\\nX-A:\\ 1'], { headers: [['Host', 'www'], ['X-A', '1']] }, ['http GET / HTTP/1.1 [Host: www] [X-A: 1]', 'expect status 200-399']],
  ['legacy headers and body', ['option httpchk POST /p HTTP/1.1\\r\\nHost:\\ a\\r\\n\\r\\nping'], { method: 'POST', headers: [['Host', 'a']] }, ['http POST /p HTTP/1.1 [Host: a] body=ping', 'expect status 200-399']],
  ['explicit expect: no implicit one', ['option httpchk GET /', 'http-check expect status 200'], { method: 'GET' }, ['http GET / HTTP/1.0', 'expect status 200']],
  ['send merges into the option request; its headers replace', ['option httpchk GET /x HTTP/1.1\\r\\nX-Old:\\ 1', 'http-check send hdr Host app'], { method: 'GET', uri: '/x', headers: [['X-Old', '1']] }, ['http GET /x HTTP/1.1 [Host: app]', 'expect status 200-399']],
  ['send without hdr keeps the option headers (haproxy 2.6.12 on the wire, send-oracle.test.ts)', ['option httpchk GET /x HTTP/1.1\\r\\nX-Old:\\ 1', 'http-check send meth HEAD'], { method: 'GET', uri: '/x', headers: [['X-Old', '1']] }, ['http HEAD /x HTTP/1.1 [X-Old: 1]', 'expect status 200-399']],
  ['send fields override the option', ['option httpchk GET /x', 'http-check send meth HEAD ver HTTP/1.1 body b'], { method: 'GET', uri: '/x', version: 'HTTP/1.0' }, ['http HEAD /x HTTP/1.1 body=b', 'expect status 200-399']],
  ['option declared after the send still merges', ['http-check send hdr Host a', 'option httpchk GET /late'], { method: 'GET', uri: '/late' }, ['http GET /late HTTP/1.0 [Host: a]', 'expect status 200-399']],
  ['sequences: connect/send/expect twice', ['option httpchk', 'http-check connect', 'http-check send meth GET uri /a', 'http-check expect status 200', 'http-check connect port 8081', 'http-check send uri /b', 'http-check expect ! string down'],
    { method: 'OPTIONS', uri: '/' }, ['connect', 'http GET /a HTTP/1.0', 'expect status 200', 'connect:8081', 'http OPTIONS /b HTTP/1.0', 'expect ! string down']],
  ['implicit send placed after a leading connect', ['option httpchk GET /', 'http-check connect port 9000', 'http-check send', 'http-check expect rstatus ^2'], { method: 'GET' }, ['connect:9000', 'http GET / HTTP/1.0', 'expect rstatus ^2']],
  ['comments are kept in place', ['option httpchk', 'http-check comment hello', 'http-check send meth GET'], { method: 'OPTIONS' }, ['# hello', 'http GET / HTTP/1.0', 'expect status 200-399']],
];
for (const [name, lines, req, rules] of httpchk) {
  test(`httpchk: ${name}`, async (t) => {
    const { r, hc: h } = hc(lines);
    t.deepEqual(notable(r.errors), []);
    t.is(h?.type, 'http');
    t.like(h?.httpRequest, req as object);
    t.deepEqual(h?.rules.map(show), rules);
    t.true(await haproxyAccepts(lines));
  });
}

test('the legacy \\r\\n trick warns like haproxy (deprecated), plain forms do not', (t) => {
  t.deepEqual(codes(hc(['option httpchk GET / HTTP/1.1\\r\\nHost:\\ a']).r.warnings).filter((c) => c.startsWith('httpchk')), ['httpchk-hidden-headers@2']);
  t.deepEqual(codes(hc(['option httpchk GET / HTTP/1.1']).r.warnings).filter((c) => c.startsWith('httpchk')), []);
});

const tcp: [string, string[], string[]][] = [
  ['no rules = plain connect check', ['option tcp-check'], []],
  ['send/expect without connect', ['option tcp-check', 'tcp-check send PING\\r\\n', 'tcp-check expect string +PONG'], ['send "PING\\r\\n"', 'expect string +PONG']],
  ['binary', ['option tcp-check', 'tcp-check send-binary 00ff7F', 'tcp-check expect binary 0500', 'tcp-check expect rbinary ^05'], ['send "\\u0000ÿ\u007f"', 'expect binary 0500', 'expect rbinary ^05']],
  ['connect options', ['option tcp-check', 'tcp-check connect default port 80 addr 10.1.1.1 comment c1 linger', 'tcp-check connect port 81'], ['connect:80@10.1.1.1 default', 'connect:81']],
  ['expect modifiers', ['option tcp-check', 'tcp-check expect min-recv 5 comment hi ! rstring ^ERR'], ['expect ! rstring ^ERR min-recv=5']],
  ['escapes and \\x bytes in send', ['option tcp-check', 'tcp-check send a\\ b\\x00\\xff\\t'], ['send "a b\\u0000ÿ\\t"']],
  ['comment rules', ['option tcp-check', 'tcp-check comment first step', 'tcp-check connect port 5'], ['# first step', 'connect:5']],
];
for (const [name, lines, rules] of tcp) {
  test(`tcp-check: ${name}`, async (t) => {
    const { r, hc: h } = hc(lines);
    t.deepEqual(notable(r.errors), []);
    t.is(h?.type, 'tcp-check');
    t.deepEqual(h?.rules.map(show), rules);
    t.true(await haproxyAccepts(lines));
  });
}

test('tcp-check send keeps raw bytes: UTF-8 text and \\x escapes side by side', (t) => {
  const { hc: h } = hc(['option tcp-check', 'tcp-check send é\\xe9']);
  const send = h?.rules[0];
  t.is(send?.kind, 'send');
  if (send?.kind === 'send') t.deepEqual([...send.data], [0xc3, 0xa9, 0xe9]);
});

const errors: [string[], string][] = [
  [['option httpchk GET / HTTP/1.1 extra'], 'too-many-args@2'],
  [['option httpchk', 'http-check expect status 2xx'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check expect status 200-'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check expect rstatus ('], 'bad-check-rule@3'],
  [['option httpchk', 'http-check expect binary 00'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check expect string'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check expect status 200 extra'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check send hdr Host'], 'bad-check-rule@3'],
  [['option httpchk', 'http-check connect', 'http-check connect'], 'bad-check-rule@4'],
  [['option httpchk GET /', 'http-check connect port 9000', 'http-check expect rstatus ^2'], 'bad-check-rule@4'],
  [['option httpchk', 'http-check send-state extra'], 'too-many-args@3'],
  [['option httpchk', 'http-check frob'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check send-binary 123'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check expect binary 12Z4'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check expect'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check expect status 200'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check foo'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check connect port 0'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check connect foo'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check send'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check send a b'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check comment'], 'bad-check-rule@3'],
  [['option tcp-check', 'tcp-check send x', 'tcp-check connect port 1'], 'bad-check-rule@4'],
  [['external-check path'], 'bad-external-check@2'],
  [['option external-check', 'external-check command'], 'bad-external-check@3'],
];
for (const [lines, code] of errors) {
  test(`check config error: ${lines.join(' / ')}`, async (t) => {
    t.is(codes(hc(lines).r.errors)[0], code);
    t.false(await haproxyAccepts(lines), 'haproxy 2.6 rejects it too');
  });
}

test('rules without the matching option are ignored with haproxy\'s warnings', async (t) => {
  const lines = ['http-check expect status 200', 'tcp-check send x', 'option tcp-check', 'http-check disable-on-404'];
  const ok = hc(['http-check expect status 200', 'tcp-check send x']);
  t.is(ok.hc?.type, 'tcp');
  t.deepEqual(codes(ok.r.warnings).filter((c) => c.startsWith('unused')), ['unused-check-rules@2', 'unused-check-rules@3']);
  const both = hc(lines);
  t.deepEqual(codes(both.r.warnings).filter((c) => c.startsWith('unused') || c.startsWith('check-option')), ['unused-check-rules@2', 'check-option-ignored@4']);
  t.true(await haproxyAccepts(lines));
});

test('check settings come from defaults; own rules of the same kind replace the inherited ones', (t) => {
  const pre = ['defaults', '  option httpchk GET /dflt', '  http-check expect status 204', '  http-check send-state'];
  const inherited = hc([], pre).hc;
  t.deepEqual(inherited?.rules.map(show), ['http GET /dflt HTTP/1.0', 'expect status 204']);
  t.true(inherited?.sendState);
  const own = hc(['option httpchk HEAD /mine'], pre).hc;
  t.deepEqual(own?.rules.map(show), ['http HEAD /mine HTTP/1.0', 'expect status 200-399'], 'the option in the backend starts its own rule set');
  const tcpPre = ['defaults', '  option tcp-check', '  tcp-check connect port 25', '  tcp-check expect string 220'];
  t.deepEqual(hc([], tcpPre).hc?.rules.map(show), ['connect:25', 'expect string 220']);
  t.deepEqual(hc(['tcp-check connect port 26'], tcpPre).hc?.rules.map(show), ['connect:26']);
  t.is(hc(['option external-check', 'external-check command /bin/true'], ['global', '  external-check', '  insecure-fork-wanted', ...tcpPre]).hc?.type, 'external');
});

test('external check: command, path, and the global prerequisites', async (t) => {
  const pre = ['global', '  external-check', '  insecure-fork-wanted'];
  const lines = ['option external-check', 'external-check command /usr/local/bin/check.sh', 'external-check path /usr/bin:/bin', 'server s 127.0.0.1:80 check'];
  const ok = hc(lines, pre);
  t.deepEqual(ok.hc?.external, { command: '/usr/local/bin/check.sh', path: '/usr/bin:/bin' });
  t.deepEqual(notable(ok.r.diagnostics), []);
  t.true(await haproxyAccepts(lines, pre));
  const noFork = hc(lines, ['global', '  external-check']);
  t.deepEqual(codes(noFork.r.warnings).filter((c) => c.startsWith('insecure')), ['insecure-fork-wanted@4']);
  t.deepEqual(codes(hc(['option external-check', 'server s 127.0.0.1:80 check'], pre).r.errors), ['external-check-command@5']);
  t.false(await haproxyAccepts(['option external-check', 'server s 127.0.0.1:80 check'], pre));
});

test('own http-check rules under an inherited option httpchk keep the inherited request', (t) => {
  const pre = ['defaults', '  option httpchk GET /dflt HTTP/1.1\\r\\nHost:\\ d'];
  t.deepEqual(hc(['http-check expect status 204'], pre).hc?.rules.map(show), ['http GET /dflt HTTP/1.1 [Host: d]', 'expect status 204']);
});
