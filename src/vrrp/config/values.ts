// Value parsers for keepalived.conf words (pure): integers, decimal seconds, booleans, IPv4 addresses.
import { isIPv4 } from 'node:net';

export type Parsed<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly reason: string };

/** Integer in [min, max]. keepalived uses strtol/strtoul base 10: optional sign, digits only. */
export function parseInteger(s: string, min: number, max: number): Parsed<number> {
  if (!/^[+-]?\d+$/.test(s)) return { ok: false, reason: `'${s}' is not a whole number` };
  const v = Number(s);
  if (v < min || v > max) return { ok: false, reason: `${s} is outside ${min}..${max}` };
  return { ok: true, value: v };
}

/**
 * Decimal seconds with up to 6 decimals (keepalived `read_decimal_unsigned_strvec`, TIMER_HZ_DIGITS = 6),
 * returned in microseconds; a 7th decimal rounds like keepalived. Negative values and units are refused.
 */
export function parseDecimalSeconds(s: string, minUs: number, maxUs: number): Parsed<number> {
  const m = /^(\d*)(?:\.(\d*))?$/.exec(s);
  if (!m || (m[1] === '' && (m[2] ?? '') === '')) return { ok: false, reason: `'${s}' is not a number of seconds` };
  const frac = m[2] ?? '';
  const roundUp = frac.length > 6 && frac[6]! >= '5';
  const us = Number(m[1] || '0') * 1_000_000 + Number(frac.slice(0, 6).padEnd(6, '0')) + (roundUp ? 1 : 0);
  if (us < minUs || us > maxUs) return { ok: false, reason: `${s} is outside ${minUs / 1e6}..${maxUs / 1e6} seconds` };
  return { ok: true, value: us };
}

const TRUE_WORDS = new Set(['true', 'on', 'yes']);
const FALSE_WORDS = new Set(['false', 'off', 'no']);

/** keepalived `check_true_false`: true|on|yes / false|off|no (case-sensitive). */
export function parseBool(s: string): Parsed<boolean> {
  if (TRUE_WORDS.has(s)) return { ok: true, value: true };
  if (FALSE_WORDS.has(s)) return { ok: true, value: false };
  return { ok: false, reason: `'${s}' is not one of true|on|yes|false|off|no` };
}

/** A dotted-quad IPv4 address (IPv6 is not supported by this version of hapair). */
export function parseIPv4(s: string): Parsed<string> {
  if (isIPv4(s)) return { ok: true, value: s };
  if (s.includes(':')) return { ok: false, reason: `'${s}' is an IPv6 address; hapair supports IPv4 only` };
  return { ok: false, reason: `'${s}' is not an IPv4 address` };
}

/** Formats microseconds as seconds without float noise, e.g. 1500000 -> "1.5". */
export function formatSeconds(us: number): string {
  return String(Math.round(us) / 1e6);
}
