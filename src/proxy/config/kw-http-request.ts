// `http-request` rules hapair applies (haproxy.md: the first matching rule decides, in file order): `deny
// [deny_status N]`, `allow`, `use-service prometheus-exporter`, each with an optional `if|unless` condition.
// Every other action is a valid haproxy rule hapair does not implement: warned and ignored, as before.
import type { HttpRequestRule } from '../types.js';
import { parseCondition } from './acl.js';
import type { StmtCtx } from './ctx.js';
import { hasFrontendCap, type ProxyDraft } from './draft.js';

/** deny_status values with a built-in error page (haproxy accepts a few more: 401, 404, 429, ... need errorfiles). */
export const DENY_STATUSES: readonly number[] = [400, 403, 408, 500, 502, 503, 504];

export function parseHttpRequest(d: ProxyDraft, ctx: StmtCtx): void {
  const a = ctx.args;
  if (a[1] === undefined) {
    ctx.error('missing-argument', "'http-request' expects an action: deny, allow, use-service prometheus-exporter (others are ignored)");
    return;
  }
  const action = a[1] === 'use-service' && a[2] === 'prometheus-exporter' ? 'prometheus-exporter' : a[1];
  if (action !== 'deny' && action !== 'allow' && action !== 'prometheus-exporter') {
    ctx.warn('ignored-keyword', `'http-request ${a[1] ?? ''}' is not supported by hapair and is ignored`);
    return;
  }
  if (!hasFrontendCap(d.kind) || d.kind === 'defaults') {
    ctx.warn('keyword-ignored', `'http-request ${a.slice(1, action === 'prometheus-exporter' ? 3 : 2).join(' ')}' is applied in frontends and listens only; ignored here`);
    return;
  }
  let at = action === 'prometheus-exporter' ? 3 : 2;
  let denyStatus: number | undefined;
  if (action === 'deny' && a[at] === 'deny_status') {
    const text = a[at + 1];
    denyStatus = Number(text);
    if (text === undefined || !DENY_STATUSES.includes(denyStatus)) {
      ctx.error('bad-value', `'http-request deny deny_status' expects one of ${DENY_STATUSES.join(', ')} (the statuses hapair has an error page for), got '${text ?? ''}'`);
      return;
    }
    at += 2;
  }
  let cond;
  if (a[at] !== undefined) {
    cond = parseCondition(a, at, ctx, (n) => d.acls.some((acl) => acl.name === n));
    if (!cond) return;
  }
  const rule: HttpRequestRule = { action, where: ctx.where, ...(denyStatus !== undefined ? { denyStatus } : {}), ...(cond ? { cond } : {}) };
  (d.httpRequestRules ??= []).push(rule);
  if (action === 'prometheus-exporter') d.promExporter = cond ? { cond, where: ctx.where } : { where: ctx.where };
}
