// Cookie persistence, pure (haproxy http_ana.c client/server cookie handling; haproxy.md §5.6): which server a
// request's Cookie header asks for, the Cookie header to forward, and the Set-Cookie / Cache-control to answer.
import type { CookieConfig, ServerAdmin, ServerOpState } from '../types.js';

/** haproxy COOKIE_DELIM: `prefix` mode stores "<server cookie>~<application value>". */
export const PREFIX_DELIM = '~';
/** Deletion cookie date used by haproxy when the chosen server has no cookie value. */
export const EXPIRED = 'Thu, 01-Jan-1970 00:00:01 GMT';

export interface CookieServer {
  readonly name: string;
  readonly cookie?: string;
  readonly op: ServerOpState;
  readonly admin: ServerAdmin;
}

/** haproxy TX_CK_*: no cookie, valid (server usable), down (server stopped/maint), invalid (unknown value). */
export type CookieStatus = 'none' | 'valid' | 'down' | 'invalid';

export interface RequestCookieResult {
  /** Server to persist to; undefined = load-balance. */
  readonly server?: string;
  readonly status: CookieStatus;
  /** The persistence value the client presented (server part only). */
  readonly value?: string;
  /** Cookie header values to forward to the server (headers left empty are dropped). */
  readonly headers: string[];
}

interface Pair {
  readonly name: string;
  readonly value: string;
}

function parsePairs(header: string): Pair[] {
  const out: Pair[] = [];
  for (const part of header.split(';')) {
    const t = part.trim();
    if (!t) continue;
    const eq = t.indexOf('=');
    out.push(eq < 0 ? { name: t, value: '' } : { name: t.slice(0, eq).trim(), value: t.slice(eq + 1).trim() });
  }
  return out;
}

function serialize(pairs: readonly Pair[]): string {
  return pairs.map((p) => `${p.name}=${p.value}`).join('; ');
}

/** A DOWN or maintenance server does not take persistent clients unless `option persist`. */
function stopped(s: CookieServer): boolean {
  return s.op === 'down' || s.admin.forcedMaint;
}

/**
 * Request side. The first cookie named `cfg.name` decides: in insert/rewrite mode its value (dates after `|`
 * ignored) is a server cookie; in prefix mode the part before `~`, which is stripped before forwarding. With
 * `insert indirect` the cookie is removed from what the server sees. The first server (declaration order) with
 * that cookie value is used unless it is DOWN/MAINT and `persist` is off (then status 'down': load-balance).
 */
export function parseRequestCookies(
  cfg: Pick<CookieConfig, 'name' | 'mode' | 'indirect'>,
  cookieHeaders: readonly string[],
  servers: readonly CookieServer[],
  persist: boolean,
): RequestCookieResult {
  let value: string | undefined;
  const headers: string[] = [];
  for (const h of cookieHeaders) {
    const kept: Pair[] = [];
    for (const p of parsePairs(h)) {
      if (p.name !== cfg.name) {
        kept.push(p);
        continue;
      }
      let sv = p.value;
      let forward: Pair | undefined = p;
      if (cfg.mode === 'prefix') {
        const d = p.value.indexOf(PREFIX_DELIM);
        if (d >= 0) {
          sv = p.value.slice(0, d);
          forward = { name: p.name, value: p.value.slice(d + 1) };
        }
      } else {
        const bar = sv.indexOf('|');
        if (bar >= 0) sv = sv.slice(0, bar);
        if (cfg.mode === 'insert' && cfg.indirect) forward = undefined;
      }
      if (value === undefined) value = sv;
      if (forward) kept.push(forward);
    }
    if (kept.length) headers.push(serialize(kept));
  }
  if (value === undefined) return { status: 'none', headers };
  const srv = servers.find((s) => s.cookie !== undefined && s.cookie === value);
  if (!srv) return { status: 'invalid', value, headers };
  if (stopped(srv) && !persist) return { status: 'down', value, headers };
  return { status: 'valid', server: srv.name, value, headers };
}

export interface ResponseCookieInput {
  readonly cfg: Omit<CookieConfig, 'where'>;
  /** The server that produced the response. */
  readonly server: { readonly name: string; readonly cookie?: string };
  readonly request: Pick<RequestCookieResult, 'status' | 'value'>;
  readonly method: string;
  /** Set-Cookie header values emitted by the server, in order. */
  readonly setCookies: readonly string[];
  /** Response may be cached (haproxy TX_CACHEABLE); nocache only marks cacheable responses. When absent it is
   *  derived from `status` and `header` (responseCacheable) if both are given, else true. */
  readonly cacheable?: boolean;
  /** Response status and header access (all values of a header, lower-case name), for responseCacheable. */
  readonly status?: number;
  readonly header?: (name: string) => readonly string[];
}

export interface ResponseCookieResult {
  /** Final Set-Cookie header values to send to the client. */
  readonly setCookies: string[];
  /** Add `Cache-control: private` (nocache and a persistence cookie was set). */
  readonly cacheControlPrivate: boolean;
}

function cookieName(setCookie: string): string {
  const eq = setCookie.indexOf('=');
  const semi = setCookie.indexOf(';');
  const end = eq < 0 ? (semi < 0 ? setCookie.length : semi) : eq;
  return setCookie.slice(0, end).trim();
}

/** Rewrites the value of a Set-Cookie line, keeping its attributes. */
function withValue(setCookie: string, value: string): string {
  const semi = setCookie.indexOf(';');
  const name = cookieName(setCookie);
  return `${name}=${value}${semi < 0 ? '' : setCookie.slice(semi)}`;
}

function insertedCookie(cfg: ResponseCookieInput['cfg'], value: string): string {
  let s = `${cfg.name}=${value}; path=/`;
  for (const d of cfg.domains) s += `; domain=${d}`;
  if (cfg.httponly) s += '; HttpOnly';
  if (cfg.secure) s += '; Secure';
  return s;
}

/**
 * Response side. insert: drop the server's own cookie of that name (unless `preserve`, which also suppresses
 * insertion), then insert `NAME=<server cookie>; path=/[; domain=..][; HttpOnly][; Secure]` when the client did
 * not present this server's cookie (POST only with `postonly`); a server without cookie value gets a deletion
 * cookie if the client presented one. prefix/rewrite: the server's own cookie gets "<cookie>~value" / "<cookie>";
 * with `indirect` it is removed when the client already holds a valid one (unless `preserve`).
 */
export function applyResponseCookie(input: ResponseCookieInput): ResponseCookieResult {
  const { cfg, server, request } = input;
  const clientHasIt = request.status === 'valid' && server.cookie !== undefined && request.value === server.cookie;
  const out: string[] = [];
  let touched = false;
  let serverSetOurs = false;
  for (const sc of input.setCookies) {
    if (cookieName(sc) !== cfg.name) {
      out.push(sc);
      continue;
    }
    serverSetOurs = true;
    if (cfg.preserve) {
      out.push(sc);
      continue;
    }
    if (cfg.mode === 'insert') {
      touched = true; // removed: haproxy inserts its own below
      continue;
    }
    if (cfg.indirect && clientHasIt) {
      touched = true;
      continue;
    }
    if (server.cookie === undefined) {
      out.push(sc);
      continue;
    }
    const current = sc.slice(sc.indexOf('=') + 1).split(';')[0]!.trim();
    out.push(withValue(sc, cfg.mode === 'prefix' ? `${server.cookie}${PREFIX_DELIM}${current}` : server.cookie));
    touched = true;
  }
  let inserted = false;
  if (cfg.mode === 'insert' && !(cfg.preserve && serverSetOurs) && (!cfg.postonly || input.method.toUpperCase() === 'POST')) {
    if (server.cookie === undefined) {
      if (request.status !== 'none') {
        out.push(`${cfg.name}=; Expires=${EXPIRED}; path=/`);
        inserted = true;
      }
    } else if (!clientHasIt) {
      out.push(insertedCookie(cfg, server.cookie));
      inserted = true;
    }
  }
  const modified = inserted || (touched && cfg.mode !== 'insert');
  const cacheable = input.cacheable ?? (input.status !== undefined && input.header ? responseCacheable(input.method, input.status, input.header) : true);
  return { setCookies: out, cacheControlPrivate: cfg.nocache && modified && cacheable };
}

/** Statuses a cache may store without explicit freshness (RFC 7231 §6.1); haproxy 2.6 treats only these as
 *  cacheable (observed on 2.6.12: 201/202/302/307/308/500/503 never get `Cache-control: private`). */
const CACHEABLE_STATUS: ReadonlySet<number> = new Set([200, 203, 204, 206, 300, 301, 404, 405, 410, 414, 501]);
/** Cache-Control tokens (case-insensitive, whole tokens: `no-cache="set-cookie"` is not one) that make a response
 *  uncacheable, as do `max-age=0` / `s-maxage=0`. */
const UNCACHEABLE_TOKENS: ReadonlySet<string> = new Set(['private', 'no-cache', 'no-store', 'max-age=0', 's-maxage=0']);

/**
 * haproxy's TX_CACHEABLE for a response (http_ana.c request/response cacheability checks, matched against 2.6.12
 * by hand): a GET or HEAD request, a heuristically cacheable status, no uncacheable Cache-Control token nor
 * `Pragma: no-cache`, and freshness (max-age, s-maxage, Expires) or a validator (Last-Modified, ETag).
 * `public` alone, Vary and Set-Cookie change nothing.
 */
export function responseCacheable(method: string, status: number, header: (name: string) => readonly string[]): boolean {
  const m = method.toUpperCase();
  if ((m !== 'GET' && m !== 'HEAD') || !CACHEABLE_STATUS.has(status)) return false;
  const tokens = header('cache-control').flatMap((v) => v.split(',')).map((t) => t.trim().toLowerCase());
  if (tokens.some((t) => UNCACHEABLE_TOKENS.has(t))) return false;
  if (header('pragma').some((v) => /(^|,)\s*no-cache\s*(,|$)/i.test(v))) return false;
  const fresh = tokens.some((t) => t.startsWith('max-age=') || t.startsWith('s-maxage=')) || header('expires').length > 0;
  return fresh || header('last-modified').length > 0 || header('etag').length > 0;
}
