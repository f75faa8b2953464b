// The spooled alert: a fully rendered message (headers already sanitised) plus its bookkeeping (types + codec).

/** What one spool message file holds. Immutable once written; delivered once per recipient. */
export interface AlertMessage {
  readonly v: 1;
  readonly kind: 'transition' | 'summary' | 'report' | 'test';
  readonly createdWall: number; // epoch ms of the transition (also the Date: header)
  readonly from: string;
  readonly to: readonly string[]; // the To: header lists every recipient, as keepalived does
  readonly subject: string; // header-safe (no CR/LF)
  readonly text: string;
  /** Stable across retries and restarts, so a rare duplicate after a crash is recognisable. */
  readonly messageId: string;
  readonly headers: Readonly<Record<string, string>>;
  /** 'INSTANCE:VI_1' for transitions and summaries. */
  readonly target?: string;
}

/** Parses a spool file; undefined when it is not an alert we wrote (corrupt/truncated/foreign). */
export function decodeAlert(text: string): AlertMessage | undefined {
  let o: unknown;
  try {
    o = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof o !== 'object' || o === null) return undefined;
  const a = o as Partial<AlertMessage>;
  if (a.v !== 1 || typeof a.subject !== 'string' || typeof a.text !== 'string' || typeof a.from !== 'string') return undefined;
  if (!Array.isArray(a.to) || typeof a.createdWall !== 'number' || typeof a.messageId !== 'string') return undefined;
  return a as AlertMessage;
}

export function encodeAlert(a: AlertMessage): string {
  return JSON.stringify(a);
}
