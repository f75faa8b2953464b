// Public entry of the haproxy.cfg loader: files -> ProxyConfig + diagnostics (never throws on bad input).
// Model notes for consumers: times are ms; `fullconn` holds only an explicit value (use computeFullconn() from
// ./fullconn.js for haproxy's default); global `maxconn` only an explicit value (effectiveGlobalMaxconn() from
// ./maxconn.js derives the default from the fd limit); healthCheck.rules never contain the implicit leading
// connect, but for `option httpchk` they are the effective list (haproxy.md §2.5): every http-send fully
// specified (the option request merged into the first send, a send's non-empty header list replacing the
// option's) and the implicit `expect status 200-399` appended after a final send; healthCheck.httpRequest is
// the option line itself.
import fs from 'node:fs';
import { ConfigError, DiagnosticSink, type Diagnostic } from '../../core/diagnostics.js';
import type { ProxyConfig } from '../types.js';
import type { ProxyConfigCode } from './codes.js';
import type { LoaderDeps } from './ctx.js';
import { finalize } from './finalize.js';
import { DraftParser } from './parser.js';
import { readStatements } from './reader.js';
import { validate } from './validate.js';

export { computeFullconn } from './fullconn.js';
export { effectiveGlobalMaxconn, idealGlobalMaxconn } from './maxconn.js';
export { PROXY_CONFIG_CODES, type ProxyConfigCode } from './codes.js';

interface Source {
  readonly file: string;
  /** File content as a byte string (one char per byte), like haproxy reads it. */
  readonly bytes: string;
}

function parseSources(sources: readonly Source[], env: NodeJS.ProcessEnv, deps: LoaderDeps): { config?: ProxyConfig; diagnostics: Diagnostic[] } {
  const sink = new DiagnosticSink();
  const parser = new DraftParser(sink, deps);
  for (const s of sources) readStatements(s.bytes, s.file, env, sink, (stmt) => parser.feedOne(stmt));
  const drafts = parser.result();
  const config = validate(finalize(sources.map((s) => s.file), drafts.global, drafts.proxies, sink), drafts.proxies, sink);
  const diagnostics = [...sink.items];
  return sink.hasErrors() ? { diagnostics } : { config, diagnostics };
}

/**
 * Pure: parses haproxy.cfg text (no file access; `acl -f` files are not read). For tests and tools.
 * `config` is undefined iff there is at least one error.
 */
export function parseProxyText(text: string, file: string, env: NodeJS.ProcessEnv = process.env): { config?: ProxyConfig; diagnostics: Diagnostic[] } {
  return parseSources([{ file, bytes: Buffer.from(text, 'utf8').toString('latin1') }], env, {});
}

/** Loads one or more files as a single configuration (like `haproxy -f a -f b`). Never throws on bad input. */
export function loadProxyConfig(files: readonly string[]): { config?: ProxyConfig; diagnostics: Diagnostic[] } {
  const sources: Source[] = [];
  const unreadable: Diagnostic[] = [];
  for (const file of files) {
    try {
      sources.push({ file, bytes: fs.readFileSync(file).toString('latin1') });
    } catch (err) {
      unreadable.push({ file, line: 0, severity: 'error', code: 'unreadable-file' satisfies ProxyConfigCode, message: `Could not open configuration file ${file} : ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'No such file or directory' : (err as Error).message}` });
    }
  }
  if (files.length === 0) unreadable.push({ file: '', line: 0, severity: 'error', code: 'no-file' satisfies ProxyConfigCode, message: 'no configuration file given' });
  const readFile = (p: string): string | undefined => {
    try {
      return fs.readFileSync(p, 'utf8');
    } catch {
      return undefined;
    }
  };
  const r = parseSources(sources, process.env, { readFile });
  if (unreadable.length > 0) return { diagnostics: [...unreadable, ...r.diagnostics] };
  return r;
}

/** Like loadProxyConfig but throws ConfigError (code ECONFIG, carrying all diagnostics) when there are errors. */
export function loadProxyConfigOrThrow(files: readonly string[]): { config: ProxyConfig; warnings: Diagnostic[] } {
  const r = loadProxyConfig(files);
  if (!r.config) throw new ConfigError(r.diagnostics);
  return { config: r.config, warnings: r.diagnostics.filter((d) => d.severity === 'warning') };
}
