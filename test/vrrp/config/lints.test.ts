// Every lint: fires on the trap (with a fix, at the right line) and stays quiet on the safe variant.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { NOPREEMPT_DOC, checksProcessByName, runsNotifyMail } from '../../../src/vrrp/config/lints.js';
import { anchors } from '../../helpers/docs-text.js';
import { repoRoot } from '../../helpers/paths.js';
import { instance, load } from '../../helpers/kaconf.js';
import { rows } from '../../helpers/kaconf-rows.js';

const script = (cmd: string, weight = '', name = 'chk') => `vrrp_script ${name} {\n script ${cmd}\n${weight ? ` weight ${weight}\n` : ''}}\n`;
const track = 'track_script {\nchk\n}';

rows('lint nopreempt-weight', [
  { name: 'weighted script under nopreempt', conf: script('/bin/true', '-20') + instance(`nopreempt\n${track}`), codes: ['nopreempt-weight'] },
  { name: 'positive weight under nopreempt', conf: script('/bin/true', '30') + instance(`nopreempt\n${track}`), codes: ['nopreempt-weight'] },
  { name: 'weight given on the track_script line', conf: script('/bin/true') + instance('nopreempt\ntrack_script {\nchk weight -50\n}'), codes: ['nopreempt-weight'] },
  { name: 'weighted track_interface under nopreempt', conf: instance('nopreempt\ntrack_interface {\neth1 weight -60\n}'), codes: ['nopreempt-weight'] },
  { name: 'weight 0 (FAULT) under nopreempt is fine', conf: script('/bin/true') + instance(`nopreempt\n${track}`), codes: [] },
  { name: 'weight override 0 under nopreempt is fine', conf: script('/bin/true', '-20') + instance('nopreempt\ntrack_script {\nchk weight 0\n}'), codes: [] },
  { name: 'weighted script without nopreempt is fine', conf: script('/bin/true', '-20') + instance(track), codes: [] },
  { name: 'nopreempt cleared by state MASTER: only that warning', conf: script('/bin/true', '-20') + instance(`state MASTER\npriority 150\nnopreempt\n${track}`), codes: ['state-master-nopreempt'] },
]);

test('nopreempt-weight: at the tracker line, names every weighted tracker, suggests weight 0', (t) => {
  const r = load(script('/bin/true', '-20') + instance('nopreempt\ntrack_script {\nchk\n}\ntrack_interface {\neth1 weight 5\n}'));
  const d = r.diagnostics.find((x) => x.code === 'nopreempt-weight')!;
  t.is(d.line, 13);
  t.regex(d.message, /track_script chk, track_interface eth1 of VI_1/);
  t.regex(d.message, /see docs\/migration\.md#the-nopreempt--weight-trap\)/);
  t.regex(d.fix!, /weight 0/);
  t.regex(d.fix!, /nopreempt/);
});

test('lint texts point operators to shipped docs (an existing anchor), never to the internal reference', (t) => {
  const [file, anchor] = NOPREEMPT_DOC.split('#') as [string, string];
  t.true(anchors(fs.readFileSync(path.join(repoRoot, file), 'utf8')).has(anchor), `${NOPREEMPT_DOC} resolves`);
  const r = load('global_defs {\n vrrp_strict\n}\n' + script('/bin/true', '-20') + instance(`nopreempt\nstrict_mode\n${track}`));
  t.deepEqual(r.diagnostics.map((d) => d.code).sort(), ['nopreempt-weight', 'vrrp-strict-unsupported', 'vrrp-strict-unsupported']);
  for (const d of r.diagnostics) t.false(/keepalived\.md|§/.test(`${d.message} ${d.fix ?? ''}`), `${d.code}: ${d.message} / ${d.fix}`);
  t.regex(r.diagnostics.find((d) => d.code === 'vrrp-strict-unsupported')!.fix!, /drop all traffic to the VIPs/);
});

rows('lint process-name-check', [
  { name: 'killall -0 haproxy', conf: script('"killall -0 haproxy"') + instance(track), codes: ['process-name-check'] },
  { name: 'full path pidof', conf: script('"/usr/bin/pidof haproxy"') + instance(track), codes: ['process-name-check'] },
  { name: 'pgrep via sh -c', conf: script('"/bin/sh -c \'pgrep -x haproxy >/dev/null\'"') + instance(track), codes: ['process-name-check'] },
  { name: 'hapair proxy-alive is fine', conf: script('"/usr/local/bin/hapair proxy-alive -f /etc/hapair/haproxy.cfg"') + instance(track), codes: [] },
  { name: 'curl health check is fine', conf: script('"curl -sf http://127.0.0.1:8404/health"') + instance(track), codes: [] },
]);

test('checksProcessByName table', (t) => {
  const cases: [string[], boolean][] = [
    [['killall', '-0', 'haproxy'], true],
    [['/usr/bin/killall', '-0', 'nginx'], true],
    [['killall', 'haproxy'], false], // that would kill it: a different problem, not a by-name liveness check
    [['pidof', 'haproxy'], true],
    [['pgrep', '-f', 'haproxy'], true],
    [['bash', '-c', 'killall -0 haproxy && exit 0'], true],
    [['sh', '-c', 'test -S /run/haproxy.sock'], false],
    [['/bin/check-pgrep-like'], false],
  ];
  for (const [argv, want] of cases) t.is(checksProcessByName(argv), want, argv.join(' '));
});

rows('lint strict mode', [
  { name: 'vrrp_strict', conf: 'global_defs {\n vrrp_strict\n}\n' + instance(''), codes: ['vrrp-strict-unsupported'] },
  { name: 'strict_mode off is silent', conf: instance('strict_mode off'), codes: [] },
]);

rows('lint addresses', [
  { name: 'VIP equal to unicast_src_ip', conf: instance('unicast_src_ip 198.18.0.10\nunicast_peer {\n198.18.0.2\n}'), codes: ['vip-is-src-ip'] },
  { name: 'VIP equal to mcast_src_ip', conf: instance('mcast_src_ip 198.18.0.10'), codes: ['vip-is-src-ip'] },
  { name: 'unicast peer is a VIP', conf: instance('unicast_src_ip 198.18.0.1\nunicast_peer {\n198.18.0.10\n}'), codes: ['vip-is-src-ip'] },
  { name: 'peer is this node', conf: instance('unicast_src_ip 198.18.0.1\nunicast_peer {\n198.18.0.1\n198.18.0.2\n}'), codes: ['peer-is-self'] },
  { name: 'distinct fixed addresses are fine', conf: instance('unicast_src_ip 198.18.0.1\nunicast_peer {\n198.18.0.2\n}'), codes: [] },
  { name: 'same VIP in two instances', conf: instance('') + instance('', { name: 'VI_2', base: 'interface eth1\nvirtual_router_id 52\nvirtual_ipaddress {\n198.18.0.10/24\n}' }), codes: ['vip-shared'] },
]);

const MAIL = 'global_defs {\n notification_email {\n  ops@example.com\n }\n smtp_server 198.18.0.25\n}\n';
rows('lint mail wiring', [
  { name: 'recipients but no smtp_alert anywhere', conf: MAIL + instance(''), codes: ['smtp-alert-off'] },
  { name: 'smtp_alert on an instance is enough', conf: MAIL + instance('smtp_alert'), codes: [] },
  { name: 'smtp_alert on a sync group is enough', conf: MAIL + instance('') + instance('', { name: 'VI_2', base: 'interface eth1\nvirtual_router_id 52\nvirtual_ipaddress {\n198.18.1.10\n}' }) + 'vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n smtp_alert\n}\n', codes: [] },
  { name: 'smtp_alert with no mail settings at all', conf: instance('smtp_alert'), codes: ['smtp-alert-no-server'] },
  { name: 'notify_master runs hapair notify-mail (seed 002 drop-in)', conf: MAIL + instance('notify_master "/usr/bin/hapair notify-mail master"\nnotify_backup "/usr/bin/hapair notify-mail backup"'), codes: [] },
  { name: 'generic notify runs hapair notify-mail', conf: MAIL + instance('notify "/usr/local/bin/hapair notify-mail"'), codes: [] },
  { name: 'notify-mail through sh -c', conf: MAIL + instance('notify_fault "/bin/sh -c \'exec hapair notify-mail fault\'"'), codes: [] },
  { name: 'notify-mail on a sync group', conf: MAIL + instance('') + instance('', { name: 'VI_2', base: 'interface eth1\nvirtual_router_id 52\nvirtual_ipaddress {\n198.18.1.10\n}' }) + 'vrrp_sync_group G {\n group {\n  VI_1\n  VI_2\n }\n notify_master "hapair notify-mail master"\n}\n', codes: [] },
  { name: 'another notify script (mail_notify.py) still warns', conf: MAIL + instance('notify_master "/etc/keepalived/mail_notify.py master"'), codes: ['smtp-alert-off'] },
  { name: 'hapair without notify-mail still warns', conf: MAIL + instance('notify_master "/usr/bin/hapair status"'), codes: ['smtp-alert-off'] },
]);

test('runsNotifyMail table', (t) => {
  const cases: [string[], boolean][] = [
    [['hapair', 'notify-mail', 'master'], true],
    [['/usr/local/bin/hapair', 'notify-mail'], true],
    [['/usr/bin/env', 'HAPAIR_RUN_DIR=/run/x', 'hapair', 'notify-mail', 'backup'], true],
    [['node', '/opt/hapair/bin/hapair.js', 'notify-mail', 'fault'], true],
    [['bash', '-c', 'logger x; /usr/bin/hapair notify-mail master'], true],
    [['hapair', 'mail-test'], false],
    [['/etc/keepalived/mail_notify.py', 'master'], false],
    [['sh', '-c', 'echo hapair-notify-mail'], false],
    [['/usr/bin/env', 'X=1'], false],
  ];
  for (const [argv, want] of cases) t.is(runsNotifyMail(argv), want, argv.join(' '));
});

test('lint smtp-alert-off points at notification_email', (t) => {
  const d = load(MAIL + instance('')).diagnostics[0]!;
  t.is(d.line, 2);
  t.regex(d.fix!, /smtp_alert/);
});

rows('lint comment glued to a value', [
  { name: 'auth_pass with ! inside', conf: instance('authentication {\nauth_type PASS\nauth_pass abc!defg\n}'), codes: ['comment-mid-word'], pick: (c) => c.instances[0]!.auth?.pass, want: 'abc' },
]);
