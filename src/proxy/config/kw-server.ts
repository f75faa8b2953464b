// `server <name> <addr>[:port] [params]` and `default-server [params]` (haproxy.md §1.5, §2, §3; doc §5.2).
import { parseAddress } from './addr.js';
import { invalidNameChar } from './acl.js';
import type { StmtCtx } from './ctx.js';
import type { ProxyDraft, ServerDefaults, ServerDraft } from './draft.js';
import { parseIntArg, parseTime } from './units.js';

type Target = ServerDefaults & { explicitId?: number };

interface ParamSpec {
  /** Number of value words after the keyword. */
  readonly arity: 0 | 1;
  readonly defaultServer: boolean; // accepted on `default-server` lines
  readonly apply?: (t: Target, v: string, ctx: StmtCtx, name: string) => string | undefined; // returns an error
}

const time = (key: 'inter' | 'fastinter' | 'downinter' | 'agentInter' | 'slowstart', kw: string) =>
  (t: Target, v: string, _ctx: StmtCtx, name: string): string | undefined => {
    const r = parseTime(v, 'ms');
    if (!r.ok) return `'${kw}' : ${r.message} in argument '${v}'`;
    if (r.value === 0 && key !== 'slowstart') return `invalid value ${v} for argument '${kw}' of server ${name}.`;
    // haproxy keeps slowstart in whole seconds, rounded up (srv_parse_slowstart; haproxy.md §4.2).
    t[key] = key === 'slowstart' ? Math.ceil(r.value / 1000) * 1000 : r.value;
    return undefined;
  };

const int = (key: 'rise' | 'fall' | 'weight' | 'maxconn' | 'minconn' | 'maxqueue' | 'errorLimit', kw: string, min: number, max: number) =>
  (t: Target, v: string, _ctx: StmtCtx, name: string): string | undefined => {
    const r = parseIntArg(v, -0x7fffffff, 0x7fffffff);
    if (!r.ok) return `'${kw}' ${r.message}`;
    if (r.value < min || r.value > max) {
      if (key === 'weight') return `weight of server ${name} is not within 0 and 256 (${v}).`;
      if (min === 1) return `'${kw}' has to be > 0.`;
      return `'${kw}' value ${v} out of range [${min}..${max}]`;
    }
    t[key] = r.value;
    return undefined;
  };

const port = (key: 'checkPort' | 'agentPort', kw: string) => (t: Target, v: string): string | undefined => {
  const r = parseIntArg(v, 1, 65535);
  if (!r.ok) return `'${kw}' expects a valid port number (1-65535), got '${v}'`;
  t[key] = r.value;
  return undefined;
};

const address = (key: 'checkAddr' | 'agentAddr', kw: string) => (t: Target, v: string, ctx: StmtCtx): string | undefined => {
  const r = parseAddress(v);
  if (!r.ok) return `'${kw}' : ${r.message}`;
  // haproxy keeps a port written here inside the sockaddr; checks take their port from `port`/`agent-port`.
  if (r.addr.port !== undefined) ctx.warn('ignored-server-param', `'${kw} ${v}' : the port part is ignored by hapair, use '${key === 'checkAddr' ? 'port' : 'agent-port'}'`);
  t[key] = r.addr.host;
  return undefined;
};

const enumOf = <K extends keyof Target>(key: K, kw: string, values: Record<string, Target[K] | null>) =>
  (t: Target, v: string): string | undefined => {
    if (!(v in values)) return `'${kw}' expects ${Object.keys(values).map((x) => `'${x}'`).join(', ')} but got '${v}'`;
    const val = values[v];
    if (val === null) delete t[key];
    else t[key] = val as Target[K];
    return undefined;
  };

const flag = (key: 'check' | 'agentCheck' | 'backup' | 'disabled', value: boolean): ParamSpec['apply'] => (t) => {
  t[key] = value;
  return undefined;
};

/** Server parameters hapair implements. */
const PARAMS: Readonly<Record<string, ParamSpec>> = {
  check: { arity: 0, defaultServer: true, apply: flag('check', true) },
  'no-check': { arity: 0, defaultServer: true, apply: flag('check', false) },
  'agent-check': { arity: 0, defaultServer: true, apply: flag('agentCheck', true) },
  'no-agent-check': { arity: 0, defaultServer: true, apply: flag('agentCheck', false) },
  backup: { arity: 0, defaultServer: true, apply: flag('backup', true) },
  'no-backup': { arity: 0, defaultServer: true, apply: flag('backup', false) },
  disabled: { arity: 0, defaultServer: true, apply: flag('disabled', true) },
  enabled: { arity: 0, defaultServer: true, apply: flag('disabled', false) },
  inter: { arity: 1, defaultServer: true, apply: time('inter', 'inter') },
  fastinter: { arity: 1, defaultServer: true, apply: time('fastinter', 'fastinter') },
  downinter: { arity: 1, defaultServer: true, apply: time('downinter', 'downinter') },
  'agent-inter': { arity: 1, defaultServer: true, apply: time('agentInter', 'agent-inter') },
  slowstart: { arity: 1, defaultServer: true, apply: time('slowstart', 'slowstart') },
  rise: { arity: 1, defaultServer: true, apply: int('rise', 'rise', 1, 0x7fffffff) },
  fall: { arity: 1, defaultServer: true, apply: int('fall', 'fall', 1, 0x7fffffff) },
  weight: { arity: 1, defaultServer: true, apply: int('weight', 'weight', 0, 256) },
  maxconn: { arity: 1, defaultServer: true, apply: int('maxconn', 'maxconn', 0, 0x7fffffff) },
  minconn: { arity: 1, defaultServer: true, apply: int('minconn', 'minconn', 0, 0x7fffffff) },
  maxqueue: { arity: 1, defaultServer: true, apply: int('maxqueue', 'maxqueue', 0, 0x7fffffff) },
  'error-limit': { arity: 1, defaultServer: true, apply: int('errorLimit', 'error-limit', 1, 0x7fffffff) },
  port: { arity: 1, defaultServer: true, apply: port('checkPort', 'port') },
  'agent-port': { arity: 1, defaultServer: true, apply: port('agentPort', 'agent-port') },
  addr: { arity: 1, defaultServer: true, apply: address('checkAddr', 'addr') },
  'agent-addr': { arity: 1, defaultServer: true, apply: address('agentAddr', 'agent-addr') },
  'agent-send': { arity: 1, defaultServer: true, apply: (t, v) => ((t.agentSend = v), undefined) },
  cookie: { arity: 1, defaultServer: true, apply: (t, v) => ((t.cookie = v), undefined) },
  'on-marked-down': { arity: 1, defaultServer: true, apply: enumOf('onMarkedDown', 'on-marked-down', { 'shutdown-sessions': 'shutdown-sessions' }) },
  'on-marked-up': { arity: 1, defaultServer: true, apply: enumOf('onMarkedUp', 'on-marked-up', { 'shutdown-backup-sessions': 'shutdown-backup-sessions' }) },
  observe: { arity: 1, defaultServer: true, apply: enumOf('observe', 'observe', { none: null, layer4: 'layer4', layer7: 'layer7' }) },
  'on-error': {
    arity: 1, defaultServer: true,
    apply: enumOf('onError', 'on-error', { fastinter: 'fastinter', 'fail-check': 'fail-check', 'sudden-death': 'sudden-death', 'mark-down': 'mark-down' }),
  },
  id: {
    arity: 1, defaultServer: false,
    apply: (t, v) => {
      const r = parseIntArg(v, -0x7fffffff, 0x7fffffff);
      if (!r.ok) return `'id' ${r.message}`;
      if (r.value <= 0) return "'id' : custom id has to be > 0.";
      t.explicitId = r.value;
      return undefined;
    },
  },
};

/** Real haproxy server keywords that do not change what hapair does: accepted with a warning. */
const IGNORED: Readonly<Record<string, 0 | 1>> = {
  'init-addr': 1, resolvers: 1, 'resolve-prefer': 1, 'resolve-net': 1, 'resolve-opts': 1, 'pool-max-conn': 1,
  'pool-purge-delay': 1, 'pool-low-conn': 1, 'max-reuse': 1, tfo: 0, namespace: 1, 'log-proto': 1, 'check-sni': 1,
  'check-alpn': 1, 'check-proto': 1, 'check-send-proxy': 0, 'no-tfo': 0, 'no-send-proxy': 0, 'no-ssl': 0, 'no-check-ssl': 0,
  'non-stick': 0, stick: 0, 'tcp-ut': 1, 'ws': 1, 'no-verifyhost': 0,
};

/** Keywords whose effect hapair cannot provide: refusing beats silently proxying differently. */
const REFUSED = new Set([
  'ssl', 'check-ssl', 'crt', 'ca-file', 'verify', 'verifyhost', 'sni', 'alpn', 'npn', 'send-proxy', 'send-proxy-v2',
  'send-proxy-v2-ssl', 'send-proxy-v2-ssl-cn', 'proxy-v2-options', 'track', 'redir', 'source', 'usesrc', 'proto',
  'socks4', 'check-via-socks4', 'allow-0rtt', 'ciphers', 'ciphersuites', 'crl-file', 'force-sslv3', 'force-tlsv10',
  'force-tlsv11', 'force-tlsv12', 'force-tlsv13', 'ssl-min-ver', 'ssl-max-ver', 'ssl-reuse', 'no-ssl-reuse', 'sni',
]);

/** Applies `[params]` from args[from] onto `t`. Returns false after reporting an error. */
function applyParams(t: Target, args: readonly string[], from: number, ctx: StmtCtx, name: string, isDefault: boolean, proxyName: string): boolean {
  const label = isDefault ? 'default-server' : `server ${proxyName}/${name}`;
  for (let i = from; i < args.length; i++) {
    const kw = args[i]!;
    const spec = PARAMS[kw];
    if (spec) {
      if (isDefault && !spec.defaultServer) {
        ctx.error('bad-server-param', `'${kw}' option is not accepted in default-server sections`);
        return false;
      }
      const v = args[i + 1];
      if (spec.arity === 1 && (v === undefined || v === '')) {
        ctx.error('bad-server-param', `'${label}' : '${kw}' expects an argument.`);
        return false;
      }
      const err = spec.apply?.(t, v ?? '', ctx, name);
      if (err) {
        ctx.error('bad-server-param', `'${label}' : ${err}`);
        return false;
      }
      i += spec.arity;
    } else if (kw in IGNORED) {
      ctx.warn('ignored-server-param', `'${label}' : '${kw}' is not supported by hapair and is ignored`);
      i += IGNORED[kw]!;
    } else if (REFUSED.has(kw)) {
      ctx.error('unsupported-server-param', `'${label}' : '${kw}' is not supported by hapair (traffic would not be handled as configured)`);
      return false;
    } else {
      ctx.error('unknown-server-param', `'${label}' : unknown keyword '${kw}'`);
      return false;
    }
  }
  return true;
}

export function parseDefaultServer(d: ProxyDraft, ctx: StmtCtx): void {
  const t: Target = { ...d.serverDefaults };
  if (applyParams(t, ctx.args, 1, ctx, '', true, d.name)) d.serverDefaults = t;
}

export function parseServer(d: ProxyDraft, ctx: StmtCtx): void {
  const args = ctx.args;
  const name = args[1];
  if (name === undefined || args[2] === undefined) {
    ctx.error('bad-server', `'${args[0]}' expects <name> and <addr>[:<port>] as arguments.`);
    return;
  }
  const bad = invalidNameChar(name);
  if (bad) {
    ctx.error('bad-server', `character '${bad}' is not permitted in server name '${name}'`);
    return;
  }
  const prev = d.servers.find((s) => s.name === name);
  if (prev) {
    ctx.error('duplicate-server', `${d.kind} '${d.name}', another server named '${name}' was already defined at line ${prev.where.line}, please use distinct names.`);
    return;
  }
  const a = parseAddress(args[2], { allowOffset: true, allowUnix: true });
  if (!a.ok) {
    ctx.error('bad-server-address', `'server ${d.name}/${name}' : ${a.message}.`);
    return;
  }
  const t: Target = { ...d.serverDefaults };
  delete t.explicitId;
  if (!applyParams(t, args, 3, ctx, name, false, d.name)) return;
  const addr = a.addr;
  if (t.agentCheck && t.agentPort === undefined) {
    // haproxy 2.6: "server s does not have agent port. Agent check has been disabled." (fatal) [lab]
    ctx.error('agent-without-port', `'server ${d.name}/${name}' : server ${name} does not have agent port. Agent check has been disabled.`);
    return;
  }
  const s: ServerDraft = {
    name,
    address: addr.host,
    ...(addr.unixPath !== undefined ? { unixPath: addr.unixPath } : {}),
    ...(addr.port !== undefined && addr.port !== 0 ? { port: addr.port } : {}),
    ...(addr.portOffset !== undefined ? { portOffset: addr.portOffset } : {}),
    weight: t.weight, backup: t.backup, disabled: t.disabled, maxconn: t.maxconn, minconn: t.minconn, maxqueue: t.maxqueue,
    check: t.check, inter: t.inter, rise: t.rise, fall: t.fall, agentCheck: t.agentCheck, agentInter: t.agentInter,
    errorLimit: t.errorLimit, onError: t.onError, where: ctx.where,
    ...pick(t, ['fastinter', 'downinter', 'checkPort', 'checkAddr', 'agentPort', 'agentAddr', 'agentSend', 'cookie', 'slowstart', 'onMarkedDown', 'onMarkedUp', 'observe', 'explicitId']),
  };
  d.servers.push(s);
}

function pick<T extends object, K extends keyof T>(o: T, keys: readonly K[]): Partial<Pick<T, K>> {
  const out: Partial<Pick<T, K>> = {};
  for (const k of keys) if (o[k] !== undefined) out[k] = o[k];
  return out;
}
