// `global` section keywords (doc §3; haproxy.md §1.4, §2.5, §8): a table name -> handler; process-tuning
// keywords hapair has no use for are accepted with a warning, removed ones are errors like in 2.6.
import type { GlobalConfig, LogTarget, StatsSocketConfig } from '../types.js';
import { parseAddress } from './addr.js';
import type { StmtCtx } from './ctx.js';
import { parseLogTarget } from './log-target.js';
import { parseIntArg, parseTime } from './units.js';

export type GlobalDraft = { -readonly [K in keyof GlobalConfig]: GlobalConfig[K] } & {
  statsSockets: StatsSocketConfig[];
  logs: LogTarget[];
  masterWorker: boolean;
};

export function newGlobal(): GlobalDraft {
  return {
    nbthread: 1, statsSockets: [], statsTimeout: 10_000, spreadChecks: 0, externalCheck: false,
    insecureForkWanted: false, logs: [], daemon: false, masterWorker: false,
  };
}

type Handler = (g: GlobalDraft, ctx: StmtCtx) => void;

const intKw = (min: number, max: number, set: (g: GlobalDraft, v: number) => void, msg?: (v: string) => string): Handler => (g, ctx) => {
  if (ctx.tooMany(1)) return;
  const v = ctx.args[1];
  const r = parseIntArg(v, min, max);
  if (!r.ok) ctx.error('bad-value', msg ? msg(v ?? '') : `'${ctx.args[0]}' ${r.message}`);
  else set(g, r.value);
};

const strKw = (set: (g: GlobalDraft, v: string, ctx: StmtCtx) => void): Handler => (g, ctx) => {
  if (ctx.tooMany(1)) return;
  const v = ctx.args[1];
  if (v === undefined) ctx.error('missing-argument', `'${ctx.args[0]}' expects an argument.`);
  else set(g, v, ctx);
};

/** A time argument at args[at] (at = 2 for two-word keywords such as `stats timeout`). */
const timeKw = (set: (g: GlobalDraft, v: number) => void, at = 1): Handler => (g, ctx) => {
  if (ctx.tooMany(1, at)) return;
  const kw = ctx.args.slice(0, at).join(' ');
  const v = ctx.args[at];
  if (v === undefined) {
    ctx.error('missing-argument', `'${kw}' expects <time> as argument.`);
    return;
  }
  const r = parseTime(v, 'ms');
  if (!r.ok) ctx.error('bad-time', `'${kw}' : ${r.message} in argument '${v}'`);
  else {
    if (r.warning) ctx.warn('time-suffix', r.warning);
    set(g, r.value);
  }
};

const flagKw = (set: (g: GlobalDraft, on: boolean, ctx: StmtCtx) => void): Handler => (g, ctx) => {
  if (!ctx.tooMany(0)) set(g, ctx.modifier === 'std', ctx);
};

/**
 * haproxy's process-management keywords. hapair never forks into the background, switches user or chroots
 * itself: the systemd unit (scripts/systemd/hapair-proxy.service) does those jobs, so a config that relies on
 * them gets a warning saying where the job went. The values stay in GlobalConfig (seen by `hapair check`).
 */
const UNIT_DOES = {
  daemon: ['hapair proxy always stays in the foreground (systemd Type=simple service, logs on stdout)', 'remove it; run hapair under systemd'],
  'master-worker': [
    "hapair's own process already supervises the data-plane workers ('nbthread N' forks N) and reloads in place on SIGHUP",
    'remove it; reload with systemctl reload (SIGHUP)',
  ],
  user: ['hapair does not switch user after binding: the unit runs it as User= (CAP_NET_BIND_SERVICE lets it bind ports < 1024)', 'set User= in the systemd unit'],
  group: ['hapair does not switch group after binding: the unit runs it as Group=', 'set Group= in the systemd unit'],
  chroot: ['hapair does not chroot itself', "confine it with the unit's sandboxing (ProtectSystem=, RootDirectory=)"],
} as const satisfies Readonly<Record<string, readonly [instead: string, fix: string]>>;

/** Warns for a UNIT_DOES keyword (`uid`/`gid` count as `user`/`group`). */
function unitDoes(ctx: StmtCtx, kw: keyof typeof UNIT_DOES): void {
  const [instead, fix] = UNIT_DOES[kw];
  ctx.warn('no-effect-keyword', `'${ctx.args[0]}' has no effect: ${instead}`, fix);
}

/** `stats socket <path|addr:port> [mode m] [level l] [expose-fd listeners] ...` and `stats timeout`. */
function statsKw(g: GlobalDraft, ctx: StmtCtx): void {
  const a = ctx.args;
  if (a[1] === 'timeout') {
    timeKw((gg, v) => {
      if (v === 0) ctx.error('bad-value', "'stats timeout' expects a positive value");
      else gg.statsTimeout = v;
    }, 2)(g, ctx);
    return;
  }
  if (a[1] === 'maxconn' || a[1] === 'bind-process') {
    ctx.warn('ignored-keyword', `'stats ${a[1]}' is not supported by hapair and is ignored`);
    return;
  }
  if (a[1] !== 'socket') {
    ctx.error('bad-stats', `'stats' only supports 'socket', 'maxconn', 'bind-process' and 'timeout' (got '${a[1] ?? ''}').`);
    return;
  }
  const path = a[2];
  if (path === undefined) {
    ctx.error('bad-stats', "'stats socket' expects an address or a unix socket path.");
    return;
  }
  let target: string;
  if (!path.startsWith('/') && !path.startsWith('unix@')) {
    const r = parseAddress(path);
    if (!r.ok || r.addr.port === undefined) {
      ctx.error('bad-stats', `'stats socket' : ${r.ok ? `missing port in '${path}'` : r.message}`);
      return;
    }
    // Normalised `host:port` ([v6]:port) so consumers only tell a path (leading '/') from an address.
    target = `${r.addr.family === 'ipv6' ? `[${r.addr.host}]` : r.addr.host}:${r.addr.port}`;
  } else target = path.replace(/^unix@/, '');
  let mode: number | undefined;
  let level: StatsSocketConfig['level'] = 'operator';
  for (let i = 3; i < a.length; i++) {
    const w = a[i]!;
    const v = a[i + 1];
    if (w === 'mode') {
      if (v === undefined || !/^[0-7]{1,4}$/.test(v)) {
        ctx.error('bad-stats', `'stats socket' : 'mode' expects an octal mode, got '${v ?? ''}'`);
        return;
      }
      mode = parseInt(v, 8);
      i++;
    } else if (w === 'level') {
      if (v !== 'user' && v !== 'operator' && v !== 'admin') {
        ctx.error('bad-stats', "'level' only supports 'user', 'operator', and 'admin'");
        return;
      }
      level = v;
      i++;
    } else if (['expose-fd', 'user', 'group', 'uid', 'gid', 'maxconn', 'name', 'process', 'thread', 'backlog', 'severity-output'].includes(w)) {
      if (w === 'expose-fd' && v !== 'listeners') {
        ctx.error('bad-stats', "'expose-fd' only supports 'listeners'");
        return;
      }
      if (w !== 'expose-fd') ctx.warn('ignored-bind-param', `'stats socket' : '${w}' is not supported by hapair and is ignored`);
      i++;
    } else {
      ctx.warn('unknown-bind-param', `'stats socket' : unknown keyword '${w}', ignored`);
    }
  }
  g.statsSockets.push({ path: target, level, where: ctx.where, ...(mode !== undefined ? { mode } : {}) });
}

const GLOBAL_KEYWORDS: Readonly<Record<string, Handler>> = {
  // `maxconn 0` = automatic (derived from the fd limit at start), i.e. unset.
  maxconn: intKw(0, 0x7fffffff, (g, v) => (v > 0 ? (g.maxconn = v) : delete g.maxconn)),
  nbthread: intKw(1, 64, (g, v) => (g.nbthread = v), (v) => `'nbthread' value must be between 1 and 64 (was ${v})`),
  'spread-checks': intKw(0, 50, (g, v) => (g.spreadChecks = v), () => "'spread-checks' needs a positive value in range 0..50."),
  'max-spread-checks': timeKw((g, v) => (g.maxSpreadChecks = v)),
  'hard-stop-after': timeKw((g, v) => (g.hardStopAfter = v)),
  // The HTTP head limit is tune.bufsize - tune.maxrewrite, as haproxy's (config/head-limit.ts); haproxy's atol()
  // takes `16k` as 16 and `abc` as 0 (refused): we refuse anything but a plain integer.
  'tune.bufsize': intKw(1024, 0x7fffffff, (g, v) => (g.tuneBufsize = v), (v) => `'tune.bufsize' expects a positive integer argument of at least 1024 bytes (got '${v}')`),
  'tune.maxrewrite': intKw(0, 0x7fffffff, (g, v) => (g.tuneMaxrewrite = v), (v) => `'tune.maxrewrite' expects a positive integer argument (got '${v}')`),
  pidfile: strKw((g, v) => (g.pidfile = v)),
  chroot: strKw((g, v, ctx) => ((g.chroot = v), unitDoes(ctx, 'chroot'))),
  user: strKw((g, v, ctx) => ((g.user = v), unitDoes(ctx, 'user'))),
  group: strKw((g, v, ctx) => ((g.group = v), unitDoes(ctx, 'group'))),
  uid: strKw((g, v, ctx) => ((g.user = v), unitDoes(ctx, 'user'))),
  gid: strKw((g, v, ctx) => ((g.group = v), unitDoes(ctx, 'group'))),
  node: strKw((g, v) => (g.node = v)),
  daemon: flagKw((g, on, ctx) => ((g.daemon = on), unitDoes(ctx, 'daemon'))),
  'external-check': flagKw((g, on) => (g.externalCheck = on)),
  'insecure-fork-wanted': flagKw((g, on) => (g.insecureForkWanted = on)),
  'master-worker': (g, ctx) => {
    if (ctx.args[1] !== undefined && ctx.args[1] !== 'no-exit-on-failure') {
      ctx.error('bad-value', "'master-worker' only supports 'no-exit-on-failure'.");
      return;
    }
    g.masterWorker = true;
    unitDoes(ctx, 'master-worker');
  },
  stats: statsKw,
  log: (g, ctx) => {
    if (ctx.modifier === 'no') {
      g.logs = [];
      return;
    }
    const t = parseLogTarget(ctx);
    if (t) g.logs.push(t);
  },
};

/** Valid haproxy 2.6 global keywords that change nothing in hapair (prefix `tune.` too): warning only. */
const IGNORED_GLOBAL = new Set([
  'ulimit-n', 'description', 'quiet', 'debug', 'zero-warning', 'log-send-hostname', 'log-tag', 'ssl-server-verify',
  'ssl-default-bind-ciphers', 'ssl-default-bind-ciphersuites', 'ssl-default-bind-options', 'ssl-default-server-ciphers',
  'ssl-default-server-ciphersuites', 'ssl-default-server-options', 'ssl-dh-param-file', 'tune.ssl.default-dh-param',
  'cpu-map', 'maxsslconn', 'maxconnrate', 'maxsessrate', 'maxpipes', 'maxcomprate', 'maxcompcpuusage', 'grace',
  'close-spread-time', 'mworker-max-reloads', 'server-state-file', 'server-state-base', 'localpeer', 'busy-polling',
  'set-dumpable', 'strict-limits', 'numa-cpu-mapping', 'unix-bind', 'presetenv', 'setenv', 'resetenv', 'unsetenv',
  'noepoll', 'nopoll', 'nosplice', 'nogetaddrinfo', 'noreuseport', 'profiling.tasks', 'thread-groups', 'h1-case-adjust',
  'h1-case-adjust-file', 'default-path', 'expose-experimental-directives', 'hash-balance-factor', 'pp2-never-send-local',
  'ca-base', 'crt-base', 'issuers-chain-path', 'fd-hard-limit',
]);

/** Removed from haproxy before 2.6: same fatal errors. */
const REMOVED_GLOBAL: Readonly<Record<string, string>> = {
  nbproc:
    "nbproc is not supported any more since HAProxy 2.5. Threads will automatically be used on multi-processor machines if available. (hapair: 'nbthread N' runs N worker processes.)",
  'bind-process': "'bind-process' is not supported by hapair",
};

export function parseGlobal(g: GlobalDraft, ctx: StmtCtx): void {
  const kw = ctx.args[0]!;
  const h = GLOBAL_KEYWORDS[kw];
  if (h) {
    if (ctx.modifier !== 'std' && !['log', 'external-check', 'insecure-fork-wanted'].includes(kw)) {
      ctx.error('bad-modifier', `negation/default is not supported for '${kw}'.`);
      return;
    }
    h(g, ctx);
    return;
  }
  const removed = REMOVED_GLOBAL[kw];
  if (removed) {
    ctx.error('removed-keyword', removed);
    return;
  }
  if (IGNORED_GLOBAL.has(kw) || kw.startsWith('tune.')) {
    ctx.warn('ignored-keyword', `'${kw}' is not supported by hapair and is ignored`);
    return;
  }
  ctx.error('unknown-keyword', `unknown keyword '${kw}' in 'global' section`);
}
