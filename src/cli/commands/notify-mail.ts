// `hapair notify-mail`: queue a state-change alert (drop-in for mail_notify.py in notify_* lines), deliver it if it can.
import fs from 'node:fs';
import { HaError } from '../../core/errors.js';
import { ConfigError, formatDiagnostic } from '../../core/diagnostics.js';
import { createLogger } from '../../core/logger.js';
import { DEFAULT_KEEPALIVED_CONF } from '../../core/paths.js';
import { parseNotifyMail, stateRequest } from '../../notify/notify-mail-args.js';

export const usage = `usage: hapair notify-mail master|backup|fault|stop [--instance NAME] [-f FILE] [--wait SECS]
       hapair notify-mail INSTANCE|GROUP NAME STATE PRIORITY [-f FILE]   (as keepalived's generic \`notify\`)
       hapair notify-mail --flush [-f FILE] [--wait SECS]

Spools an alert mail for a VRRP state change into alert_spool_dir (durably, before any send), then
tries to deliver everything pending for up to --wait seconds (default 5) and returns. What is not
delivered stays spooled: a running \`hapair vrrp\` daemon or the next invocation delivers it; lock
files make sure nothing is sent twice. Mail settings come from global_defs of FILE (default
${DEFAULT_KEEPALIVED_CONF}, else /etc/keepalived/keepalived.conf).

  -f, --config FILE    keepalived.conf with notification_email / smtp_server (and hapair mail extensions)
  -i, --instance NAME  the vrrp_instance (default: the only one, or the one whose notify_* runs notify-mail)
  --group NAME         the alert is about a vrrp_sync_group
  --wait SECS          how long to try delivering now (0 = spool only)
  --flush              deliver what is pending; queue nothing new
  -v, --verbose        JSON log lines of each delivery step on stdout

Example (keepalived.conf):  notify_master "/usr/local/bin/hapair notify-mail master --instance VI_1"
Exit status: 0 spooled (or delivered), 1 neither spooled nor delivered, or credentials unreadable (the alert
stays spooled) / config errors, 2 bad usage.`;

function configFile(given: string | undefined): string {
  if (given !== undefined) return given;
  if (fs.existsSync(DEFAULT_KEEPALIVED_CONF)) return DEFAULT_KEEPALIVED_CONF;
  return fs.existsSync('/etc/keepalived/keepalived.conf') ? '/etc/keepalived/keepalived.conf' : DEFAULT_KEEPALIVED_CONF;
}

export async function main(argv: string[]): Promise<number> {
  const parsed = parseNotifyMail(argv);
  if (!parsed.ok) throw new HaError('EUSAGE', `${parsed.error}\n${usage}`);
  const { values, positionals } = parsed;
  const waitSec = values.wait === undefined ? 5 : Number(values.wait);
  if (!Number.isFinite(waitSec) || waitSec < 0) throw new HaError('EUSAGE', `--wait needs seconds >= 0, not '${values.wait}'`);
  const asked = values.flush ? undefined : stateRequest(positionals, values.instance, values.group);
  if (asked && 'error' in asked) throw new HaError('EUSAGE', positionals.length === 1 ? asked.error : `${asked.error}\n${usage}`);
  const req = asked;
  if (values.flush && positionals.length > 0) throw new HaError('EUSAGE', `--flush takes no state word\n${usage}`);
  const file = configFile(values.config);
  const { loadKeepalivedConfigOrThrow } = await import('../../vrrp/config/load.js');
  const { resolveTarget, cliAlert, spoolAndFlush } = await import('../../notify/oneshot.js');
  const { mailEnabled } = await import('../../notify/index.js');
  let config;
  try {
    ({ config } = loadKeepalivedConfigOrThrow(file));
  } catch (err) {
    if (err instanceof ConfigError) {
      for (const d of err.diagnostics.filter((x) => x.severity === 'error')) process.stderr.write(formatDiagnostic(d) + '\n');
      return 1;
    }
    throw err;
  }
  if (!mailEnabled(config)) {
    process.stderr.write(`hapair notify-mail: ${file}: global_defs needs notification_email { ... } and smtp_server to send alerts\n`);
    return 1;
  }
  let msg;
  if (req) {
    const target = resolveTarget(config, req);
    if (typeof target === 'string') throw new HaError('EUSAGE', target);
    msg = cliAlert(config, target, req, (await import('node:os')).hostname(), Date.now());
  }
  const logger = createLogger({ name: 'notify-mail', level: values.verbose ? 'info' : 'silent' });
  const r = await spoolAndFlush(config, msg, { waitMs: waitSec * 1000, logger });
  const out = (s: string) => process.stderr.write(`hapair notify-mail: ${s}\n`);
  if (r.spoolError) out(`ALERT NOT SPOOLED: ${r.spoolError}; tried to send it directly`);
  else if (r.spooledId) out(`alert ${r.spooledId} spooled in ${config.global.mail.spoolDir}`);
  if (r.credentialsError) {
    // Spooled but not sendable by this user now: exit 1 so the notify log shows it; the alert is not lost.
    out(`CANNOT DELIVER NOW: ${r.credentialsError}; ${r.pending} alert(s) stay spooled for the daemon or a later run`);
    return 1;
  }
  const states = Object.entries(r.results).map(([a, s]) => `${a}: ${s}`).join(', ');
  out(`delivered ${r.delivered}, still pending ${r.pending}${states ? ` (${states})` : ''}`);
  if (msg && r.spoolError && r.delivered === 0) return 1;
  return 0;
}
