// The proxy section of `hapair status` (pure): `show stat` CSV + `show info` -> per-backend server table (state with
// check detail, weight, sessions cur/max, queue) and the backend line, as JSON and as text.
import { parseShowInfo, parseStatCsv, statNumber, type StatRecord } from './stat-csv.js';
import { durationText, renderTable } from './status-text.js';

export interface CurMax {
  readonly cur: number;
  readonly max: number;
  readonly limit?: number;
}

/** Last health/agent check of a server, as the stats export shows it (haproxy.md §2, §7). */
export interface CheckView {
  readonly status: string; // L4OK, L4CON, L7STS, ... ('* ' prefix = check in progress)
  readonly code?: number; // e.g. HTTP status
  readonly durationMs?: number;
  readonly desc?: string; // 'Layer4 connection problem'
  readonly detail?: string; // last_chk / last_agt: 'Connection refused'
}

export interface ServerView {
  readonly name: string;
  /** First word of haproxy's status: UP, DOWN, MAINT, DRAIN, NOLB, or 'no check'. */
  readonly state: string;
  readonly status: string; // the full cell: 'UP 1/3', 'DOWN (agent)', 'MAINT (via b/s)'
  readonly weight: number;
  readonly backup: boolean;
  readonly sessions: CurMax;
  readonly queue: CurMax;
  readonly addr?: string;
  readonly check?: CheckView;
  readonly agent?: CheckView;
  readonly downSec?: number; // total downtime
  readonly lastChangeSec?: number; // seconds since the last state change
}

export interface BackendView {
  readonly name: string;
  readonly status: string; // UP / DOWN
  readonly weight: number;
  readonly servers: readonly ServerView[];
  readonly sessions: CurMax;
  readonly queue: CurMax;
  readonly active: number; // usable active servers
  readonly backupUp: number; // usable backup servers
}

export interface FrontendView {
  readonly name: string;
  readonly status: string; // OPEN / STOP
  readonly sessions: CurMax;
}

export interface ProxyStatus {
  readonly socket: string;
  readonly pid?: number;
  readonly uptimeSec?: number;
  readonly version?: string;
  readonly frontends: readonly FrontendView[];
  readonly backends: readonly BackendView[];
}

const num = (r: StatRecord, c: string): number => statNumber(r, c) ?? 0;

function curMax(r: StatRecord, cur: string, max: string, limit?: string): CurMax {
  const l = limit ? statNumber(r, limit) : undefined;
  return { cur: num(r, cur), max: num(r, max), ...(l !== undefined ? { limit: l } : {}) };
}

function check(r: StatRecord, prefix: 'check' | 'agent', last: string): CheckView | undefined {
  const status = r[`${prefix}_status`];
  if (!status) return undefined;
  const code = statNumber(r, `${prefix}_code`);
  const durationMs = statNumber(r, `${prefix}_duration`);
  const desc = r[`${prefix}_desc`];
  const detail = r[last];
  return { status, ...(code !== undefined ? { code } : {}), ...(durationMs !== undefined ? { durationMs } : {}), ...(desc ? { desc } : {}), ...(detail ? { detail } : {}) };
}

function server(r: StatRecord): ServerView {
  const status = r.status ?? '';
  const state = status.toLowerCase().startsWith('no check') ? 'no check' : (status.split(' ')[0] ?? '').toUpperCase();
  const c = check(r, 'check', 'last_chk');
  const a = check(r, 'agent', 'last_agt');
  const down = statNumber(r, 'downtime');
  const changed = statNumber(r, 'lastchg');
  return {
    name: r.svname ?? '',
    state,
    status,
    weight: num(r, 'weight'),
    backup: r.bck === '1',
    sessions: curMax(r, 'scur', 'smax', 'slim'),
    queue: curMax(r, 'qcur', 'qmax', 'qlimit'),
    ...(r.addr ? { addr: r.addr } : {}),
    ...(c ? { check: c } : {}),
    ...(a ? { agent: a } : {}),
    ...(down !== undefined ? { downSec: down } : {}),
    ...(changed !== undefined ? { lastChangeSec: changed } : {}),
  };
}

/** Builds the proxy section's data from the runtime API's answers. Stats-only proxies (no servers) are skipped. */
export function proxyStatus(socket: string, statCsv: string, infoText = ''): ProxyStatus {
  const rows = parseStatCsv(statCsv);
  const info = parseShowInfo(infoText);
  const frontends = rows.filter((r) => r.svname === 'FRONTEND').map((r) => ({ name: r.pxname ?? '', status: r.status ?? '', sessions: curMax(r, 'scur', 'smax', 'slim') }));
  const backends: BackendView[] = [];
  for (const be of rows.filter((r) => r.svname === 'BACKEND')) {
    const servers = rows.filter((r) => r.pxname === be.pxname && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND').map(server);
    if (servers.length === 0) continue; // a `stats enable` listen section or a backend without servers
    backends.push({
      name: be.pxname ?? '',
      status: be.status ?? '',
      weight: num(be, 'weight'),
      servers,
      sessions: curMax(be, 'scur', 'smax', 'slim'),
      queue: curMax(be, 'qcur', 'qmax'),
      active: num(be, 'act'),
      backupUp: num(be, 'bck'),
    });
  }
  const pid = info.Pid !== undefined ? Number(info.Pid) : undefined;
  const up = info.Uptime_sec !== undefined ? Number(info.Uptime_sec) : undefined;
  return {
    socket,
    ...(pid !== undefined && Number.isFinite(pid) ? { pid } : {}),
    ...(up !== undefined && Number.isFinite(up) ? { uptimeSec: up } : {}),
    ...(info.Version ? { version: info.Version } : {}),
    frontends,
    backends,
  };
}

const cm = (c: CurMax): string => `${c.cur}/${c.limit !== undefined ? c.limit : c.max}`;

/** "L4CON in 1ms: Connection refused" / "L7STS/503 in 3ms" / "L4OK in 0ms". */
export function checkText(c: CheckView): string {
  const code = c.code !== undefined ? `/${c.code}` : '';
  const took = c.durationMs !== undefined && c.durationMs >= 0 ? ` in ${c.durationMs}ms` : '';
  return `${c.status}${code}${took}${c.detail ? `: ${c.detail}` : ''}`;
}

/** One column of the server table: header + cell (tables over switches). */
const SERVER_COLUMNS: readonly { header: string; cell: (s: ServerView) => string }[] = [
  { header: 'SERVER', cell: (s) => `${s.name}${s.backup ? ' (backup)' : ''}` },
  { header: 'STATE', cell: (s) => s.status || '-' },
  { header: 'WEIGHT', cell: (s) => String(s.weight) },
  { header: 'SESS CUR/MAX', cell: (s) => `${s.sessions.cur}/${s.sessions.max}${s.sessions.limit !== undefined ? ` (limit ${s.sessions.limit})` : ''}` },
  { header: 'QUEUE', cell: (s) => String(s.queue.cur) },
  { header: 'SINCE', cell: (s) => (s.lastChangeSec !== undefined ? durationText(s.lastChangeSec * 1000) : '-') },
  { header: 'CHECK', cell: (s) => [s.check ? checkText(s.check) : 'no check', ...(s.agent ? [`agent ${checkText(s.agent)}`] : [])].join('; ') },
];

/** Human-readable proxy section. */
export function renderProxySection(p: ProxyStatus): string {
  const head = [`PROXY  socket ${p.socket}`];
  if (p.pid !== undefined) head.push(`pid ${p.pid}`);
  if (p.uptimeSec !== undefined) head.push(`up ${durationText(p.uptimeSec * 1000)}`);
  const out = [head.join('  ')];
  if (p.frontends.length > 0) out.push('', `frontends: ${p.frontends.map((f) => `${f.name} ${f.status} (${cm(f.sessions)} sessions)`).join(', ')}`);
  if (p.backends.length === 0) out.push('', 'no backend with servers');
  for (const b of p.backends) {
    out.push('', `backend ${b.name}  ${b.status}  ${b.active} active + ${b.backupUp} backup usable  weight ${b.weight}  sessions ${b.sessions.cur}/${b.sessions.max}  queue ${b.queue.cur} (max ${b.queue.max})`);
    out.push(renderTable([SERVER_COLUMNS.map((c) => c.header), ...b.servers.map((s) => SERVER_COLUMNS.map((c) => c.cell(s)))]).replace(/^/gm, '  '));
  }
  return out.join('\n') + '\n';
}
