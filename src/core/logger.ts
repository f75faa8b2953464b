// The one pino root: JSON lines to stdout (synchronous, so a crash or SIGKILL loses nothing already logged).
import { pino, type Logger, type DestinationStream } from 'pino';

export type { Logger } from 'pino';

/** Paths never written to logs in clear (SMTP credentials, auth_pass, stats auth). */
export const REDACT_PATHS = [
  'password', '*.password', '*.*.password',
  'pass', '*.pass', '*.*.pass',
  'auth.pass', 'auth_pass', '*.auth_pass', '*.authPass', 'authPass',
  'smtp.auth', '*.smtp.auth',
];

export interface LoggerOptions {
  /** Process role shown in every line, e.g. 'vrrp', 'proxy', 'notify'. */
  readonly name: string;
  readonly level?: string;
  /** Tests pass a sink; default is synchronous stdout. */
  readonly destination?: DestinationStream;
  /** Extra fields on every line, e.g. { node: 'lb1' }. */
  readonly base?: Record<string, unknown>;
}

export function createLogger(opts: LoggerOptions): Logger {
  const level = opts.level ?? process.env.HAPAIR_LOG_LEVEL ?? 'info';
  const destination = opts.destination ?? pino.destination({ dest: 1, sync: true });
  return pino(
    {
      name: opts.name,
      level,
      base: { pid: process.pid, ...(opts.base ?? {}) },
      timestamp: pino.stdTimeFunctions.isoTime,
      redact: { paths: REDACT_PATHS, censor: '[redacted]' },
      formatters: { level: (label) => ({ level: label }) },
    },
    destination,
  );
}

/** A logger that drops everything: for library code used from CLI one-shots like `hapair check`. */
export function silentLogger(): Logger {
  return pino({ level: 'silent' });
}
