// Seed 002 (`# keepalived master` block): as published it has a '}' hidden in a comment and two notify keywords
// on one line. Exact diagnostics for the published text; field-by-field load once only the brace is restored.
import test from 'ava';
import { formatDiagnostic } from '../../../src/core/diagnostics.js';
import { loadKeepalivedConfig, loadKeepalivedConfigOrThrow } from '../../../src/vrrp/config/load.js';
import { isHaError } from '../../../src/core/errors.js';
import { fixture } from '../../helpers/paths.js';

const PUBLISHED = fixture('seeds', 'seed002-keepalived-as-published.conf');
const RESTORED = fixture('seeds', 'seed002-keepalived-brace-restored.conf');

test('as published: exact diagnostics with file:line', (t) => {
  const r = loadKeepalivedConfig(PUBLISHED);
  t.is(r.config, undefined);
  t.deepEqual(r.diagnostics.map((d) => `${d.severity} ${d.code} ${d.line}`), [
    'warning smtp-alert-off 6',
    'warning process-name-check 19',
    'error unclosed-block 25', // vrrp_instance HAProxy_HA, named at its OPENING line
    'warning stray-keyword 37', // notify_backup on the notify_master line
    'warning nopreempt-weight 40', // weight 21 + nopreempt (keepalived.md §3.3)
    'warning brace-in-comment 43', // the '}' of virtual_ipaddress is inside '#...'
  ]);
  for (const d of r.diagnostics) t.is(d.file, PUBLISHED);
  const byCode = new Map(r.diagnostics.map((d) => [d.code, d]));
  t.is(formatDiagnostic(byCode.get('unclosed-block')!).split(': ')[0], `${PUBLISHED}:25`);
  t.regex(byCode.get('unclosed-block')!.message, /block 'vrrp_instance HAProxy_HA' opened here is never closed/);
  t.regex(byCode.get('stray-keyword')!.message, /'notify_backup' is a second keyword on the 'notify_master' line/);
  t.regex(byCode.get('brace-in-comment')!.message, /does not close 'virtual_ipaddress' \(line 42\)/);
});

test('as published: loadOrThrow throws ECONFIG carrying the diagnostics', (t) => {
  const err = t.throws(() => loadKeepalivedConfigOrThrow(PUBLISHED));
  t.true(isHaError(err, 'ECONFIG'));
  t.regex(err!.message, /seed002-keepalived-as-published\.conf:25: block 'vrrp_instance HAProxy_HA'/);
});

test('brace restored: loads with warnings only, every field as written', (t) => {
  const { config: c, warnings } = loadKeepalivedConfigOrThrow(RESTORED);
  t.deepEqual(warnings.map((d) => `${d.code} ${d.line}`), ['smtp-alert-off 6', 'process-name-check 19', 'stray-keyword 37', 'nopreempt-weight 40']);
  t.deepEqual(c.files, [RESTORED]);
  const at = (line: number) => ({ file: RESTORED, line });

  const g = c.global;
  t.is(g.routerId, 'HAProxy_DEVEL');
  t.is(g.vrrpVersion, 2);
  t.false(g.enableScriptSecurity);
  t.is(g.smtpAlert, undefined);
  t.deepEqual(g.mail.recipients, ['acassen@firewall.loc', 'failover@firewall.loc', 'sysadmin@firewall.loc']);
  t.deepEqual(g.mail.recipientsWhere, at(6));
  t.is(g.mail.from, 'Alexandre.Cassen@firewall.loc');
  t.deepEqual(g.mail.smtpServer, { host: '192.168.200.1', port: 25, where: at(13) });
  t.is(g.mail.connectTimeoutSec, 30);

  t.deepEqual([...c.scripts.keys()], ['check_haproxy']);
  const s = c.scripts.get('check_haproxy')!;
  t.deepEqual(s.command.argv, ['killall', '-0', 'haproxy']);
  t.deepEqual(s.command.where, at(19));
  t.is(s.intervalSec, 2);
  t.is(s.timeoutSec, 2);
  t.is(s.weight, 21);
  t.false(s.weightReverse);
  t.is(s.rise, 1);
  t.is(s.fall, 1);
  t.false(s.initFail);

  t.is(c.instances.length, 1);
  const i = c.instances[0]!;
  t.is(i.name, 'HAProxy_HA');
  t.deepEqual(i.where, at(25));
  t.is(i.configuredState, 'BACKUP');
  t.is(i.interface, 'eth0');
  t.is(i.vrid, 80);
  t.is(i.basePriority, 100);
  t.is(i.advertIntMs, 2000);
  t.is(i.version, 2);
  t.true(i.nopreempt);
  t.is(i.preemptDelayMs, 0);
  t.deepEqual(i.auth, { type: 'PASS', pass: '1111' });
  t.deepEqual(i.notify.master, { raw: '/etc/keepalived/mail_notify.py master ', argv: ['/etc/keepalived/mail_notify.py', 'master'], where: at(37) });
  t.deepEqual(i.notify.backup, { raw: '/etc/keepalived/mail_notify.py backup', argv: ['/etc/keepalived/mail_notify.py', 'backup'], where: at(37) });
  t.deepEqual(i.notify.fault?.argv, ['/etc/keepalived/mail_notify.py', 'falut']); // the blog's typo, kept as written
  t.is(i.notify.stop, undefined);
  t.is(i.notify.generic, undefined);
  t.deepEqual(i.trackScripts, [{ name: 'check_haproxy', where: at(40) }]);
  t.deepEqual(i.trackInterfaces, []);
  t.deepEqual(i.vips, [{ address: '192.168.66.10', prefix: 24, dev: 'eth0', noTrack: false, where: at(43) }]);
  t.deepEqual(i.excludedVips, []);
  t.false(i.smtpAlert);
  t.deepEqual(i.unicastPeers, []);
  t.is(i.unicastTtl, 255);
  t.deepEqual(i.garp, { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 });
  t.is(i.downTimerAdverts, 3);
  t.is(i.syncGroup, undefined);
  t.deepEqual(c.syncGroups, []);
});

test('unreadable file: one file-level error, loadOrThrow throws ECONFIG', (t) => {
  const r = loadKeepalivedConfig('/nonexistent/keepalived.conf');
  t.is(r.config, undefined);
  t.deepEqual(r.diagnostics.map((d) => [d.code, d.line, d.file]), [['file-read-error', 0, '/nonexistent/keepalived.conf']]);
  t.true(isHaError(t.throws(() => loadKeepalivedConfigOrThrow('/nonexistent/keepalived.conf')), 'ECONFIG'));
});
