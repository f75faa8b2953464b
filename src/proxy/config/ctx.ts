// The per-statement parsing context handed to keyword handlers: where we are and how to report.
import type { DiagnosticSink } from '../../core/diagnostics.js';
import type { SourceRef } from '../types.js';
import type { ProxyConfigCode } from './codes.js';
import type { KeywordModifier, Statement } from './reader.js';

export interface LoaderDeps {
  /** Reads an auxiliary file (`acl -f`); undefined = unreadable. Absent in the pure text parser. */
  readonly readFile?: (path: string) => string | undefined;
}

export class StmtCtx {
  readonly where: SourceRef;
  constructor(
    readonly sink: DiagnosticSink,
    readonly stmt: Statement,
    readonly deps: LoaderDeps,
  ) {
    this.where = { file: stmt.file, line: stmt.line };
  }
  get args(): readonly string[] {
    return this.stmt.args;
  }
  get modifier(): KeywordModifier {
    return this.stmt.modifier;
  }
  error(code: ProxyConfigCode, message: string): void {
    this.sink.error(this.stmt.file, this.stmt.line, code, message);
  }
  warn(code: ProxyConfigCode, message: string, fix?: string): void {
    this.sink.warn(this.stmt.file, this.stmt.line, code, message, fix);
  }
  /** haproxy's alertif_too_many_args: more than `max` arguments after the keyword word(s) at `kwWords`. */
  tooMany(max: number, kwWords = 1): boolean {
    const extra = this.args.length - kwWords - max;
    if (extra > 0) {
      const kw = this.args.slice(0, kwWords).join(' ');
      this.error('too-many-args', `'${kw}' cannot handle unexpected argument '${this.args[kwWords + max]}'`);
      return true;
    }
    return false;
  }
}
