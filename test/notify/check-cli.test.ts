// `hapair check` on keepalived.conf files with bad mail settings: each case exits 1 and names file:line (real CLI).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { tmpDir } from '../helpers/paths.js';

const INSTANCE = ['vrrp_instance VI_1 {', '  interface eth0', '  virtual_router_id 51', '  priority 100', '  smtp_alert', '  virtual_ipaddress {', '    198.18.1.10/24', '  }', '}', ''];

/** global_defs with a valid mail block (lines 1..7), `extra` lines from line 8, then one instance. */
function conf(extra: string[], recipients = ['ops@example.com']): string {
  return ['global_defs {', '  notification_email {', ...recipients.map((r) => `    ${r}`), '  }', '  smtp_server 198.18.0.25 587', '  router_id LB1', ...extra, '}', ...INSTANCE].join('\n');
}

// [title, file text, the error line expected on stderr (after 'FILE:')]
const CASES: [string, string, RegExp][] = [
  // Line 4: the address's own line, not the block's (line 2).
  ['invalid recipient', conf([], ['ops@example.com', 'not-an-address']), /^:4: notification_email: invalid address 'not-an-address'$/],
  ['invalid sender', conf(['  notification_email_from lb1@']), /^:7: notification_email_from: invalid address 'lb1@'$/],
  ['SMTP port out of range', conf([]).replace('smtp_server 198.18.0.25 587', 'smtp_server 198.18.0.25 99999'), /^:5: smtp_server: 99999 is outside 1\.\.65535$/],
  ['smtp_connect_timeout not a number', conf(['  smtp_connect_timeout soon']), /^:7: smtp_connect_timeout: 'soon' is not a whole number$/],
  ['smtp_helo_name with a space', conf(['  smtp_helo_name "lb 1"']), /^:7: smtp_helo_name: invalid name 'lb 1'$/],
  ['unknown TLS mode', conf(['  smtp_tls maybe']), /^:7: smtp_tls: 'maybe' is not one of none\|starttls\|require-starttls\|implicit$/],
  ['AUTH user without a password source', conf(['  smtp_auth_user alert']), /^:7: smtp_auth_user is set but no password source/],
  ['inline password keyword', conf(['  smtp_auth_user alert', '  smtp_auth_password_env SMTP_PW', '  smtp_auth_password hunter2']),
    /^:9: smtp_auth_password: the SMTP password must not be written in the config file .* \(fix: replace it with `smtp_auth_password_file PATH` .* or `smtp_auth_password_env VAR`\)$/],
  ['unreadable password file', conf(['  smtp_auth_user alert', '  smtp_auth_password_file /nonexistent/hapair-pw']), /^:8: smtp_auth_password_file \/nonexistent\/hapair-pw: cannot read \(ENOENT\)$/],
  ['unreadable CA file', conf(['  smtp_tls require-starttls', '  smtp_tls_ca_file /nonexistent/ca.pem']), /^:8: smtp_tls_ca_file \/nonexistent\/ca\.pem: cannot read \(ENOENT\)$/],
  ['relative spool dir', conf(['  alert_spool_dir spool']), /^:7: alert_spool_dir: 'spool' must be an absolute path$/],
  ['bad report cron', conf(['  alert_report_cron "61 * * * *"']), /^:7: alert_report_cron: '61 \* \* \* \*' is not a valid cron expression$/],
  ['bad flap damping', conf(['  alert_flap_damping 0 10']), /^:7: alert_flap_damping: 0 is outside 1\.\.10000$/],
];

for (const [title, text, want] of CASES) {
  test(`hapair check: ${title} -> exit 1 with file:line`, async (t) => {
    const file = path.join(tmpDir('hapair-check-mail-'), 'keepalived.conf');
    fs.writeFileSync(file, text);
    const r = await runCli(['check', '-f', file]);
    t.is(r.code, 1, r.stdout + r.stderr);
    const lines = r.stderr.split('\n').filter((l) => l.startsWith(file)).map((l) => l.slice(file.length));
    t.true(lines.some((l) => want.test(l)), `want ${want} in:\n${r.stderr}`);
    t.regex(r.stdout, /FAILED/);
  });
}

test('hapair check: the same mail block with valid settings is OK', async (t) => {
  const file = path.join(tmpDir('hapair-check-mail-'), 'keepalived.conf');
  fs.writeFileSync(file, conf(['  notification_email_from lb1@example.com', '  smtp_tls require-starttls', '  smtp_helo_name lb1.example.com']));
  const r = await runCli(['check', '-f', file]);
  t.is(r.code, 0, r.stderr);
  t.regex(r.stdout, /: OK/);
});
