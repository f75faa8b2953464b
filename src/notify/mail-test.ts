// `hapair mail-test` logic: check the relay (connect, TLS, AUTH) and send a test alert now, naming each failure.
import os from 'node:os';
import type { KeepalivedConfig } from '../vrrp/types.js';
import { isValidAddress } from './address.js';
import { composeAlert } from './compose.js';
import { defaultFrom, hostFacts } from './host.js';
import { loadMailSecrets } from './secrets.js';
import { describeFailure, type SmtpFailure } from './smtp-errors.js';
import { createMailTransport, verifiesCertificate } from './transport.js';

export interface MailTestStep {
  readonly step: 'relay' | 'send';
  readonly recipient?: string;
  readonly ok: boolean;
  /** Server reply on success; "<class label>: server said: <reply>" on failure. */
  readonly detail: string;
  readonly failure?: SmtpFailure;
}

/** One line describing where and how we connect (never the password). */
export function relaySummary(config: KeepalivedConfig): string {
  const m = config.global.mail;
  const s = m.smtpServer;
  const auth = m.authUser !== undefined ? `auth ${m.authUser} (password from ${m.authPasswordFile !== undefined ? `file ${m.authPasswordFile}` : `env ${m.authPasswordEnv}`})` : 'no auth';
  const cert = m.tls === 'none' ? '' : verifiesCertificate(m) ? (m.tlsCaFile ? ` (CA ${m.tlsCaFile})` : ' (system CAs)') : ' (certificate not verified)';
  return `${s ? `${s.host}:${s.port}` : '(no smtp_server)'}, tls ${m.tls}${cert}, ${auth}, timeout ${m.connectTimeoutSec} s`;
}

/**
 * Verifies the relay, then sends one test message per recipient (`to`, default notification_email).
 * Loads credentials like the daemon does (throws ESMTP with file:line when they cannot be read).
 */
export async function runMailTest(config: KeepalivedConfig, opts: { to?: readonly string[]; hostname?: string; env?: NodeJS.ProcessEnv } = {}): Promise<MailTestStep[]> {
  const mail = config.global.mail;
  const hostname = opts.hostname ?? os.hostname();
  const secrets = loadMailSecrets(mail, opts.env);
  const transport = createMailTransport(mail, secrets, { pool: false, hostname });
  const steps: MailTestStep[] = [];
  try {
    const v = await transport.verify();
    steps.push(v.ok ? { step: 'relay', ok: true, detail: v.response } : { step: 'relay', ok: false, detail: describeFailure(v.failure), failure: v.failure });
    if (!v.ok) return steps;
    const recipients = opts.to?.length ? [...opts.to] : mail.recipients.filter(isValidAddress);
    const from = mail.from !== undefined && isValidAddress(mail.from) ? mail.from : defaultFrom(hostname);
    const host = hostFacts(config, hostname);
    const now = Date.now();
    const msg = composeAlert(
      'test',
      {
        subject: `[${config.global.routerId}] hapair mail-test from ${hostname}`,
        text: [
          'This is a test alert from `hapair mail-test`: alert mail from this node reaches you.',
          '',
          `Host:       ${hostname} (${host.addresses.join(', ') || 'no addresses'})`,
          `Router ID:  ${config.global.routerId}`,
          `Relay:      ${relaySummary(config)}`,
          `Spool:      ${mail.spoolDir}`,
          `Time:       ${new Date(now).toISOString()}`,
          '',
        ].join('\n'),
        createdWall: now,
        headers: { 'X-Hapair-Event': 'TEST' },
      },
      { from, recipients },
      host,
    );
    for (const r of recipients) {
      const out = await transport.send(msg, r);
      steps.push(out.ok ? { step: 'send', recipient: r, ok: true, detail: out.response } : { step: 'send', recipient: r, ok: false, detail: describeFailure(out.failure), failure: out.failure });
    }
    return steps;
  } finally {
    transport.close();
  }
}
