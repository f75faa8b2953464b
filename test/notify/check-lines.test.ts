// checkNotifyMailLines: notify_* lines running `hapair notify-mail` that would send no alert -> file:line (table),
// the seed 002 typo line, and the daemon logging them at start.
import test from 'ava';
import fs from 'node:fs';
import { checkNotifyMailLines } from '../../src/notify/check-lines.js';
import { parseKeepalivedText } from '../../src/vrrp/config/load.js';
import { fixture } from '../helpers/paths.js';
import { instance, load } from '../helpers/kaconf.js';
import { startNotifier } from './_mail.js';

const second = (extra: string) => instance(extra, { name: 'VI_2', base: 'interface eth0\n  virtual_router_id 52\n  virtual_ipaddress {\n    198.18.0.11/24\n  }' });
const group = (extra: string) => `vrrp_sync_group G {\n  group {\n    VI_1\n    VI_2\n  }\n  ${extra}\n}\n`;

/** [title, config text, expected `severity code@line` findings] */
const ROWS: [string, string, string[]][] = [
  ['plain drop-in line', instance('notify_master "/usr/bin/hapair notify-mail master"'), []],
  ['upper-case state word', instance('notify_fault "hapair notify-mail FAULT"'), []],
  ['typo state word', instance('notify_fault "/usr/bin/hapair notify-mail falut"'), ['error notify-mail-usage@7']],
  ['no state word', instance('notify_master "hapair notify-mail"'), ['error notify-mail-usage@7']],
  ['unknown option', instance('notify_master "hapair notify-mail master --bogus"'), ['error notify-mail-usage@7']],
  ['state of another slot', instance('notify_master "hapair notify-mail backup"'), ['warning notify-mail-state@7']],
  ['generic notify without words', instance('notify "hapair notify-mail"'), []],
  ['generic notify with a state word', instance('notify "hapair notify-mail master"'), ['error notify-mail-usage@7']],
  ['through env', instance('notify_master "env LANG=C /usr/local/bin/hapair notify-mail mster"'), ['error notify-mail-usage@7']],
  ['node + hapair.js', instance('notify_fault "/usr/bin/node /opt/hapair/bin/hapair.js notify-mail falut"'), ['error notify-mail-usage@7']],
  ['inside a shell: not taken apart', instance('notify_fault "/bin/sh -c \'hapair notify-mail falut\'"'), []],
  ['--flush needs no state', instance('notify_master "hapair notify-mail --flush"'), []],
  ['other scripts are not judged', instance('notify_master "/etc/keepalived/mail_notify.py falut"'), []],
  ['two instances, one notify-mail line each', instance('notify_master "hapair notify-mail master"') + second('notify_backup "hapair notify-mail backup"'), []],
  ['two instances, same slot, no --instance', instance('notify_master "hapair notify-mail master"') + second('notify_master "hapair notify-mail master"'), ['error notify-mail-target@7', 'error notify-mail-target@15']],
  ['--instance of no instance', instance('notify_master "hapair notify-mail master --instance VI_9"'), ['error notify-mail-target@7']],
  ['--instance of another instance', instance('notify_master "hapair notify-mail master -i VI_2"') + second(''), ['warning notify-mail-target@7']],
  ['group line without --group', instance('') + second('') + group('notify_master "hapair notify-mail master"'), ['warning notify-mail-group@22']],
  ['group line with --group', instance('') + second('') + group('notify_master "hapair notify-mail master --group G"'), []],
];

for (const [title, text, want] of ROWS) {
  test(`notify-mail lines: ${title}`, (t) => {
    const r = load(text);
    t.truthy(r.config, JSON.stringify(r.diagnostics));
    const got = checkNotifyMailLines(r.config!);
    t.deepEqual(got.map((d) => `${d.severity} ${d.code}@${d.line}`), want);
    for (const d of got) {
      t.is(d.file, 'k.conf');
      t.false(/[\r\n]/.test(d.message), 'one line');
      t.truthy(d.fix);
    }
  });
}

test("seed 002 with hapair notify-mail dropped in: the 'falut' line is an error naming its line, master/backup are fine", (t) => {
  const seed = fixture('seeds', 'seed002-keepalived-brace-restored.conf');
  const text = fs.readFileSync(seed, 'utf8').replaceAll('/etc/keepalived/mail_notify.py', '/usr/bin/hapair notify-mail');
  const r = parseKeepalivedText(text, seed, { hostname: 'lb1' });
  const got = checkNotifyMailLines(r.config!);
  t.deepEqual(got.map((d) => `${d.severity} ${d.code}@${d.line}`), ['error notify-mail-usage@38']);
  t.regex(got[0]!.message, /notify_fault of vrrp_instance HAProxy_HA: hapair notify-mail would refuse this line \(unknown state 'falut' \(did you mean 'fault'\?.*no FAULT alert would ever be sent/);
  t.is(got[0]!.fix, 'notify_fault "hapair notify-mail fault"');
});

test('the daemon logs such a line with file:line at start', (t) => {
  const r = load(instance('smtp_alert\n  notify_fault "hapair notify-mail falut"'));
  const { n, sink } = startNotifier(r.config!);
  t.teardown(() => n.close(200));
  const line = sink.lines.find((l) => l.event === 'mail-config' && l.code === 'notify-mail-usage');
  t.like(line, { level: 50, file: 'k.conf', line: 8, severity: 'error' });
  t.regex(String(line?.msg), /^k\.conf:8: notify_fault of vrrp_instance VI_1: hapair notify-mail would refuse this line/);
});
