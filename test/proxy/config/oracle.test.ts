// Compatibility oracle: the real `haproxy -c -f` (Debian 2.6.12) and our loader must agree on every fixture in
// test/fixtures/haproxy and on the seed fragments; the only disagreements allowed are the documented deliberate
// ones (legacy keywords, blog `//` comments, missing final LF accepted with warnings; features hapair refuses).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { loadProxyConfig } from '../../../src/proxy/config/load.js';
import { fixture, tmpDir } from '../../helpers/paths.js';
import { HAPROXY, haproxyCheckFile as haproxyCheck, run } from '../../helpers/pxconf-oracle.js';

/** Warning codes that mark a config haproxy 2.6 rejects but hapair accepts on purpose. */
const ACCEPTED_DIFFERENCES = new Set(['legacy-keyword', 'legacy-section-address', 'slash-comment', 'missing-lf']);
/** Error codes for valid haproxy configs hapair refuses on purpose (features it cannot honour). */
const REFUSED_DIFFERENCES = new Set(['bad-balance', 'unsupported-fetch', 'unknown-acl']);

interface Meta {
  readonly oracle: 'valid' | 'invalid';
  readonly severity: 'ok' | 'error' | 'warning';
  readonly expected: { code: string; line: number }[];
}

function meta(file: string): Meta {
  const head = fs.readFileSync(file, 'utf8').split('\n').slice(0, 4).join('\n');
  const oracle = /^# oracle: (valid|invalid)$/m.exec(head)?.[1] as Meta['oracle'];
  const h = /^# hapair: (ok|error|warning)(.*)$/m.exec(head);
  if (!oracle || !h) throw new Error(`${file}: missing '# oracle:' / '# hapair:' header`);
  const expected = [...h[2]!.matchAll(/([a-z-]+)@(\d+)/g)].map((m) => ({ code: m[1]!, line: Number(m[2]) }));
  return { oracle, severity: h[1] as Meta['severity'], expected };
}

const dir = fixture('haproxy');
const files = fs.readdirSync(dir).filter((f) => f.endsWith('.cfg')).sort();

test('the oracle binary is the haproxy 2.6 we mirror', async (t) => {
  const r = await run(HAPROXY, ['-v'], 10_000);
  t.regex(r.stdout, /HAProxy version 2\.6\./);
});

for (const name of files) {
  test(`oracle: ${name}`, async (t) => {
    const file = path.join(dir, name);
    const m = meta(file);
    const [ha, ours] = await Promise.all([haproxyCheck(file), Promise.resolve(loadProxyConfig([file]))]);
    t.is(ha.valid, m.oracle === 'valid', `haproxy -c disagrees with the fixture header:\n${ha.output}`);
    const got = ours.diagnostics.map((d) => ({ code: d.code, line: d.line, severity: d.severity }));
    for (const e of m.expected) {
      t.true(got.some((g) => g.code === e.code && g.line === e.line && g.severity === (m.severity === 'ok' ? 'warning' : m.severity)),
        `expected ${m.severity} ${e.code}@${e.line}, got ${JSON.stringify(got)}`);
    }
    if (m.severity === 'error') {
      t.is(ours.config, undefined);
      if (m.oracle === 'invalid' && ha.lines.length > 0) {
        // When haproxy names a line, it is the line we report for the same problem.
        t.true(ha.lines.every((l) => got.some((g) => g.severity === 'error' && g.line === l)), `haproxy lines ${ha.lines} vs ours ${JSON.stringify(got)}`);
      }
      if (m.oracle === 'valid') t.true(m.expected.every((e) => REFUSED_DIFFERENCES.has(e.code)), 'undocumented refusal');
    } else {
      t.truthy(ours.config, JSON.stringify(got));
      t.deepEqual(got.filter((g) => g.severity === 'error'), []);
      if (m.oracle === 'invalid') {
        t.true(m.expected.length > 0 && m.expected.every((e) => ACCEPTED_DIFFERENCES.has(e.code)), 'undocumented acceptance');
      }
    }
  });
}

/** Removes exactly the documented deliberate differences so haproxy can judge the rest of a seed. */
function haproxyize(text: string): string {
  return text
    .split('\n')
    .map((l) => l.replace(/(^|\s)\/\/.*$/, '$1'))
    .map((l) => l.replace(/^(\s*)option\s+forceclose\b/, '$1option httpclose').replace(/^(\s*)option\s+http-tunnel\b.*/, '$1'))
    .map((l) => l.replace(/^(frontend|listen)(\s+\S+)\s+(\S+:\d+\S*)\s*(#.*)?$/, '$1$2\n    bind $3'))
    .join('\n');
}

const seeds = fs.readdirSync(fixture('seeds')).filter((f) => /^haproxy-.*\.cfg$/.test(f)).sort();
for (const name of seeds) {
  test(`oracle: seed ${name} (haproxy judges it once the documented differences are removed)`, async (t) => {
    const file = fixture('seeds', name);
    const text = fs.readFileSync(file, 'utf8');
    const ours = loadProxyConfig([file]);
    t.truthy(ours.config, JSON.stringify(ours.diagnostics.filter((d) => d.severity === 'error')));
    const differences = ours.diagnostics.filter((d) => ACCEPTED_DIFFERENCES.has(d.code));
    const raw = await haproxyCheck(file);
    // haproxy rejects the verbatim seed exactly when we had to accept something deliberately.
    t.is(raw.valid, differences.length === 0, raw.output);
    const tmp = path.join(tmpDir('hapair-oracle-'), name);
    fs.writeFileSync(tmp, haproxyize(text));
    const clean = await haproxyCheck(tmp);
    t.true(clean.valid, clean.output);
    const again = loadProxyConfig([tmp]);
    t.truthy(again.config);
    // haproxy's advisory warnings name the same proxies as ours.
    for (const re of [/missing timeouts for (\w+) '([^']+)'/g, /log format ignored for (\w+) '([^']+)'/g, /ignoring cookie for server '([^']+)'/g]) {
      const theirs = [...clean.output.matchAll(re)].map((m) => m.slice(1).join(' ')).sort();
      const ours = again.diagnostics.flatMap((d) => [...d.message.matchAll(re)].map((m) => m.slice(1).join(' '))).sort();
      t.deepEqual(ours, theirs, re.source);
    }
    t.deepEqual(again.diagnostics.filter((d) => ACCEPTED_DIFFERENCES.has(d.code)), [], 'the cleaned seed has no deliberate difference left');
    fs.rmSync(path.dirname(tmp), { recursive: true, force: true });
  });
}
