// vrrp_script identities with real processes (root only): `user` on the script, global `script_user` as the default,
// an unknown user disables the script (it counts as failing, keepalived.md §4.1 / §5.1).
import test from 'ava';
import { realClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ScriptTrackers, usedScripts } from '../../../src/vrrp/trackers.js';
import { requireRoot } from '../../helpers/root.js';
import { instance, load } from '../../helpers/kaconf.js';

const script = (name: string, cmd: string, extra = '') => `vrrp_script ${name} {\n script "${cmd}"\n interval 1\n${extra}}\n`;

test('scripts run as their user, else as script_user; an unknown user disables the script', async (t) => {
  if (!requireRoot(t)) return;
  const text =
    'global_defs {\n script_user nobody\n}\n' +
    script('as_global', "/bin/sh -c '[ $(id -un) = nobody ]'") +
    script('as_root', "/bin/sh -c '[ $(id -u) = 0 ]'", ' user root\n') +
    script('bad_user', '/bin/true', ' user no-such-user-hapair\n') +
    instance('track_script {\nas_global\nas_root\nbad_user\n}');
  const r = load(text);
  t.deepEqual(r.diagnostics.filter((d) => d.severity === 'error'), []);
  const config = r.config!;
  const trackers = new ScriptTrackers(config, usedScripts(config.instances), { clock: realClock, logger: silentLogger() }, () => undefined);
  trackers.start();
  try {
    for (let i = 0; i < 100 && !trackers.allReported(); i++) await new Promise((res) => setTimeout(res, 50));
    t.true(trackers.allReported(), 'every script reported within 5 s');
    t.like(trackers.state('as_global'), { counter: { status: true }, lastResult: 'exit 0' });
    t.like(trackers.state('as_root'), { counter: { status: true }, lastResult: 'exit 0' });
    t.is(trackers.state('bad_user')?.counter.status, false);
    t.regex(trackers.state('bad_user')?.lastResult ?? '', /no-such-user-hapair/);
  } finally {
    await trackers.stop();
  }
});
