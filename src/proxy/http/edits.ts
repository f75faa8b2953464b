// What changes between the received head and the forwarded one (pure): hop-by-hop connection headers, haproxy's
// `option forwardfor`, cookie persistence rewrites (backend cookie module), and the response's Connection header.
import type { CookieConfig, ForwardForConfig } from '../types.js';
import { parseRequestCookies, applyResponseCookie, type CookieServer, type CookieStatus } from '../backend/cookie.js';
import { parseNetwork, inNetwork } from '../acl/net.js';
import type { HttpHead } from './head.js';
import { HDR_COOKIE, HDR_SET_COOKIE } from './head.js';
import { HOP_KINDS } from './outbound.js';

export interface RequestEdits {
  dropKinds: number;
  extra: string;
  /** Server named by a valid persistence cookie. */
  persistServer: string | undefined;
  cookieStatus: CookieStatus | undefined;
  cookieValue: string | undefined;
}

/** Client address as haproxy prints it: IPv4-mapped IPv6 shown as plain IPv4. */
export function displayIp(ip: string): string {
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice(7) : ip;
}

const exceptCache = new WeakMap<object, ReturnType<typeof parseNetwork>>();

/** `option forwardfor [except net] [header h] [if-none]`: the line to add, or '' (haproxy.md §1.5). */
export function forwardedFor(cfg: ForwardForConfig | undefined, head: HttpHead, clientIp: string): string {
  if (!cfg) return '';
  if (cfg.except) {
    let net = exceptCache.get(cfg.except);
    if (net === undefined && !exceptCache.has(cfg.except)) {
      net = parseNetwork(`${cfg.except.network}/${cfg.except.mask ?? cfg.except.prefix}`);
      exceptCache.set(cfg.except, net);
    }
    if (net && inNetwork(clientIp, net)) return '';
  }
  if (cfg.ifNone && head.indexOf(cfg.header.toLowerCase()) >= 0) return '';
  return `${cfg.header}: ${displayIp(clientIp)}\r\n`;
}

/** What the cookie module needs from a server: its `cookie` value lives in its config. Adapters are cached per
 *  server object so a request does not allocate them. */
interface CookieSource {
  readonly name: string;
  readonly config: { readonly cookie?: string };
  readonly op: CookieServer['op'];
  readonly admin: CookieServer['admin'];
}
const views = new WeakMap<CookieSource, CookieServer>();
const listViews = new WeakMap<readonly CookieSource[], CookieServer[]>();

export function cookieServers(servers: readonly CookieSource[]): CookieServer[] {
  let list = listViews.get(servers);
  if (list) return list;
  list = servers.map((s) => {
    let v = views.get(s);
    if (!v) {
      v = { get name() { return s.name; }, get cookie() { return s.config.cookie; }, get op() { return s.op; }, get admin() { return s.admin; } };
      views.set(s, v);
    }
    return v;
  });
  listViews.set(servers, list);
  return list;
}

export interface RequestEditOptions {
  /** The server connection will be closed after this transaction (server-close / close modes). */
  readonly serverClose: boolean;
  /** Protocol upgrade request: Connection/Upgrade are forwarded untouched. */
  readonly upgrade: boolean;
  readonly forwardfor: ForwardForConfig | undefined;
  readonly clientIp: string;
  readonly cookie: CookieConfig | undefined;
  readonly servers: readonly CookieSource[];
  readonly persist: boolean;
}

export function requestEdits(head: HttpHead, o: RequestEditOptions): RequestEdits {
  let drop = 0;
  let extra = '';
  if (!o.upgrade) {
    drop |= HOP_KINDS;
    if (o.serverClose) extra += 'connection: close\r\n';
    else if (head.minor === 0) extra += 'connection: keep-alive\r\n';
  }
  extra += forwardedFor(o.forwardfor, head, o.clientIp);
  let persistServer: string | undefined;
  let cookieStatus: CookieStatus | undefined;
  let cookieValue: string | undefined;
  if (o.cookie) {
    const original = head.hasCookie ? head.fullValues('cookie') : [];
    const r = parseRequestCookies(o.cookie, original, cookieServers(o.servers), o.persist);
    persistServer = r.server;
    cookieStatus = r.status;
    cookieValue = r.value;
    const same = r.headers.length === original.length && r.headers.every((h, i) => h === original[i]);
    if (!same) {
      drop |= 1 << HDR_COOKIE;
      for (const h of r.headers) extra += `cookie: ${h}\r\n`;
    }
  }
  return { dropKinds: drop, extra, persistServer, cookieStatus, cookieValue };
}

export interface ResponseEditOptions {
  readonly clientKeep: boolean;
  readonly clientMinor: number;
  readonly cookie?: {
    readonly cfg: CookieConfig;
    readonly server: { readonly name: string; readonly cookie?: string };
    readonly status: CookieStatus;
    readonly value: string | undefined;
    readonly method: string;
  };
}

export interface ResponseEdits {
  dropKinds: number;
  extra: string;
  /** haproxy's 4th termination char: N none, I inserted, U updated, D deleted, P provided by server, '-'. */
  setCookieFlag: string;
}

export function responseEdits(resp: HttpHead, o: ResponseEditOptions): ResponseEdits {
  let drop = HOP_KINDS;
  let extra = '';
  if (!o.clientKeep) {
    if (o.clientMinor === 1) extra += 'connection: close\r\n';
  } else if (o.clientMinor === 0) extra += 'connection: keep-alive\r\n';
  let flag = '-';
  if (o.cookie) {
    const c = o.cookie;
    const original = resp.kinds & (1 << HDR_SET_COOKIE) ? resp.fullValues('set-cookie') : [];
    const r = applyResponseCookie({
      cfg: c.cfg, server: c.server, request: { status: c.status, value: c.value }, method: c.method, setCookies: original,
      status: resp.status, header: (n: string) => resp.fullValues(n),
    });
    const same = r.setCookies.length === original.length && r.setCookies.every((h, i) => h === original[i]);
    flag = 'N';
    if (!same) {
      drop |= 1 << HDR_SET_COOKIE;
      for (const v of r.setCookies) extra += `set-cookie: ${v}\r\n`;
      const ours = r.setCookies.find((v) => v.startsWith(`${c.cfg.name}=`));
      flag = ours === undefined ? 'D' : ours.startsWith(`${c.cfg.name}=;`) ? 'D' : original.length < r.setCookies.length ? 'I' : 'U';
    } else if (original.some((v) => v.startsWith(`${c.cfg.name}=`))) flag = 'P';
    if (r.cacheControlPrivate) extra += 'cache-control: private\r\n';
  }
  return { dropKinds: drop, extra, setCookieFlag: flag };
}

/** haproxy's 3rd termination char for the request cookie: N none, I invalid, D down, V valid, '-' no cookie. */
export function cookieFlag(status: CookieStatus | undefined): string {
  switch (status) {
    case undefined: return '-';
    case 'none': return 'N';
    case 'invalid': return 'I';
    case 'down': return 'D';
    case 'valid': return 'V';
  }
}
