// Stable diagnostic codes of the keepalived.conf loader and a typed reporter over DiagnosticSink.
import { DiagnosticSink, type Diagnostic } from '../../core/diagnostics.js';

/** Every code the keepalived loader can emit. Tests assert these, never message text. */
export type KaDiagCode =
  // syntax (lexer/parser/includes)
  | 'unterminated-quote'
  | 'unsupported-syntax' // @conditional, $DEFINITIONS, ~SEQ: not supported by hapair
  | 'comment-mid-word' // '#'/'!' glued to a word still starts a comment
  | 'unclosed-block'
  | 'extra-close'
  | 'unexpected-open'
  | 'brace-in-comment' // a '}' hidden in a comment explains an unclosed block
  | 'include-not-found'
  | 'include-no-match'
  | 'include-cycle'
  | 'include-depth'
  | 'include-read-error'
  | 'file-read-error'
  // keywords and values
  | 'unknown-keyword'
  | 'unsupported-keyword' // a keepalived feature hapair cannot honour: refusing is safer than ignoring
  | 'unsupported-ignored' // a keepalived keyword without effect in hapair
  | 'missing-argument'
  | 'extra-argument'
  | 'block-expected'
  | 'block-unexpected'
  | 'stray-keyword' // two keywords on one line (seed 002)
  | 'invalid-value'
  | 'value-coerced'
  | 'duplicate-name'
  | 'duplicate-keyword'
  | 'missing-keyword'
  | 'inline-secret' // smtp_auth_password SECRET: secrets come from a file or the environment, never the config
  // vrrp_instance semantics
  | 'state-unknown'
  | 'state-master-nopreempt'
  | 'owner-nopreempt'
  | 'preempt-delay-cleared'
  | 'advert-int-rounded'
  | 'v2-subsecond-advert'
  | 'auth-pass-truncated'
  | 'auth-v3-ignored'
  | 'auth-no-pass'
  | 'auth-pass-without-type'
  | 'auth-ah-master'
  | 'vip-invalid'
  | 'vip-none'
  | 'vip-excess'
  | 'vip-duplicate'
  | 'track-script-unknown'
  | 'track-script-forward-ref'
  | 'track-duplicate'
  | 'track-own-interface'
  | 'owner-weight-removed'
  | 'sync-group-weight'
  | 'sync-group-unknown-member'
  | 'sync-group-multiple'
  | 'sync-group-single'
  | 'sync-group-empty'
  | 'sync-group-mixed-owner'
  | 'vrid-duplicate'
  | 'script-unused'
  | 'script-extra-words'
  | 'script-timeout-zero'
  | 'unicast-no-peers'
  | 'unicast-fault-no-peer'
  | 'unicast-ttl-no-peers'
  | 'peer-ttl-range'
  | 'interface-required'
  // lints (warnings with a fix)
  | 'nopreempt-weight'
  | 'process-name-check'
  | 'vrrp-strict-unsupported'
  | 'vip-is-src-ip'
  | 'peer-is-self'
  | 'vip-shared'
  | 'smtp-alert-off'
  | 'smtp-alert-no-server';

/** Reports diagnostics with typed codes. Loaders never throw on bad input: they report here. */
export class Reporter {
  readonly sink = new DiagnosticSink();

  /** `fix`: the concrete change that removes the error (printed as `(fix: ...)` like a lint's). */
  error(at: { file: string; line: number }, code: KaDiagCode, message: string, fix?: string): void {
    if (fix === undefined) this.sink.error(at.file, at.line, code, message);
    else this.sink.items.push({ file: at.file, line: at.line, severity: 'error', code, message, fix });
  }

  warn(at: { file: string; line: number }, code: KaDiagCode, message: string, fix?: string): void {
    this.sink.warn(at.file, at.line, code, message, fix);
  }

  get items(): Diagnostic[] {
    return this.sink.items;
  }

  hasErrors(): boolean {
    return this.sink.hasErrors();
  }

  /** Errors so far: a caller compares before/after one statement to learn whether it was rejected. */
  get errorCount(): number {
    return this.sink.errors.length;
  }
}

/** Diagnostics sorted for display: by file order of appearance, then line (stable otherwise). */
export function sortDiagnostics(items: readonly Diagnostic[], fileOrder: readonly string[]): Diagnostic[] {
  const rank = (f: string): number => {
    const i = fileOrder.indexOf(f);
    return i < 0 ? fileOrder.length : i;
  };
  return items
    .map((d, i) => ({ d, i }))
    .sort((a, b) => rank(a.d.file) - rank(b.d.file) || a.d.line - b.d.line || a.i - b.i)
    .map((x) => x.d);
}
