// ACL lines and if/unless conditions (haproxy.md §1.5 ACLs, doc §7): criteria, flags, patterns, OR/AND/NOT,
// anonymous ACLs, predefined ACLs, declaration order; each row also judged by haproxy -c.
import test from 'ava';
import type { AclConfig, Condition } from '../../../src/proxy/types.js';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { codes, notable, parseLines, proxy } from '../../helpers/pxconf.js';

const fe = (lines: readonly string[]): string[] => ['frontend f', '  bind :8000', '  mode http', ...lines.map((l) => `  ${l}`), '  default_backend b', 'backend b', '  mode http'];
const haproxyAccepts = async (lines: readonly string[]): Promise<boolean> => (await haproxyCheckText(fe(lines).join('\n') + '\n')).valid;
const strip = (a: AclConfig): Partial<AclConfig> => ({ ...a, where: undefined });

const acls: [string, Partial<AclConfig>][] = [
  ['acl a path /x /y', { criterion: 'path', patterns: ['/x', '/y'], ignoreCase: false }],
  ['acl a path_beg -i /static /images', { criterion: 'path_beg', ignoreCase: true, patterns: ['/static', '/images'] }],
  ['acl a path_end .jpg', { criterion: 'path_end', patterns: ['.jpg'] }],
  ['acl a path_reg ^/api/v[0-9]+/', { criterion: 'path_reg', patterns: ['^/api/v[0-9]+/'] }],
  ['acl a url_sub -i buy_sid=', { criterion: 'url_sub', ignoreCase: true, patterns: ['buy_sid='] }],
  ['acl a url_beg /a', { criterion: 'url_beg' }],
  ['acl a url_dir img', { criterion: 'url_dir' }],
  ['acl a hdr(host) -i example.com', { criterion: 'hdr', arg: 'host', ignoreCase: true }],
  ['acl a hdr_beg(host) -i img. video.', { criterion: 'hdr_beg', arg: 'host', patterns: ['img.', 'video.'] }],
  ['acl a hdr_end(host) .cn', { criterion: 'hdr_end', arg: 'host' }],
  ['acl a hdr_dom(host) -i bbs.z.cn', { criterion: 'hdr_dom', arg: 'host' }],
  ['acl a hdr_reg(host) -i ^(www.z.cn|z.cn)', { criterion: 'hdr_reg', arg: 'host', patterns: ['^(www.z.cn|z.cn)'] }],
  ['acl a hdr_sub(user-agent) curl', { criterion: 'hdr_sub', arg: 'user-agent' }],
  ['acl a src 10.0.0.0/8 192.168.1.1 ::1', { criterion: 'src', patterns: ['10.0.0.0/8', '192.168.1.1', '::1'] }],
  ['acl a method GET HEAD', { criterion: 'method', patterns: ['GET', 'HEAD'] }],
  ['acl a dst_port 80 8000:8080', { criterion: 'dst_port', patterns: ['80', '8000:8080'] }],
  ['acl a hdr(x-token) -m found', { criterion: 'hdr', arg: 'x-token', matchMethod: 'found', patterns: [] }],
  ['acl a path -m beg /a', { criterion: 'path', matchMethod: 'beg' }],
  ['acl a path -- -weird', { patterns: ['-weird'] }],
  ['acl a hdr_cnt(host) gt 1', { criterion: 'hdr_cnt', patterns: ['gt', '1'] }],
  ['acl a req.fhdr(date) -m found', { criterion: 'req.fhdr', arg: 'date', matchMethod: 'found' }],
  ['acl a req.hdr(x-api-key) -m len 32', { criterion: 'req.hdr', arg: 'x-api-key', matchMethod: 'len', patterns: ['32'] }],
  // What the matcher's own compilers accept (acl/patterns.ts), as haproxy does: non-contiguous and mapped masks,
  // `-` ranges, operators (`ne` included), hex for -m bin.
  ['acl a src 10.0.0.7/255.0.0.255 ::ffff:10.0.0.0/104', { criterion: 'src', patterns: ['10.0.0.7/255.0.0.255', '::ffff:10.0.0.0/104'] }],
  ['acl a dst_port 1024-65535 ne 80 gt 1:5', { criterion: 'dst_port' }],
  ['acl a hdr(x) -m bin 414243', { matchMethod: 'bin', patterns: ['414243'] }],
];
for (const [line, expected] of acls) {
  test(`acl: ${line}`, async (t) => {
    const r = parseLines(fe([line]));
    t.deepEqual(notable(r.errors), []);
    t.like(strip(proxy(r.config, 'f').acls[0]!), expected);
    t.true(await haproxyAccepts([line]));
  });
}

const cond = (c: Condition | undefined): string =>
  (c ? `${c.polarity} ` : '') + (c?.anyOf ?? []).map((g) => g.map((x) => ('acl' in x ? `${x.negate ? '!' : ''}${x.acl}` : `${x.negate ? '!' : ''}{${x.anonymous.criterion}}`)).join(' & ')).join(' | ');

const conditions: [string, string][] = [
  ['if a', 'if a'],
  ['unless a', 'unless a'],
  ['if a b', 'if a & b'],
  ['if a || b', 'if a | b'],
  ['if a or b', 'if a | b'],
  ['if a OR b', 'if a | b'],
  ['if !a b', 'if !a & b'],
  ['if ! a', 'if !a'],
  ['if a b || !c { path_beg /x } || TRUE', 'if a & b | !c & {path_beg} | TRUE'],
  ['if !{ src 10.0.0.0/8 }', 'if !{src}'],
  ['if METH_POST HTTP_1.1 LOCALHOST', 'if METH_POST & HTTP_1.1 & LOCALHOST'],
];
for (const [text, expected] of conditions) {
  test(`condition: use_backend b ${text}`, async (t) => {
    const lines = ['acl a path /a', 'acl b path /b', 'acl c path /c', `use_backend b ${text}`];
    const r = parseLines(fe(lines));
    t.deepEqual(notable(r.errors), []);
    t.is(cond(proxy(r.config, 'f').useBackends[0]?.cond), expected);
    t.true(await haproxyAccepts(lines));
  });
}

test('empty conditions and empty OR terms: accepted like haproxy, with a warning; `if` alone never matches', async (t) => {
  const rows: [string, string, string[]][] = [
    ['use_backend b if', 'if ', ['empty-condition@4']],
    ['use_backend b unless', 'unless ', ['empty-condition@4']],
    ['use_backend b if || TRUE', 'if TRUE', ['empty-condition-term@4']],
    ['use_backend b if TRUE ||', 'if TRUE', ['empty-condition-term@4']],
    ['use_backend b if TRUE or or FALSE', 'if TRUE | FALSE', ['empty-condition-term@4']],
  ];
  for (const [line, expected, warns] of rows) {
    const r = parseLines(fe([line]));
    t.deepEqual(r.errors, [], line);
    t.is(cond(proxy(r.config, 'f').useBackends[0]?.cond), expected, line);
    t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('empty')), warns, line);
    t.true(await haproxyAccepts([line]), line);
  }
});

test('an ACL without pattern is kept with haproxy\'s "will never match" warning', async (t) => {
  const r = parseLines(fe(['acl a path', 'use_backend b if a']));
  t.deepEqual(r.errors, []);
  t.deepEqual(codes(r.warnings).filter((c) => c.startsWith('acl-')), ['acl-never-matches@4']);
  t.deepEqual(proxy(r.config, 'f').acls[0]?.patterns, []);
  t.deepEqual(codes(parseLines(fe(['acl a path --'])).warnings).filter((c) => c.startsWith('acl-')), [], "'--' silences it");
  t.true(await haproxyAccepts(['acl a path']));
});

test('a repeated acl name keeps every line (OR-ed at evaluation) in order', (t) => {
  const r = parseLines(fe(['acl s path_beg /static', 'acl s path_end .css', 'use_backend b if s']));
  t.deepEqual(proxy(r.config, 'f').acls.map((a) => [a.name, a.criterion]), [['s', 'path_beg'], ['s', 'path_end']]);
});

test('use_backend without condition, and rule order is kept', (t) => {
  const r = parseLines(fe(['acl a path /a', 'use_backend b if a', 'use_backend b']));
  t.deepEqual(proxy(r.config, 'f').useBackends.map((u) => [u.backend, cond(u.cond), u.where.line]), [['b', 'if a', 5], ['b', '', 6]]);
});

const aclErrors: [string[], string][] = [
  [['acl a'], 'bad-acl@4'],
  [['acl a path_beg -x /a'], 'bad-acl@4'],
  [['acl a path -m nope /a'], 'bad-acl@4'],
  [['acl a/b path /a'], 'bad-acl@4'],
  [['acl or path /a'], 'bad-acl@4'],
  [['acl a src 10.0.0.300'], 'bad-acl-pattern@4'],
  [['acl a path_reg ([a-z'], 'bad-acl-pattern@4'],
  [['acl a bogus_fetch x'], 'unsupported-fetch@4'],
  [['acl a fhdr(date) -m found'], 'unsupported-fetch@4'],
  [['acl a constructor x'], 'unsupported-fetch@4'],
  [['acl a src 10.0.0.0/33'], 'bad-acl-pattern@4'],
  [['acl a dst_port 5:3'], 'bad-acl-pattern@4'],
  [['acl a dst_port gt x'], 'bad-acl-pattern@4'],
  [['acl a hdr(x) -m bin 4'], 'bad-acl-pattern@4'],
  [['use_backend b if nope'], 'unknown-acl@4'],
  [['use_backend b if a', 'acl a path /'], 'unknown-acl@4'],
  [['use_backend b when TRUE'], 'bad-condition@4'],
  [['use_backend b if { path /x'], 'bad-condition@4'],
];
for (const [lines, code] of aclErrors) {
  test(`acl/condition error: ${lines.join(' / ')}`, async (t) => {
    const r = parseLines(fe(lines));
    t.deepEqual(codes(r.errors), [code]);
    t.false(await haproxyAccepts(lines), 'haproxy 2.6 rejects it too');
  });
}

test('converters are refused (valid haproxy: deliberate difference, the data plane has none)', async (t) => {
  t.deepEqual(codes(parseLines(fe(['acl a path,lower /x'])).errors), ['unsupported-fetch@4']);
  t.true(await haproxyAccepts(['acl a path,lower /x']));
});

test('`acl -f file` loads patterns through the loader (load.ts reads the file; the pure parser only records it)', (t) => {
  const r = parseLines(fe(['acl bad src -f /nonexistent/blocklist.lst', 'use_backend b if bad']));
  t.deepEqual(r.errors, []);
  t.deepEqual(proxy(r.config, 'f').acls[0]?.patternFiles, ['/nonexistent/blocklist.lst']);
});
