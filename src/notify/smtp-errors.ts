// Classifies a nodemailer/SMTP failure into a stable class with a retry policy and a human label (pure table).

/** Stable failure classes; `hapair mail-test` prints the label, the deliverer applies the retry policy. */
export type FailureClass = 'refused' | 'timeout' | 'network' | 'dns' | 'tls' | 'auth' | 'transient' | 'permanent' | 'protocol';

/**
 * retry:
 * - 'relay':   the relay is unreachable; all queues wait behind a cheap TCP probe of the relay.
 * - 'backoff': the relay answered but deferred or something is misconfigured; this queue backs off.
 * - 'never':   5xx (RFC 5321 §4.2.1 permanent negative completion): give up for this recipient.
 */
export const FAILURE_POLICY: Readonly<Record<FailureClass, { readonly retry: 'relay' | 'backoff' | 'never'; readonly label: string }>> = {
  refused: { retry: 'relay', label: 'connection refused' },
  timeout: { retry: 'relay', label: 'timeout' },
  network: { retry: 'relay', label: 'connection failed' },
  dns: { retry: 'relay', label: 'DNS lookup failed' },
  tls: { retry: 'backoff', label: 'TLS failure' },
  // An AUTH rejection is an operator problem (wrong password file), not a verdict on the alert: keep the
  // alert and retry slowly, logging an error each time, so fixing the password still delivers it.
  auth: { retry: 'backoff', label: 'authentication failed' },
  transient: { retry: 'backoff', label: 'temporarily rejected (4xx)' },
  permanent: { retry: 'never', label: 'rejected (5xx)' },
  protocol: { retry: 'backoff', label: 'SMTP protocol error' },
};

export interface SmtpFailure {
  readonly class: FailureClass;
  readonly label: string;
  readonly retry: 'relay' | 'backoff' | 'never';
  readonly message: string;
  readonly code?: string; // nodemailer code (ECONNECTION, EAUTH, ...)
  readonly systemCode?: string; // ECONNREFUSED, DEPTH_ZERO_SELF_SIGNED_CERT, ...
  readonly responseCode?: number;
  readonly response?: string; // the server's reply line(s), for the operator
  readonly command?: string; // SMTP command that failed (RCPT TO, DATA, AUTH PLAIN, CONN)
  /** True when the server may have received the message (failure after DATA was sent without a reply). */
  readonly ambiguous: boolean;
}

interface ErrLike {
  message?: unknown;
  code?: unknown;
  originalCode?: unknown;
  responseCode?: unknown;
  response?: unknown;
  command?: unknown;
  reason?: unknown;
  cause?: unknown;
}

const REFUSED = new Set(['ECONNREFUSED']);
const NETWORK = new Set(['ECONNRESET', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE', 'EADDRNOTAVAIL', 'ECONNABORTED']);
const DNS = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EDNS']);
/** OpenSSL / Node TLS error codes that mean "certificate or handshake problem". */
const TLS_RE = /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|ALTNAME|HANDSHAKE|EPROTO/i;

function str(v: unknown): string | undefined {
  return typeof v === 'string' && v.length > 0 ? v : undefined;
}

function classOf(code: string | undefined, sys: string | undefined, rc: number | undefined, command: string | undefined, message: string): FailureClass {
  if (code === 'EAUTH' || code === 'ENOAUTH' || command?.startsWith('AUTH')) return 'auth';
  if (code === 'ETLS' || (sys !== undefined && TLS_RE.test(sys)) || /certificate|wrong version number|ssl routines/i.test(message)) return 'tls';
  if (rc !== undefined && rc >= 500 && rc < 600 && rc !== 503) return 'permanent'; // 503 = bad sequence: retryable (nodemailer agrees)
  if (rc !== undefined && rc >= 400 && rc < 600) return 'transient';
  if (sys !== undefined && REFUSED.has(sys)) return 'refused';
  if (code === 'ETIMEDOUT' || sys === 'ETIMEDOUT') return 'timeout';
  if ((sys !== undefined && DNS.has(sys)) || code === 'EDNS') return 'dns';
  if ((sys !== undefined && NETWORK.has(sys)) || code === 'ECONNECTION' || code === 'ESOCKET') return 'network';
  return 'protocol';
}

/** Maps any thrown value from nodemailer (or node:net) to a SmtpFailure. Never throws. */
export function classifySmtpError(err: unknown): SmtpFailure {
  const e: ErrLike = typeof err === 'object' && err !== null ? (err as ErrLike) : { message: String(err) };
  const message = str(e.message) ?? String(err);
  const code = str(e.code);
  const cause = typeof e.cause === 'object' && e.cause !== null ? (e.cause as ErrLike) : undefined;
  const sys = str(e.originalCode) ?? str(cause?.code) ?? (code && !code.startsWith('E') ? code : undefined) ?? (code && REFUSED.has(code) ? code : undefined) ?? (code && NETWORK.has(code) ? code : undefined);
  const rc = typeof e.responseCode === 'number' ? e.responseCode : undefined;
  const command = str(e.command);
  const cls = classOf(code, sys, rc, command, message);
  const policy = FAILURE_POLICY[cls];
  // After the message body went out, a lost connection or timeout leaves the outcome unknown.
  const ambiguous = rc === undefined && (command === 'DATA' || command === 'SEND' || /data/i.test(command ?? '')) && (cls === 'timeout' || cls === 'network');
  return {
    class: cls,
    label: policy.label,
    retry: policy.retry,
    message: message.split('\n')[0] ?? message,
    ambiguous,
    ...(code !== undefined ? { code } : {}),
    ...(sys !== undefined ? { systemCode: sys } : {}),
    ...(rc !== undefined ? { responseCode: rc } : {}),
    ...(str(e.response) !== undefined ? { response: str(e.response) } : {}),
    ...(command !== undefined ? { command } : {}),
  };
}

/** One line for logs and `hapair mail-test`: label, server reply, failing command. */
export function describeFailure(f: SmtpFailure): string {
  const parts = [f.label];
  if (f.response) parts.push(`server said: ${f.response.replace(/\s*\r?\n\s*/g, ' | ')}`);
  else parts.push(f.message);
  if (f.command && f.command !== 'CONN' && f.command !== 'API') parts.push(`(at ${f.command})`);
  return parts.join(': ');
}
