// Argument readers shared by the keyword handlers: parse one word, report an error naming the keyword if bad.
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import { parseBool, parseDecimalSeconds, parseIPv4, parseInteger } from './values.js';

/** Integer argument `i` (0-based among args) in [min, max]; reports and returns undefined when invalid. */
export function intArg(node: ConfNode, rep: Reporter, min: number, max: number, i = 0): number | undefined {
  const r = parseInteger(node.args[i] ?? '', min, max);
  if (r.ok) return r.value;
  rep.error(node, 'invalid-value', `${node.keyword}: ${r.reason}`);
  return undefined;
}

/** Decimal seconds argument, returned in microseconds. */
export function secondsArg(node: ConfNode, rep: Reporter, minUs: number, maxUs: number, i = 0): number | undefined {
  const r = parseDecimalSeconds(node.args[i] ?? '', minUs, maxUs);
  if (r.ok) return r.value;
  rep.error(node, 'invalid-value', `${node.keyword}: ${r.reason}`);
  return undefined;
}

/** `keyword [true|false|on|off|yes|no]`: the bare keyword means true (keepalived's optional-bool keywords). */
export function optionalBoolArg(node: ConfNode, rep: Reporter): boolean | undefined {
  if (node.args.length === 0) return true;
  const r = parseBool(node.args[0]!);
  if (r.ok) return r.value;
  rep.error(node, 'invalid-value', `${node.keyword}: ${r.reason}`);
  return undefined;
}

/** `keyword yes|no` style boolean that must be given. */
export function boolArg(node: ConfNode, rep: Reporter): boolean | undefined {
  const r = parseBool(node.args[0] ?? '');
  if (r.ok) return r.value;
  rep.error(node, 'invalid-value', `${node.keyword}: ${r.reason}`);
  return undefined;
}

export function ipv4Arg(node: ConfNode, rep: Reporter, i = 0): string | undefined {
  const r = parseIPv4(node.args[i] ?? '');
  if (r.ok) return r.value;
  rep.error(node, 'invalid-value', `${node.keyword}: ${r.reason}`);
  return undefined;
}

/** Reports a repeated single-valued keyword; keepalived keeps the last value for most of them. */
export function once(node: ConfNode, rep: Reporter, previous: unknown, keep: 'first' | 'last' = 'last'): boolean {
  if (previous === undefined) return true;
  rep.warn(node, 'duplicate-keyword', `'${node.keyword}' is given again: the ${keep} one is used (as in keepalived)`, `keep a single '${node.keyword}' line`);
  return keep === 'last';
}
