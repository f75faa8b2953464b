// Config diagnostics shared by the keepalived and haproxy loaders: `file:line: message`, errors vs warnings.
import { HaError } from './errors.js';

export type Severity = 'error' | 'warning';

/** One finding about a config file. `line` is 1-based; 0 means "the file as a whole". */
export interface Diagnostic {
  readonly file: string;
  readonly line: number;
  readonly severity: Severity;
  /** Stable machine-readable id, e.g. 'unknown-keyword', 'unclosed-block', 'nopreempt-weight'. */
  readonly code: string;
  readonly message: string;
  /** Lints carry a concrete fix the operator can apply. */
  readonly fix?: string;
}

/** Collects diagnostics while a loader walks a file; loaders never throw on bad input, they report. */
export class DiagnosticSink {
  readonly items: Diagnostic[] = [];
  error(file: string, line: number, code: string, message: string): void {
    this.items.push({ file, line, severity: 'error', code, message });
  }
  warn(file: string, line: number, code: string, message: string, fix?: string): void {
    this.items.push(fix === undefined
      ? { file, line, severity: 'warning', code, message }
      : { file, line, severity: 'warning', code, message, fix });
  }
  get errors(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'error');
  }
  get warnings(): Diagnostic[] {
    return this.items.filter((d) => d.severity === 'warning');
  }
  hasErrors(): boolean {
    return this.items.some((d) => d.severity === 'error');
  }
}

/** `file:line: message` for errors, `file:line: warning: message (fix: …)` for warnings. */
export function formatDiagnostic(d: Diagnostic): string {
  const where = d.line > 0 ? `${d.file}:${d.line}` : d.file;
  const kind = d.severity === 'warning' ? 'warning: ' : '';
  const fix = d.fix ? ` (fix: ${d.fix})` : '';
  return `${where}: ${kind}${d.message}${fix}`;
}

/** Thrown by loaders' `loadOrThrow` helpers: a config with errors never starts half-configured. */
export class ConfigError extends HaError {
  readonly diagnostics: readonly Diagnostic[];
  constructor(diagnostics: readonly Diagnostic[]) {
    const errors = diagnostics.filter((d) => d.severity === 'error');
    super('ECONFIG', errors.map(formatDiagnostic).join('\n') || 'configuration error');
    this.diagnostics = diagnostics;
    this.name = 'ConfigError';
  }
}
