// global_defs semantics and defaults: keepalived keywords and the hapair mail extensions (MailSettings).
import test from 'ava';
import type { KeepalivedConfig } from '../../../src/vrrp/types.js';
import { instance, load } from '../../helpers/kaconf.js';
import { rows } from '../../helpers/kaconf-rows.js';

const g = (body: string) => `global_defs {\n${body}\n}\n` + instance('');
const M = (c: KeepalivedConfig) => c.global.mail;

test('global defaults', (t) => {
  const r = load(instance(''));
  t.deepEqual(r.diagnostics, []);
  t.deepEqual(r.config!.global, {
    routerId: 'testhost',
    vrrpVersion: 2,
    enableScriptSecurity: false,
    garp: { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 },
    mail: {
      recipients: [],
      connectTimeoutSec: 30,
      tls: 'starttls',
      tlsRejectUnauthorized: true,
      spoolDir: '/var/spool/hapair',
      maxAgeSec: 86400,
      flapDamping: { maxTransitions: 6, windowMin: 10 },
      where: {},
    },
  });
  t.deepEqual(r.config!.files, ['k.conf']);
});

test('standard mail keywords with where', (t) => {
  const r = load(g('router_id lb1\nnotification_email {\n  ops@example.com\n  oncall@example.com\n}\nnotification_email_from hapair@lb1.example.com\nsmtp_server 198.18.0.25 2525\nsmtp_connect_timeout 10\nsmtp_helo_name lb1.example.com\nsmtp_alert'));
  t.deepEqual(r.diagnostics, []);
  const c = r.config!;
  t.is(c.global.routerId, 'lb1');
  t.is(c.global.smtpAlert, true);
  t.is(c.instances[0]!.smtpAlert, true);
  const m = M(c);
  t.deepEqual(m.recipients, ['ops@example.com', 'oncall@example.com']);
  t.deepEqual(m.recipientsWhere, { file: 'k.conf', line: 3 });
  t.deepEqual(m.recipientsAt, [{ file: 'k.conf', line: 4 }, { file: 'k.conf', line: 5 }]);
  t.is(m.from, 'hapair@lb1.example.com');
  t.deepEqual(m.smtpServer, { host: '198.18.0.25', port: 2525, where: { file: 'k.conf', line: 8 } });
  t.is(m.connectTimeoutSec, 10);
  t.is(m.heloName, 'lb1.example.com');
  t.deepEqual(Object.keys(m.where).sort(), ['notification_email_from', 'smtp_connect_timeout', 'smtp_helo_name', 'smtp_server']);
  t.deepEqual(m.where.smtp_helo_name, { file: 'k.conf', line: 10 });
});

test('hapair mail extensions', (t) => {
  const r = load(g([
    'smtp_auth_user alerts@example.com',
    'smtp_auth_password_file /etc/hapair/smtp-password',
    'smtp_tls require-starttls',
    'smtp_tls_ca_file /etc/hapair/ca.pem',
    'smtp_tls_verify no',
    'alert_spool_dir /var/lib/hapair/spool',
    'alert_max_age 3600',
    'alert_flap_damping 3 5',
    'alert_report_cron "0 8 * * *"',
  ].join('\n')));
  t.deepEqual(r.diagnostics, []);
  const m = M(r.config!);
  t.like(m, {
    authUser: 'alerts@example.com',
    authPasswordFile: '/etc/hapair/smtp-password',
    tls: 'require-starttls',
    tlsCaFile: '/etc/hapair/ca.pem',
    tlsRejectUnauthorized: false,
    spoolDir: '/var/lib/hapair/spool',
    maxAgeSec: 3600,
    flapDamping: { maxTransitions: 3, windowMin: 5 },
    reportCron: '0 8 * * *',
  });
  t.deepEqual(m.where.smtp_tls, { file: 'k.conf', line: 4 });
});

test('recipientsAt: each address at its own line, two on a line, a second block appends', (t) => {
  const r = load(g('notification_email {\n  a@example.com b@example.com\n\n  c@example.com\n}\nrouter_id lb1\nnotification_email {\n  d@example.com\n}\nsmtp_alert'));
  t.deepEqual(r.diagnostics, []);
  const m = M(r.config!);
  t.deepEqual(m.recipients, ['a@example.com', 'b@example.com', 'c@example.com', 'd@example.com']);
  t.deepEqual(m.recipientsAt?.map((w) => w.line), [3, 3, 5, 9]);
  t.deepEqual(m.recipientsWhere, { file: 'k.conf', line: 8 });
});

test('inline smtp_auth_password: a specific error with the fix, the secret never echoed', (t) => {
  for (const line of ['smtp_auth_password hunter2', 'smtp_auth_password "hunter2 with spaces" more', 'smtp_auth_password']) {
    const r = load(g(`smtp_auth_user alerts\n${line}\nsmtp_auth_password_env SMTP_PW`));
    t.is(r.config, undefined);
    t.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}`), ['error inline-secret@3'], line);
    const d = r.diagnostics[0]!;
    t.regex(d.message, /must not be written in the config file/);
    t.regex(d.fix ?? '', /smtp_auth_password_file PATH.*smtp_auth_password_env VAR/);
    t.false(JSON.stringify(r.diagnostics).includes('hunter2'), 'the secret is not in any diagnostic');
  }
  // As the second statement of a line: the stray-keyword warning's fix does not quote it either.
  const r = load(g('smtp_auth_user alerts smtp_auth_password hunter2\nsmtp_auth_password_env SMTP_PW'));
  t.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}`), ['warning stray-keyword@2', 'error inline-secret@2']);
  t.is(r.diagnostics[0]!.fix, "put 'smtp_auth_password ...' on its own line");
  t.false(JSON.stringify(r.diagnostics).includes('hunter2'));
});

rows('global_defs', [
  { name: 'smtp_server default port 25', conf: g('smtp_server mail.example.com'), codes: [], pick: (c) => [M(c).smtpServer?.host, M(c).smtpServer?.port], want: ['mail.example.com', 25] },
  { name: 'smtp_server bad port', conf: g('smtp_server 198.18.0.25 smtp'), codes: ['invalid-value'] },
  { name: 'smtp_connect_timeout 0 becomes 1', conf: g('smtp_connect_timeout 0'), codes: ['value-coerced'], pick: (c) => M(c).connectTimeoutSec, want: 1 },
  { name: 'smtp_auth_password_env', conf: g('smtp_auth_password_env SMTP_PASS'), codes: [], pick: (c) => M(c).authPasswordEnv, want: 'SMTP_PASS' },
  { name: 'smtp_auth_password_env bad name', conf: g('smtp_auth_password_env 1PASS'), codes: ['invalid-value'] },
  { name: 'inline smtp_auth_password is refused', conf: g('smtp_auth_password_file /etc/hapair/pw\nsmtp_auth_password s3cret'), codes: ['inline-secret'] },
  { name: 'smtp_auth_password_file must be absolute', conf: g('smtp_auth_password_file pw.txt'), codes: ['invalid-value'] },
  { name: 'every smtp_tls mode', conf: g('smtp_tls implicit'), codes: [], pick: (c) => M(c).tls, want: 'implicit' },
  { name: 'smtp_tls none', conf: g('smtp_tls none'), codes: [], pick: (c) => M(c).tls, want: 'none' },
  { name: 'smtp_tls bad mode', conf: g('smtp_tls ssl'), codes: ['invalid-value'] },
  { name: 'smtp_tls_verify yes', conf: g('smtp_tls_verify yes'), codes: [], pick: (c) => M(c).tlsRejectUnauthorized, want: true },
  { name: 'smtp_tls_verify needs a value', conf: g('smtp_tls_verify'), codes: ['missing-argument'] },
  { name: 'alert_spool_dir must be absolute', conf: g('alert_spool_dir spool'), codes: ['invalid-value'] },
  { name: 'alert_max_age 0 is an error', conf: g('alert_max_age 0'), codes: ['invalid-value'] },
  { name: 'alert_flap_damping off', conf: g('alert_flap_damping off'), codes: [], pick: (c) => M(c).flapDamping, want: undefined },
  { name: 'alert_flap_damping needs N and MIN', conf: g('alert_flap_damping 3'), codes: ['invalid-value'] },
  { name: 'alert_flap_damping 0 transitions', conf: g('alert_flap_damping 0 10'), codes: ['invalid-value'] },
  { name: 'alert_report_cron unquoted', conf: g('alert_report_cron 30 7 * * 1-5'), codes: [], pick: (c) => M(c).reportCron, want: '30 7 * * 1-5' },
  { name: 'alert_report_cron invalid', conf: g('alert_report_cron "61 25 * * *"'), codes: ['invalid-value'] },
  { name: 'vrrp_version 4 is an error', conf: g('vrrp_version 4'), codes: ['invalid-value'] },
  { name: 'script_user with group, enable_script_security', conf: g('script_user keepalived_script scripts\nenable_script_security'), codes: [],
    pick: (c) => [c.global.scriptUser, c.global.enableScriptSecurity], want: [{ user: 'keepalived_script', group: 'scripts' }, true] },
  { name: 'vrrp_garp_* defaults', conf: g('vrrp_garp_master_delay 2\nvrrp_garp_master_repeat 3\nvrrp_garp_master_refresh 30\nvrrp_garp_master_refresh_repeat 2'), codes: [],
    pick: (c) => c.global.garp, want: { masterDelaySec: 2, masterRepeat: 3, masterRefreshSec: 30, masterRefreshRepeat: 2, lowerPrioDelaySec: 2, lowerPrioRepeat: 3 } },
  { name: 'vrrp_garp_master_refresh_repeat 0 becomes 1', conf: g('vrrp_garp_master_refresh_repeat 0'), codes: ['value-coerced'], pick: (c) => c.global.garp.masterRefreshRepeat, want: 1 },
  { name: 'router_id twice: last wins with a warning', conf: g('router_id a\nrouter_id b'), codes: ['duplicate-keyword'], pick: (c) => c.global.routerId, want: 'b' },
  { name: 'empty notification_email', conf: g('notification_email {\n}'), codes: ['missing-argument'], pick: (c) => M(c).recipients, want: [] },
  { name: 'vrrp_mcast_group4 is refused', conf: g('vrrp_mcast_group4 224.0.0.19'), codes: ['unsupported-keyword'] },
  { name: 'lvs_id is ignored with a warning', conf: g('lvs_id LVS_1'), codes: ['unsupported-ignored'] },
  { name: 'process tuning is ignored with a warning', conf: g('vrrp_rlimit_rttime 10000'), codes: ['unsupported-ignored'] },
  { name: 'unknown global keyword', conf: g('smtp_servr 198.18.0.25'), codes: ['unknown-keyword'] },
  { name: 'vrrp_strict is explained', conf: g('vrrp_strict'), codes: ['vrrp-strict-unsupported'] },
  { name: 'two keywords on one line', conf: g('router_id lb1 smtp_connect_timeout 5'), codes: ['stray-keyword'], pick: (c) => [c.global.routerId, M(c).connectTimeoutSec], want: ['lb1', 5] },
  { name: 'global_defs with an argument', conf: 'global_defs x {\n}\n' + instance(''), codes: ['extra-argument'] },
]);
