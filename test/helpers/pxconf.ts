// Helpers for the haproxy.cfg loader tests: parse text, pick proxies, list diagnostic codes.
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseProxyText } from '../../src/proxy/config/load.js';
import type { ProxyConfig, ProxySection } from '../../src/proxy/types.js';

export interface Parsed {
  readonly config?: ProxyConfig;
  readonly diagnostics: Diagnostic[];
  readonly errors: Diagnostic[];
  readonly warnings: Diagnostic[];
}

/** Parses a config given as lines (joined with LF, with a final LF) under the name `t.cfg`. */
export function parseLines(lines: readonly string[], env: NodeJS.ProcessEnv = {}): Parsed {
  return parseText(lines.join('\n') + '\n', env);
}

export function parseText(text: string, env: NodeJS.ProcessEnv = {}): Parsed {
  const r = parseProxyText(text, 't.cfg', env);
  return {
    ...r,
    errors: r.diagnostics.filter((d) => d.severity === 'error'),
    warnings: r.diagnostics.filter((d) => d.severity === 'warning'),
  };
}

/** The proxy named `name`; throws when absent so a failing test says why. */
export function proxy(c: ProxyConfig | undefined, name: string): ProxySection {
  const p = c?.proxies.find((x) => x.name === name);
  if (!p) throw new Error(`proxy '${name}' not in config (have: ${c?.proxies.map((x) => x.name).join(', ') ?? 'no config'})`);
  return p;
}

/** `code@line` for each diagnostic of the given severity, in order. */
export function codes(diags: readonly Diagnostic[], severity?: 'error' | 'warning'): string[] {
  return diags.filter((d) => !severity || d.severity === severity).map((d) => `${d.code}@${d.line}`);
}

/** Diagnostics other than the advisory ones most small test configs trigger. */
export function notable(diags: readonly Diagnostic[]): Diagnostic[] {
  const noise = new Set(['missing-timeouts', 'no-listener', 'no-bind', 'log-without-target']);
  return diags.filter((d) => !noise.has(d.code));
}
