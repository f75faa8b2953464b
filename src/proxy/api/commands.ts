// The runtime API command table (haproxy.md §8): words, level, help line, handler. Messages are haproxy's, so
// scripts written against haproxy's stats socket keep working.
import net from 'node:net';
import type { BackendView, CheckControl, ProxyRuntimeView, ServerControl, ServerTransitionCause } from '../types.js';
import { helpLine, splitServerRef } from './parse.js';
import { showBackend, showInfo, showServersState, showStat } from './show.js';
import { clearCounters } from './clear.js';

export type Level = 'user' | 'operator' | 'admin';
export const LEVEL_RANK: Readonly<Record<Level, number>> = { user: 0, operator: 1, admin: 2 };

export interface Session {
  level: Level;
  prompt: boolean;
  quit: boolean;
}

export interface ApiContext {
  readonly rt: ProxyRuntimeView;
  readonly checks: CheckControl;
  readonly session: Session;
}

/** A reply; `bare` replies (haproxy's two "... preceded by garbage" messages) have no trailing empty line. */
export interface Reply {
  readonly text: string;
  readonly bare?: boolean;
}

interface Command {
  readonly words: readonly string[];
  readonly usage: string;
  readonly desc: string;
  readonly level: Level;
  readonly run: (args: string[], ctx: ApiContext) => Reply;
}

const CAUSE: ServerTransitionCause = { source: 'cli', reason: 'stats socket command' };
const ok = (text = ''): Reply => ({ text: text === '' || text.endsWith('\n') ? text : `${text}\n` });

type Found = { be: BackendView; s: ServerControl } | Reply;
function findServer(rt: ProxyRuntimeView, ref: string | undefined): Found {
  const r = splitServerRef(ref);
  if (!r) return ok("Require 'backend/server'.");
  const be = r.backend.startsWith('#') ? [...rt.backends.values()].find((b) => `#${b.id}` === r.backend) : rt.backends.get(r.backend);
  if (!be) return ok('No such backend.');
  const s = be.findServer(r.server);
  if (!s) return ok('No such server.');
  return { be, s };
}
const isReply = (f: Found): f is Reply => 'text' in f;

/** Absolute 0..256 or N% of the initial weight (haproxy server_parse_weight_change_request). */
function parseWeight(be: BackendView, s: ServerControl, v: string | undefined): number | Reply {
  if (v === undefined || v === '') return ok('Require <weight> or <weight%>.');
  const m = /^(-?\d+)(%?)$/.exec(v);
  if (!m) return { text: 'Empty weight string empty or preceded by garbage\n', bare: true };
  const n = Number(m[1]);
  let w: number;
  if (m[2] === '%') {
    if (n < 0) return ok('Relative weight must be positive.');
    w = Math.min(256, Math.floor((s.iweight * Math.min(n, 25600)) / 100));
  } else {
    if (n < 0 || n > 256) return ok('Absolute weight can only be between 0 and 256 inclusive.');
    w = n;
  }
  const kind = be.section.balance.kind;
  const dynamic = !(kind === 'static-rr' || (['source', 'uri', 'hdr', 'url_param'].includes(kind) && be.section.hashType.method === 'map-based'));
  if (!dynamic && w !== 0 && w !== s.iweight) return ok("Backend is using a static LB algorithm and only accepts weights '0%' and '100%'.");
  return w;
}

function setWeight(args: string[], ctx: ApiContext, ref: string | undefined, value: string | undefined): Reply {
  const f = findServer(ctx.rt, ref);
  if (isReply(f)) return f;
  const w = parseWeight(f.be, f.s, value);
  if (typeof w !== 'number') return w;
  try {
    f.s.setWeight(w, CAUSE);
  } catch (err) {
    return ok(err instanceof Error ? err.message : String(err));
  }
  return ok();
}

function adminChange(ctx: ApiContext, s: ServerControl, state: 'ready' | 'drain' | 'maint'): Reply {
  s.setAdmin(state, CAUSE);
  ctx.checks.adminChanged?.(s);
  return ok();
}

const SET_SERVER: Readonly<Record<string, (ctx: ApiContext, be: BackendView, s: ServerControl, args: string[]) => Reply>> = {
  state: (ctx, _be, s, [v]) => (v === 'ready' || v === 'drain' || v === 'maint' ? adminChange(ctx, s, v) : ok("'set server <srv> state' expects 'ready', 'drain' and 'maint'.")),
  weight: (ctx, be, s, [v]) => setWeight([], ctx, `${be.name}/${s.name}`, v),
  health: (ctx, _be, s, [v]) => {
    if (v !== 'up' && v !== 'stopping' && v !== 'down') return ok("'set server <srv> health' expects 'up', 'stopping', or 'down'.");
    if (s.check) ctx.checks.forceHealth(s, v, CAUSE);
    return ok();
  },
  agent: (ctx, _be, s, [v]) => {
    if (!s.agent?.enabled) return ok('agent checks are not enabled on this server.');
    if (v !== 'up' && v !== 'down') return ok("'set server <srv> agent' expects 'up' or 'down'.");
    ctx.checks.forceAgent(s, v, CAUSE);
    return ok();
  },
  addr: (_ctx, _be, s, [addr, kw, port]) => {
    if (!addr) return ok('set server <b>/<s> addr requires an address and optionally a port.');
    if (!net.isIP(addr)) return ok(`Invalid addr '${addr}' by 'stats socket command'`);
    let p: number | undefined;
    if (kw !== undefined) {
      if (kw !== 'port' || !port || !/^\d+$/.test(port) || Number(port) < 1 || Number(port) > 65535) return ok(`Invalid port '${port ?? ''}' by 'stats socket command'`);
      p = Number(port);
    }
    return ok(s.setAddr(addr, p, CAUSE));
  },
};

function toggle(kind: 'health' | 'agent', on: boolean): Command['run'] {
  return ([ref], ctx) => {
    const f = findServer(ctx.rt, ref);
    if (isReply(f)) return f;
    const st = kind === 'health' ? f.s.check : f.s.agent;
    if (!st) {
      if (kind === 'health' && !on) return ok();
      return ok(`${kind === 'health' ? 'Health check' : 'Agent'} was not configured on this server, cannot ${on ? 'enable' : 'disable'}.`);
    }
    if (kind === 'health') ctx.checks.setHealthEnabled(f.s, on);
    else ctx.checks.setAgentEnabled(f.s, on);
    return ok();
  };
}

const withServer = (fn: (ctx: ApiContext, be: BackendView, s: ServerControl, rest: string[]) => Reply): Command['run'] => ([ref, ...rest], ctx) => {
  const f = findServer(ctx.rt, ref);
  return isReply(f) ? f : fn(ctx, f.be, f.s, rest);
};

export const COMMANDS: readonly Command[] = [
  { words: ['show', 'info'], usage: 'show info [json]', desc: 'process information (pid, uptime, connections)', level: 'user', run: (a, c) => ok(showInfo(c.rt, a.includes('json') ? 'json' : 'text')) },
  { words: ['show', 'stat'], usage: 'show stat [json|up|no-maint]*', desc: 'counters of every proxy and server (CSV)', level: 'user', run: (a, c) => ok(showStat(c.rt, a)) },
  {
    words: ['show', 'servers', 'state'], usage: 'show servers state [<backend>]', desc: 'volatile server state (all or one backend)', level: 'user',
    run: ([be], c) => ok(showServersState(c.rt, be) ?? "Can't find backend."),
  },
  { words: ['show', 'backend'], usage: 'show backend', desc: 'list the backends', level: 'user', run: (_a, c) => ok(showBackend(c.rt)) },
  { words: ['show', 'cli', 'level'], usage: 'show cli level', desc: 'level of this CLI session', level: 'user', run: (_a, c) => ok(c.session.level) },
  {
    words: ['get', 'weight'], usage: 'get weight <bk>/<srv>', desc: "a server's current and initial weight", level: 'user',
    run: withServer((_c, _be, s) => ok(`${s.uweight} (initial ${s.iweight})`)),
  },
  { words: ['disable', 'agent'], usage: 'disable agent <bk>/<srv>', desc: 'stop agent checks of a server', level: 'admin', run: toggle('agent', false) },
  { words: ['enable', 'agent'], usage: 'enable agent <bk>/<srv>', desc: 'resume agent checks of a server', level: 'admin', run: toggle('agent', true) },
  { words: ['disable', 'health'], usage: 'disable health <bk>/<srv>', desc: 'stop health checks of a server', level: 'admin', run: toggle('health', false) },
  { words: ['enable', 'health'], usage: 'enable health <bk>/<srv>', desc: 'resume health checks of a server', level: 'admin', run: toggle('health', true) },
  { words: ['disable', 'server'], usage: 'disable server <bk>/<srv>', desc: "put a server in maintenance (same as 'set server ... state maint')", level: 'admin', run: withServer((c, _b, s) => adminChange(c, s, 'maint')) },
  { words: ['enable', 'server'], usage: 'enable server <bk>/<srv>', desc: "take a server out of maintenance (same as 'state ready')", level: 'admin', run: withServer((c, _b, s) => adminChange(c, s, 'ready')) },
  {
    words: ['set', 'server'], usage: 'set server <bk>/<srv> [opts]', desc: 'state ready|drain|maint, weight, addr, health, agent', level: 'admin',
    run: withServer((c, be, s, [sub, ...rest]) => {
      const fn = sub !== undefined ? SET_SERVER[sub] : undefined;
      return fn ? fn(c, be, s, rest) : ok('usage: set server <backend>/<server> addr | agent | health | state | weight');
    }),
  },
  { words: ['set', 'weight'], usage: 'set weight <bk>/<srv> <w>[%]', desc: "change a server's weight (same as 'set server ... weight')", level: 'admin', run: ([ref, v], c) => setWeight([], c, ref, v) },
  {
    words: ['set', 'maxconn', 'server'], usage: 'set maxconn server <bk>/<srv> <n>', desc: "change a server's maxconn", level: 'admin',
    run: withServer((_c, _b, s, [v]) => {
      if (v === undefined) return ok('Require <maxconn>.');
      if (!/^\d+$/.test(v)) return { text: 'maxconn string empty or preceded by garbage\n', bare: true };
      s.setMaxconn(Number(v));
      return ok();
    }),
  },
  { words: ['shutdown', 'sessions', 'server'], usage: 'shutdown sessions server <bk>/<srv>', desc: 'kill every session on a server', level: 'admin', run: withServer((_c, _b, s) => (s.killSessions('K'), ok())) },
  {
    // One help line like haproxy's; `all` needs admin level.
    words: ['clear', 'counters'], usage: 'clear counters [all]', desc: 'clear max statistics counters (or all counters)', level: 'operator',
    run: ([all], c) => (all === 'all' && c.session.level !== 'admin' ? ok('Permission denied') : ok(clearCounters(c.rt, all === 'all'))),
  },
  { words: ['operator'], usage: 'operator', desc: 'lower the level of this session to operator', level: 'operator', run: (_a, c) => ((c.session.level = 'operator'), ok()) },
  { words: ['user'], usage: 'user', desc: 'lower the level of this session to user', level: 'user', run: (_a, c) => ((c.session.level = 'user'), ok()) },
];

const TAIL = helpLine('help [<command>]', 'list matching or all commands') + helpLine('prompt', 'toggle interactive mode with prompt') + helpLine('quit', 'disconnect');

function allowed(c: Command, s: Session): boolean {
  return LEVEL_RANK[c.level] <= LEVEL_RANK[s.level];
}

function helpText(s: Session, head: string, filter: (c: Command) => boolean): Reply {
  return ok(head + COMMANDS.filter((c) => allowed(c, s) && filter(c)).map((c) => helpLine(c.usage, c.desc)).join('') + TAIL);
}

/** Runs one command (already split into words). */
export function runCommand(words: string[], ctx: ApiContext): Reply {
  const [first] = words;
  if (first === undefined) return ok();
  if (first === 'help') return helpText(ctx.session, 'The following commands are valid at this level:\n', (c) => words.slice(1).every((w, i) => c.words[i] === w));
  if (first === 'prompt') {
    ctx.session.prompt = !ctx.session.prompt;
    return ok();
  }
  if (first === 'quit') {
    ctx.session.quit = true;
    return { text: '', bare: true };
  }
  const cmd = COMMANDS.filter((c) => c.words.every((w, i) => words[i] === w)).sort((a, b) => b.words.length - a.words.length)[0];
  if (!cmd) {
    const related = (c: Command) => c.words.some((w) => words.includes(w));
    return helpText(ctx.session, 'Unknown command, but maybe one of the following ones is a better match:\n', (c) => related(c));
  }
  if (!allowed(cmd, ctx.session)) return ok('Permission denied');
  try {
    return cmd.run(words.slice(cmd.words.length), ctx);
  } catch (err) {
    return ok(`Internal error: ${err instanceof Error ? err.message : String(err)}`);
  }
}
