// Hash inputs of the hashing algorithms (haproxy backend.c get_server_sh/uh/ph/hh), pure: which bytes of the
// client address, URI, URL parameter or header get hashed. `undefined` = input missing -> round robin.
import net from 'node:net';
import type { BalanceAlgo } from '../types.js';

/**
 * balance source: XOR of the address as 32-bit big-endian words (IPv4 = the address itself, IPv6 = four words).
 * IPv4-mapped IPv6 addresses (`::ffff:a.b.c.d`, what a dual-stack Node socket reports) count as IPv4.
 */
export function sourceWord(ip: string): number | undefined {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip);
  const addr = mapped ? mapped[1]! : ip;
  if (net.isIPv4(addr)) {
    return addr.split('.').reduce((acc, o) => ((acc << 8) | Number(o)) >>> 0, 0);
  }
  if (!net.isIPv6(addr)) return undefined;
  const words = ipv6Words(addr);
  return (words[0]! ^ words[1]! ^ words[2]! ^ words[3]!) >>> 0;
}

function ipv6Words(addr: string): number[] {
  const zone = addr.indexOf('%');
  let a = zone >= 0 ? addr.slice(0, zone) : addr;
  // Embedded IPv4 tail (e.g. ::1.2.3.4) becomes two hextets.
  const v4 = /(\d+\.\d+\.\d+\.\d+)$/.exec(a);
  if (v4) {
    const o = v4[1]!.split('.').map(Number);
    a = a.slice(0, -v4[1]!.length) + `${((o[0]! << 8) | o[1]!).toString(16)}:${((o[2]! << 8) | o[3]!).toString(16)}`;
  }
  const [head, tail] = a.includes('::') ? a.split('::') as [string, string] : [a, undefined];
  const h = head ? head.split(':') : [];
  const t = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const fill = tail !== undefined ? 8 - h.length - t.length : 0;
  const hextets = [...h, ...Array<string>(fill).fill('0'), ...t].map((x) => parseInt(x, 16) || 0);
  const words: number[] = [];
  for (let i = 0; i < 8; i += 2) words.push(((hextets[i]! << 16) | hextets[i + 1]!) >>> 0);
  return words;
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
