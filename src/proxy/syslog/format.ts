// Syslog datagrams exactly as haproxy 2.6 builds them (log.c build_log_header/__do_send_log; compared byte for byte
// with haproxy 2.6.12 in test/proxy/log/syslog-oracle.test.ts): `<PRI>` (facility*8 + severity, RFC 3164 §4.1.1)
// + a per-format header + the log text, cut to the target's `len`, then one LF. Pure.

/** RFC 5424 §6.2.1 severities, by haproxy level name. */
export const SEVERITIES: Readonly<Record<string, number>> = {
  emerg: 0, alert: 1, crit: 2, err: 3, warning: 4, notice: 5, info: 6, debug: 7,
};

/** haproxy's facility names in code order (log.c log_facilities: kern=0 ... local7=23). */
const FACILITY_NAMES = [
  'kern', 'user', 'mail', 'daemon', 'auth', 'syslog', 'lpr', 'news', 'uucp', 'cron', 'auth2', 'ftp', 'ntp', 'audit',
  'alert', 'cron2', 'local0', 'local1', 'local2', 'local3', 'local4', 'local5', 'local6', 'local7',
] as const;
export const FACILITIES: Readonly<Record<string, number>> = Object.fromEntries(FACILITY_NAMES.map((n, i) => [n, i]));

export type SyslogFormat = 'local' | 'rfc3164' | 'rfc5424' | 'priority' | 'short' | 'timed' | 'iso' | 'raw';

/** What goes in the header besides the priority and the time. */
export interface SyslogMeta {
  /** Program tag: `haproxy` (rsyslog/journald rules written for haproxy match on it). */
  readonly tag: string;
  readonly pid: number;
  /** Hostname field (haproxy `log-send-hostname`); rfc3164 then says `localhost`, rfc5424 `-`. */
  readonly host?: string;
}

/** haproxy's default line length limit (`len`): header + text, the LF not counted. */
export const DEFAULT_MAX_LEN = 1024;

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const p2 = (n: number): string => (n < 10 ? '0' : '') + n;

let legacySec = -1;
let legacyText = '';
/** `Mmm dd hh:mm:ss` in local time, day space-padded (RFC 3164 §4.1.2); cached per second. */
export function legacyTime(ms: number): string {
  const sec = Math.floor(ms / 1000);
  if (sec !== legacySec) {
    const d = new Date(ms);
    legacySec = sec;
    legacyText = `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}`;
  }
  return legacyText;
}

/** RFC 3339 local time with microseconds and the zone offset, as haproxy's timeofday_as_iso_us. */
export function isoTime(ms: number): string {
  const d = new Date(ms);
  const off = -d.getTimezoneOffset();
  const sign = off < 0 ? '-' : '+';
  const abs = Math.abs(off);
  const us = String(Math.floor(ms % 1000) * 1000).padStart(6, '0');
  return `${d.getFullYear()}-${p2(d.getMonth() + 1)}-${p2(d.getDate())}T${p2(d.getHours())}:${p2(d.getMinutes())}:${p2(d.getSeconds())}.${us}${sign}${p2(Math.floor(abs / 60))}:${p2(abs % 60)}`;
}

type Header = (pri: number, severity: number, ms: number, m: SyslogMeta) => string;

/** One header builder per `format` (haproxy 2.6 configuration.txt §3.1 "log ... format"). */
const HEADERS: Readonly<Record<SyslogFormat, Header>> = {
  local: (pri, _s, ms, m) => `<${pri}>${legacyTime(ms)} ${m.tag}[${m.pid}]: `,
  rfc3164: (pri, _s, ms, m) => `<${pri}>${legacyTime(ms)} ${m.host ?? 'localhost'} ${m.tag}[${m.pid}]: `,
  rfc5424: (pri, _s, ms, m) => `<${pri}>1 ${isoTime(ms)} ${m.host ?? '-'} ${m.tag} ${m.pid} - - `,
  priority: (pri) => `<${pri}>`,
  short: (_p, sev) => `<${sev}>`,
  timed: (_p, sev, ms) => `<${sev}>${isoTime(ms)} `,
  iso: (_p, _s, ms) => `${isoTime(ms)} `,
  raw: () => '',
};

export function isSyslogFormat(f: string): f is SyslogFormat {
  return Object.hasOwn(HEADERS, f);
}

/**
 * The datagram for one log text: header + text cut to `maxLen` characters (haproxy trims the iovecs to `len`),
 * then LF. Log texts are latin1-safe ASCII lines (the request line is #XX-encoded by log.ts).
 */
export function syslogDatagram(format: SyslogFormat, facility: number, severity: number, ms: number, meta: SyslogMeta, text: string, maxLen = DEFAULT_MAX_LEN): string {
  const line = HEADERS[format](facility * 8 + severity, severity, ms, meta) + text;
  return `${line.length > maxLen ? line.slice(0, maxLen) : line}\n`;
}
