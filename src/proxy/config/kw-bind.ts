// `bind <addr>[,<addr>...] [params]` (haproxy.md §1.4; doc §5.1): several comma-separated addresses, `*:port`,
// `:port`, `[::]:port`/`:::port`, port ranges (expanded into one listener per port), maxconn/name/v4v6/v6only.
import type { BindConfig } from '../types.js';
import { parseAddress } from './addr.js';
import type { StmtCtx } from './ctx.js';
import { parseIntArg } from './units.js';

/** Ranges are expanded into listeners; a bound keeps a typo like `1-65535` from opening 65k sockets. */
const MAX_RANGE_PORTS = 1024;

/** Bind parameters of haproxy that do not change what hapair does: accepted with a warning (value words). */
const IGNORED_BIND_PARAMS: Readonly<Record<string, 0 | 1>> = {
  backlog: 1, id: 1, interface: 1, mode: 1, uid: 1, gid: 1, user: 1, group: 1, mss: 1, nice: 1, process: 1,
  thread: 1, 'tcp-ut': 1, namespace: 1, 'defer-accept': 0, transparent: 0, tfo: 0, 'expose-fd': 1,
  'severity-output': 1, level: 1, 'accept-netscaler-cip': 1, 'idle-ping': 1, label: 1, 'shards': 1,
};

/** Bind parameters whose protocol effect hapair lacks: an error rather than a listener speaking the wrong protocol. */
const REFUSED_BIND_PARAMS = new Set([
  'ssl', 'crt', 'crt-list', 'ca-file', 'verify', 'alpn', 'npn', 'accept-proxy', 'proto', 'quic-cc-algo',
  'allow-0rtt', 'strict-sni', 'ciphers', 'ciphersuites', 'curves', 'ecdhe', 'ssl-min-ver', 'ssl-max-ver',
]);

/** Parses one `bind` statement; returns the listeners it declares (empty after an error). */
export function parseBind(ctx: StmtCtx, addrsText: string, paramsFrom: number): BindConfig[] {
  const args = ctx.args;
  let maxconn: number | undefined;
  let name: string | undefined;
  let v6only = false;
  let v4v6 = false;
  for (let i = paramsFrom; i < args.length; i++) {
    const kw = args[i]!;
    const v = args[i + 1];
    if (kw === 'maxconn' || kw === 'name') {
      if (v === undefined) {
        ctx.error('bad-bind-param', `'bind ${addrsText}' : '${kw}' : missing value`);
        return [];
      }
      if (kw === 'maxconn') {
        const r = parseIntArg(v, 0, 0x7fffffff);
        if (!r.ok) {
          ctx.error('bad-bind-param', `'bind ${addrsText}' : 'maxconn' : ${r.message}`);
          return [];
        }
        maxconn = r.value;
      } else name = v;
      i++;
    } else if (kw === 'v6only') v6only = true;
    else if (kw === 'v4v6') v4v6 = true;
    else if (kw in IGNORED_BIND_PARAMS) {
      ctx.warn('ignored-bind-param', `'bind ${addrsText}' : '${kw}' is not supported by hapair and is ignored`);
      i += IGNORED_BIND_PARAMS[kw]!;
    } else if (REFUSED_BIND_PARAMS.has(kw)) {
      ctx.error('unsupported-bind-param', `'bind ${addrsText}' : '${kw}' is not supported by hapair`);
      return [];
    } else {
      ctx.warn('unknown-bind-param', `'bind ${addrsText}' : unknown keyword '${kw}', ignored`);
    }
  }
  const out: BindConfig[] = [];
  for (const one of addrsText.split(',')) {
    const r = parseAddress(one, { allowRange: true });
    if (!r.ok) {
      ctx.error('bad-bind-address', `'bind' : ${r.message} in '${one}'`);
      return [];
    }
    const a = r.addr;
    if (a.port === undefined || a.port === 0) {
      ctx.error('bad-bind-address', `'bind' : missing port number: '${one}'`);
      return [];
    }
    const last = a.portEnd ?? a.port;
    if (last - a.port + 1 > MAX_RANGE_PORTS) {
      ctx.error('bad-bind-address', `'bind' : port range '${a.port}-${last}' is larger than ${MAX_RANGE_PORTS} ports`);
      return [];
    }
    const ipv6 = a.family === 'ipv6';
    for (let p = a.port; p <= last; p++) {
      out.push({
        host: a.host, port: p, v4v6: ipv6 && (v4v6 || !v6only), where: ctx.where,
        ...(maxconn !== undefined ? { maxconn } : {}),
        ...(name !== undefined ? { name } : {}),
      });
    }
  }
  return out;
}
