// scripts/install.sh into a temporary prefix: launcher works, example configs pass `hapair check`,
// systemd units pass `systemd-analyze verify` (and a broken unit does not, so the check can fail).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCommand } from '../helpers/proc.js';
import { repoRoot, tmpDir } from '../helpers/paths.js';

interface Installed {
  readonly root: string;
  readonly hapair: string;
  readonly etc: string;
  readonly units: string;
}

async function install(node: 'lb1' | 'lb2'): Promise<Installed> {
  const root = tmpDir('hapair-install-');
  const hapair = path.join(root, 'bin/hapair');
  const etc = path.join(root, 'etc/hapair');
  const units = path.join(root, 'units');
  const res = await runCommand('bash', [
    path.join(repoRoot, 'scripts/install.sh'),
    '--prefix', path.join(root, 'opt/hapair'),
    '--bindir', path.join(root, 'bin'),
    '--etc', etc,
    '--unitdir', units,
    '--node', node,
    '--no-user',
  ], { timeoutMs: 120_000 });
  if (res.code !== 0) throw new Error(`install.sh failed (${res.code}): ${res.stderr}`);
  return { root, hapair, etc, units };
}

test('install.sh lays out a working hapair with example configs for lb1', async (t) => {
  const inst = await install('lb1');
  t.teardown(() => fs.rmSync(inst.root, { recursive: true, force: true }));
  const help = await runCommand(inst.hapair, ['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /usage: hapair <command>/);
  const check = await runCommand(inst.hapair, ['check', '-f', path.join(inst.etc, 'keepalived.conf'), '-f', path.join(inst.etc, 'haproxy.cfg')]);
  t.is(check.code, 0, `hapair check failed:\n${check.stdout}\n${check.stderr}`);
  t.false(/error/i.test(check.stderr), check.stderr);
  for (const n of ['lb1', 'lb2']) {
    t.true(fs.existsSync(path.join(inst.etc, 'examples', n, 'keepalived.conf')));
  }
});

test('example configs of lb2 pass hapair check too', async (t) => {
  const inst = await install('lb2');
  t.teardown(() => fs.rmSync(inst.root, { recursive: true, force: true }));
  const check = await runCommand(inst.hapair, ['check', '-f', path.join(inst.etc, 'keepalived.conf'), '-f', path.join(inst.etc, 'haproxy.cfg')]);
  t.is(check.code, 0, `hapair check failed:\n${check.stdout}\n${check.stderr}`);
  // A re-install never overwrites the operator's files: it writes *.example next to them.
  fs.appendFileSync(path.join(inst.etc, 'keepalived.conf'), '\n! operator edit\n');
  const again = await runCommand('bash', [path.join(repoRoot, 'scripts/install.sh'), '--prefix', path.join(inst.root, 'opt/hapair'),
    '--bindir', path.join(inst.root, 'bin'), '--etc', inst.etc, '--unitdir', inst.units, '--node', 'lb2', '--no-user'], { timeoutMs: 120_000 });
  t.is(again.code, 0, again.stderr);
  t.regex(fs.readFileSync(path.join(inst.etc, 'keepalived.conf'), 'utf8'), /operator edit/);
  t.true(fs.existsSync(path.join(inst.etc, 'keepalived.conf.example')));
});

test('systemd units pass systemd-analyze verify; a broken unit does not', async (t) => {
  const inst = await install('lb1');
  t.teardown(() => fs.rmSync(inst.root, { recursive: true, force: true }));
  const units = ['hapair-vrrp.service', 'hapair-proxy.service'].map((u) => path.join(inst.units, u));
  for (const u of units) {
    const text = fs.readFileSync(u, 'utf8');
    t.regex(text, /^ExecStartPre=\S+\/hapair check -f /m, `${u} checks its config before starting`);
    t.regex(text, /^Restart=on-failure$/m);
    t.regex(text, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  }
  const ok = await runCommand('systemd-analyze', ['verify', ...units]);
  t.is(ok.code, 0, ok.stderr);
  const broken = path.join(inst.units, 'hapair-broken.service');
  fs.writeFileSync(broken, fs.readFileSync(units[0]!, 'utf8').replace(/^ExecStart=.*$/m, 'ExecStart=relative/path/hapair vrrp'));
  const bad = await runCommand('systemd-analyze', ['verify', broken]);
  t.not(bad.code, 0, 'systemd-analyze must reject a unit with a relative ExecStart');
});
