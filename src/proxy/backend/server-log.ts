// Pure builders of haproxy's server transition messages (server.c srv_update_status / srv_append_status),
// e.g. "Server be/a1 is DOWN, reason: Layer4 connection problem, info: "Connection refused", check duration: 0ms.
// 1 active and 0 backup servers left. 0 sessions active, 0 requeued, 0 remaining in queue".
import type { ServerTransitionCause } from '../types.js';

export interface LogCounts {
  readonly active: number; // usable active servers after the change (haproxy srv_act)
  readonly backup: number; // usable backup servers (srv_bck)
}

function prefix(backup: boolean, be: string, srv: string): string {
  return `${backup ? 'Backup ' : ''}Server ${be}/${srv}`;
}

/** ", reason: X, code: N, info: "..", check duration: Nms" for check causes, else ", <reason>". */
export function causeSuffix(cause: ServerTransitionCause): string {
  if (cause.checkStatus !== undefined) {
    let s = `, reason: ${cause.reason}`;
    if (cause.code !== undefined) s += `, code: ${cause.code}`;
    if (cause.info) s += `, info: "${cause.info.replace(/["\\]/g, (c) => `\\${c}`)}"`;
    if (cause.durationMs !== undefined) s += `, check duration: ${Math.round(cause.durationMs)}ms`;
    return s;
  }
  return cause.reason ? `, ${cause.reason}` : '';
}

function runningOnBackup(c: LogCounts): string {
  return c.backup && !c.active ? ' Running on backup.' : '';
}

/** Tail of a message for a server that left the LB (DOWN / going down for maintenance). */
export function leftTail(c: LogCounts, sessions: number, requeued: number, queue: number): string {
  return `. ${c.active} active and ${c.backup} backup servers left.${runningOnBackup(c)} ${sessions} sessions active, ${requeued} requeued, ${queue} remaining in queue`;
}

/** Tail of a message for a server that (re)joined or changed state while staying online. */
export function onlineTail(c: LogCounts, requeued: number, queue: number): string {
  return `. ${c.active} active and ${c.backup} backup servers online.${runningOnBackup(c)} ${requeued} sessions requeued, ${queue} total in queue`;
}

export interface MsgContext {
  readonly backend: string;
  readonly server: string;
  readonly backup: boolean;
}

/** Message table: one builder per transition kind (haproxy wording). */
export const MESSAGES = {
  down: (m: MsgContext, cause: ServerTransitionCause, tail: string): string => `${prefix(m.backup, m.backend, m.server)} is DOWN${causeSuffix(cause)}${tail}`,
  stopping: (m: MsgContext, cause: ServerTransitionCause, tail: string): string => `${prefix(m.backup, m.backend, m.server)} is stopping${causeSuffix(cause)}${tail}`,
  up: (m: MsgContext, cause: ServerTransitionCause, tail: string): string => `${prefix(m.backup, m.backend, m.server)} is UP${causeSuffix(cause)}${tail}`,
  maintFromDown: (m: MsgContext, cause: ServerTransitionCause): string => `${prefix(m.backup, m.backend, m.server)} was DOWN and now enters maintenance${paren(cause)}`,
  maint: (m: MsgContext, cause: ServerTransitionCause, tail: string): string => `${prefix(m.backup, m.backend, m.server)} is going DOWN for maintenance${paren(cause)}${tail}`,
  leaveMaint: (m: MsgContext, up: boolean, drain: boolean): string =>
    `${prefix(m.backup, m.backend, m.server)} is ${up ? 'UP' : 'DOWN'}/${drain ? 'DRAIN' : 'READY'} (leaving forced maintenance)`,
  drain: (m: MsgContext, cause: ServerTransitionCause, tail: string): string => `${prefix(m.backup, m.backend, m.server)} enters drain state${paren(cause)}${tail}`,
  leaveDrain: (m: MsgContext, up: boolean): string => `${prefix(m.backup, m.backend, m.server)} is ${up ? 'UP' : 'DOWN'} (leaving forced drain)`,
  weight: (m: MsgContext, from: number, to: number, cause: ServerTransitionCause): string =>
    `${prefix(m.backup, m.backend, m.server)} weight changed from ${from} to ${to}${cause.reason ? ` (${cause.reason})` : ''}`,
} as const;

function paren(cause: ServerTransitionCause): string {
  return cause.reason ? ` (${cause.reason})` : '';
}

/** haproxy set_backend_down(): "backend 'x' has no server available!". */
export function backendDownMessage(backend: string): string {
  return `backend '${backend}' has no server available!`;
}

/** Who changed an address, in haproxy's words ("by 'stats socket command'"). */
const UPDATERS: Readonly<Record<ServerTransitionCause['source'], string>> = {
  cli: 'stats socket command',
  'stats-page': 'stats page',
  check: 'health check',
  agent: 'agent check',
  config: 'configuration',
  reload: 'reload',
  slowstart: 'slowstart',
  observe: 'observe',
};

/** haproxy srv_update_addr_port() message: "IP changed from 'a' to 'b', port changed from 'x' to 'y' by '...'". */
export function addrChangeMessage(
  old: { addr: string; port?: number },
  next: { addr: string; port?: number },
  portGiven: boolean,
  cause: ServerTransitionCause,
): string {
  const parts: string[] = [];
  parts.push(old.addr !== next.addr ? `IP changed from '${old.addr}' to '${next.addr}'` : 'no need to change the addr');
  if (portGiven) {
    parts.push(old.port !== next.port ? `port changed from '${old.port ?? 0}' to '${next.port ?? 0}'` : 'no need to change the port');
  }
  return `${parts.join(', ')} by '${cause.info ?? UPDATERS[cause.source]}'`;
}
