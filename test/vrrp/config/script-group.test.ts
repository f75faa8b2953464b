// vrrp_script keywords/defaults and vrrp_sync_group semantics (members, weighted trackers, group tracking).
import test from 'ava';
import type { KeepalivedConfig } from '../../../src/vrrp/types.js';
import { instance, load } from '../../helpers/kaconf.js';
import { rows } from '../../helpers/kaconf-rows.js';

const script = (body: string, name = 'chk') => `vrrp_script ${name} {\n${body}\n}\n`;
const tracked = (body: string) => script(body) + instance('track_script {\nchk\n}');
const S = (c: KeepalivedConfig) => c.scripts.get('chk')!;
const fields = (...keys: string[]) => (c: KeepalivedConfig) => Object.fromEntries(keys.map((k) => [k, (S(c) as unknown as Record<string, unknown>)[k]]));

test('vrrp_script defaults', (t) => {
  const r = load(tracked('script "/usr/bin/check --fast"'));
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(S(r.config!), {
    name: 'chk',
    command: { raw: '/usr/bin/check --fast', argv: ['/usr/bin/check', '--fast'], where: { file: 'k.conf', line: 2 } },
    intervalSec: 1,
    timeoutSec: 1,
    weight: 0,
    weightReverse: false,
    rise: 1,
    fall: 1,
    initFail: false,
    where: { file: 'k.conf', line: 1 },
  });
});

rows('vrrp_script', [
  { name: 'interval, timeout, rise, fall, init_fail', conf: tracked('script /bin/true\ninterval 5\ntimeout 3\nrise 2\nfall 3\ninit_fail'), codes: [],
    pick: fields('intervalSec', 'timeoutSec', 'rise', 'fall', 'initFail'), want: { intervalSec: 5, timeoutSec: 3, rise: 2, fall: 3, initFail: true } },
  { name: 'no timeout = interval', conf: tracked('script /bin/true\ninterval 4'), codes: [], pick: fields('timeoutSec'), want: { timeoutSec: 4 } },
  { name: 'timeout 0 = interval', conf: tracked('script /bin/true\ninterval 5\ntimeout 0'), codes: ['script-timeout-zero'], pick: fields('timeoutSec'), want: { timeoutSec: 5 } },
  { name: 'interval 0 becomes 1', conf: tracked('script /bin/true\ninterval 0'), codes: ['value-coerced'], pick: fields('intervalSec'), want: { intervalSec: 1 } },
  { name: 'weight and reverse', conf: tracked('script /bin/true\nweight -20 reverse'), codes: [], pick: fields('weight', 'weightReverse'), want: { weight: -20, weightReverse: true } },
  { name: 'weight 253 is the maximum', conf: tracked('script /bin/true\nweight 253'), codes: [], pick: fields('weight'), want: { weight: 253 } },
  { name: 'weight 254 is an error in vrrp_script', conf: tracked('script /bin/true\nweight 254'), codes: ['invalid-value'] },
  { name: 'unknown weight option', conf: tracked('script /bin/true\nweight 5 backwards'), codes: ['invalid-value'] },
  { name: 'rise 0 is an error', conf: tracked('script /bin/true\nrise 0'), codes: ['invalid-value'] },
  { name: 'fall abc is an error', conf: tracked('script /bin/true\nfall abc'), codes: ['invalid-value'] },
  { name: 'misspelled rise (issue #535: raise)', conf: tracked('script /bin/true\nraise 2'), codes: ['unknown-keyword'] },
  { name: 'user and group', conf: tracked('script /bin/true\nuser nobody nogroup'), codes: [], pick: (c) => [S(c).command.user, S(c).command.group], want: ['nobody', 'nogroup'] },
  { name: 'global script_user is the default', conf: 'global_defs {\n script_user hapair\n}\n' + tracked('script /bin/true'), codes: [], pick: (c) => [S(c).command.user, S(c).command.group], want: ['hapair', undefined] },
  { name: 'no script line is an error', conf: tracked('interval 2'), codes: ['missing-keyword'] },
  { name: 'unquoted extra words: keepalived runs only the first', conf: tracked('script /bin/check arg'), codes: ['script-extra-words'], pick: (c) => S(c).command.argv, want: ['/bin/check'] },
  { name: 'quotes and escapes in the command', conf: tracked('script "/bin/sh -c \'exit 1\'"'), codes: [], pick: (c) => S(c).command.argv, want: ['/bin/sh', '-c', 'exit 1'] },
  { name: 'unused script warns and is not run', conf: script('script /bin/true') + instance(''), codes: ['script-unused'], pick: (c) => c.scripts.size, want: 0 },
  { name: 'duplicate script name', conf: script('script /bin/true') + tracked('script /bin/false'), codes: ['duplicate-name'] },
]);

const two = (extraA = '', extraB = '') =>
  instance(extraA, { name: 'VI_1' }) + instance(extraB, { name: 'VI_2', base: 'interface eth1\nvirtual_router_id 52\nvirtual_ipaddress {\n198.18.1.10/24\n}' });
const group = (body: string) => `vrrp_sync_group VG {\n${body}\n}\n`;
const W = script('script /bin/true\nweight -30');

rows('vrrp_sync_group', [
  { name: 'members, notify and smtp_alert', conf: two() + group('group {\nVI_1\nVI_2\n}\nnotify_master "/bin/g.sh master"\nnotify /bin/gn.sh\nsmtp_alert'), codes: ['smtp-alert-no-server'],
    pick: (c) => [c.syncGroups.map((g) => [g.name, g.members, g.smtpAlert, g.notify.master?.argv, g.notify.generic?.argv]), c.instances.map((i) => i.syncGroup)],
    want: [[['VG', ['VI_1', 'VI_2'], true, ['/bin/g.sh', 'master'], ['/bin/gn.sh']]], ['VG', 'VG']] },
  { name: 'members on one line', conf: two() + group('group { VI_1 VI_2 }'), codes: [], pick: (c) => c.syncGroups[0]!.members, want: ['VI_1', 'VI_2'] },
  { name: 'unknown member is an error', conf: two() + group('group {\nVI_1\nVI_3\n}'), codes: ['sync-group-unknown-member', 'sync-group-single'] },
  { name: 'instance in two groups is an error', conf: two() + group('group {\nVI_1\nVI_2\n}') + group('group {\nVI_1\n}').replace('VG', 'VG2'), codes: ['sync-group-multiple'] },
  { name: 'single member warns', conf: two() + group('group {\nVI_1\n}'), codes: ['sync-group-single'], pick: (c) => c.syncGroups[0]!.members, want: ['VI_1'] },
  { name: 'no group block: ignored with a warning', conf: two() + group('smtp_alert'), codes: ['sync-group-empty'], pick: (c) => c.syncGroups.length, want: 0 },
  { name: 'group list given twice', conf: two() + group('group {\nVI_1\n}\ngroup {\nVI_2\n}'), codes: ['duplicate-keyword', 'sync-group-single'] },
  { name: 'weighted member script is dropped, unweighted kept', conf: W + script('script /bin/true', 'chk0') + two('track_script {\nchk\nchk0\n}') + group('group {\nVI_1\nVI_2\n}'), codes: ['sync-group-weight'],
    pick: (c) => c.instances[0]!.trackScripts.map((t) => t.name), want: ['chk0'] },
  { name: 'weighted member interface is zeroed (FAULT semantics)', conf: two('track_interface {\neth5 weight -10\n}') + group('group {\nVI_1\nVI_2\n}'), codes: ['sync-group-weight'],
    pick: (c) => c.instances[0]!.trackInterfaces.map((t) => [t.name, t.weight]), want: [['eth5', 0]] },
  { name: 'sync_group_tracking_weight keeps weights', conf: W + two('track_script {\nchk\n}') + group('group {\nVI_1\nVI_2\n}\nsync_group_tracking_weight'), codes: [],
    pick: (c) => c.instances[0]!.trackScripts.map((t) => t.name), want: ['chk'] },
  { name: 'group-level trackers are added to every member with their weight', conf: W + two() + group('group {\nVI_1\nVI_2\n}\ntrack_script {\nchk weight -40\n}\ntrack_interface {\neth9\n}'), codes: [],
    pick: (c) => c.instances.map((i) => [i.trackScripts.map((t) => `${t.name}:${t.weight}`), i.trackInterfaces.map((t) => t.name)]), want: [[['chk:-40'], ['eth9']], [['chk:-40'], ['eth9']]] },
  { name: 'group-level unknown script', conf: two() + group('group {\nVI_1\nVI_2\n}\ntrack_script {\nnope\n}'), codes: ['track-script-unknown'] },
  { name: 'mixed address owners warn', conf: two('priority 255') + group('group {\nVI_1\nVI_2\n}'), codes: ['sync-group-mixed-owner'], pick: (c) => c.syncGroups.length, want: 1 },
  { name: 'owner member: group weights are cleared', conf: W + two('priority 255', 'priority 255') + group('group {\nVI_1\nVI_2\n}\ntrack_script {\nchk\n}'), codes: ['owner-weight-removed'],
    pick: (c) => c.instances[0]!.trackScripts.map((t) => [t.name, t.weight]), want: [['chk', 0]] },
  { name: 'unsupported group tracker', conf: two() + group('group {\nVI_1\nVI_2\n}\ntrack_file {\nf\n}'), codes: ['unsupported-keyword'] },
  { name: 'global_tracking is deprecated but means tracking weight', conf: W + two('track_script {\nchk\n}') + group('group {\nVI_1\nVI_2\n}\nglobal_tracking'), codes: ['unsupported-ignored'],
    pick: (c) => c.instances[0]!.trackScripts.length, want: 1 },
]);

rows('address owner', [
  { name: 'weighted trackers of a priority 255 instance are removed', conf: W + instance('priority 255\ntrack_script {\nchk\n}\ntrack_interface {\neth1 weight 5\neth2\n}'), codes: ['owner-weight-removed', 'owner-weight-removed'],
    pick: (c) => [c.instances[0]!.trackScripts.length, c.instances[0]!.trackInterfaces.map((t) => t.name)], want: [0, ['eth2']] },
]);
