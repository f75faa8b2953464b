// Pure address parsing for `bind`, `server`, `addr`, `stats socket` (haproxy str2sa_range semantics:
// optional family prefix, `[v6]:port`, otherwise the LAST colon separates the port, `*`/empty = any).

export interface ParsedAddr {
  /** '0.0.0.0' for `*`/empty; '::' for an IPv6 any; else the literal or host name as written. */
  readonly host: string;
  readonly family: 'ipv4' | 'ipv6' | 'name' | 'unix';
  readonly port?: number;
  /** Server `+N`/`-N` relative ports. */
  readonly portOffset?: number;
  /** Bind `low-high` port range (inclusive). */
  readonly portEnd?: number;
  readonly unixPath?: string;
}

export type AddrResult = { readonly ok: true; readonly addr: ParsedAddr } | { readonly ok: false; readonly message: string };

export interface AddrOptions {
  readonly allowOffset?: boolean; // servers
  readonly allowRange?: boolean; // binds
  readonly allowUnix?: boolean;
}

const IPV4 = /^(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)(\.(25[0-5]|2[0-4]\d|1\d\d|[1-9]?\d)){3}$/;
const HOSTNAME = /^(?=.{1,253}$)[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?(\.[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?)*\.?$/;

export function isIPv4(s: string): boolean {
  return IPV4.test(s);
}

/** Accepts the textual IPv6 forms (incl. embedded IPv4 and zone-less); a full validation is net.isIPv6's job. */
export function isIPv6(s: string): boolean {
  if (!s.includes(':')) return false;
  if (!/^[0-9A-Fa-f:.]+$/.test(s)) return false;
  const dbl = s.split('::').length - 1;
  if (dbl > 1) return false;
  const parts = s.split(':');
  const tail = parts[parts.length - 1]!;
  const groups = tail.includes('.') ? parts.length + 1 : parts.length;
  if (tail.includes('.') && !IPV4.test(tail)) return false;
  if (dbl === 0 && groups !== 8) return false;
  if (groups > 9) return false;
  return parts.every((p, i) => p === '' || (i === parts.length - 1 && p.includes('.')) || /^[0-9A-Fa-f]{1,4}$/.test(p));
}

function parsePortNumber(s: string): number | undefined {
  if (!/^\d+$/.test(s)) return undefined;
  const n = Number(s);
  return n >= 0 && n <= 65535 ? n : undefined;
}

export function parseAddress(text: string, opts: AddrOptions = {}): AddrResult {
  let rest = text;
  let forced: 'ipv4' | 'ipv6' | undefined;
  const pfx = /^([a-z0-9]+)@/.exec(rest);
  if (pfx) {
    const p = pfx[1]!;
    if (p === 'ipv4' || p === 'ipv6') forced = p;
    else if (p === 'unix') {
      if (!opts.allowUnix) return { ok: false, message: `unix socket address '${text}' is not supported here` };
      return { ok: true, addr: { host: rest.slice(5), family: 'unix', unixPath: rest.slice(5) } };
    } else return { ok: false, message: `address family '${p}@' in '${text}' is not supported by hapair` };
    rest = rest.slice(pfx[0].length);
  }
  if (!forced && rest.startsWith('/')) {
    if (!opts.allowUnix) return { ok: false, message: `unix socket address '${text}' is not supported here` };
    return { ok: true, addr: { host: rest, family: 'unix', unixPath: rest } };
  }
  let host: string;
  let portText: string | undefined;
  if (rest.startsWith('[')) {
    const close = rest.indexOf(']');
    if (close < 0) return { ok: false, message: `invalid address: missing ']' in '${text}'` };
    host = rest.slice(1, close);
    const after = rest.slice(close + 1);
    if (after !== '' && !after.startsWith(':')) return { ok: false, message: `invalid character after ']' in '${text}'` };
    portText = after === '' ? undefined : after.slice(1);
  } else {
    const colon = rest.lastIndexOf(':');
    host = colon < 0 ? rest : rest.slice(0, colon);
    portText = colon < 0 ? undefined : rest.slice(colon + 1);
  }
  let family: ParsedAddr['family'];
  if (host === '' || host === '*') {
    host = forced === 'ipv6' ? '::' : '0.0.0.0';
    family = forced ?? 'ipv4';
  } else if (isIPv4(host)) family = 'ipv4';
  else if (isIPv6(host)) family = 'ipv6';
  else if (HOSTNAME.test(host)) family = 'name';
  else return { ok: false, message: `could not resolve address '${host}'` };
  if (forced && family !== 'name' && family !== forced) return { ok: false, message: `address '${host}' is not an ${forced} address` };
  const base = { host, family };
  if (portText === undefined || portText === '') return { ok: true, addr: base };
  if (/^[+-]\d+$/.test(portText)) {
    if (!opts.allowOffset) return { ok: false, message: `invalid port '${portText}'` };
    const off = Number(portText);
    if (Math.abs(off) > 65535) return { ok: false, message: `invalid port offset '${portText}'` };
    return { ok: true, addr: { ...base, portOffset: off } };
  }
  const range = /^(\d+)-(\d+)$/.exec(portText);
  if (range) {
    if (!opts.allowRange) return { ok: false, message: `port range '${portText}' not allowed here` };
    const lo = parsePortNumber(range[1]!);
    const hi = parsePortNumber(range[2]!);
    if (lo === undefined || hi === undefined || lo < 1 || hi < lo) return { ok: false, message: `invalid port range '${portText}'` };
    return { ok: true, addr: { ...base, port: lo, portEnd: hi } };
  }
  const port = parsePortNumber(portText);
  if (port === undefined) return { ok: false, message: `invalid port '${portText}'` };
  return { ok: true, addr: { ...base, port } };
}

export type SocketEndpoint = { readonly path: string } | { readonly host: string; readonly port: number };

/**
 * Where a loaded `stats socket` listens / is dialled (GlobalConfig.statsSockets[].path): the loader writes a unix
 * path or a normalised `host:port` / `[v6]:port` (host names included); this is the one reader of that string,
 * for the runtime API server and its clients.
 */
export function statsSocketEndpoint(target: string): SocketEndpoint {
  if (!target.startsWith('/') && !target.startsWith('unix@')) {
    const r = parseAddress(target);
    if (r.ok && r.addr.port !== undefined) return { host: r.addr.host, port: r.addr.port };
  }
  return { path: target.replace(/^unix@/, '') };
}
