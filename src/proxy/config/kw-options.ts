// `option <name>` keywords (src/cfgparse-listen.c + proxy.c cfg_opts): a table of what each option needs
// (capability, `no` support) and does. Legacy options haproxy 2.6 rejects are accepted with a warning.
import type { StmtCtx } from './ctx.js';
import { hasBackendCap, hasFrontendCap, type ProxyDraft } from './draft.js';
import { parseHttpchkArgs } from './kw-checks.js';
import { parseIntArg } from './units.js';
import { parseNetwork } from '../acl/net.js';

type Cap = 'FE' | 'BE' | 'ANY';

interface OptionSpec {
  readonly cap: Cap;
  /** `no option X` / `default option X` accepted (haproxy: the cfg_opts tables, HTTP modes, redispatch). */
  readonly negatable: boolean;
  /** `default option X` accepted too (not for the HTTP connection modes, where haproxy only takes `no`). */
  readonly defaultable?: boolean;
  /** Max arguments after the option name (-1 = the handler checks). */
  readonly maxArgs: number;
  readonly run: (d: ProxyDraft, ctx: StmtCtx, on: boolean) => void;
}

const bool = (key: 'dontlognull' | 'allbackups' | 'persist' | 'abortonclose', cap: Cap): OptionSpec => ({
  cap, negatable: true, maxArgs: 0, run: (d, _c, on) => void (d[key] = on),
});

/** HTTP connection modes: setting one replaces the others; `no option X` only clears X if it is current. */
const connMode = (mode: ProxyDraft['httpConnMode']): OptionSpec => ({
  cap: 'ANY', negatable: true, defaultable: false, maxArgs: 0,
  run: (d, _c, on) => {
    if (on) d.httpConnMode = mode;
    else if (d.httpConnMode === mode) d.httpConnMode = 'keep-alive';
  },
});

/** Options that are valid haproxy but change nothing hapair does (or are not provided): warning only. */
const IGNORED_OPTIONS = new Set([
  'checkcache', 'clitcpka', 'contstats', 'http-buffer-request', 'http-ignore-probes', 'idle-close-on-response',
  'prefer-last-server', 'logasap', 'nolinger', 'srvtcpka', 'tcpka', 'splice-request', 'splice-response', 'splice-auto',
  'accept-invalid-http-request', 'accept-invalid-http-response', 'dontlog-normal', 'log-separate-errors',
  'log-health-checks', 'socket-stats', 'tcp-smart-accept', 'tcp-smart-connect', 'independent-streams',
  'http-use-proxy-header', 'http-pretend-keepalive', 'http-no-delay', 'h1-case-adjust-bogus-client',
  'h1-case-adjust-bogus-server', 'disable-h2-upgrade', 'originalto', 'httpslog', 'http-restrict-req-hdr-names',
]);

/** haproxy's protocol-specific checks hapair does not implement: an error (the servers would never be checked as asked). */
const REFUSED_OPTIONS = new Set(['ssl-hello-chk', 'smtpchk', 'pgsql-check', 'redis-check', 'mysql-check', 'ldap-check', 'spop-check', 'transparent']);

const OPTIONS: Readonly<Record<string, OptionSpec>> = {
  dontlognull: bool('dontlognull', 'FE'),
  allbackups: bool('allbackups', 'BE'),
  persist: bool('persist', 'BE'),
  abortonclose: bool('abortonclose', 'BE'),
  'http-keep-alive': connMode('keep-alive'),
  'http-server-close': connMode('server-close'),
  httpclose: connMode('close'),
  httplog: {
    cap: 'ANY', negatable: false, maxArgs: 1,
    run: (d, ctx) => {
      if (ctx.args[2] !== undefined && ctx.args[2] !== 'clf') {
        ctx.error('bad-option', "keyword 'httplog' only supports option 'clf'");
        return;
      }
      if (!hasFrontendCap(d.kind)) {
        ctx.warn('option-ignored', `backend '${d.name}' : 'option httplog' directive is ignored in backends.`);
        return;
      }
      d.httplog = true;
      d.tcplog = false; // both set the log format: the last one wins
    },
  },
  tcplog: {
    cap: 'ANY', negatable: false, maxArgs: 0,
    run: (d, ctx) => {
      if (!hasFrontendCap(d.kind)) {
        ctx.warn('option-ignored', `backend '${d.name}' : 'option tcplog' directive is ignored in backends.`);
        return;
      }
      d.tcplog = true;
      d.httplog = false;
    },
  },
  redispatch: {
    cap: 'BE', negatable: true, maxArgs: 1,
    run: (d, ctx, on) => {
      if (!on) {
        delete d.redispatch;
        return;
      }
      const n = ctx.args[2];
      if (n === undefined) d.redispatch = { interval: -1 };
      else {
        const r = parseIntArg(n, -0x7fffffff, 0x7fffffff);
        if (!r.ok) ctx.error('bad-option', `'option redispatch' ${r.message}`);
        else if (r.value === 0) delete d.redispatch; // `option redispatch 0` disables it (haproxy.md §4.4)
        else d.redispatch = { interval: r.value };
      }
    },
  },
  forwardfor: {
    cap: 'ANY', negatable: false, maxArgs: -1,
    run: (d, ctx) => {
      const a = ctx.args;
      let header = 'X-Forwarded-For';
      let except: { network: string; prefix: number } | undefined;
      let ifNone = false;
      for (let i = 2; i < a.length; i++) {
        if (a[i] === 'except') {
          const net = parseNet(a[i + 1]);
          if (!net) {
            ctx.error('bad-option', `'option forwardfor except' expects <address>[/mask] as argument`);
            return;
          }
          except = net;
          i++;
        } else if (a[i] === 'header') {
          if (!a[i + 1]) {
            ctx.error('bad-option', "'option forwardfor header' expects <header_name> as argument");
            return;
          }
          header = a[++i]!;
        } else if (a[i] === 'if-none') ifNone = true;
        else {
          ctx.error('bad-option', "'option forwardfor' only supports optional values: 'except', 'header' and 'if-none'");
          return;
        }
      }
      d.forwardfor = { header, ifNone, where: ctx.where, ...(except ? { except } : {}) };
    },
  },
  httpchk: {
    cap: 'BE', negatable: false, maxArgs: -1,
    run: (d, ctx) => {
      const req = parseHttpchkArgs(ctx, ctx.args.slice(2));
      if (!req) return;
      d.check.type = 'http';
      d.check.where = ctx.where;
      d.check.httpchk = req;
    },
  },
  'tcp-check': {
    cap: 'BE', negatable: false, maxArgs: 0,
    run: (d, ctx) => {
      d.check.type = 'tcp-check';
      d.check.where = ctx.where;
    },
  },
  'external-check': {
    cap: 'BE', negatable: false, maxArgs: 0,
    run: (d, ctx) => {
      d.check.type = 'external';
      d.check.where = ctx.where;
    },
  },
  // ---- legacy options rejected by haproxy 2.6: accepted, with a warning naming what they map to ----
  forceclose: {
    cap: 'ANY', negatable: true, maxArgs: 0,
    run: (d, ctx, on) => {
      ctx.warn('legacy-keyword', "'option forceclose' was removed in HAProxy 2.0 (haproxy 2.6 rejects it); hapair maps it to 'option httpclose'",
        "replace it with 'option httpclose'");
      OPTIONS.httpclose!.run(d, ctx, on);
    },
  },
  'http-tunnel': {
    cap: 'ANY', negatable: true, maxArgs: 0,
    run: (d, ctx, on) => {
      ctx.warn('legacy-keyword', "'option http-tunnel' was removed in HAProxy 2.1 (haproxy 2.6 rejects it); hapair keeps its 1.x meaning: only the first request/response of a connection is analysed, the rest is tunnelled",
        'remove it (WebSocket/CONNECT are tunnelled automatically)');
      d.httpTunnel = on;
    },
  },
};

/**
 * `except <net>`: validated by the parser the data plane matches with (acl/net.ts parseNetwork), so a network the
 * config accepts is one the proxy can use; the address is kept as written, the mask as a prefix length, or as the
 * dotted mask when it is not contiguous (haproxy str2net accepts any dotted IPv4 mask here).
 */
function parseNet(text: string | undefined): { network: string; prefix: number; mask?: string } | undefined {
  const parsed = text ? parseNetwork(text) : undefined;
  if (!text || !parsed) return undefined;
  const slash = text.indexOf('/');
  const network = slash < 0 ? text : text.slice(0, slash);
  return parsed.prefix < 0 ? { network, prefix: -1, mask: text.slice(slash + 1) } : { network, prefix: parsed.prefix };
}

export function parseOption(d: ProxyDraft, ctx: StmtCtx): void {
  const name = ctx.args[1];
  const on = ctx.modifier !== 'no';
  if (name === undefined) {
    ctx.error('bad-option', "'option' expects an option name.");
    return;
  }
  const spec = OPTIONS[name];
  if (!spec) {
    if (IGNORED_OPTIONS.has(name)) {
      ctx.warn('ignored-option', `option '${name}' is not supported by hapair and is ignored`);
      return;
    }
    if (REFUSED_OPTIONS.has(name)) {
      ctx.error('unsupported-option', `option '${name}' is not supported by hapair`);
      return;
    }
    ctx.error('unknown-option', `unknown option '${name}'.`);
    return;
  }
  if ((ctx.modifier !== 'std' && !spec.negatable) || (ctx.modifier === 'default' && spec.defaultable === false)) {
    ctx.error('bad-modifier', `negation/default is not supported for option '${name}'.`);
    return;
  }
  if (spec.maxArgs >= 0 && ctx.tooMany(spec.maxArgs, 2)) return;
  const capOk = spec.cap === 'ANY' || (spec.cap === 'FE' ? hasFrontendCap(d.kind) : hasBackendCap(d.kind));
  if (!capOk) {
    ctx.warn('keyword-ignored', `'${name}' ignored because ${d.kind} '${d.name}' has no ${spec.cap === 'FE' ? 'frontend' : 'backend'} capability.`);
    return;
  }
  // `no option X` and `default option X` both end with X off (haproxy's KWM_NO / KWM_DEF).
  spec.run(d, ctx, on && ctx.modifier === 'std');
}
