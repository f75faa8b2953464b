// Hash inputs of the hashing algorithms (haproxy backend.c get_server_sh/uh/ph/hh), pure: which bytes of the
// client address, URI, URL parameter or header get hashed. `undefined` = input missing -> round robin.
import { addrBytes } from '../acl/net.js';
import type { BalanceAlgo } from '../types.js';

/**
 * balance source: XOR of the address as 32-bit big-endian words (IPv4 = the address itself, IPv6 = four words).
 * IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, what a dual-stack Node socket reports) count as IPv4; a zone
 * id (`%eth0`) is not part of the address. Bytes come from the data plane's address parser (acl/net.ts).
 */
export function sourceWord(ip: string): number | undefined {
  const zone = ip.indexOf('%');
  const b = addrBytes(zone >= 0 ? ip.slice(0, zone) : ip);
  if (!b) return undefined;
  let word = 0;
  for (let i = 0; i < b.length; i += 4) word ^= (b[i]! << 24) | (b[i + 1]! << 16) | (b[i + 2]! << 8) | b[i + 3]!;
  return word >>> 0;
}

/** Path of a request URI: an absolute URI loses scheme and authority (haproxy http_parse_path). */
export function uriPath(uri: string): string {
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*/i.exec(uri);
  if (!m) return uri;
  return uri.slice(m[0].length);
}

/**
 * balance uri: the URI (or its path with `path-only`) up to `?` unless `whole`, cut to `len` characters, and
 * stopped at the depth-th + 1 slash with `depth`.
 */
export function uriKey(uri: string, opts: { whole: boolean; len?: number; depth?: number; pathOnly: boolean }): string {
  let u = opts.pathOnly ? uriPath(uri) : uri;
  if (opts.len) u = u.slice(0, opts.len);
  const stopAtSlash = opts.depth !== undefined && opts.depth > 0 ? opts.depth + 1 : 0;
  let slashes = 0;
  let end = 0;
  for (; end < u.length; end++) {
    const c = u[end];
    if (c === '/') {
      slashes++;
      if (slashes === stopAtSlash) break;
    } else if (c === '?' && !opts.whole) break;
  }
  return u.slice(0, end);
}

/** balance url_param: the value of `name=` in the query string (first occurrence), undefined if absent. */
export function urlParamKey(uri: string, name: string): string | undefined {
  const q = uri.indexOf('?');
  if (q < 0) return undefined;
  const params = uri.slice(q + 1);
  let pos = 0;
  while (params.length - pos > name.length) {
    if (params[pos + name.length] === '=' && params.startsWith(name, pos)) {
      const start = pos + name.length + 1;
      const amp = params.indexOf('&', start);
      return params.slice(start, amp < 0 ? params.length : amp);
    }
    const amp = params.indexOf('&', pos);
    if (amp < 0) return undefined;
    pos = amp + 1;
  }
  return undefined;
}

/**
 * balance hdr(name): the first header value; empty/missing -> undefined. With `use_domain_only` only the
 * label before the last dot is hashed ("www.example.com" -> "example"); a value without a dot is used whole.
 */
export function hdrKey(value: string | undefined, useDomainOnly: boolean): string | undefined {
  if (value === undefined || value === '') return undefined;
  if (!useDomainOnly) return value;
  const L = value.length;
  let end = L;
  let i = L;
  let inDomain = false;
  for (let remaining = L; remaining > 0; remaining--, i--) {
    if (inDomain) {
      if (value[i - 1] === '.') break;
    } else if (i < L && value[i] === '.') {
      end = i;
      inDomain = true;
    }
  }
  return value.slice(i, end);
}

/** Which hashing algorithm needs which request data: a table over the `balance` kinds that hash. */
export type HashAlgo = Extract<BalanceAlgo, { kind: 'source' | 'uri' | 'hdr' | 'url_param' }>;
