// `hapair proxy-alive`: exit 0 iff THIS node's proxy answers (its stats socket, else its first bind), for vrrp_script.
//
// Why not `killall -0 haproxy` (seed 002): PIDs are shared across network namespaces and containers, so a name
// lookup also sees the other node's proxy, and a hung proxy still "exists". This command asks the proxy itself,
// through an endpoint only this node has: the `stats socket` of its haproxy.cfg (a unix path or a local
// address), answering `show info` with a well-formed reply carrying a `Pid:` line (haproxy's format, so it
// works against haproxy as well as `hapair proxy`). Without a stats socket it TCP-connects to the first bind.
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import { HaError } from '../../core/errors.js';
import { DiagnosticSink } from '../../core/diagnostics.js';
import { DEFAULT_HAPROXY_CFG } from '../../core/paths.js';
import { readStatements, SECTION_KEYWORDS, type Statement } from '../../proxy/config/reader.js';
import { parseAddress } from '../../proxy/config/addr.js';

export const usage = `usage: hapair proxy-alive [-f haproxy.cfg ... | -S SOCKET | --tcp HOST:PORT] [--timeout-ms N] [-v]

Exits 0 if this node's proxy answers, 1 otherwise (with one line on stderr saying why). Meant for
  vrrp_script chk_proxy { script "/usr/local/bin/hapair proxy-alive -f /etc/hapair/haproxy.cfg" }
instead of "killall -0 haproxy", which also sees other namespaces' processes and cannot tell a hung proxy.

  -f, --config FILE   haproxy.cfg (repeatable; default ${DEFAULT_HAPROXY_CFG}): its first 'stats socket'
                      gets 'show info' (reply must carry a Pid line); with no stats socket, a TCP connect
                      to its first 'bind' (a wildcard bind is reached on this namespace's loopback)
  -S, --socket SOCK   ask this stats socket (unix path or host:port) instead of reading a config
  --tcp HOST:PORT     only check that HOST:PORT accepts a TCP connection
  --timeout-ms N      give up after N ms in total (default 1000)
  -v, --verbose       on success print one line (target, pid, elapsed) on stdout`;

/** Where the proxy is asked. `show-info` = runtime API; `connect` = a plain TCP accept is enough. */
export type AliveTarget =
  | { readonly kind: 'show-info'; readonly path: string }
  | { readonly kind: 'show-info'; readonly host: string; readonly port: number }
  | { readonly kind: 'connect'; readonly host: string; readonly port: number };

export interface AliveArgs {
  readonly configs: readonly string[];
  readonly socket?: string;
  readonly tcp?: string;
  readonly timeoutMs: number;
  readonly verbose: boolean;
}

/** Failure reasons (stable words for tests and logs); the message on stderr carries the detail. */
export type AliveFailure = 'config' | 'no-target' | 'absent' | 'refused' | 'timeout' | 'bad-reply' | 'io';

export class AliveError extends Error {
  constructor(readonly reason: AliveFailure, message: string) {
    super(message);
  }
}

const DEFAULT_TIMEOUT_MS = 1000;
const MAX_TIMEOUT_MS = 60_000;
/** A `show info` reply is ~1 KB; anything far larger is not one (and must not be buffered forever). */
const MAX_REPLY = 64 * 1024;

export function parseAliveArgs(argv: readonly string[]): AliveArgs {
  const configs: string[] = [];
  let socket: string | undefined;
  let tcp: string | undefined;
  let timeoutMs = DEFAULT_TIMEOUT_MS;
  let verbose = false;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const eq = a.startsWith('--') ? a.indexOf('=') : -1;
    const name = eq > 0 ? a.slice(0, eq) : a;
    const value = (): string => {
      const v = eq > 0 ? a.slice(eq + 1) : argv[++i];
      if (v === undefined || v === '') throw new HaError('EUSAGE', `${name} needs a value\n${usage}`);
      return v;
    };
    if (name === '-f' || name === '--config') configs.push(value());
    else if (name === '-S' || name === '--socket') socket = value();
    else if (name === '--tcp') tcp = value();
    else if (name === '--timeout-ms') {
      const v = value();
      timeoutMs = Number(v);
      if (!/^\d+$/.test(v) || timeoutMs < 1 || timeoutMs > MAX_TIMEOUT_MS) throw new HaError('EUSAGE', `--timeout-ms expects 1..${MAX_TIMEOUT_MS}, got '${v}'`);
    } else if (name === '-v' || name === '--verbose') verbose = true;
    else throw new HaError('EUSAGE', `unknown option '${a}'\n${usage}`);
  }
  if ([configs.length > 0, socket !== undefined, tcp !== undefined].filter(Boolean).length > 1) {
    throw new HaError('EUSAGE', `give only one of -f, -S and --tcp\n${usage}`);
  }
  return { configs, ...(socket !== undefined ? { socket } : {}), ...(tcp !== undefined ? { tcp } : {}), timeoutMs, verbose };
}

/** host:port (also [v6]:port, ipv4@/ipv6@ prefixes) -> endpoint; undefined when there is no usable port. */
function hostPort(text: string, opts: { allowRange?: boolean } = {}): { host: string; port: number } | undefined {
  const r = parseAddress(text, { allowRange: opts.allowRange ?? false });
  if (!r.ok || r.addr.port === undefined || r.addr.port === 0) return undefined;
  // A wildcard listener is reachable on this namespace's loopback; a specific address is dialled as written.
  const host = r.addr.host === '0.0.0.0' ? '127.0.0.1' : r.addr.host === '::' ? '::1' : r.addr.host;
  return { host, port: r.addr.port };
}

/** `-S` value -> target: a path (leading '/' or unix@) or an address with a port. */
export function socketTarget(text: string): AliveTarget | undefined {
  if (/^(\/|\.\.?\/|unix@)/.test(text)) return { kind: 'show-info', path: text.replace(/^unix@/, '') };
  const hp = hostPort(text);
  return hp ? { kind: 'show-info', ...hp } : undefined;
}

/** Sections whose `bind` lines (and header address, `frontend NAME ADDR` as in seed 002) open listeners. */
const LISTENING_SECTIONS: ReadonlySet<string> = new Set(['frontend', 'listen']);

/** True if an IP literal belongs to this namespace (host names are trusted: the proxy resolved them to bind). */
export type IsLocal = (host: string) => boolean;

/** This namespace's addresses (os.networkInterfaces() is per network namespace), plus all of 127/8 and ::1. */
export function localAddresses(): IsLocal {
  const mine = new Set(Object.values(os.networkInterfaces()).flatMap((l) => (l ?? []).map((a) => a.address)));
  return (host) => !net.isIP(host) || mine.has(host) || host.startsWith('127.') || host === '::1';
}

/**
 * Pure: the target for statements read from haproxy.cfg. Only the lexical statements are used, not the full
 * loader, so a semantic error elsewhere in the file (being edited while the proxy keeps running the old one)
 * never turns a healthy proxy into a failover. First `stats socket` of `global` wins; else the first bind.
 * An address that is not this node's (a VIP bound with ip_nonlocal_bind on the backup) is skipped and named in
 * `skipped`: a connection to it would leave the node and could be answered by the OTHER node's proxy.
 */
export function targetFromStatements(stmts: readonly Statement[], isLocal: IsLocal = () => true, skipped: string[] = []): AliveTarget | undefined {
  let section = '';
  let firstBind: AliveTarget | undefined;
  const usable = (t: AliveTarget | undefined, text: string): AliveTarget | undefined => {
    if (t && 'host' in t && !isLocal(t.host)) {
      skipped.push(text);
      return undefined;
    }
    return t;
  };
  for (const s of stmts) {
    const [kw, a1, a2] = s.args;
    if (SECTION_KEYWORDS.has(kw!)) {
      section = kw!;
      if (!firstBind && LISTENING_SECTIONS.has(section) && a2 !== undefined) firstBind = usable(bindTarget(a2), a2);
      continue;
    }
    if (section === 'global' && kw === 'stats' && a1 === 'socket' && a2 !== undefined) {
      const t = usable(socketTarget(a2), a2);
      if (t) return t;
    } else if (!firstBind && LISTENING_SECTIONS.has(section) && kw === 'bind' && a1 !== undefined) {
      firstBind = usable(bindTarget(a1), a1);
    }
  }
  return firstBind;
}

function bindTarget(addrs: string): AliveTarget | undefined {
  // `bind a:1,b:2`: the first address is enough to tell whether this node's proxy accepts connections.
  const hp = hostPort(addrs.split(',')[0]!, { allowRange: true });
  return hp ? { kind: 'connect', ...hp } : undefined;
}

/** Reads the config files (lexically: quotes, env, `.if` honoured) and picks the target. */
export function targetFromConfigs(files: readonly string[], env: NodeJS.ProcessEnv = process.env, isLocal: IsLocal = localAddresses()): AliveTarget {
  const sink = new DiagnosticSink();
  const stmts: Statement[] = [];
  for (const file of files) {
    let text: string;
    try {
      text = fs.readFileSync(file).toString('latin1');
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      throw new AliveError('config', `cannot read ${file} (${code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code ?? (err as Error).message})`);
    }
    stmts.push(...readStatements(text, file, env, sink));
  }
  const skipped: string[] = [];
  const t = targetFromStatements(stmts, isLocal, skipped);
  if (t) return t;
  if (skipped.length) {
    throw new AliveError('no-target', `no 'stats socket', and no 'bind' on an address of this node (${skipped.join(', ')} is not): add a 'stats socket' to check this node's proxy`);
  }
  throw new AliveError('no-target', "no usable 'stats socket' or 'bind' line: nothing to ask");
}

export function describeTarget(t: AliveTarget): string {
  const where = 'path' in t ? t.path : t.host.includes(':') ? `[${t.host}]:${t.port}` : `${t.host}:${t.port}`;
  return t.kind === 'show-info' ? `stats socket ${where}` : `bind ${where}`;
}

/**
 * Pure: checks a `show info` reply. Well-formed = every non-empty line is `Key: value` and one is `Pid: N`
 * (haproxy's and hapair's text format). Returns the pid, or a short reason.
 */
export function checkShowInfo(reply: string): { ok: true; pid: number } | { ok: false; why: string } {
  const lines = reply.split('\n').map((l) => l.replace(/\r$/, '')).filter((l) => l !== '');
  if (lines.length === 0) return { ok: false, why: "empty reply to 'show info'" };
  // Keys are words, sometimes with a space (haproxy 2.6: "Unstoppable Jobs", "Build info"); values may be empty.
  const bad = lines.find((l) => !/^[A-Za-z_][\w-]*( [A-Za-z_][\w-]*)?:( .*)?$/.test(l));
  if (bad !== undefined) return { ok: false, why: `unexpected reply to 'show info': ${JSON.stringify(bad.slice(0, 80))}` };
  const pid = lines.map((l) => /^Pid: (\d+)$/.exec(l)).find(Boolean);
  if (!pid) return { ok: false, why: "reply to 'show info' has no Pid line" };
  return { ok: true, pid: Number(pid[1]) };
}

const ERRNO_WORDS: Readonly<Record<string, { reason: AliveFailure; text: string }>> = {
  ENOENT: { reason: 'absent', text: 'no such socket (proxy not running?)' },
  ECONNREFUSED: { reason: 'refused', text: 'connection refused (proxy not running)' },
  ENOTSOCK: { reason: 'absent', text: 'not a socket' },
  EACCES: { reason: 'io', text: 'permission denied' },
  ECONNRESET: { reason: 'io', text: 'connection reset before the reply' },
  EHOSTUNREACH: { reason: 'io', text: 'host unreachable' },
  ENETUNREACH: { reason: 'io', text: 'network unreachable' },
  EADDRNOTAVAIL: { reason: 'io', text: 'address not available on this node' },
};

/** Asks the target, giving up at `deadline` (epoch ms); resolves with the proxy's pid (show-info) or 0 (connect). */
export function probe(t: AliveTarget, deadline: number, limitMs: number = Math.max(0, deadline - Date.now())): Promise<number> {
  return new Promise((resolve, reject) => {
    const sock = 'path' in t ? net.connect(t.path) : net.connect({ host: t.host, port: t.port });
    let reply = '';
    let done = false;
    const finish = (err: AliveError | undefined, pid = 0): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      sock.destroy();
      if (err) reject(err);
      else resolve(pid);
    };
    const why = t.kind === 'show-info' ? `no reply to 'show info' within ${limitMs} ms (proxy hung?)` : `no TCP connection within ${limitMs} ms`;
    const timer = setTimeout(() => finish(new AliveError('timeout', why)), Math.max(0, deadline - Date.now()));
    sock.setEncoding('latin1');
    sock.on('connect', () => {
      if (t.kind === 'connect') finish(undefined);
      else sock.end('show info\n'); // non-interactive runtime API: one line, the answer, then close
    });
    sock.on('data', (c: string) => {
      reply += c;
      if (reply.length > MAX_REPLY) finish(new AliveError('bad-reply', `reply to 'show info' larger than ${MAX_REPLY} bytes`));
    });
    sock.on('error', (err: NodeJS.ErrnoException) => {
      const w = ERRNO_WORDS[err.code ?? ''];
      finish(new AliveError(w?.reason ?? 'io', w?.text ?? err.message));
    });
    sock.on('close', () => {
      if (done) return;
      const r = checkShowInfo(reply);
      finish(r.ok ? undefined : new AliveError('bad-reply', r.why), r.ok ? r.pid : 0);
    });
  });
}

function resolveTarget(a: AliveArgs): AliveTarget {
  if (a.socket !== undefined) {
    const t = socketTarget(a.socket);
    if (!t) throw new HaError('EUSAGE', `-S expects a unix socket path or host:port, got '${a.socket}'`);
    return t;
  }
  if (a.tcp !== undefined) {
    const hp = hostPort(a.tcp);
    if (!hp) throw new HaError('EUSAGE', `--tcp expects HOST:PORT, got '${a.tcp}'`);
    return { kind: 'connect', ...hp };
  }
  return targetFromConfigs(a.configs.length ? a.configs : [DEFAULT_HAPROXY_CFG]);
}

export async function main(argv: string[]): Promise<number> {
  const started = Date.now();
  const a = parseAliveArgs(argv);
  let label = a.configs.join(',') || DEFAULT_HAPROXY_CFG;
  try {
    const t = resolveTarget(a);
    label = describeTarget(t); // the error names what was asked, not just the config file
    const pid = await probe(t, started + a.timeoutMs, a.timeoutMs);
    if (a.verbose) process.stdout.write(`alive: ${label}${pid ? ` pid ${pid}` : ''} (${Date.now() - started} ms)\n`);
    return 0;
  } catch (err) {
    if (!(err instanceof AliveError)) throw err;
    process.stderr.write(`hapair proxy-alive: ${err.reason === 'config' ? '' : `${label}: `}${err.message}\n`);
    return 1;
  }
}
