// Conditional blocks and directives (haproxy.md §1.2, doc §2.4): expression evaluation table, block nesting,
// masked lines, `.diag/.notice/.warning/.alert`, structural errors with their lines.
import test from 'ava';
import { compareVersions, evalCondition, HAPROXY_COMPAT_VERSION } from '../../../src/proxy/config/preproc.js';
import { codes, parseLines, proxy } from '../../helpers/pxconf.js';

const env = { SET: '1', EMPTY: '' } as NodeJS.ProcessEnv;

const conds: [string, boolean][] = [
  ['', false], ['1', true], ['0', false], ['42', true], ['0x10', true], ['!0', true], ['!!1', true],
  ['defined(SET)', true], ['defined(EMPTY)', true], ['defined(NOPE)', false], ['!defined(NOPE)', true],
  ['streq(a,a)', true], ['streq(a,b)', false], ['strneq(a,b)', true], ['streq("a b","a b")', true],
  ['version_atleast(2.6)', true], ['version_atleast(2.6.12)', true], ['version_atleast(2.7)', false],
  ['version_before(2.7)', true], ['version_before(2.6)', false], ['feature(THREAD)', true], ['feature(OPENSSL)', false],
  ['1 && 0', false], ['1 || 0', true], ['0 || 1 && 0', false], ['(0 || 1) && 1', true], ['!(1 && 0)', true],
  ['defined(SET) && !defined(NOPE)', true], ['1 || unknown_is_not_parsed_lazily(1)', true],
];
for (const [expr, value] of conds) {
  test(`condition ${JSON.stringify(expr)} is ${value}`, (t) => {
    const r = evalCondition(expr, env);
    if (expr.includes('unknown_is_not')) {
      t.false(r.ok, 'an unknown predicate is a syntax error even where evaluation would not need it');
      return;
    }
    t.deepEqual(r, { ok: true, value });
  });
}

for (const expr of ['foo(x)', 'defined(a,b)', 'streq(a)', '1 &&', '(1', '1 junk', 'defined']) {
  test(`condition syntax error: ${expr}`, (t) => {
    t.false(evalCondition(expr, env).ok);
  });
}

test('version comparison is numeric and we report haproxy 2.6 compatibility', (t) => {
  t.is(compareVersions('2.10', '2.9'), 1);
  t.is(compareVersions('2.6', '2.6.0'), 0);
  t.true(HAPROXY_COMPAT_VERSION.startsWith('2.6.'));
});

test('.if/.elif/.else/.endif select lines, nested blocks inside dropped ones are skipped', (t) => {
  const r = parseLines([
    'listen a',
    '  bind :8000',
    '.if defined(SET)',
    '  maxconn 100',
    '.elif 1',
    '  maxconn 200',
    '.else',
    '  maxconn 300',
    '.endif',
    '.if 0',
    '  .if bogus(((',
    '    maxconn 999',
    '  .endif',
    '.elif streq("$SET",1)',
    '  retries 7',
    '.endif',
  ], env);
  t.deepEqual(r.errors, []);
  t.is(proxy(r.config, 'a').maxconn, 100);
  t.is(proxy(r.config, 'a').retries, 7);
});

test('.else is taken when nothing matched; masked lines are still lexed (unmatched quote reported)', (t) => {
  const r = parseLines(['listen a', '  bind :8000', '.if 0', '  maxconn 1', '  description "oops', '.else', '  maxconn 2', '.endif'], env);
  t.deepEqual(codes(r.errors), ['unmatched-quote@5']);
  const ok = parseLines(['listen a', '  bind :8000', '.if 0', '  maxconn 1', '.else', '  maxconn 2', '.endif'], env);
  t.is(proxy(ok.config, 'a').maxconn, 2);
});

const structural: [string, string[], string[]][] = [
  ['lone .endif', ['listen a', '.endif'], ['bad-if-structure@2']],
  ['lone .else', ['listen a', '.else'], ['bad-if-structure@2']],
  ['.elif after .else', ['.if 1', '.else', '.elif 1', '.endif'], ['bad-if-structure@3']],
  ['.else after .else', ['.if 1', '.else', '.else', '.endif'], ['bad-if-structure@3']],
  ['unterminated .if', ['listen a', '.if 1', '  bind :8000'], ['unterminated-if@3']],
  ['argument after .endif', ['.if 1', '.endif x'], ['unexpected-argument@2']],
  ['bad expression', ['.if nope(1)', '.endif'], ['bad-condition@1']],
  ['unknown directive', ['.iff 1'], ['unknown-directive@1']],
];
for (const [name, lines, expected] of structural) {
  test(`conditional structure error: ${name}`, (t) => {
    t.deepEqual(codes(parseLines(lines, env).errors), expected);
  });
}

test('.warning/.notice/.diag report, .alert is fatal and stops reading the file', (t) => {
  const r = parseLines(['.warning "check me"', '.notice hello', '.diag "d"', 'listen a', '  bind :8000', '.alert "stop here"', '  maxconn "1', ''], env);
  t.deepEqual(codes(r.diagnostics).filter((c) => !c.startsWith('missing-timeouts')), ['warning-directive@1', 'notice-directive@2', 'diag-directive@3', 'alert-directive@6']);
  t.is(r.config, undefined);
  t.deepEqual(codes(parseLines(['.warning two words'], env).errors), ['unexpected-argument@1']);
});

test('directives inside a dropped block do nothing', (t) => {
  const r = parseLines(['.if 0', '.alert "never"', '.endif', 'listen a', '  bind :8000'], env);
  t.deepEqual(r.errors, []);
});
