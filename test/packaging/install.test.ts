// scripts/install.sh into a temporary prefix: launcher works, example configs pass `hapair check`, units pass
// `systemd-analyze verify` (a broken one does not) and name only real options, --destdir staging, bad options,
// and the service user + spool created by a real-root install (run in a private mount namespace: host untouched).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { runCommand, runCli } from '../helpers/proc.js';
import { repoRoot, tmpDir } from '../helpers/paths.js';
import { requireRoot } from '../helpers/root.js';

const INSTALL = path.join(repoRoot, 'scripts/install.sh');
/** npm ci from the local cache only: no registry access from tests (install.sh falls back to copying node_modules). */
const OFFLINE = { ...process.env, npm_config_offline: 'true' };

interface Installed {
  readonly root: string;
  readonly hapair: string;
  readonly etc: string;
  readonly units: string;
  readonly args: readonly string[];
}

function layout(root: string, node: 'lb1' | 'lb2'): Installed {
  const etc = path.join(root, 'etc/hapair');
  const units = path.join(root, 'units');
  const args = ['--prefix', path.join(root, 'opt/hapair'), '--bindir', path.join(root, 'bin'), '--etc', etc, '--unitdir', units, '--node', node];
  return { root, hapair: path.join(root, 'bin/hapair'), etc, units, args };
}

async function install(node: 'lb1' | 'lb2'): Promise<Installed> {
  const inst = layout(tmpDir('hapair-install-'), node);
  const res = await runCommand('bash', [INSTALL, ...inst.args, '--no-user'], { timeoutMs: 120_000, env: OFFLINE });
  if (res.code !== 0) throw new Error(`install.sh failed (${res.code}): ${res.stderr}`);
  return inst;
}

/** One lb1 install shared by the tests that only read it. */
let lb1: Promise<Installed> | undefined;
const lb1Install = (): Promise<Installed> => (lb1 ??= install('lb1'));
test.after.always(async () => {
  if (lb1) fs.rmSync((await lb1).root, { recursive: true, force: true });
});

const checkArgs = (inst: Installed) => ['check', '-f', path.join(inst.etc, 'keepalived.conf'), '-f', path.join(inst.etc, 'haproxy.cfg')];

test('install.sh lays out a working hapair with example configs for lb1', async (t) => {
  const inst = await lb1Install();
  const help = await runCommand(inst.hapair, ['--help']);
  t.is(help.code, 0);
  t.regex(help.stdout, /usage: hapair <command>/);
  t.regex(fs.readFileSync(inst.hapair, 'utf8'), new RegExp(`^exec "${process.execPath.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}" "`, 'm'), 'the launcher names node by absolute path');
  const check = await runCommand(inst.hapair, checkArgs(inst));
  t.is(check.code, 0, `hapair check failed:\n${check.stdout}\n${check.stderr}`);
  t.false(/error/i.test(check.stderr), check.stderr);
  for (const n of ['lb1', 'lb2']) {
    t.true(fs.existsSync(path.join(inst.etc, 'examples', n, 'keepalived.conf')));
    t.true(fs.existsSync(path.join(inst.etc, 'examples', n, 'haproxy.cfg')));
  }
  const ka = fs.readFileSync(path.join(inst.etc, 'keepalived.conf'), 'utf8');
  t.regex(ka, /^\s+router_id lb1$/m);
  t.regex(ka, /^\s+script "\/usr\/local\/bin\/hapair proxy-alive -f \/etc\/hapair\/haproxy\.cfg"$/m, 'the namespace-safe health check, not killall');
  // The in-process GARP addon travels with the package whenever the checkout has it built (npm ci builds it).
  if (fs.existsSync(path.join(repoRoot, 'src/vrrp/native/build/Release/hapair_packet.node'))) {
    const mod = pathToFileURL(path.join(inst.root, 'opt/hapair/dist/src/vrrp/packet-native.js')).href;
    const probe = await runCommand(process.execPath, ['--input-type=module', '-e', `const m = await import(${JSON.stringify(mod)}); console.log(m.nativePacket().why)`]);
    t.is(probe.stdout.trim(), 'loaded', probe.stderr);
  }
});

test('example configs of lb2 pass hapair check too; a re-install keeps the operator\'s files', async (t) => {
  const inst = await install('lb2');
  t.teardown(() => fs.rmSync(inst.root, { recursive: true, force: true }));
  const check = await runCommand(inst.hapair, checkArgs(inst));
  t.is(check.code, 0, `hapair check failed:\n${check.stdout}\n${check.stderr}`);
  t.regex(fs.readFileSync(path.join(inst.etc, 'keepalived.conf'), 'utf8'), /^\s+router_id lb2$/m);
  // A re-install never overwrites the operator's files: it writes *.example next to them.
  fs.appendFileSync(path.join(inst.etc, 'keepalived.conf'), '\n! operator edit\n');
  const again = await runCommand('bash', [INSTALL, ...inst.args, '--no-user'], { timeoutMs: 120_000, env: OFFLINE });
  t.is(again.code, 0, again.stderr);
  t.regex(fs.readFileSync(path.join(inst.etc, 'keepalived.conf'), 'utf8'), /operator edit/);
  t.true(fs.existsSync(path.join(inst.etc, 'keepalived.conf.example')));
});

test('systemd units pass systemd-analyze verify; a broken unit does not', async (t) => {
  const inst = await lb1Install();
  const units = ['hapair-vrrp.service', 'hapair-proxy.service'].map((u) => path.join(inst.units, u));
  for (const u of units) {
    const text = fs.readFileSync(u, 'utf8');
    t.regex(text, /^ExecStartPre=\S+\/hapair check -f /m, `${u} checks its config before starting`);
    t.regex(text, /^Restart=on-failure$/m);
    t.regex(text, /^ExecReload=\/bin\/kill -HUP \$MAINPID$/m);
  }
  t.regex(fs.readFileSync(units[1]!, 'utf8'), /^RuntimeDirectory=hapair$/m, 'the proxy unit owns /run/hapair');
  t.notRegex(fs.readFileSync(units[0]!, 'utf8'), /^RuntimeDirectory=/m, 'the vrrp unit must not re-own /run/hapair');
  const ok = await runCommand('systemd-analyze', ['verify', ...units]);
  t.is(ok.code, 0, ok.stderr);
  const broken = path.join(inst.units, 'hapair-broken.service');
  fs.writeFileSync(broken, fs.readFileSync(units[0]!, 'utf8').replace(/^ExecStart=.*$/m, 'ExecStart=relative/path/hapair vrrp'));
  const bad = await runCommand('systemd-analyze', ['verify', broken]);
  t.not(bad.code, 0, 'systemd-analyze must reject a unit with a relative ExecStart');
});

/** `Exec*=` lines of a unit that run the installed hapair: [key, argv]. */
function hapairExecs(unit: string, hapair: string): [string, string[]][] {
  return [...unit.matchAll(/^(Exec\w+)=(.*)$/gm)].map((m): [string, string[]] => [m[1]!, m[2]!.trim().split(/\s+/)]).filter(([, argv]) => argv[0] === hapair);
}

test('what the units run: every hapair command line uses real options; ExecStartPre/ExecReload checks pass on the examples', async (t) => {
  const inst = await lb1Install();
  const usage = new Map<string, string>();
  let runs = 0;
  for (const u of ['hapair-vrrp.service', 'hapair-proxy.service']) {
    const execs = hapairExecs(fs.readFileSync(path.join(inst.units, u), 'utf8'), inst.hapair);
    t.deepEqual(execs.map(([k, argv]) => `${k} ${argv[1]}`), ['ExecStartPre check', `ExecStart ${u === 'hapair-vrrp.service' ? 'vrrp' : 'proxy'}`, 'ExecReload check'], u);
    for (const [key, argv] of execs) {
      const cmd = argv[1]!;
      if (!usage.has(cmd)) usage.set(cmd, (await runCli([cmd, '--help'])).stdout);
      for (const opt of argv.filter((a) => a.startsWith('-'))) t.regex(usage.get(cmd)!, new RegExp(`(^|[\\s,\\[])${opt}[\\s,\\]]`, 'm'), `${u} ${key}: '${opt}' is an option of hapair ${cmd}`);
      for (const file of argv.filter((a) => a.startsWith(inst.etc))) t.true(fs.existsSync(file), `${u} ${key}: ${file} installed`);
      if (cmd !== 'check') continue;
      const r = await runCommand(argv[0]!, argv.slice(1));
      t.is(r.code, 0, `${u} ${key}: ${r.stderr}`);
      runs++;
    }
  }
  t.is(runs, 4);
});

test('--destdir stages the tree; files name the final paths, and the staged package runs', async (t) => {
  const d = tmpDir('hapair-destdir-');
  t.teardown(() => fs.rmSync(d, { recursive: true, force: true }));
  const r = await runCommand('bash', [INSTALL, '--destdir', d, '--node', 'lb2'], { timeoutMs: 120_000, env: OFFLINE });
  t.is(r.code, 0, r.stderr);
  t.regex(fs.readFileSync(path.join(d, 'usr/local/bin/hapair'), 'utf8'), /^exec "\S+" "\/opt\/hapair\/bin\/hapair\.js" "\$@"$/m);
  const unit = fs.readFileSync(path.join(d, 'etc/systemd/system/hapair-proxy.service'), 'utf8');
  t.regex(unit, /^ExecStart=\/usr\/local\/bin\/hapair proxy -f \/etc\/hapair\/haproxy\.cfg --run-dir \/run\/hapair$/m);
  t.false(fs.existsSync(path.join(d, 'var/spool/hapair')), 'no spool (nor user) made while staging');
  const check = await runCommand(process.execPath, [path.join(d, 'opt/hapair/bin/hapair.js'), 'check', '-f', path.join(d, 'etc/hapair/keepalived.conf'), '-f', path.join(d, 'etc/hapair/haproxy.cfg')]);
  t.is(check.code, 0, check.stderr);
});

const BAD: readonly [string[], string][] = [
  [['--bogus'], 'install.sh: unknown option --bogus (see --help)'],
  [['--node', 'lb3'], 'install.sh: --node must be lb1 or lb2'],
  [['--node'], 'install.sh: --node needs a value (see --help)'],
  [['--prefix'], 'install.sh: --prefix needs a value (see --help)'],
  [['--destdir', ''], 'install.sh: --destdir needs a value (see --help)'],
];
for (const [argv, line] of BAD) {
  test(`bad input: install.sh ${argv.join(' ') || "''"} -> exit 2, one line`, async (t) => {
    const r = await runCommand('bash', [INSTALL, ...argv]);
    t.is(r.code, 2);
    t.is(r.stderr, `${line}\n`);
    t.is(r.stdout, '');
  });
}

test('install.sh --help prints the options; without a build it says so', async (t) => {
  const help = await runCommand('bash', [INSTALL, '--help']);
  t.is(help.code, 0);
  for (const opt of ['--prefix', '--bindir', '--etc', '--unitdir', '--node', '--destdir', '--no-user']) t.true(help.stdout.includes(opt), opt);
  const tree = tmpDir('hapair-nobuild-');
  t.teardown(() => fs.rmSync(tree, { recursive: true, force: true }));
  fs.mkdirSync(path.join(tree, 'scripts'));
  fs.copyFileSync(INSTALL, path.join(tree, 'scripts/install.sh'));
  const r = await runCommand('bash', [path.join(tree, 'scripts/install.sh'), '--destdir', path.join(tree, 'out')]);
  t.is(r.code, 1);
  t.is(r.stderr, 'install.sh: build first (npm ci)\n');
  t.false(fs.existsSync(path.join(tree, 'out')), 'nothing installed');
});

test('real-root install creates the hapair system user and its 0750 spool (private mount namespace, host untouched)', async (t) => {
  if (!requireRoot(t)) return;
  const inst = layout(tmpDir('hapair-install-user-'), 'lb1');
  t.teardown(() => fs.rmSync(inst.root, { recursive: true, force: true }));
  const hostPasswd = fs.readFileSync('/etc/passwd', 'utf8');
  const ov = path.join(inst.root, 'overlay');
  fs.mkdirSync(ov);
  // /etc gets a throw-away overlay, /var/spool and /run/systemd empty tmpfs (no daemon-reload of a host systemd).
  const script = [
    'set -eu',
    'mount -t tmpfs tmpfs "$OV"; mkdir "$OV/u" "$OV/w"',
    'mount -t overlay overlay -o "lowerdir=/etc,upperdir=$OV/u,workdir=$OV/w" /etc',
    'mount -t tmpfs tmpfs /var/spool',
    '[ ! -d /run/systemd ] || mount -t tmpfs tmpfs /run/systemd',
    '! getent passwd hapair >/dev/null || userdel hapair', // a host that already has the user: start without it
    '! getent group hapair >/dev/null || groupdel hapair',
    'bash "$INSTALL" "$@"',
    'echo "passwd: $(getent passwd hapair | cut -d: -f1,6,7)"',
    'echo "spool: $(stat -c "%U:%G %a" /var/spool/hapair)"',
    'bash "$INSTALL" "$@" | grep -c "created system user" || true', // second run: the user exists already
  ].join('\n');
  const r = await runCommand('unshare', ['--mount', '--propagation', 'private', 'bash', '-c', script, 'install-user', ...inst.args], {
    timeoutMs: 120_000, env: { ...OFFLINE, OV: ov, INSTALL },
  });
  t.is(r.code, 0, r.stderr);
  const lines = r.stdout.split('\n');
  t.true(lines.includes('created system user hapair'), r.stdout);
  t.true(lines.includes('passwd: hapair:/nonexistent:/usr/sbin/nologin'), r.stdout);
  t.true(lines.includes('spool: hapair:hapair 750'), r.stdout);
  t.is(lines.filter(Boolean).at(-1), '0', 'a second install does not create it again');
  t.is(fs.readFileSync('/etc/passwd', 'utf8'), hostPasswd, "the host's /etc/passwd was not touched");
});
