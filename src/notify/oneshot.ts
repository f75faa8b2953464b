// One-shot alerting for `hapair notify-mail`: build the alert from argv + config, spool it, deliver inline (bounded).
import type { Logger } from '../core/logger.js';
import { realClock } from '../core/clock.js';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { AlertMessage } from './alert.js';
import { isValidAddress } from './address.js';
import { transitionAlert } from './compose.js';
import { Deliverer, type PassResult } from './deliverer.js';
import { defaultFrom, hostFacts } from './host.js';
import { loadMailSecrets, type MailSecrets } from './secrets.js';
import { Spool } from './spool.js';
import { createMailTransport, probeRelay } from './transport.js';
import type { CliAlertRequest } from './notify-mail-args.js';

export { resolveTarget, type CliAlertRequest } from './notify-mail-args.js';

/** The alert for a notify-script invocation: everything the config knows; the reason is unknown here. */
export function cliAlert(config: KeepalivedConfig, target: { kind: 'INSTANCE' | 'GROUP'; name: string }, req: CliAlertRequest, hostname: string, now: number): AlertMessage {
  const mail = config.global.mail;
  const inst = target.kind === 'INSTANCE' ? config.instances.find((i) => i.name === target.name) : undefined;
  const members = target.kind === 'GROUP' ? config.instances.filter((i) => i.syncGroup === target.name) : inst ? [inst] : [];
  const host = hostFacts(config, hostname);
  const recipients = mail.recipients.filter(isValidAddress);
  const from = mail.from !== undefined && isValidAddress(mail.from) ? mail.from : defaultFrom(hostname);
  return transitionAlert(
    {
      kind: target.kind,
      name: target.name,
      to: req.state,
      reasonText: 'reported by a notify script (hapair notify-mail); see the VRRP daemon log for the cause',
      ...(inst ? { basePriority: inst.basePriority, interface: inst.interface } : {}),
      ...(req.priority !== undefined ? { effectivePriority: req.priority } : {}),
      vips: members.flatMap((m) => m.vips.map((v) => `${v.address}/${v.prefix}`)),
      routerId: config.global.routerId,
      wallTime: now,
    },
    { from, recipients },
    host,
  );
}

export interface FlushReport {
  readonly spooledId?: string;
  readonly spoolError?: string;
  /** The credentials (password file/env, CA file) could not be read: nothing was sent, spooled alerts stay. */
  readonly credentialsError?: string;
  readonly results: Readonly<Record<string, PassResult>>;
  readonly delivered: number;
  readonly pending: number; // still in the spool after the attempt
}

/**
 * Spools `msg` (when given) and delivers everything pending in the spool, bounded by `waitMs`. The queues'
 * lock files keep this safe next to a running daemon: a queue the daemon is delivering is skipped ('busy').
 * The alert is spooled BEFORE the credentials are read: a password file this user cannot read (keepalived's
 * script_user, a rotated file) must not cost the alert; the daemon or a later run delivers it. Throws ESMTP
 * only when the alert could be neither spooled nor sent.
 */
export async function spoolAndFlush(config: KeepalivedConfig, msg: AlertMessage | undefined, opts: { waitMs: number; logger: Logger; hostname?: string; env?: NodeJS.ProcessEnv }): Promise<FlushReport> {
  const mail = config.global.mail;
  const spool = new Spool(mail.spoolDir);
  let spooledId: string | undefined;
  let spoolError: string | undefined;
  let spoolReady = false;
  try {
    await spool.init();
    spoolReady = true;
    if (msg) spooledId = await spool.enqueue(msg, msg.to);
  } catch (err) {
    spoolError = err instanceof Error ? err.message : String(err);
  }
  const pendingNow = async () => (!spoolReady ? 0 : (await spool.stats().catch(() => undefined))?.pending ?? 0);
  let secrets: MailSecrets;
  try {
    secrets = loadMailSecrets(mail, opts.env);
  } catch (err) {
    if (msg && spooledId === undefined) throw err; // neither spooled nor sendable: the caller reports it
    const credentialsError = err instanceof Error ? err.message : String(err);
    return { ...(spooledId ? { spooledId } : {}), ...(spoolError ? { spoolError } : {}), credentialsError, results: {}, delivered: 0, pending: await pendingNow() };
  }
  const transport = createMailTransport(mail, secrets, { pool: true, ...(opts.hostname ? { hostname: opts.hostname } : {}) });
  const server = mail.smtpServer!;
  const deliverer = new Deliverer(transport.send, {
    logger: opts.logger,
    clock: realClock,
    maxAgeSec: mail.maxAgeSec,
    probe: () => probeRelay(server.host, server.port, 2_000),
  });
  if (spoolReady) deliverer.attachSpool(spool); // earlier runs' leftovers go out too
  if (msg && spooledId === undefined) deliverer.enqueueMemory(msg); // full/read-only spool: still sent directly
  const deadline = realClock.now() + opts.waitMs;
  const results = await deliverer.deliverAllOnce(deadline);
  await deliverer.close(0);
  transport.close();
  return { ...(spooledId ? { spooledId } : {}), ...(spoolError ? { spoolError } : {}), results, delivered: deliverer.delivered, pending: await pendingNow() };
}
