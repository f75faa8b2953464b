// Compatibility oracle: the real keepalived 2.2.7 (`keepalived -t`, parse only) must accept what hapair accepts
// and reject what hapair refuses. Each fixture states both expectations in its header:
//   # expect-hapair: ok | <diagnostic codes>      # expect-keepalived: accept | reject
// Runs keepalived inside a private network namespace that has eth0/eth1 (needs root).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { loadKeepalivedConfig } from '../../../src/vrrp/config/load.js';
import { fixture } from '../../helpers/paths.js';
import { requireRoot, isRoot } from '../../helpers/root.js';
import { createKeepalivedNs, type KeepalivedNs } from '../../helpers/kaconf-netns.js';

const ROOT = fixture('keepalived');
let ns: KeepalivedNs | undefined;
let setupError: unknown;

test.before(() => {
  if (!isRoot()) return;
  try {
    ns = createKeepalivedNs();
  } catch (err) {
    setupError = err;
  }
});
test.after.always(() => ns?.close());

function header(text: string, key: string): string {
  const m = new RegExp(`^# ${key}: (.*)$`, 'm').exec(text);
  if (!m) throw new Error(`fixture without '# ${key}:' header`);
  return m[1]!.trim();
}

const fixtures = ['valid', 'invalid', 'warn'].flatMap((dir) =>
  fs.readdirSync(path.join(ROOT, dir)).filter((f) => f.endsWith('.conf')).sort().map((f) => path.join(ROOT, dir, f)));

test('the oracle has fixtures of every kind', (t) => {
  const kinds = fixtures.map((f) => header(fs.readFileSync(f, 'utf8'), 'expect-keepalived'));
  t.true(kinds.filter((k) => k === 'accept').length >= 8);
  t.true(kinds.filter((k) => k === 'reject').length >= 15);
});

for (const file of fixtures) {
  const rel = path.relative(ROOT, file);
  test(`oracle: ${rel}`, async (t) => {
    const text = fs.readFileSync(file, 'utf8');
    const wantHapair = header(text, 'expect-hapair');
    const wantKeepalived = header(text, 'expect-keepalived');

    const ours = loadKeepalivedConfig(file);
    const codes = ours.diagnostics.map((d) => d.code).sort();
    if (wantHapair === 'ok') t.deepEqual(ours.diagnostics, [], 'hapair accepts it without any diagnostic');
    else t.deepEqual(codes, wantHapair.split(/\s+/).sort(), JSON.stringify(ours.diagnostics, null, 1));

    if (!requireRoot(t)) return;
    if (!ns) return void t.fail(`cannot create the keepalived namespace: ${String(setupError)}`);
    const r = await ns.check(file);
    const output = `keepalived -t exit ${r.code}:\n${r.stderr}${r.stdout}`;
    t.is(r.code === 0 ? 'accept' : 'reject', wantKeepalived, output);
    // The compatibility rule itself: hapair never accepts (without error) what keepalived rejects as broken,
    // unless hapair warns about it, and never refuses what keepalived accepts cleanly.
    if (r.code !== 0) t.true(ours.diagnostics.length > 0, `keepalived rejects it but hapair is silent\n${output}`);
    if (r.code === 0) t.truthy(ours.config, `keepalived accepts it but hapair refuses it\n${output}`);
  });
}
