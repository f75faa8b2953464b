// handleStatsRequest: the stats URI service (haproxy.md §7): Basic auth + realm, `stats admin` rules, URI
// modifiers (;csv ;json ;up ;no-maint ;norefresh ;st= scope=), admin POST with 303 + ;st=, HTML/CSV/JSON.
import { timingSafeEqual } from 'node:crypto';
import type { CheckControl, ProxyRuntimeView, ProxySection, ServiceRequest, ServiceResponse, StatsConfig } from '../types.js';
import { AclSet } from '../acl/condition.js';
import type { AclSample } from '../acl/sample.js';
import { collectRows, renderCsv, renderJson, type RowFilter } from './render.js';
import { processAdminPost, type PostResult } from './admin.js';
import { renderHtml } from './html.js';

export interface StatsContext {
  readonly runtime: ProxyRuntimeView;
  readonly checks: CheckControl;
  readonly section: ProxySection;
}

const DEFAULT_URI = '/haproxy?stats';
const RESULT_CODES: ReadonlySet<string> = new Set(['DONE', 'PART', 'ERRP', 'EXCD', 'DENY', 'NONE', 'UNKN', 'IVAL']);

export interface StatsUri {
  readonly csv: boolean;
  readonly json: boolean;
  readonly up: boolean;
  readonly noMaint: boolean;
  readonly norefresh: boolean;
  readonly status?: PostResult;
  readonly scope?: string;
}

/** Modifiers are searched anywhere in the URI after the configured prefix (haproxy http_ana). */
export function parseStatsUri(uri: string, prefix: string): StatsUri {
  const rest = uri.startsWith(prefix) ? uri.slice(prefix.length) : uri;
  const st = /;st=([A-Z]{4})/.exec(rest)?.[1];
  const scope = /[;?&]?scope=([^;&]*)/.exec(rest)?.[1];
  return {
    csv: rest.includes(';csv'),
    json: rest.includes(';json'),
    up: rest.includes(';up'),
    noMaint: rest.includes(';no-maint'),
    norefresh: rest.includes(';norefresh'),
    ...(st && RESULT_CODES.has(st) ? { status: st as PostResult } : {}),
    ...(scope ? { scope: decodeURIComponent(scope) } : {}),
  };
}

/** Constant-time compare of "user:pass" against every `stats auth` entry. */
export function checkBasicAuth(stats: StatsConfig, authorization: string | undefined): string | undefined {
  if (stats.auth.length === 0) return '';
  const m = /^Basic\s+([A-Za-z0-9+/=]+)\s*$/i.exec(authorization ?? '');
  if (!m) return undefined;
  const given = Buffer.from(m[1]!, 'base64');
  for (const a of stats.auth) {
    const want = Buffer.from(`${a.user}:${a.pass}`, 'utf8');
    if (want.length === given.length && timingSafeEqual(want, given)) return a.user;
  }
  return undefined;
}

function sampleOf(req: ServiceRequest): AclSample {
  const values = (n: string) => {
    const v = req.header(n);
    return v === undefined ? [] : v.split(',').map((x) => x.trim());
  };
  return {
    srcIp: req.clientIp,
    srcPort: 0,
    dstIp: '',
    dstPort: 0,
    method: () => req.method,
    uri: () => req.uri,
    httpMinor: () => (req.version.endsWith('1.0') ? 0 : 1),
    headerValues: values,
    fullHeaderValues: (n) => (req.header(n) === undefined ? [] : [req.header(n)!]),
    contentLength: () => Number(req.header('content-length') ?? -1),
  };
}

/** `stats admin if|unless <cond>`: the first matching rule grants admin (compiled per call: few, rare requests). */
function isAdmin(section: ProxySection, stats: StatsConfig, req: ServiceRequest): boolean {
  if (stats.adminRules.length === 0) return false;
  const acls = new AclSet(section.acls);
  const sample = sampleOf(req);
  return stats.adminRules.some((rule) => acls.compile(rule)(sample));
}

const common: (readonly [string, string])[] = [['Cache-Control', 'no-cache']];

function unauthorized(realm: string): ServiceResponse {
  const body = '<html><body><h1>401 Unauthorized</h1>\nA valid user name and password are required to see this page.\n</body></html>\n';
  return {
    status: 401,
    headers: [...common, ['Content-Type', 'text/html'], ['WWW-Authenticate', `Basic realm="${realm.replace(/"/g, '\\"')}"`]],
    body,
  };
}

/** The stats service for one proxy section. Never throws: bad input gets a clear HTTP answer. */
export async function handleStatsRequest(ctx: StatsContext, req: ServiceRequest): Promise<ServiceResponse> {
  const stats: StatsConfig = ctx.section.stats ?? {
    enabled: true, uri: DEFAULT_URI, realm: 'HAProxy Statistics', auth: [], hideVersion: false, adminRules: [], scopes: [], where: ctx.section.where,
  };
  if (req.method !== 'GET' && req.method !== 'HEAD' && req.method !== 'POST') {
    return { status: 405, headers: [...common, ['Allow', 'GET, HEAD, POST'], ['Content-Type', 'text/plain']], body: 'Method not allowed on the stats page.\n' };
  }
  if (checkBasicAuth(stats, req.header('authorization')) === undefined) return unauthorized(stats.realm || 'HAProxy Statistics');
  const uri = stats.uri || DEFAULT_URI;
  const mods = parseStatsUri(req.uri, uri);
  const admin = isAdmin(ctx.section, stats, req);

  if (req.method === 'POST') {
    const result: PostResult = admin
      ? processAdminPost(ctx.runtime, ctx.checks, req.body, { source: 'stats-page', reason: 'changed from the stats page' }).result
      : 'DENY';
    const keep = `${mods.up ? ';up' : ''}${mods.norefresh ? ';norefresh' : ''}${mods.scope ? `;scope=${encodeURIComponent(mods.scope)}` : ''}`;
    return { status: 303, headers: [...common, ['Content-Type', 'text/plain'], ['Location', `${uri};st=${result}${keep}`]], body: '' };
  }

  const scopes = stats.scopes;
  const filter: RowFilter = {
    upOnly: mods.up,
    noMaint: mods.noMaint,
    ...(scopes.length || mods.scope
      ? { scope: (name: string) => (scopes.length === 0 || scopes.includes(name)) && (!mods.scope || name.includes(mods.scope)) }
      : {}),
  };
  const headers: (readonly [string, string])[] = [...common];
  if (stats.refreshSec !== undefined && stats.refreshSec > 0 && !mods.norefresh) headers.push(['Refresh', String(stats.refreshSec)]);
  let body: string;
  if (mods.csv) {
    headers.push(['Content-Type', 'text/plain']);
    body = renderCsv(collectRows(ctx.runtime, filter));
  } else if (mods.json) {
    headers.push(['Content-Type', 'application/json']);
    body = renderJson(collectRows(ctx.runtime, filter));
  } else {
    headers.push(['Content-Type', 'text/html; charset=utf-8']);
    body = renderHtml(ctx.runtime, {
      uri,
      admin,
      hideVersion: stats.hideVersion,
      ...(stats.refreshSec !== undefined ? { refreshSec: stats.refreshSec } : {}),
      norefresh: mods.norefresh,
      upOnly: mods.up,
      ...(mods.status ? { status: mods.status } : {}),
      filter,
    });
  }
  return { status: 200, headers, body: req.method === 'HEAD' ? '' : body };
}
