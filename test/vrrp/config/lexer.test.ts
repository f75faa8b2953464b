// Lexer tables: comments ('#'/'!' anywhere outside quotes, escapes), quotes, brace splitting, include lines.
import test from 'ava';
import { decomment, lexKeepalived, tokenize } from '../../../src/vrrp/config/lexer.js';
import { Reporter } from '../../../src/vrrp/config/codes.js';
import type { LexItem } from '../../../src/vrrp/config/ast.js';

const decommentCases: [string, string, string | null][] = [
  // line, text kept, comment
  ['priority 100', 'priority 100', null],
  ['  priority 100   ', 'priority 100', null],
  ['# whole line', '', '# whole line'],
  ['! whole line', '', '! whole line'],
  ['state BACKUP   # trailing', 'state BACKUP', '# trailing'],
  ['auth_pass abc#def', 'auth_pass abc', '#def'], // glued: still a comment (keepalived decomment)
  ['auth_pass pa!ss', 'auth_pass pa', '!ss'],
  ['script "a # b ! c"  # real', 'script "a # b ! c"', '# real'], // inside quotes: not a comment
  ['auth_pass abc\\#def', 'auth_pass abc#def', null], // \# outside quotes = literal '#'
  ['script "x \\# y"', 'script "x \\# y"', null], // escapes inside quotes are left for argv splitting
  ['192.168.66.10/24 dev eth0 #VIP }', '192.168.66.10/24 dev eth0', '#VIP }'],
  ['\tinterval 2\t', 'interval 2', null],
];

for (const [line, text, comment] of decommentCases) {
  test(`decomment: ${JSON.stringify(line)}`, (t) => {
    const d = decomment(line);
    t.is(d.text, text);
    t.is(d.comment, comment);
    t.false(d.unterminated);
  });
}

test('decomment: unterminated quote hides later comment characters', (t) => {
  const d = decomment('script "a # b');
  t.true(d.unterminated);
  t.is(d.comment, null);
});

const tokenCases: [string, [string, boolean][]][] = [
  ['priority 100', [['priority', false], ['100', false]]],
  ['script "killall -0 haproxy"', [['script', false], ['killall -0 haproxy', true]]],
  ['notify_master "/x.sh master "    notify_backup "/x.sh backup"', [['notify_master', false], ['/x.sh master ', true], ['notify_backup', false], ['/x.sh backup', true]]],
  ['abc"def ghi"', [['abc', false], ['def ghi', true]]], // a quote ends a bare word (alloc_strvec_r)
  ['a\t\tb', [['a', false], ['b', false]]],
  ['x ""', [['x', false], ['', true]]],
];

for (const [s, expected] of tokenCases) {
  test(`tokenize: ${s}`, (t) => {
    const words = tokenize(s);
    t.deepEqual(words.map((w) => [w.text, w.quoted]), expected);
    for (const w of words) t.is(s.slice(w.start, w.end).replace(/^"|"$/g, ''), w.text, 'offsets index the text');
  });
}

function summary(items: readonly LexItem[]): string[] {
  return items.map((i) => {
    switch (i.kind) {
      case 'stmt': return `${i.line}:${i.words.map((w) => w.text).join('|')}`;
      case 'open': return `${i.line}:{`;
      case 'close': return `${i.line}:}`;
      case 'include': return `${i.line}:include ${i.pattern}`;
      case 'comment-brace': return `${i.line}:#${i.brace}`;
    }
  });
}

const lexCases: [string, string, string[]][] = [
  ['one-line block', 'authentication { auth_type PASS }', ['1:authentication', '1:{', '1:auth_type|PASS', '1:}']],
  ['block on next line', 'vrrp_instance X\n{\n state MASTER\n}', ['1:vrrp_instance|X', '2:{', '3:state|MASTER', '4:}']],
  ['glued braces', 'virtual_ipaddress{1.2.3.4}', ['1:virtual_ipaddress', '1:{', '1:1.2.3.4', '1:}']],
  ['brace in quotes is a word', 'script "echo {x}"', ['1:script|echo {x}']],
  ['close then more text', '} vrrp_script y {', ['1:}', '1:vrrp_script|y', '1:{']],
  ['include line', 'include conf.d/*.conf\n  includer /etc/x', ['1:include conf.d/*.conf', '2:include /etc/x']],
  ['comment with brace', 'vip 1.2.3.4 # was }\n# {', ['1:vip|1.2.3.4', '1:#}', '2:#{']],
  ['CRLF lines', 'a 1\r\nb 2\r\n', ['1:a|1', '2:b|2']],
  ['blank and comment lines keep numbering', '\n\n! c\n# d\nx y', ['5:x|y']],
];

for (const [name, text, expected] of lexCases) {
  test(`lex: ${name}`, (t) => {
    const rep = new Reporter();
    t.deepEqual(summary(lexKeepalived(text, 'f.conf', rep)), expected);
    t.deepEqual(rep.items, []);
  });
}

const lexDiagCases: [string, string, string[]][] = [
  ['comment glued to a word warns', 'auth_pass secret!x', ['comment-mid-word@1']],
  ['comment after blank does not', 'auth_pass secret !x', []],
  ['unterminated quote', 'x\nscript "abc', ['unterminated-quote@2']],
  ['conditional config refused', '@lb1 priority 150', ['unsupported-syntax@1']],
  ['definitions refused', '$IF=eth0', ['unsupported-syntax@1']],
  ['sequences refused', '~SEQ(i, 1, 1, 3) x $i', ['unsupported-syntax@1']],
];

for (const [name, text, expected] of lexDiagCases) {
  test(`lex diagnostics: ${name}`, (t) => {
    const rep = new Reporter();
    lexKeepalived(text, 'f.conf', rep);
    t.deepEqual(rep.items.map((d) => `${d.code}@${d.line}`), expected);
    for (const d of rep.items) t.is(d.file, 'f.conf');
  });
}
