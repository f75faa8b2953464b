// Proxy `stats ...` keywords (haproxy.md §7.1; doc §4 "stats *"): every one of them enables the stats page.
import { parseCondition } from './acl.js';
import type { StmtCtx } from './ctx.js';
import type { ProxyDraft, StatsDraft } from './draft.js';
import { parseTime } from './units.js';

/** Ignored-but-valid sub-keywords (they only change cosmetics hapair does not render). */
const IGNORED_STATS = new Set(['show-node', 'show-desc', 'bind-process', 'http-request', 'maxconn']);

/** The section's own stats settings; a copy when they were inherited from defaults (haproxy copies uri_auth on write). */
function own(d: ProxyDraft, ctx: StmtCtx, inherited: StatsDraft | undefined): StatsDraft {
  if (!d.stats || d.stats === inherited) {
    const base = d.stats;
    d.stats = base
      ? { ...base, auth: [...base.auth], adminRules: [...base.adminRules], scopes: [...base.scopes] }
      : { enabled: true, auth: [], hideVersion: false, adminRules: [], scopes: [], showLegends: false, where: ctx.where };
  }
  d.stats.enabled = true;
  return d.stats;
}

export function parseStats(d: ProxyDraft, ctx: StmtCtx, inherited: StatsDraft | undefined): void {
  const a = ctx.args;
  const sub = a[1];
  const need = (what: string): string | undefined => {
    const v = a[2];
    if (v === undefined) ctx.error('bad-stats', `'stats ${sub}' expects ${what} as argument.`);
    return v;
  };
  switch (sub) {
    case 'enable':
      if (ctx.tooMany(0, 2)) return;
      own(d, ctx, inherited);
      return;
    case 'uri': {
      const v = need('an URI prefix');
      if (v !== undefined && !ctx.tooMany(1, 2)) own(d, ctx, inherited).uri = v;
      return;
    }
    case 'realm': {
      const v = need('a realm');
      if (v !== undefined && !ctx.tooMany(1, 2)) own(d, ctx, inherited).realm = v;
      return;
    }
    case 'auth': {
      const v = need('<user>:<password> in cleartext');
      if (v === undefined || ctx.tooMany(1, 2)) return;
      // uri_auth.c stats_add_auth(): no colon = empty password; a repeated user is ignored with a warning.
      const colon = v.indexOf(':');
      const user = colon < 0 ? v : v.slice(0, colon);
      const pass = colon < 0 ? '' : v.slice(colon + 1);
      const st = own(d, ctx, inherited);
      if (st.auth.some((a) => a.user === user)) {
        ctx.warn('duplicate-stats-user', `uri auth: ignoring duplicated user '${user}'.`);
        return;
      }
      st.auth.push({ user, pass });
      return;
    }
    case 'refresh': {
      const v = need('<delay>');
      if (v === undefined || ctx.tooMany(1, 2)) return;
      const r = parseTime(v, 's'); // `stats refresh` counts in seconds when no unit is given (haproxy.md §1.3)
      if (!r.ok) {
        ctx.error('bad-stats', `'stats refresh' : ${r.message} in argument '${v}'`);
        return;
      }
      if (r.warning) ctx.warn('time-suffix', r.warning);
      own(d, ctx, inherited).refreshSec = r.value;
      return;
    }
    case 'hide-version':
      if (!ctx.tooMany(0, 2)) own(d, ctx, inherited).hideVersion = true;
      return;
    case 'show-legends':
      if (!ctx.tooMany(0, 2)) own(d, ctx, inherited).showLegends = true;
      return;
    case 'scope': {
      const v = need('<name>');
      if (v !== undefined && !ctx.tooMany(1, 2)) own(d, ctx, inherited).scopes.push(v);
      return;
    }
    case 'admin': {
      if (d.kind === 'defaults') {
        ctx.error('misplaced-keyword', "'stats admin' not allowed in 'defaults' section.");
        return;
      }
      if (a[2] !== 'if' && a[2] !== 'unless') {
        ctx.error('bad-stats', "'stats admin' requires either 'if' or 'unless' followed by a condition.");
        return;
      }
      const cond = parseCondition(a, 2, ctx, (n) => d.acls.some((x) => x.name === n));
      if (cond) own(d, ctx, inherited).adminRules.push(cond);
      return;
    }
    case 'socket':
    case 'timeout':
      ctx.error('misplaced-keyword', `'stats ${sub}' is only allowed in 'global' section`);
      return;
    default:
      if (sub !== undefined && IGNORED_STATS.has(sub)) {
        ctx.warn('ignored-keyword', `'stats ${sub}' is not supported by hapair and is ignored`);
        own(d, ctx, inherited);
        return;
      }
      ctx.error('bad-stats', `'stats' expects 'admin', 'uri', 'realm', 'auth', 'scope', 'enable', 'hide-version', 'show-node', 'show-desc' or 'show-legends'${sub ? ` but got '${sub}'` : ''}.`);
  }
}
