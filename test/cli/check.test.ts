// `hapair check` end to end (spawned CLI): exit codes, stderr `file:line:` format, verdict lines, --quiet,
// --json, type detection and --type, includes, the notify mail check, usage errors.
import test, { type ExecutionContext } from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { fixture, tmpDir } from '../helpers/paths.js';

const PUBLISHED = fixture('seeds', 'seed002-keepalived-as-published.conf');
const RESTORED = fixture('seeds', 'seed002-keepalived-brace-restored.conf');
const lines = (s: string): string[] => s.split('\n').filter((l) => l !== '');

function withDir(files: Record<string, string>, fn: (t: ExecutionContext, dir: string) => Promise<void>): (t: ExecutionContext) => Promise<void> {
  return async (t) => {
    const dir = tmpDir('hapair-check-');
    try {
      for (const [name, text] of Object.entries(files)) {
        fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
        fs.writeFileSync(path.join(dir, name), text);
      }
      await fn(t, dir);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  };
}

test('seed 002 as published: exit 1, errors as file:line, warnings with fixes, FAILED verdict', async (t) => {
  const r = await runCli(['check', '-f', PUBLISHED]);
  t.is(r.code, 1);
  const err = lines(r.stderr);
  t.true(err.includes(`${PUBLISHED}:25: block 'vrrp_instance HAProxy_HA' opened here is never closed (missing '}'; keepalived only says "There are 1 missing '}'s or extra '{'s")`), r.stderr);
  const stray = err.find((l) => l.startsWith(`${PUBLISHED}:37: warning: 'notify_backup'`));
  t.truthy(stray, r.stderr);
  t.regex(stray!, /\(fix: put 'notify_backup "\/etc\/keepalived\/mail_notify\.py backup"' on its own line\)$/);
  t.truthy(err.find((l) => l.startsWith(`${PUBLISHED}:43: warning: this '}' is inside a comment`)));
  for (const l of err) t.regex(l, new RegExp(`^${PUBLISHED.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+: `));
  t.is(r.stdout, `${PUBLISHED}: FAILED (1 error, 5 warnings)\n`);
});

test('seed 002 brace restored: exit 0, OK verdict counting the warnings printed', async (t) => {
  const r = await runCli(['check', '-f', RESTORED]);
  t.is(r.code, 0, r.stderr);
  const n = lines(r.stderr).length;
  t.true(n >= 4);
  t.true(lines(r.stderr).every((l) => l.includes(': warning: ') && / \(fix: .*\)$/.test(l)), r.stderr);
  t.is(r.stdout, `${RESTORED}: OK (${n} warnings)\n`);
});

test('--quiet prints errors only, and no verdict on success', async (t) => {
  const ok = await runCli(['check', '--quiet', '-f', RESTORED]);
  t.is(ok.code, 0);
  t.is(ok.stdout, '');
  t.is(ok.stderr, '');
  const bad = await runCli(['check', '-q', '-f', PUBLISHED]);
  t.is(bad.code, 1);
  t.is(lines(bad.stderr).length, 1);
  t.regex(bad.stderr, /:25: block 'vrrp_instance HAProxy_HA'/);
  t.regex(bad.stdout, /FAILED/);
});

test('--json: machine-readable result, nothing on stderr', async (t) => {
  const r = await runCli(['check', '--json', '-f', PUBLISHED, '-f', RESTORED]);
  t.is(r.code, 1);
  t.is(r.stderr, '');
  const j = JSON.parse(r.stdout) as { ok: boolean; results: { type: string; files: string[]; ok: boolean; errors: number; warnings: number; diagnostics: { code: string; line: number; file: string }[] }[] };
  t.false(j.ok);
  t.is(j.results.length, 2);
  t.like(j.results[0], { type: 'keepalived', files: [PUBLISHED], ok: false, errors: 1, warnings: 5 });
  t.like(j.results[1], { type: 'keepalived', files: [RESTORED], ok: true, errors: 0 });
  t.true(j.results[0]!.diagnostics.some((d) => d.code === 'unclosed-block' && d.line === 25 && d.file === PUBLISHED));
});

test('usage: --help documents the flags; bad usage exits 2', async (t) => {
  const help = await runCli(['check', '--help']);
  t.is(help.code, 0);
  for (const flag of ['-f FILE', '--type keepalived|haproxy', '--quiet', '--json']) t.true(help.stdout.includes(flag), flag);
  for (const argv of [['check'], ['check', '-f'], ['check', '--type', 'nginx', '-f', RESTORED], ['check', '--bogus', '-f', RESTORED]]) {
    const r = await runCli(argv);
    t.is(r.code, 2, argv.join(' '));
    t.regex(r.stderr, /EUSAGE/);
  }
});

test('missing file: exit 1 with a file-level message', async (t) => {
  const r = await runCli(['check', '-f', '/nonexistent/keepalived.conf']);
  t.is(r.code, 1);
  t.regex(r.stderr, /^\/nonexistent\/keepalived\.conf: cannot read/);
});

const HAPROXY = 'global\n    maxconn 100\n\ndefaults\n    mode tcp\n    timeout connect 5s\n    timeout client 30s\n    timeout server 30s\n\nlisten app\n    bind 127.0.0.1:18080\n    server s1 127.0.0.1:18081 check\n';
const KEEPALIVED = 'vrrp_instance VI_1 {\n  interface eth0\n  virtual_router_id 9\n  virtual_ipaddress {\n    198.18.0.9/24\n  }\n}\n';

test('type detection routes each file to its loader; haproxy files form one configuration', withDir({ 'h.cfg': HAPROXY, 'k.conf': KEEPALIVED, 'x.txt': 'hello world\n' }, async (t, dir) => {
  const r = await runCli(['check', '--json', '-f', path.join(dir, 'k.conf'), '-f', path.join(dir, 'h.cfg'), '-f', path.join(dir, 'x.txt')]);
  const j = JSON.parse(r.stdout) as { results: { type: string | null; files: string[]; diagnostics: { code: string }[] }[] };
  t.deepEqual(j.results.map((x) => [x.type, x.files.map((f) => path.basename(f))]), [[null, ['x.txt']], ['keepalived', ['k.conf']], ['haproxy', ['h.cfg']]]);
  t.is(j.results[0]!.diagnostics[0]!.code, 'unknown-type');
  t.is(r.code, 1);
  const ok = await runCli(['check', '-f', path.join(dir, 'h.cfg'), '-f', path.join(dir, 'k.conf')]);
  t.is(ok.code, 0, ok.stderr);
  t.deepEqual(lines(ok.stdout), [`${path.join(dir, 'k.conf')}: OK`, `${path.join(dir, 'h.cfg')}: OK`]);
}));

test('--type overrides detection', withDir({ 'k.conf': KEEPALIVED }, async (t, dir) => {
  const r = await runCli(['check', '--json', '--type', 'haproxy', '-f', path.join(dir, 'k.conf')]);
  const j = JSON.parse(r.stdout) as { results: { type: string }[] };
  t.is(j.results[0]!.type, 'haproxy');
  t.is(r.code, 1); // keepalived syntax is not haproxy syntax
}));

test('errors in an included file are reported at that file:line', withDir({
  'keepalived.conf': 'global_defs {\n  router_id lb1\n}\ninclude conf.d/*.conf\n',
  'conf.d/vi1.conf': KEEPALIVED.replace('virtual_router_id 9', 'virtual_router_id 300'),
}, async (t, dir) => {
  const r = await runCli(['check', '-f', path.join(dir, 'keepalived.conf')]);
  t.is(r.code, 1);
  t.true(lines(r.stderr).some((l) => l.startsWith(`${path.join(dir, 'conf.d/vi1.conf')}:3: virtual_router_id: 300 is outside 1..255`)), r.stderr);
}));

test('keepalived files also get the notify mail check', withDir({
  'k.conf': 'global_defs {\n  notification_email {\n    ops@example.com\n  }\n  smtp_server 198.18.0.25\n  smtp_auth_user alerts\n  smtp_alert\n}\n' + KEEPALIVED,
}, async (t, dir) => {
  const r = await runCli(['check', '--json', '-f', path.join(dir, 'k.conf')]);
  const j = JSON.parse(r.stdout) as { results: { diagnostics: { code: string; line: number; severity: string }[] }[] };
  const d = j.results[0]!.diagnostics.find((x) => x.code === 'mail-auth-no-password');
  t.truthy(d, r.stdout);
  t.is(d!.line, 6);
  t.is(r.code, 1);
}));
