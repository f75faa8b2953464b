// Error classes with stable `code` strings; tests and callers switch on `code`, never on message text.

/** Every code hapair can raise. Add new codes here, never inline. */
export type HaErrorCode =
  | 'ECONFIG' // configuration could not be loaded (carries diagnostics)
  | 'EUSAGE' // bad command line
  | 'ENOTROOT' // needs root / CAP_NET_RAW / CAP_NET_ADMIN
  | 'ENOIFACE' // configured interface does not exist
  | 'ENOADDR' // interface has no IPv4 address
  | 'EVRRP_SOCKET' // raw socket could not be opened or configured
  | 'EVIP' // adding/removing a virtual address failed
  | 'ESCRIPT' // a tracked or notify script could not be run
  | 'ECONTROL' // control socket unreachable or answered garbage
  | 'EPROXY_BIND' // a proxy listener could not bind
  | 'ECHECK_TIMEOUT' // health check timed out
  | 'ESMTP' // mail delivery failed (see cause for SMTP detail)
  | 'ESPOOL' // alert spool not writable
  | 'EPLATFORM'; // unsupported OS / missing system tool

export class HaError extends Error {
  readonly code: HaErrorCode;
  constructor(code: HaErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.code = code;
    this.name = 'HaError';
  }
}

export function isHaError(err: unknown, code?: HaErrorCode): err is HaError {
  return err instanceof HaError && (code === undefined || err.code === code);
}

/** Best-effort message for logs: never throws, whatever `err` is. */
export function errorMessage(err: unknown): string {
  if (err instanceof Error) return err.message;
  return String(err);
}
