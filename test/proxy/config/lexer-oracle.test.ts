// Lexer oracle: haproxy prints the single argument of `.warning <word>` after its own tokenisation, so every
// quoting/escape/variable case can be compared with our lexer on the real haproxy 2.6.
import test from 'ava';
import { haproxyCheckText } from '../../helpers/pxconf-oracle.js';
import { parseText } from '../../helpers/pxconf.js';

const env: NodeJS.ProcessEnv = { PATH: process.env.PATH, HOST: 'example.com', PORT: '8080', EMPTY: '', ONE: 'single', SP: 'a  b' };

/** Words as written after `.warning` (each must produce ONE argument in haproxy). */
const words = [
  '"a b"\'c d\'e', 'a\\ b', 'a\\#b', 'a\\\\b', '\\"q\\"', "\\'s\\'", '\\x41\\x62\\x7e', 'a\\1\\.b\\d', 'tail\\',
  '"a # b"', "'a\\n $HOST'", '"$HOST:$PORT"', 'x$HOST', '"${HOST}x"', '"a${NOPE}b"', '"${NOPE-fall back}"',
  '"[${EMPTY-dflt}]"', '"${HOST-dflt}"', '"\\$HOST"', '\\$HOST', '"${ONE[*]}"', '"${SP}"', '"${.LINE}"', '"${.SECTION}"',
  '"q\\"uote"', '"it\'s"', "'say \"hi\"'", 'mixed"\\x41"\'\\x41\'',
];

test('every quoting/escape/env case lexes exactly like haproxy 2.6 (via .warning)', async (t) => {
  const text = ['listen sec', '  bind :8000', ...words.map((w) => `.warning ${w}`)].join('\n') + '\n';
  const ha = await haproxyCheckText(text, 'lex.cfg', env);
  const theirs = new Map([...ha.output.matchAll(/\[WARNING\].*?parsing \[[^\]]*lex\.cfg:(\d+)\]: '(.*)'\.$/gm)].map((m) => [Number(m[1]), m[2]!]));
  const ours = new Map(parseText(text, env).diagnostics.filter((d) => d.code === 'warning-directive').map((d) => [d.line, d.message.slice(1, -1)]));
  t.is(theirs.size, words.length, ha.output);
  words.forEach((w, i) => {
    const line = i + 3;
    t.is(ours.get(line), theirs.get(line), `line ${line}: .warning ${w}`);
  });
});

test('lexing errors are errors for haproxy too, at the same line', async (t) => {
  const bad = ['"open', "'open", '\\x4', '\\xZZ', '"${HOST"', '"$1"', '"${SP[x]}"', '"${.NOPE}"'];
  for (const w of bad) {
    const text = `listen a\n  bind :8000\n.warning ${w}\n`;
    const ha = await haproxyCheckText(text, 'lexbad.cfg', env);
    t.false(ha.valid, w);
    t.deepEqual(ha.lines, [3], w);
    t.deepEqual(parseText(text, env).errors.map((d) => d.line), [3], w);
  }
});

test('${VAR[*]} splitting produces several words for haproxy and for us', async (t) => {
  const text = 'listen a\n  bind :8000\n.warning "${SP[*]}"\n';
  const ha = await haproxyCheckText(text, 'split.cfg', env);
  t.false(ha.valid, 'two words: ".warning" refuses the second one');
  t.deepEqual(parseText(text, env).errors.map((d) => d.code), ['unexpected-argument']);
});

/** `.if` expressions: both implementations must take the same branch (feature(OPENSSL) etc. differ on purpose:
 *  hapair answers for what it provides, so only features with the same answer are compared). */
const conditions = [
  '1', '0', '!0', '0x10', 'defined(HOST)', 'defined(NOPE)', 'defined(EMPTY)', '!defined(NOPE) && 1', 'streq(a,a)',
  'streq("$HOST",example.com)', 'strneq(a,b)', 'version_atleast(2.6)', 'version_atleast(2.6.12)', 'version_atleast(2.7)',
  'version_before(2.7)', 'version_before(2.6.12)', 'feature(THREAD)', 'feature(PROMEX)', 'feature(KQUEUE)', '0 || 1 && 0',
  '(0 || 1) && 1', '!(1 && 0)', '1 && (0 || (1 && !0))',
];

test('.if conditions take the same branch as in haproxy 2.6', async (t) => {
  const text = ['listen a', '  bind :8000', ...conditions.flatMap((c, i) => [`.if ${c}`, `.warning taken${i}`, '.endif'])].join('\n') + '\n';
  const ha = await haproxyCheckText(text, 'cond.cfg', env);
  t.true(ha.valid, ha.output);
  const theirs = [...ha.output.matchAll(/'taken(\d+)'/g)].map((m) => Number(m[1]));
  const ours = parseText(text, env).diagnostics.filter((d) => d.code === 'warning-directive').map((d) => Number(/taken(\d+)/.exec(d.message)![1]));
  t.deepEqual(ours, theirs);
  t.true(theirs.length > 5 && theirs.length < conditions.length, 'the table has both outcomes');
});
