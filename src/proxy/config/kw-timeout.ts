// `timeout <name> <time>` (src/proxy.c proxy_parse_timeout): which side each timeout belongs to, haproxy's
// warnings for a misplaced or repeated timeout, and errors for bad values.
import type { Timeouts } from '../types.js';
import type { StmtCtx } from './ctx.js';
import { hasBackendCap, hasFrontendCap, type ProxyDraft } from './draft.js';
import { parseTime } from './units.js';

type Side = 'FE' | 'BE' | 'ANY';

const TIMEOUTS: Readonly<Record<string, { key: keyof Timeouts; side: Side }>> = {
  client: { key: 'client', side: 'FE' },
  'client-fin': { key: 'clientFin', side: 'FE' },
  server: { key: 'server', side: 'BE' },
  'server-fin': { key: 'serverFin', side: 'BE' },
  connect: { key: 'connect', side: 'BE' },
  check: { key: 'check', side: 'BE' },
  queue: { key: 'queue', side: 'BE' },
  tunnel: { key: 'tunnel', side: 'BE' },
  tarpit: { key: 'tarpit', side: 'ANY' },
  'http-request': { key: 'httpRequest', side: 'ANY' },
  'http-keep-alive': { key: 'httpKeepAlive', side: 'ANY' },
};

/** Timeouts set by this very section (to warn "overwriting" like haproxy does). */
const seen = new WeakMap<ProxyDraft, Set<string>>();

export function parseTimeout(d: ProxyDraft, ctx: StmtCtx): void {
  const name = ctx.args[1];
  const spec = name !== undefined ? TIMEOUTS[name] : undefined;
  if (!spec) {
    ctx.error('bad-timeout', `'timeout' supports 'client', 'server', 'connect', 'check', 'queue', 'http-keep-alive', 'http-request', 'tunnel', 'tarpit', 'client-fin' and 'server-fin' (got '${name ?? ''}')`);
    return;
  }
  const v = ctx.args[2];
  if (v === undefined) {
    ctx.error('bad-timeout', `'timeout ${name}' expects an integer value (in milliseconds)`);
    return;
  }
  const r = parseTime(v, 'ms');
  if (!r.ok) {
    const msg = r.code === 'bad-time' ? `${r.message} in 'timeout ${name}'` : `${r.message.replace(/ \(.*/, '')} in argument '${v}' to 'timeout ${name}'${r.message.includes('(') ? r.message.slice(r.message.indexOf(' (')) : ''}`;
    ctx.error(r.code, msg);
    return;
  }
  if (ctx.args[3] !== undefined) {
    ctx.error('too-many-args', `'timeout ${name}' : unexpected extra argument '${ctx.args[3]}' after value '${v}'.`);
    return;
  }
  if (r.warning) ctx.warn('time-suffix', r.warning);
  const capOk = spec.side === 'ANY' || (spec.side === 'FE' ? hasFrontendCap(d.kind) : hasBackendCap(d.kind));
  if (!capOk) {
    ctx.warn('keyword-ignored', `'timeout ${name}' will be ignored because ${d.kind} '${d.name}' has no ${spec.side === 'FE' ? 'frontend' : 'backend'} capability`);
    return;
  }
  let mine = seen.get(d);
  if (!mine) seen.set(d, (mine = new Set()));
  if (mine.has(name!)) ctx.warn('timeout-overwritten', `overwriting 'timeout ${name}' which was already specified`);
  mine.add(name!);
  d.timeouts[spec.key] = r.value;
}
