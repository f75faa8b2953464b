// keepalived.conf loader test helpers: parse text under a fixed file name, pick codes, wrap snippets.
import type { Diagnostic } from '../../src/core/diagnostics.js';
import { parseKeepalivedText, type LoadResult } from '../../src/vrrp/config/load.js';
import type { InstanceConfig } from '../../src/vrrp/types.js';

export const FILE = 'k.conf';

export function load(text: string): LoadResult {
  return parseKeepalivedText(text, FILE, { hostname: 'testhost' });
}

/** `code@line` for every diagnostic, in output order. */
export function codes(r: { diagnostics: readonly Diagnostic[] }): string[] {
  return r.diagnostics.map((d) => `${d.code}@${d.line}`);
}

export function codeSet(r: { diagnostics: readonly Diagnostic[] }): string[] {
  return r.diagnostics.map((d) => d.code);
}

/** A complete, valid instance whose body lines are replaced/extended by `extra` (one line each). */
export function instance(extra: string, opts: { name?: string; base?: string } = {}): string {
  const base = opts.base ?? 'interface eth0\n  virtual_router_id 51\n  virtual_ipaddress {\n    198.18.0.10/24\n  }';
  return `vrrp_instance ${opts.name ?? 'VI_1'} {\n  ${base}\n  ${extra.split('\n').join('\n  ')}\n}\n`;
}

/** Loads one instance (plus optional preamble) and returns it; throws with the diagnostics if it failed. */
export function loadInstance(extra: string, preamble = ''): { inst: InstanceConfig; result: LoadResult } {
  const result = load(preamble + instance(extra));
  const inst = result.config?.instances[0];
  if (!inst) throw new Error(`config did not load: ${JSON.stringify(result.diagnostics)}`);
  return { inst, result };
}
