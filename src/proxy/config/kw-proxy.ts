// Keyword table for frontend/backend/listen/defaults sections with haproxy 2.6's placement rules
// (haproxy.md §1.4 matrix; src/cfgparse-listen.c): a keyword in a section lacking the capability is
// ignored with haproxy's warning, or refused where haproxy refuses it.
import { invalidNameChar, parseAclBody, parseCondition } from './acl.js';
import type { StmtCtx } from './ctx.js';
import { hasBackendCap, hasFrontendCap, type ProxyDraft, type StatsDraft } from './draft.js';
import { parseBind } from './kw-bind.js';
import { parseExternalCheck, parseHttpCheck, parseTcpCheck } from './kw-checks.js';
import { parseOption } from './kw-options.js';
import { parseBalance, parseCookie, parseHashType } from './kw-lb.js';
import { parseDefaultServer, parseServer } from './kw-server.js';
import { parseStats } from './kw-stats.js';
import { parseTimeout } from './kw-timeout.js';
import { parseLogTarget } from './log-target.js';
import { parseHttpRequest } from './kw-http-request.js';
import { parseIntArg } from './units.js';

type Cap = 'FE' | 'BE' | 'ANY';

export interface SectionState {
  /** Stats settings inherited from defaults (to copy them on first write). */
  readonly inheritedStats: StatsDraft | undefined;
}

interface KwSpec {
  readonly cap: Cap;
  /** Misplaced in a section without the capability: haproxy either warns and ignores, or refuses. */
  readonly misplaced: 'warn' | 'error';
  readonly inDefaults: boolean;
  readonly run: (d: ProxyDraft, ctx: StmtCtx, st: SectionState) => void;
}

const kw = (cap: Cap, run: KwSpec['run'], opts: Partial<Omit<KwSpec, 'cap' | 'run'>> = {}): KwSpec => ({
  cap, run, misplaced: opts.misplaced ?? 'warn', inDefaults: opts.inDefaults ?? true,
});

const intArg = (set: (d: ProxyDraft, v: number) => void, min = 0) => (d: ProxyDraft, ctx: StmtCtx): void => {
  const v = ctx.args[1];
  if (v === undefined) {
    ctx.error('missing-argument', `'${ctx.args[0]}' expects an integer argument.`);
    return;
  }
  if (ctx.tooMany(1)) return;
  const r = parseIntArg(v, min, 0x7fffffff);
  if (!r.ok) ctx.error('bad-value', `'${ctx.args[0]}' ${r.message}`);
  else set(d, r.value);
};

const ignored = (why = 'is not supported by hapair and is ignored'): KwSpec =>
  kw('ANY', (_d, ctx) => ctx.warn('ignored-keyword', `'${ctx.args[0]}' ${why}`));

const refused = (why: string): KwSpec => kw('ANY', (_d, ctx) => ctx.error('unsupported-keyword', `'${ctx.args[0]}' ${why}`));

const removed = (msg: string): KwSpec => kw('ANY', (_d, ctx) => ctx.error('removed-keyword', msg.replace('%s', ctx.args[0]!)));

const knownAcl = (d: ProxyDraft) => (n: string): boolean => d.acls.some((a) => a.name === n);

const PROXY_KEYWORDS: Readonly<Record<string, KwSpec>> = {
  bind: kw('FE', (d, ctx) => {
    if (ctx.args[1] === undefined) {
      ctx.error('missing-argument', "'bind' expects {<path>|[addr1]:port1[-end1]}{,[addr]:port[-end]}... as arguments.");
      return;
    }
    d.binds.push(...parseBind(ctx, ctx.args[1], 2));
  }, { inDefaults: false }),
  mode: kw('ANY', (d, ctx) => {
    if (ctx.tooMany(1)) return;
    const m = ctx.args[1];
    if (m === 'http' || m === 'tcp') d.mode = m;
    else if (m === 'health') ctx.error('removed-keyword', "'mode health' doesn't exist anymore. Please use 'http-request return status 200' instead.");
    else ctx.error('bad-value', `unknown proxy mode '${m ?? ''}'.`);
  }),
  id: kw('ANY', (d, ctx) => {
    if (ctx.tooMany(1)) return;
    const r = parseIntArg(ctx.args[1], -0x7fffffff, 0x7fffffff);
    if (!r.ok) ctx.error('bad-value', `'id' expects an integer argument.`);
    else if (r.value <= 0) ctx.error('bad-value', 'custom id has to be > 0.');
    else {
      d.explicitId = r.value;
      d.explicitIdWhere = ctx.where;
    }
  }, { inDefaults: false }),
  description: kw('ANY', () => undefined, { inDefaults: false }),
  disabled: kw('ANY', (d, ctx) => void (ctx.tooMany(0) || (d.disabled = true))),
  enabled: kw('ANY', (d, ctx) => void (ctx.tooMany(0) || (d.disabled = false))),
  acl: kw('ANY', (d, ctx) => {
    const name = ctx.args[1];
    if (d.kind === 'defaults' && d.name === '') {
      ctx.error('misplaced-keyword', "'acl' not allowed in anonymous 'defaults' section.");
      return;
    }
    if (name === undefined) {
      ctx.error('bad-acl', "'acl' expects an ACL name.");
      return;
    }
    const bad = invalidNameChar(name);
    if (bad) {
      ctx.error('bad-acl', `character '${bad}' is not permitted in acl name '${name}'.`);
      return;
    }
    if (name.toLowerCase() === 'or') {
      ctx.error('bad-acl', "acl name 'or' will never match. 'or' is used to express a logical disjunction within a condition.");
      return;
    }
    const acl = parseAclBody(name, ctx.args, 2, ctx);
    if (acl) d.acls.push(acl);
  }),
  use_backend: kw('FE', (d, ctx) => {
    const be = ctx.args[1];
    if (be === undefined) {
      ctx.error('missing-argument', "'use_backend' expects a backend name.");
      return;
    }
    if (ctx.args[2] === undefined) {
      d.useBackends.push({ backend: be, where: ctx.where });
      return;
    }
    const cond = parseCondition(ctx.args, 2, ctx, knownAcl(d));
    if (cond) d.useBackends.push({ backend: be, cond, where: ctx.where });
  }, { inDefaults: false }),
  default_backend: kw('FE', (d, ctx) => {
    const be = ctx.args[1];
    if (be === undefined) {
      ctx.error('missing-argument', "'default_backend' expects a backend name.");
      return;
    }
    if (ctx.tooMany(1)) return;
    d.defaultBackend = be;
    d.defaultBackendWhere = ctx.where;
  }),
  maxconn: kw('FE', intArg((d, v) => (d.maxconn = v))),
  fullconn: kw('BE', intArg((d, v) => (d.fullconn = v))),
  retries: kw('BE', intArg((d, v) => (d.retries = v))),
  'http-reuse': kw('BE', (d, ctx) => {
    const v = ctx.args[1];
    if (v === 'never' || v === 'safe' || v === 'aggressive' || v === 'always') {
      if (!ctx.tooMany(1)) d.httpReuse = v;
    } else ctx.error('bad-value', "'http-reuse' only supports 'never', 'safe', 'aggressive', 'always'.");
  }),
  balance: kw('BE', parseBalance),
  'hash-type': kw('BE', parseHashType),
  cookie: kw('BE', parseCookie),
  log: kw('ANY', (d, ctx) => {
    if (ctx.modifier === 'no') {
      if (!ctx.tooMany(0)) d.logs = [];
      return;
    }
    if (ctx.args[1] === 'global') {
      if (!ctx.tooMany(1)) d.logs.push('global');
      return;
    }
    const t = parseLogTarget(ctx);
    if (t) d.logs.push(t);
  }),
  timeout: kw('ANY', parseTimeout),
  option: kw('ANY', parseOption),
  stats: kw('ANY', (d, ctx, st) => parseStats(d, ctx, st.inheritedStats)),
  server: kw('BE', parseServer, { misplaced: 'error', inDefaults: false }),
  'default-server': kw('BE', parseDefaultServer, { misplaced: 'error' }),
  'http-check': kw('BE', parseHttpCheck),
  'tcp-check': kw('BE', parseTcpCheck),
  'external-check': kw('ANY', parseExternalCheck), // haproxy does not check the capability here
  'http-request': kw('ANY', parseHttpRequest),
  errorfile: ignored('is not supported by hapair: the built-in error pages are used'),
  // ---- legacy keywords haproxy 2.6 rejects: accepted with a warning saying what they map to ----
  redispatch: kw('BE', legacyRedispatch),
  redisp: kw('BE', legacyRedispatch),
  clitimeout: removed("the '%s' directive is not supported anymore since HAProxy 2.1. Use 'timeout client'."),
  contimeout: removed("the '%s' directive is not supported anymore since HAProxy 2.1. Use 'timeout connect'."),
  srvtimeout: removed("the '%s' directive is not supported anymore since HAProxy 2.1. Use 'timeout server'."),
  grace: removed("the '%s' keyword is not supported any more since HAProxy version 2.5."),
  'monitor-net': removed("'monitor-net' doesn't exist anymore. Please use 'http-request return status 200 if { src ... }' instead."),
  block: removed("The 'block' directive is not supported anymore since HAProxy 2.1. Use 'http-request deny' which uses the exact same syntax."),
  // valid haproxy keywords without effect in hapair
  'log-format': ignored(), 'log-format-sd': ignored(), 'error-log-format': ignored(), 'log-tag': ignored(),
  'unique-id-format': ignored(), 'unique-id-header': ignored(), capture: ignored(), compression: ignored(),
  'http-response': ignored(), 'http-after-response': ignored(), 'tcp-request': ignored(), 'tcp-response': ignored(),
  'monitor-uri': ignored(), monitor: ignored(), errorloc: ignored(), errorloc302: ignored(), errorloc303: ignored(),
  errorfiles: ignored(), 'http-error': ignored(), backlog: ignored(), 'email-alert': ignored(), 'bind-process': ignored(),
  'max-keep-alive-queue': ignored(), 'server-state-file-name': ignored(), 'load-server-state-from-file': ignored(),
  'hash-balance-factor': ignored(), 'rate-limit': ignored(), 'http-send-name-header': ignored(), filter: ignored(),
  declare: ignored(), 'max-session-srv-conns': ignored(), 'retry-on': ignored(), 'stick-table': ignored(), 'force-persist': ignored(),
  'ignore-persist': ignored(), 'dynamic-cookie-key': ignored(),
  // keywords whose effect hapair cannot give (routing/forwarding would silently differ): refused
  redirect: refused('is not supported by hapair'), 'use-server': refused('is not supported by hapair'),
  dispatch: refused('is not supported by hapair'), transparent: refused('is not supported by hapair'),
  source: refused('is not supported by hapair'), 'server-template': refused('is not supported by hapair'),
  stick: refused('is not supported by hapair'), persist: refused("('persist rdp-cookie') is not supported by hapair"),
};

function legacyRedispatch(d: ProxyDraft, ctx: StmtCtx): void {
  ctx.warn('legacy-keyword', `keyword '${ctx.args[0]}' was removed in HAProxy 2.1 (haproxy 2.6 rejects it); hapair maps it to 'option redispatch'`,
    "replace it with 'option redispatch'");
  d.redispatch = { interval: -1 };
}

/** Dispatches one statement of a proxy or defaults section. */
export function parseProxyKeyword(d: ProxyDraft, ctx: StmtCtx, st: SectionState): void {
  const name = ctx.args[0]!;
  const spec = PROXY_KEYWORDS[name];
  if (!spec) {
    ctx.error('unknown-keyword', `unknown keyword '${name}' in '${d.kind}' section`);
    return;
  }
  if (ctx.modifier !== 'std' && name !== 'option' && name !== 'log') {
    ctx.error('bad-modifier', 'negation/default currently supported only for options, log, busy-polling, set-dumpable, strict-limits, insecure-fork-wanted and numa-cpu-mapping.');
    return;
  }
  if (d.kind === 'defaults' && !spec.inDefaults) {
    ctx.error('misplaced-keyword', `'${name}' not allowed in 'defaults' section.`);
    return;
  }
  const capOk = spec.cap === 'ANY' || (spec.cap === 'FE' ? hasFrontendCap(d.kind) : hasBackendCap(d.kind));
  if (!capOk) {
    const capName = spec.cap === 'FE' ? 'frontend' : 'backend';
    if (spec.misplaced === 'error') ctx.error('misplaced-keyword', `'${name}' not allowed because ${d.kind} '${d.name}' has no ${capName} capability.`);
    else ctx.warn('keyword-ignored', `'${name}' ignored because ${d.kind} '${d.name}' has no ${capName} capability.`);
    return;
  }
  spec.run(d, ctx, st);
}
