// `hapair notify-mail`: queue a state-change alert (drop-in for mail_notify.py in notify_* lines), deliver it if it can.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { HaError, errorMessage } from '../../core/errors.js';
import { ConfigError, formatDiagnostic } from '../../core/diagnostics.js';
import { createLogger } from '../../core/logger.js';
import { DEFAULT_KEEPALIVED_CONF } from '../../core/paths.js';

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

const STATE_WORDS: Readonly<Record<string, 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'>> = { master: 'MASTER', backup: 'BACKUP', fault: 'FAULT', stop: 'STOP' };

function configFile(given: string | undefined): string {
  if (given !== undefined) return given;
  if (fs.existsSync(DEFAULT_KEEPALIVED_CONF)) return DEFAULT_KEEPALIVED_CONF;
  return fs.existsSync('/etc/keepalived/keepalived.conf') ? '/etc/keepalived/keepalived.conf' : DEFAULT_KEEPALIVED_CONF;
}

/** Positionals -> request: `master` or keepalived's `TYPE NAME STATE PRIORITY`. */
function request(pos: readonly string[], instance: string | undefined, group: string | undefined) {
  if (pos.length === 4 && (pos[0] === 'INSTANCE' || pos[0] === 'GROUP')) {
    const state = STATE_WORDS[pos[2]!.toLowerCase()];
    const priority = Number(pos[3]);
    if (!state || !Number.isInteger(priority)) throw new HaError('EUSAGE', `expected TYPE NAME STATE PRIORITY, got '${pos.join(' ')}'\n${usage}`);
    return { kind: pos[0], name: pos[1]!, state, priority } as const;
  }
  if (pos.length !== 1) throw new HaError('EUSAGE', `expected one state word (master|backup|fault|stop)\n${usage}`);
  const word = pos[0]!.toLowerCase();
  const state = STATE_WORDS[word];
  if (!state) {
    const hint = word === 'falut' ? " (did you mean 'fault'? seed configs carry this typo)" : '';
    throw new HaError('EUSAGE', `unknown state '${pos[0]}'${hint}: use master|backup|fault|stop`);
  }
  return { kind: group !== undefined ? 'GROUP' : 'INSTANCE', ...(group ?? instance ? { name: (group ?? instance)! } : {}), state } as const;
}

export async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'f' },
        instance: { type: 'string', short: 'i' },
        group: { type: 'string' },
        wait: { type: 'string' },
        flush: { type: 'boolean' },
        verbose: { type: 'boolean', short: 'v' },
      },
      strict: true,
      allowPositionals: true,
    });
  } catch (err) {
    throw new HaError('EUSAGE', `${errorMessage(err)}\n${usage}`);
  }
  const { values, positionals } = parsed;
  const waitSec = values.wait === undefined ? 5 : Number(values.wait);
  if (!Number.isFinite(waitSec) || waitSec < 0) throw new HaError('EUSAGE', `--wait needs seconds >= 0, not '${values.wait}'`);
  const req = values.flush ? undefined : request(positionals, values.instance, values.group);
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
