// Pure helpers: command-line splitting like keepalived, value parsers, glob pieces.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { splitQuotedEscaped } from '../../../src/vrrp/config/argv.js';
import { parseBool, parseDecimalSeconds, parseInteger, parseIPv4 } from '../../../src/vrrp/config/values.js';
import { expandBraces, expandGlob, hasMagic, segmentRegExp } from '../../../src/vrrp/config/glob.js';
import { tmpDir } from '../../helpers/paths.js';

const argvCases: [string, string[]][] = [
  ['killall -0 haproxy', ['killall', '-0', 'haproxy']],
  ['/etc/keepalived/mail_notify.py master ', ['/etc/keepalived/mail_notify.py', 'master']],
  ['notify_master "/bin/x.sh a b" user grp', ['notify_master', '/bin/x.sh a b', 'user', 'grp']],
  ["/bin/sh -c 'echo a  b'", ['/bin/sh', '-c', 'echo a  b']],
  ['a"b c"d', ['ab cd']], // quotes group inside a word
  ['x\\ y z', ['x y', 'z']],
  ['tab\\tx nl\\n', ['tab\tx', 'nl\n']],
  ['hex\\x41 oct\\101 ctl\\cA', ['hexA', 'octA', 'ctl\x01']],
  ['"quoted \\" inside"', ['quoted " inside']],
  ["'single \"double\" kept'", ['single "double" kept']],
  ['', []],
];

for (const [s, words] of argvCases) {
  test(`argv: ${JSON.stringify(s)}`, (t) => {
    const r = splitQuotedEscaped(s);
    t.true(r.ok);
    if (r.ok) t.deepEqual(r.words, words);
  });
}

for (const bad of ['"unterminated', "it's", 'trailing\\']) {
  test(`argv error: ${JSON.stringify(bad)}`, (t) => {
    t.false(splitQuotedEscaped(bad).ok);
  });
}

test('parseInteger', (t) => {
  t.deepEqual(parseInteger('100', 1, 255), { ok: true, value: 100 });
  t.deepEqual(parseInteger('+5', 0, 9), { ok: true, value: 5 });
  t.deepEqual(parseInteger('-253', -253, 253), { ok: true, value: -253 });
  for (const bad of ['abc', '1.5', '', '0x10', '256', '0']) t.false(parseInteger(bad, 1, 255).ok, bad);
});

test('parseDecimalSeconds (microseconds)', (t) => {
  const ok = (s: string): number => {
    const r = parseDecimalSeconds(s, 0, 255e6);
    if (!r.ok) throw new Error(r.reason);
    return r.value;
  };
  t.is(ok('1'), 1e6);
  t.is(ok('0.5'), 5e5);
  t.is(ok('.25'), 25e4);
  t.is(ok('2.'), 2e6);
  t.is(ok('0.0000015'), 2); // 7th decimal rounds like keepalived
  for (const bad of ['-1', 'abc', '1s', '', '.', '1e3', '256']) t.false(parseDecimalSeconds(bad, 0, 255e6).ok, bad);
});

test('parseBool accepts keepalived words only', (t) => {
  for (const w of ['true', 'on', 'yes']) t.deepEqual(parseBool(w), { ok: true, value: true });
  for (const w of ['false', 'off', 'no']) t.deepEqual(parseBool(w), { ok: true, value: false });
  for (const w of ['TRUE', '1', 'y']) t.false(parseBool(w).ok);
});

test('parseIPv4', (t) => {
  t.true(parseIPv4('198.18.0.1').ok);
  for (const bad of ['198.18.0', '256.1.1.1', 'fe80::1', 'host', '01.2.3.4']) t.false(parseIPv4(bad).ok, bad);
});

test('glob: magic detection, brace lists, segment patterns', (t) => {
  t.true(hasMagic('conf.d/*.conf'));
  t.true(hasMagic('{a,b}.conf'));
  t.false(hasMagic('plain/file.conf'));
  t.false(hasMagic('escaped\\*'));
  t.deepEqual(expandBraces('x/{a,b{1,2}}.conf'), ['x/a.conf', 'x/b1.conf', 'x/b2.conf']);
  t.deepEqual(expandBraces('no-braces'), ['no-braces']);
  t.true(segmentRegExp('*.conf').test('a.conf'));
  t.false(segmentRegExp('*.conf').test('a.conf.bak'));
  t.true(segmentRegExp('n?[0-9]').test('n15'.slice(0, 3)));
  t.true(segmentRegExp('[!a]x').test('bx'));
  t.false(segmentRegExp('[!a]x').test('ax'));
});

test('glob: expands against a real directory, sorted, hidden files only when asked', (t) => {
  const dir = tmpDir('hapair-kaconf-glob-');
  try {
    for (const f of ['b.conf', 'a.conf', '.h.conf', 'sub/c.conf']) {
      fs.mkdirSync(path.dirname(path.join(dir, f)), { recursive: true });
      fs.writeFileSync(path.join(dir, f), '');
    }
    t.deepEqual(expandGlob('*.conf', dir).map((p) => path.relative(dir, p)), ['a.conf', 'b.conf']);
    t.deepEqual(expandGlob('.*.conf', dir).map((p) => path.relative(dir, p)), ['.h.conf']);
    t.deepEqual(expandGlob('*/c.conf', dir).map((p) => path.relative(dir, p)), ['sub/c.conf']);
    t.deepEqual(expandGlob(path.join(dir, '{b,a}.conf'), '/nonexistent').map((p) => path.relative(dir, p)), ['b.conf', 'a.conf']);
    t.deepEqual(expandGlob('missing.conf', dir), []);
    // A relative base directory (main file given as a relative path) resolves against the cwd.
    const rel = path.relative(process.cwd(), dir);
    t.deepEqual(expandGlob('*.conf', rel).map((p) => path.relative(dir, p)), ['a.conf', 'b.conf']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
