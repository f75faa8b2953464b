// Parser tables: nested blocks, blocks opened on the next line, brace errors at the right lines, includes
// (real files: globs, brace lists, relative paths, cycles, missing files).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Reporter } from '../../../src/vrrp/config/codes.js';
import { parseTree } from '../../../src/vrrp/config/parser.js';
import { fsIncludeResolver } from '../../../src/vrrp/config/load.js';
import type { ConfNode } from '../../../src/vrrp/config/ast.js';
import { tmpDir } from '../../helpers/paths.js';

/** Compact tree rendering: `kw args@line{children}`. */
function render(nodes: readonly ConfNode[]): string {
  return nodes
    .map((n) => `${[n.keyword, ...n.args].join(' ')}@${['f.conf', 'main.conf'].includes(path.basename(n.file)) ? '' : path.basename(n.file) + ':'}${n.line}${n.children ? `{${render(n.children)}}` : ''}`)
    .join(' ');
}

function parse(text: string): { tree: string; diags: string[] } {
  const rep = new Reporter();
  const { nodes } = parseTree(text, 'f.conf', rep);
  return { tree: render(nodes), diags: rep.items.map((d) => `${d.code}@${d.line}`) };
}

const treeCases: [string, string, string][] = [
  ['flat statements', 'a 1\nb 2', 'a 1@1 b 2@2'],
  ['nested blocks', 'x {\n y {\n  z 1\n }\n w\n}', 'x@1{y@2{z 1@3} w@5}'],
  ['block opened on the next line', 'vrrp_instance VI\n{\n state BACKUP\n}', 'vrrp_instance VI@1{state BACKUP@3}'],
  ['one-line nested blocks', 'a { b { c } d }', 'a@1{b@1{c@1} d@1}'],
  ['empty block', 'notification_email {\n}', 'notification_email@1{}'],
  ['closing brace shares a line with a value', 'v {\n 1.2.3.4 }\nnext', 'v@1{1.2.3.4@2} next@3'],
];

for (const [name, text, tree] of treeCases) {
  test(`tree: ${name}`, (t) => {
    const r = parse(text);
    t.is(r.tree, tree);
    t.deepEqual(r.diags, []);
  });
}

const braceCases: [string, string, string[]][] = [
  ['unclosed block reported at its opening line', 'global_defs {\n}\nvrrp_instance X {\n  state BACKUP\n', ['unclosed-block@3']],
  ['two unclosed blocks, outermost first', 'a {\n b {\n  c\n', ['unclosed-block@1', 'unclosed-block@2']],
  ['extra close at its line', 'a {\n}\n}\n', ['extra-close@3']],
  ['brace without keyword', '{\n x\n}', ['unexpected-open@1']],
  ['brace after a block cannot reopen it', 'a {\n}\n{\n}', ['unexpected-open@3']],
  ['hidden } in a comment explains the unclosed block', 'i {\n v {\n  1.2.3.4 # VIP }\n }\n', ['unclosed-block@1', 'brace-in-comment@3']],
  ['hidden } in a balanced file is not reported', 'i {\n # old: }\n}\n', []],
  ['hidden { in a comment explains an extra }', 'i # {\n x\n}\n', ['extra-close@3']],
];

for (const [name, text, diags] of braceCases) {
  test(`braces: ${name}`, (t) => {
    t.deepEqual(parse(text).diags, diags);
  });
}

test('unclosed block message names the block and keepalived\'s wording', (t) => {
  const rep = new Reporter();
  parseTree('vrrp_instance HAProxy_HA {\n  virtual_ipaddress {\n    1.2.3.4 #x }\n  }\n', 'f.conf', rep);
  const [unclosed, hint] = rep.items;
  t.regex(unclosed!.message, /'vrrp_instance HAProxy_HA'/);
  t.regex(unclosed!.message, /There are 1 missing/);
  t.regex(hint!.message, /does not close 'virtual_ipaddress' \(line 2\)/);
  t.truthy(hint!.fix);
});

test('include without a resolver is an error (pure parse)', (t) => {
  const rep = new Reporter();
  parseTree('include x.conf\n', 'f.conf', rep);
  t.deepEqual(rep.items.map((d) => `${d.code}@${d.line}`), ['include-read-error@1']);
});

function tree(dir: string, files: Record<string, string>): string {
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return path.join(dir, 'main.conf');
}

function parseFile(main: string): { tree: string; diags: string[]; files: string[] } {
  const rep = new Reporter();
  const r = parseTree(fs.readFileSync(main, 'utf8'), main, rep, fsIncludeResolver());
  return { tree: render(r.nodes), diags: rep.items.map((d) => `${d.code}@${path.basename(d.file)}:${d.line}`), files: r.files.map((f) => path.relative(path.dirname(main), f)) };
}

test('include: glob relative to the including file, sorted, spliced in place with its own file:line', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const main = tree(dir, {
      'main.conf': 'first\ninclude conf.d/*.conf\nlast\n',
      'conf.d/b.conf': 'b1\nb2\n',
      'conf.d/a.conf': '\na1\n',
      'conf.d/.hidden.conf': 'hidden\n',
      'conf.d/c.txt': 'not matched\n',
    });
    const r = parseFile(main);
    t.is(r.tree, 'first@1 a1@a.conf:2 b1@b.conf:1 b2@b.conf:2 last@3');
    t.deepEqual(r.files, ['main.conf', 'conf.d/a.conf', 'conf.d/b.conf']);
    t.deepEqual(r.diags, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('include: nested includes are relative to each including file; brace lists; inside a block', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const main = tree(dir, {
      'main.conf': 'vrrp_instance X {\n  include sub/{one,two}.conf\n}\n',
      'sub/one.conf': 'state BACKUP\ninclude deeper/p.conf\n',
      'sub/deeper/p.conf': 'priority 100\n',
      'sub/two.conf': 'interface eth0\n',
    });
    const r = parseFile(main);
    t.is(r.tree, 'vrrp_instance X@1{state BACKUP@one.conf:1 priority 100@p.conf:1 interface eth0@two.conf:1}');
    t.deepEqual(r.diags, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('include: missing literal file is an error, empty wildcard a warning, cycles are refused', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const main = tree(dir, {
      'main.conf': 'include missing.conf\ninclude empty.d/*.conf\ninclude loop.conf\nend\n',
      'loop.conf': 'in_loop\ninclude main.conf\n',
    });
    fs.mkdirSync(path.join(dir, 'empty.d'));
    const r = parseFile(main);
    t.deepEqual(r.diags, ['include-not-found@main.conf:1', 'include-no-match@main.conf:2', 'include-cycle@loop.conf:2']);
    t.is(r.tree, 'in_loop@loop.conf:1 end@4');
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('include: a file including itself through a glob stops at the cycle, not at the depth limit', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const main = tree(dir, { 'main.conf': 'x\ninclude *.conf\n' });
    const r = parseFile(main);
    t.deepEqual(r.diags, ['include-cycle@main.conf:2']);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('include: braces may span files (textual include, as keepalived)', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const main = tree(dir, { 'main.conf': 'global_defs {\ninclude body.conf\n', 'body.conf': 'router_id r1\n}\n' });
    const r = parseFile(main);
    t.is(r.tree, 'global_defs@1{router_id r1@body.conf:1}');
    t.deepEqual(r.diags, []);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

test('include: nesting deeper than the limit is refused', (t) => {
  const dir = tmpDir('hapair-kaconf-inc-');
  try {
    const files: Record<string, string> = { 'main.conf': 'include f1.conf\n' };
    for (let i = 1; i <= 20; i++) files[`f${i}.conf`] = `level${i}\ninclude f${i + 1}.conf\n`;
    files['f21.conf'] = 'bottom\n';
    const r = parseFile(tree(dir, files));
    t.deepEqual(r.diags, ['include-depth@f15.conf:2']);
    t.true(r.tree.endsWith('level15@f15.conf:1'));
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
});
