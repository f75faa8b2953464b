// nodemailer wrapper: MailSettings -> SMTP options (TLS modes, AUTH, timeouts) and one-recipient sends.
import os from 'node:os';
import net from 'node:net';
import { createTransport } from 'nodemailer';
import type { MailSettings } from '../vrrp/types.js';
import { headerText } from './address.js';
import type { AlertMessage } from './alert.js';
import type { MailSecrets } from './secrets.js';
import { classifySmtpError, type SmtpFailure } from './smtp-errors.js';

export type SendOutcome = { readonly ok: true; readonly response: string } | { readonly ok: false; readonly failure: SmtpFailure };

/** Sends one alert to one envelope recipient. */
export type SendFn = (msg: AlertMessage, rcpt: string) => Promise<SendOutcome>;

type PoolOptions = NonNullable<Parameters<typeof createTransport>[0]> & Record<string, unknown>;

/** TLS mode -> nodemailer flags (hapair extension `smtp_tls`; keepalived itself only speaks plain SMTP). */
const TLS_FLAGS: Readonly<Record<MailSettings['tls'], { secure: boolean; requireTLS: boolean; ignoreTLS: boolean }>> = {
  none: { secure: false, requireTLS: false, ignoreTLS: true },
  starttls: { secure: false, requireTLS: false, ignoreTLS: false },
  'require-starttls': { secure: false, requireTLS: true, ignoreTLS: false },
  implicit: { secure: true, requireTLS: false, ignoreTLS: false },
};

/**
 * Whether the relay's certificate is verified. `starttls` is opportunistic (RFC 7435; Postfix `may`): it
 * encrypts when the relay offers STARTTLS but does not authenticate it unless the operator asked for that
 * with smtp_tls_ca_file or an explicit smtp_tls_verify yes. Otherwise a relay offering STARTTLS with a
 * self-signed certificate (Debian's postfix ships with the snakeoil one) would get no alert at all, where
 * keepalived's plain SMTP delivers. require-starttls and implicit verify unless smtp_tls_verify no.
 */
export function verifiesCertificate(mail: MailSettings): boolean {
  if (mail.tls !== 'starttls') return mail.tlsRejectUnauthorized;
  const asked = mail.tlsCaFile !== undefined || mail.where['smtp_tls_verify'] !== undefined;
  return asked && mail.tlsRejectUnauthorized;
}

/** nodemailer options for `mail` (caller checked smtpServer is set). Pure apart from os.hostname(). */
export function smtpOptions(mail: MailSettings, secrets: MailSecrets, opts: { pool: boolean; hostname?: string }): PoolOptions {
  const server = mail.smtpServer!;
  const timeoutMs = mail.connectTimeoutSec * 1000;
  return {
    host: server.host,
    port: server.port,
    ...TLS_FLAGS[mail.tls],
    name: headerText(mail.heloName ?? opts.hostname ?? os.hostname()).replace(/\s+/g, '') || 'localhost', // one token, no CR/LF
    // keepalived applies smtp_connect_timeout to the connect and to every reply ([smtp]).
    connectionTimeout: timeoutMs,
    greetingTimeout: timeoutMs,
    socketTimeout: timeoutMs,
    socketCloseTimeout: 0,
    tls: {
      rejectUnauthorized: verifiesCertificate(mail),
      ...(secrets.ca ? { ca: secrets.ca } : {}),
      ...(net.isIP(server.host) ? {} : { servername: server.host }),
    },
    ...(mail.authUser !== undefined && secrets.password !== undefined ? { auth: { user: mail.authUser, pass: secrets.password } } : {}),
    ...(opts.pool
      ? { pool: true, maxConnections: 3, maxMessages: Infinity, idleTimeout: 10_000, maxRequeues: 0 } // we retry ourselves: a requeue could duplicate
      : {}),
    logger: false,
    debug: false,
    disableFileAccess: true,
    disableUrlAccess: true,
  };
}

export interface MailTransport {
  readonly send: SendFn;
  /** Checks connect + TLS + AUTH without sending (mail-test). */
  verify(): Promise<SendOutcome>;
  close(): void;
}

/** A transport whose sends never throw: failures come back classified. */
export function createMailTransport(mail: MailSettings, secrets: MailSecrets, opts: { pool: boolean; hostname?: string }): MailTransport {
  const transporter = createTransport(smtpOptions(mail, secrets, opts) as Parameters<typeof createTransport>[0]);
  return {
    async send(msg, rcpt) {
      try {
        const info = (await transporter.sendMail({
          from: msg.from,
          to: msg.to.join(', '),
          subject: msg.subject,
          text: msg.text,
          date: new Date(msg.createdWall),
          messageId: msg.messageId,
          headers: { ...msg.headers },
          envelope: { from: msg.from, to: [rcpt] },
          disableFileAccess: true,
          disableUrlAccess: true,
        })) as { response?: string; accepted?: unknown[] };
        return { ok: true, response: String(info.response ?? '') };
      } catch (err) {
        return { ok: false, failure: classifySmtpError(err) };
      }
    },
    async verify() {
      try {
        await transporter.verify();
        return { ok: true, response: 'connection, TLS and authentication OK' };
      } catch (err) {
        return { ok: false, failure: classifySmtpError(err) };
      }
    },
    close() {
      transporter.close();
    },
  };
}

/** Cheap "is the relay reachable again?" check: a TCP connect, no SMTP dialogue. */
export function probeRelay(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port });
    const done = (ok: boolean) => {
      sock.destroy();
      resolve(ok);
    };
    sock.setTimeout(timeoutMs, () => done(false));
    sock.once('connect', () => done(true));
    sock.once('error', () => done(false));
  });
}
