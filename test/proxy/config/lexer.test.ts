// haproxy line lexer: every quoting/escape/env case of haproxy.md §1.2 as a table, plus its errors.
import test from 'ava';
import { lexLine, MAX_LINE_WORDS, type LexErrorCode } from '../../../src/proxy/config/lexer.js';

const ctx = { env: { HOST: 'example.com', EMPTY: '', LIST: 'a b  c', SP: 'x y', PORT: '8080' } as NodeJS.ProcessEnv, file: 'f.cfg', line: 7, section: 'be1' };

const ok: [string, string, string[]][] = [
  ['plain words', 'server  s1\t10.0.0.1:80   check', ['server', 's1', '10.0.0.1:80', 'check']],
  ['leading blanks skipped', '   \t bind :80', ['bind', ':80']],
  ['comment at unprotected #', 'bind :80 # the web port', ['bind', ':80']],
  ['# glued to a word ends the line', 'bind :80#x', ['bind', ':80']],
  ['escaped space joins words', 'stats realm Haproxy\\ Statistics', ['stats', 'realm', 'Haproxy Statistics']],
  ['escaped #', 'acl a path_beg /\\#x', ['acl', 'a', 'path_beg', '/#x']],
  ['escaped backslash', 'x a\\\\b', ['x', 'a\\b']],
  ['escaped quotes', 'x \\"q\\" \\\'s\\\'', ['x', '"q"', "'s'"]],
  ['\\r\\n\\t', 'tcp-check send PING\\r\\n\\t', ['tcp-check', 'send', 'PING\r\n\t']],
  ['\\xNN hex', 'x \\x41\\x62\\x7e', ['x', 'Ab~']],
  ['other \\X kept verbatim', 'acl r path_reg ^/a\\.b\\1\\d', ['acl', 'r', 'path_reg', '^/a\\.b\\1\\d']],
  ['trailing lone backslash kept (no continuation)', 'x a\\', ['x', 'a\\']],
  ['double quotes keep spaces, # and \'', 'x "a b # c \'d\'"', ['x', "a b # c 'd'"]],
  ['single quotes: nothing interpreted', "x 'a\\n $HOST \"q\"'", ['x', 'a\\n $HOST "q"']],
  ['concatenation of pieces', 'x "a b"\'c d\'e', ['x', 'a bc de']],
  ['escapes work inside double quotes', 'x "a\\"b\\tc"', ['x', 'a"b\tc']],
  ['$VAR expands in double quotes', 'x "$HOST:$PORT"', ['x', 'example.com:8080']],
  ['$VAR stays literal outside quotes', 'x $HOST', ['x', '$HOST']],
  ['${VAR}', 'x "${HOST}x"', ['x', 'example.comx']],
  ['unset variable is empty', 'x "a${NOPE}b"', ['x', 'ab']],
  ['${VAR-default} when unset', 'x "${NOPE-fallback value}"', ['x', 'fallback value']],
  ['${VAR-default} not used when empty', 'x "[${EMPTY-dflt}]"', ['x', '[]']],
  ['${VAR-default} not used when set', 'x "${HOST-dflt}"', ['x', 'example.com']],
  ['${VAR[*]} splits into words', 'x "${LIST[*]}" y', ['x', 'a', 'b', 'c', 'y']],
  ['${VAR} does not split', 'x "${LIST}"', ['x', 'a b  c']],
  ['\\$ protects a dollar in double quotes', 'x "\\$HOST"', ['x', '$HOST']],
  ['\\$ outside quotes is kept as is', 'x \\$HOST', ['x', '\\$HOST']],
  ['pseudo variables', 'x "${.FILE}:${.LINE}:${.SECTION}"', ['x', 'f.cfg:7:be1']],
  ['empty quoted word in the middle is kept', 'x "" y', ['x', '', 'y']],
  ['trailing empty word dropped', 'x ""', ['x']],
  ['CR ends the line (CRLF files)', 'bind :80\r', ['bind', ':80']],
  ['blank line', '   ', []],
  ['comment line', '  # only a comment', []],
];

for (const [name, line, words] of ok) {
  test(`lex: ${name}`, (t) => {
    const r = lexLine(line, ctx);
    t.is(r.error, undefined, JSON.stringify(r.error));
    t.deepEqual(r.words, words);
  });
}

test('lex: `//` starting a word outside quotes is reported, words before it kept', (t) => {
  const r = lexLine('bind *:8080 //监听的ip端口号', ctx);
  t.deepEqual(r.words, ['bind', '*:8080']);
  t.is(r.slashComment, 13);
  t.deepEqual(lexLine('    //whole line note', ctx).words, []);
  // `//` inside a word (a URL) or inside quotes is data.
  const url = lexLine('option httpchk GET http://h/x //note', ctx);
  t.deepEqual(url.words, ['option', 'httpchk', 'GET', 'http://h/x']);
  t.deepEqual(lexLine('x "a //b"', ctx).words, ['x', 'a //b']);
  t.is(lexLine('x "a //b"', ctx).slashComment, undefined);
});

const bad: [string, string, LexErrorCode, number][] = [
  ['unmatched double quote', 'x "abc', 'unmatched-quote', 3],
  ['unmatched single quote', "x a'bc", 'unmatched-quote', 4],
  ['truncated hex escape', 'x \\x4', 'bad-hex-escape', 3],
  ['non-hex escape', 'x \\xZZ', 'bad-hex-escape', 3],
  ['unmatched brace', 'x "${HOST"', 'unmatched-brace', 5],
  ['bad env name', 'x "$1abc"', 'bad-env-name', 5],
  ['bad word expansion', 'x "${LIST[x]}"', 'bad-word-expand', 10],
  ['unknown pseudo variable', 'x "${.NOPE}"', 'bad-env-name', 6],
];

for (const [name, line, code, column] of bad) {
  test(`lex error: ${name}`, (t) => {
    const r = lexLine(line, ctx);
    t.is(r.error?.code, code);
    t.is(r.error?.column, column);
  });
}

test('lex: 64 words are fine, 65 is "too many words"', (t) => {
  const words = Array.from({ length: MAX_LINE_WORDS }, (_, i) => `w${i}`);
  t.is(lexLine(words.join(' '), ctx).error, undefined);
  t.is(lexLine([...words, 'extra'].join(' '), ctx).error?.code, 'too-many-words');
});
