// The public file API: several files as one configuration, unreadable files, ConfigError, `acl -f`, env,
// CRLF and non-UTF-8 bytes, and `hapair check -f` end to end on the real CLI.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { isHaError } from '../../../src/core/errors.js';
import { ConfigError } from '../../../src/core/diagnostics.js';
import { loadProxyConfig, loadProxyConfigOrThrow, parseProxyText, PROXY_CONFIG_CODES } from '../../../src/proxy/config/load.js';
import { cliMain, fixture, tmpDir } from '../../helpers/paths.js';
import { run } from '../../helpers/pxconf-oracle.js';
import { codes, proxy } from '../../helpers/pxconf.js';

function files(spec: Record<string, string>): { dir: string; paths: Record<string, string> } {
  const dir = tmpDir('hapair-pxload-');
  const paths: Record<string, string> = {};
  for (const [name, text] of Object.entries(spec)) {
    paths[name] = path.join(dir, name);
    fs.writeFileSync(paths[name], text);
  }
  return { dir, paths };
}

test('several files form one configuration in order; diagnostics name their own file', (t) => {
  const { dir, paths } = files({
    'a.cfg': 'global\n  maxconn 100\ndefaults\n  mode http\n',
    'b.cfg': 'frontend f\n  bind :8000\n  default_backend be\n  timeout client 1s\n',
    'c.cfg': 'backend be\n  timeout connect 1s\n  timeout server 1s\n  server s 127.0.0.1:80 bogus\n',
  });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const r = loadProxyConfig([paths['a.cfg']!, paths['b.cfg']!, paths['c.cfg']!]);
  t.is(r.config, undefined);
  t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error').map((d) => [path.basename(d.file), d.line, d.code]), [['c.cfg', 4, 'unknown-server-param']]);
  fs.writeFileSync(paths['c.cfg']!, 'backend be\n  timeout connect 1s\n  timeout server 1s\n  server s 127.0.0.1:80\n');
  const ok = loadProxyConfigOrThrow([paths['a.cfg']!, paths['b.cfg']!, paths['c.cfg']!]);
  t.is(ok.config.global.maxconn, 100);
  t.is(proxy(ok.config, 'f').mode, 'http', 'defaults from the first file reach the second');
  t.deepEqual(ok.config.files, [paths['a.cfg'], paths['b.cfg'], paths['c.cfg']]);
  t.is(proxy(ok.config, 'be').where.file, paths['c.cfg']!);
});

test('an unreadable file is an error with code unreadable-file; no file at all too', (t) => {
  const r = loadProxyConfig(['/nonexistent/haproxy.cfg']);
  t.is(r.config, undefined);
  t.deepEqual(codes(r.diagnostics), ['unreadable-file@0', 'no-listener@0']);
  t.regex(r.diagnostics[0]!.message, /No such file or directory/);
  t.deepEqual(codes(loadProxyConfig([]).diagnostics, 'error'), ['no-file@0']);
});

test('loadProxyConfigOrThrow throws a ConfigError (ECONFIG) carrying every diagnostic, with file:line text', (t) => {
  const { dir, paths } = files({ 'bad.cfg': 'listen a\n  bind :8000\n  timeout client 1.5s\n  balance nope\n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const err = t.throws(() => loadProxyConfigOrThrow([paths['bad.cfg']!]), { instanceOf: ConfigError });
  t.true(isHaError(err, 'ECONFIG'));
  t.deepEqual((err as ConfigError).diagnostics.filter((d) => d.severity === 'error').map((d) => d.line), [3, 4]);
  t.regex((err as Error).message, new RegExp(`${paths['bad.cfg']!.replace(/[.]/g, '\\.')}:3: `));
});

test('warnings come back from loadProxyConfigOrThrow', (t) => {
  const { warnings } = loadProxyConfigOrThrow([fixture('seeds', 'haproxy-002-main.cfg')]);
  t.true(warnings.every((w) => w.severity === 'warning'));
  t.true(warnings.length > 0);
});

test('`acl -f` patterns are read from the file (comments and blanks skipped); a missing file is an error', (t) => {
  const { dir, paths } = files({ 'bad.lst': '# blocked\n10.0.0.0/8\n\n  192.168.1.1  \n' });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = (f: string): string => `frontend f\n  bind :8000\n  acl blocked src -f ${f}\n  use_backend b if blocked\n  default_backend b\nbackend b\n`;
  fs.writeFileSync(path.join(dir, 'ok.cfg'), cfg(paths['bad.lst']!));
  const r = loadProxyConfigOrThrow([path.join(dir, 'ok.cfg')]);
  t.deepEqual(proxy(r.config, 'f').acls[0]?.patterns, ['10.0.0.0/8', '192.168.1.1']);
  t.deepEqual(proxy(r.config, 'f').acls[0]?.patternFiles, [paths['bad.lst']]);
  fs.writeFileSync(path.join(dir, 'missing.cfg'), cfg(path.join(dir, 'nope.lst')));
  t.deepEqual(codes(loadProxyConfig([path.join(dir, 'missing.cfg')]).diagnostics, 'error'), ['acl-file@3', 'unknown-acl@4']);
});

test('environment variables: parseProxyText takes an env, the file loader uses process.env', (t) => {
  const text = 'listen a\n  bind "${ADDR-127.0.0.1}:${PORT}"\n';
  t.deepEqual(proxy(parseProxyText(text, 'e.cfg', { PORT: '9090' }).config, 'a').binds.map((b) => `${b.host}:${b.port}`), ['127.0.0.1:9090']);
  const { dir, paths } = files({ 'env.cfg': text });
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const before = process.env.PORT;
  process.env.PORT = '9191';
  t.teardown(() => (before === undefined ? delete process.env.PORT : (process.env.PORT = before)));
  t.deepEqual(proxy(loadProxyConfigOrThrow([paths['env.cfg']!]).config, 'a').binds.map((b) => b.port), [9191]);
});

test('CRLF files and non-UTF-8 bytes load; bytes in names are decoded as UTF-8', (t) => {
  const { dir } = files({});
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const p = path.join(dir, 'crlf.cfg');
  fs.writeFileSync(p, Buffer.concat([Buffer.from('listen a\r\n  bind :8000\r\n  option tcp-check\r\n  tcp-check send '), Buffer.from([0xff, 0xfe]), Buffer.from('\r\n  description caf\u00e9\r\n')]));
  const r = loadProxyConfigOrThrow([p]);
  const send = proxy(r.config, 'a').healthCheck.rules[0];
  t.true(send?.kind === 'send' && send.data.equals(Buffer.from([0xff, 0xfe])));
});

test('`hapair check -f` on the real CLI: OK verdict with warnings, FAILED with file:line errors', async (t) => {
  const good = await run(process.execPath, [cliMain, 'check', '-f', fixture('seeds', 'haproxy-002-main.cfg')], 30_000);
  t.is(good.code, 0, good.stderr);
  t.regex(good.stdout, /haproxy-002-main\.cfg: OK \(5 warnings\)/);
  t.regex(good.stderr, /haproxy-002-main\.cfg:40: warning: 'daemon' has no effect: .* \(fix: remove it; run hapair under systemd\)/);
  t.regex(good.stderr, /haproxy-002-main\.cfg:80: warning: 'frontend main \*:5000'/);
  const bad = fixture('haproxy', 'invalid-weight.cfg');
  const r = await run(process.execPath, [cliMain, 'check', '--type', 'haproxy', '-f', bad], 30_000);
  t.is(r.code, 1);
  t.regex(r.stdout, /FAILED/);
  t.regex(r.stderr, /invalid-weight\.cfg:5: 'server a\/s' : weight of server s is not within 0 and 256 \(300\)/);
});

test('every diagnostic code is documented with its severity (codes.ts), across all fixtures and seeds', (t) => {
  const table: Record<string, string> = PROXY_CONFIG_CODES;
  const dirs = [fixture('haproxy'), fixture('seeds')];
  let seen = 0;
  for (const dir of dirs) {
    for (const f of fs.readdirSync(dir).filter((x) => x.endsWith('.cfg') && !x.startsWith('keepalived'))) {
      for (const d of loadProxyConfig([path.join(dir, f)]).diagnostics) {
        const doc = table[d.code];
        t.truthy(doc, `${f}: undocumented code ${d.code}`);
        t.is(doc?.[0], d.severity === 'error' ? 'E' : 'W', `${f}: ${d.code} severity`);
        seen++;
      }
    }
  }
  t.true(seen > 50);
});
