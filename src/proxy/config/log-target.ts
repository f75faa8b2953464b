// `log <target> [len n] [format f] [sample r:s] <facility> [<level> [<minlevel>]]` (doc §3.1 "log"), shared by
// the global section and proxies; `log global` / `no log` are handled by the callers.
import type { LogTarget } from '../types.js';
import { parseAddress } from './addr.js';
import type { StmtCtx } from './ctx.js';
import { parseIntArg } from './units.js';
import { FACILITIES, SEVERITIES, isSyslogFormat } from '../syslog/format.js';


/** Parses args[1..] of a `log` line into a target; undefined after reporting an error. */
export function parseLogTarget(ctx: StmtCtx): LogTarget | undefined {
  const a = ctx.args;
  const target = a[1];
  if (target === undefined) {
    ctx.error('bad-log', "'log' expects either <address[:port]> and <facility> or 'global' as arguments.");
    return undefined;
  }
  let address: string;
  if (target === 'stdout' || target === 'stderr' || /^(fd@\d+|ring@.+)$/.test(target)) address = target;
  else if (target.startsWith('/') || target.startsWith('unix@')) address = target.replace(/^unix@/, '');
  else {
    const r = parseAddress(target.replace(/^udp@/, ''));
    if (!r.ok) {
      ctx.error('bad-log', `log : ${r.message}`);
      return undefined;
    }
    const host = r.addr.host.includes(':') ? `[${r.addr.host}]` : r.addr.host;
    address = `${host}:${r.addr.port ?? 514}`; // syslog over UDP defaults to port 514
  }
  let i = 2;
  let maxLen: number | undefined;
  let format: string | undefined;
  for (;;) {
    const w = a[i];
    if (w === 'len') {
      const r = parseIntArg(a[i + 1], 80, 65535);
      if (!r.ok) {
        ctx.error('bad-log', `log : 'len' expects a length between 80 and 65535, got '${a[i + 1] ?? ''}'`);
        return undefined;
      }
      maxLen = r.value;
      i += 2;
    } else if (w === 'format') {
      format = a[i + 1] ?? '';
      if (!isSyslogFormat(format)) {
        ctx.error('bad-log', `log : unknown log format '${format}'`);
        return undefined;
      }
      i += 2;
    } else if (w === 'sample') {
      if (a[i + 1] === undefined) {
        ctx.error('bad-log', "log : 'sample' expects <ranges>:<sample_size>");
        return undefined;
      }
      ctx.warn('ignored-log-param', "log : 'sample' is not supported by hapair: every line is sent to this target");
      i += 2;
    } else break;
  }
  const facility = a[i];
  if (facility === undefined || !Object.hasOwn(FACILITIES, facility)) {
    ctx.error('bad-log', `log : unknown log facility '${facility ?? ''}'`);
    return undefined;
  }
  const level = a[i + 1];
  if (level !== undefined && !Object.hasOwn(SEVERITIES, level)) {
    ctx.error('bad-log', `log : unknown optional log level '${level}'`);
    return undefined;
  }
  const min = a[i + 2];
  if (min !== undefined && !Object.hasOwn(SEVERITIES, min)) {
    ctx.error('bad-log', `log : unknown optional minimum log level '${min}'`);
    return undefined;
  }
  if (a.length > i + 3) {
    ctx.error('bad-log', `log : unexpected argument '${a[i + 3]}'`);
    return undefined;
  }
  if (/^(fd@|ring@)/.test(address)) {
    ctx.warn('ignored-log-param', `log : target '${address}' is not supported by hapair: only the JSON line on stdout is written`);
  }
  return {
    address, facility, where: ctx.where,
    ...(level !== undefined ? { level } : {}),
    ...(min !== undefined ? { minLevel: min } : {}),
    ...(format !== undefined ? { format } : {}),
    ...(maxLen !== undefined ? { maxLen } : {}),
  };
}
