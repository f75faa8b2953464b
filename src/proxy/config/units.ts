// Pure time/size value parsers with haproxy 2.6's exact rules (haproxy.md §1.3; src/tools.c parse_time_err/parse_size_err).

export type TimeUnit = 'us' | 'ms' | 's' | 'm' | 'h' | 'd';

/** Each unit in microseconds; BigInt so absurdly long digit strings cannot lose precision. */
const UNIT_US: Readonly<Record<TimeUnit, bigint>> = {
  us: 1n, ms: 1_000n, s: 1_000_000n, m: 60_000_000n, h: 3_600_000_000n, d: 86_400_000_000n,
};

/** haproxy rejects converted values >= 2^31 (TICK_ETERNITY territory): "timer overflow". */
const TIME_MAX = 0x8000_0000n;

export type TimeResult =
  | { readonly ok: true; readonly value: number; readonly warning?: string }
  | { readonly ok: false; readonly code: 'bad-time' | 'time-overflow' | 'time-underflow'; readonly message: string };

/**
 * Parses `<digits>[us|ms|s|m|h|d]` into `outUnit` (no suffix = already in `outUnit`, e.g. ms for timeouts,
 * seconds for `stats refresh`). Rounds up; decimals are an error ("unexpected character '.'"); junk after
 * a valid unit is only a warning in 2.6 (it becomes an error in later versions).
 */
export function parseTime(text: string, outUnit: TimeUnit = 'ms'): TimeResult {
  const m = /^(\d+)(.*)$/s.exec(text);
  if (!m) {
    const ch = text.charAt(0);
    return { ok: false, code: 'bad-time', message: ch ? `unexpected character '${ch}'` : 'missing value' };
  }
  const digits = BigInt(m[1]!);
  const rest = m[2]!;
  let inUnit: TimeUnit = outUnit;
  let tail = '';
  if (rest !== '') {
    const u = /^(us|ms|s|m|h|d)(.*)$/s.exec(rest);
    if (!u) return { ok: false, code: 'bad-time', message: `unexpected character '${rest.charAt(0)}'` };
    inUnit = u[1] as TimeUnit;
    tail = u[2]!;
  }
  const num = digits * UNIT_US[inUnit];
  const den = UNIT_US[outUnit];
  const result = (num + den - 1n) / den; // round up to the target unit
  const maxText = outUnit === 'ms' ? ' (maximum value is 2147483647 ms or ~24.8 days)' : '';
  if (result >= TIME_MAX) return { ok: false, code: 'time-overflow', message: `timer overflow${maxText}` };
  if (result === 0n && digits !== 0n) {
    return { ok: false, code: 'time-underflow', message: `timer underflow (minimum non-null value is 1${outUnit})` };
  }
  if (tail !== '') {
    return {
      ok: true,
      value: Number(result),
      warning: `unexpected character '${tail.charAt(0)}' after the timer value '${text}', only (us=microseconds,ms=milliseconds,s=seconds,m=minutes,h=hours,d=days) are supported`,
    };
  }
  return { ok: true, value: Number(result) };
}

export type SizeResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

const SIZE_SHIFT: Readonly<Record<string, number>> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** Parses `<digits>[k|m|g]` (case-insensitive, powers of 1024) into bytes; result must fit 32 bits unsigned. */
export function parseSize(text: string): SizeResult {
  const m = /^(\d+)([kKmMgG]?)$/.exec(text);
  if (!m) {
    const bad = /^\d*(.?)/.exec(text)?.[1] ?? '';
    return { ok: false, message: bad ? `unexpected character '${bad}'` : 'missing value' };
  }
  const value = Number(m[1]) * SIZE_SHIFT[m[2]!.toLowerCase()]!;
  if (!Number.isSafeInteger(value) || value > 0xffff_ffff) return { ok: false, message: 'value too large' };
  return { ok: true, value };
}

export type IntResult = { readonly ok: true; readonly value: number } | { readonly ok: false; readonly message: string };

/** Strict decimal integer within [min, max] (haproxy's atol() accepts junk; we name it instead). */
export function parseIntArg(text: string | undefined, min: number, max: number): IntResult {
  if (text === undefined || text === '') return { ok: false, message: 'expects an integer argument' };
  if (!/^[-+]?\d+$/.test(text)) return { ok: false, message: `expects an integer argument, got '${text}'` };
  const v = Number(text);
  if (!Number.isSafeInteger(v) || v < min || v > max) return { ok: false, message: `value '${text}' out of range [${min}..${max}]` };
  return { ok: true, value: v };
}
