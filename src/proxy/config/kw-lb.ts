// `balance`, `hash-type` and `cookie` (haproxy.md §5; src/backend.c backend_parse_balance, cfgparse-listen.c).
import type { BalanceAlgo, CookieConfig } from '../types.js';
import type { StmtCtx } from './ctx.js';
import type { ProxyDraft } from './draft.js';
import { parseTime } from './units.js';

const positive = (v: string | undefined): number | undefined => (v !== undefined && /^\d+$/.test(v) && Number(v) > 0 ? Number(v) : undefined);

/** One parser per algorithm name; each returns the algorithm or an error text. */
const ALGOS: Readonly<Record<string, (args: readonly string[]) => BalanceAlgo | string>> = {
  roundrobin: () => ({ kind: 'roundrobin' }),
  'static-rr': () => ({ kind: 'static-rr' }),
  leastconn: () => ({ kind: 'leastconn' }),
  first: () => ({ kind: 'first' }),
  source: () => ({ kind: 'source' }),
  uri: (a) => {
    let whole = false;
    let pathOnly = false;
    let len: number | undefined;
    let depth: number | undefined;
    for (let i = 1; i < a.length; i++) {
      const w = a[i]!;
      if (w === 'len' || w === 'depth') {
        const n = positive(a[i + 1]);
        if (n === undefined) return `uri : '${w}' expects a positive integer (got '${a[i + 1] ?? ''}').`;
        if (w === 'len') len = n;
        else depth = n;
        i++;
      } else if (w === 'whole') whole = true;
      else if (w === 'path-only') pathOnly = true;
      else return `uri only accepts parameters 'len', 'depth', 'path-only', and 'whole' (got '${w}').`;
    }
    return { kind: 'uri', whole, pathOnly, ...(len !== undefined ? { len } : {}), ...(depth !== undefined ? { depth } : {}) };
  },
  url_param: (a) => {
    if (a[1] === undefined) return 'url_param requires an URL parameter name.';
    if (a[2] !== undefined && a[2] !== 'check_post') return `url_param only accepts 'check_post' modifier (got '${a[2]}').`;
    if (a[2] === 'check_post') return "url_param 'check_post' is not supported by hapair.";
    return { kind: 'url_param', param: a[1] };
  },
};

export function parseBalance(d: ProxyDraft, ctx: StmtCtx): void {
  const a = ctx.args.slice(1);
  const name = a[0];
  let algo: BalanceAlgo | string;
  if (name === undefined) algo = { kind: 'roundrobin' };
  else if (ALGOS[name]) algo = ALGOS[name](a);
  else if (name.startsWith('random')) {
    const m = /^random(?:\((\d+)\))?$/.exec(name);
    if (!m) algo = `random : ${name.includes('(') && !name.endsWith(')') ? 'missing closing parenthesis.' : `unexpected argument '${name}'.`}`;
    else if (m[1] !== undefined && Number(m[1]) < 1) algo = 'random : number of draws must be at least 1.';
    else algo = { kind: 'random', draws: m[1] !== undefined ? Number(m[1]) : 2 };
  } else if (name.startsWith('hdr(')) {
    const m = /^hdr\(([^)]+)\)$/.exec(name);
    if (!m) algo = 'hdr requires an http header field name.';
    else if (a[1] !== undefined && a[1] !== 'use_domain_only') algo = `hdr only accepts 'use_domain_only' modifier (got '${a[1]}').`;
    else algo = { kind: 'hdr', header: m[1]!, useDomainOnly: a[1] === 'use_domain_only' };
  } else if (name === 'hash' || name.startsWith('rdp-cookie')) {
    algo = `'${name}' is not supported by hapair.`;
  } else {
    algo = `only supports 'roundrobin', 'static-rr', 'leastconn', 'source', 'uri', 'url_param', 'hash', 'hdr(name)', 'rdp-cookie(name)', 'first' and 'random' options.`;
  }
  if (typeof algo === 'string') ctx.error('bad-balance', `balance ${algo}`);
  else d.balance = algo;
}

const HASH_FNS = ['sdbm', 'djb2', 'wt6', 'crc32'] as const;

/** `hash-type map-based|consistent [sdbm|djb2|wt6|crc32 [avalanche]]`; consistent alone = sdbm + avalanche. */
export function parseHashType(d: ProxyDraft, ctx: StmtCtx): void {
  const [, method, fn, mod] = ctx.args;
  if (method === 'avalanche') {
    ctx.error('bad-hash-type', "experimental feature 'hash-type avalanche' is not supported anymore, please use 'hash-type map-based sdbm avalanche' instead.");
    return;
  }
  if (method !== 'consistent' && method !== 'map-based') {
    ctx.error('bad-hash-type', "'hash-type' only supports 'consistent' and 'map-based'.");
    return;
  }
  if (fn === undefined) {
    d.hashType = { method, fn: 'sdbm', avalanche: method === 'consistent' };
    d.hashTypeExplicitFn = false;
    return;
  }
  if (!(HASH_FNS as readonly string[]).includes(fn)) {
    ctx.error('bad-hash-type', "'hash-type' only supports 'sdbm', 'djb2', 'crc32', or 'wt6' hash functions.");
    return;
  }
  if (mod !== undefined && mod !== 'avalanche') {
    ctx.error('bad-hash-type', "'hash-type' only supports 'avalanche' as a modifier for hash functions.");
    return;
  }
  d.hashType = { method, fn: fn as (typeof HASH_FNS)[number], avalanche: mod === 'avalanche' };
  d.hashTypeExplicitFn = true;
}

/** `cookie <name> [rewrite|insert|prefix] [indirect] [nocache] [postonly] [preserve] [httponly] [secure] [domain d]* [maxidle t] [maxlife t]`. */
export function parseCookie(d: ProxyDraft, ctx: StmtCtx): void {
  const a = ctx.args;
  const name = a[1];
  if (name === undefined) {
    ctx.error('bad-cookie', "'cookie' expects <cookie_name> as argument.");
    return;
  }
  const c: { -readonly [K in keyof CookieConfig]: CookieConfig[K] } = {
    name, mode: 'rewrite', indirect: false, nocache: false, postonly: false, preserve: false, httponly: false,
    secure: false, domains: [], where: ctx.where,
  };
  let modeSet = 0;
  const domains: string[] = [];
  for (let i = 2; i < a.length; i++) {
    const w = a[i]!;
    const v = a[i + 1];
    if (w === 'rewrite' || w === 'insert' || w === 'prefix') {
      c.mode = w;
      modeSet++;
    } else if (w === 'indirect') c.indirect = true;
    else if (w === 'nocache') c.nocache = true;
    else if (w === 'postonly') c.postonly = true;
    else if (w === 'preserve') c.preserve = true;
    else if (w === 'httponly') c.httponly = true;
    else if (w === 'secure') c.secure = true;
    else if (w === 'domain') {
      if (v === undefined) {
        ctx.error('bad-cookie', "'cookie domain' expects <domain> as argument.");
        return;
      }
      if (!v.startsWith('.')) ctx.warn('cookie-domain', `cookie domain '${v}' should begin with a dot (RFC 2109), haproxy only warns about it`);
      domains.push(v);
      i++;
    } else if (w === 'maxidle' || w === 'maxlife') {
      const r = parseTime(v ?? '', 's');
      if (!r.ok) {
        ctx.error('bad-cookie', `'cookie ${w}' : ${r.message} in argument '${v ?? ''}'`);
        return;
      }
      if (w === 'maxidle') c.maxidle = r.value * 1000;
      else c.maxlife = r.value * 1000;
      i++;
    } else if (w === 'dynamic' || w === 'attr') {
      ctx.error('bad-cookie', `'cookie ${w}' is not supported by hapair`);
      return;
    } else {
      ctx.error('bad-cookie', "'cookie' supports 'rewrite', 'insert', 'prefix', 'indirect', 'nocache', 'postonly', 'domain', 'maxidle', 'dynamic', 'maxlife' and 'attr' options.");
      return;
    }
  }
  if (modeSet > 1) {
    ctx.error('bad-cookie', "cookie 'rewrite', 'insert' and 'prefix' modes are incompatible.");
    return;
  }
  if (c.mode === 'rewrite' && modeSet === 1 && c.indirect) {
    ctx.error('bad-cookie', "cookie 'rewrite' and 'indirect' modes are incompatible.");
    return;
  }
  if (c.preserve && !(c.mode === 'insert' && modeSet === 1) && !c.indirect) {
    ctx.error('bad-cookie', "cookie 'preserve' requires at least 'insert' or 'indirect'.");
    return;
  }
  // No mode word: haproxy only reads the cookie the application sets itself (no insert/rewrite/prefix).
  if (modeSet === 0) c.passive = true;
  c.domains = domains;
  d.cookie = c;
}
