// Backend-core error codes (area-specific; src/core/errors.ts holds process-wide ones). Callers switch on `code`.

export type BackendErrorCode =
  | 'EWEIGHT_RANGE' // weight outside 0..256
  | 'EWEIGHT_STATIC' // static algorithm: only 0 % or 100 % accepted (haproxy wording)
  | 'ENO_BACKEND'; // named backend does not exist

export class BackendError extends Error {
  readonly code: BackendErrorCode;
  constructor(code: BackendErrorCode, message: string) {
    super(message);
    this.code = code;
    this.name = 'BackendError';
  }
}

export function isBackendError(err: unknown, code?: BackendErrorCode): err is BackendError {
  return err instanceof BackendError && (code === undefined || err.code === code);
}
