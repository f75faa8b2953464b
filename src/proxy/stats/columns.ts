// STAT_COLUMNS: haproxy's stats fields 0..103 in order (haproxy.md §7.3; the 2.6.12 header up to "-"), each
// with the getter per row kind (frontend / backend / server). CSV, JSON, HTML and `show stat` all walk it.
import type { BackendView, FrontendView, ProxySection, ServerControl, TrafficCounters } from '../types.js';
import { serverStatusText } from '../backend/server-state.js';
import { CHECK_STATUS } from '../check/status.js';
import { ratesOf } from './rates.js';

export type RowKind = 'frontend' | 'backend' | 'server';
export type Cell = string | number | undefined;

export interface StatRow {
  readonly kind: RowKind;
  readonly section: ProxySection;
  readonly fe?: FrontendView;
  readonly be?: BackendView;
  readonly sv?: ServerControl;
  /** Wall clock of this dump (ms). */
  readonly now: number;
}

type Get = (r: StatRow) => Cell;
export interface StatColumn {
  readonly name: string;
  readonly fe?: Get;
  readonly be?: Get;
  readonly sv?: Get;
}

const secs = (r: StatRow, ms: number) => Math.max(0, Math.floor((r.now - ms) / 1000));
const http = (r: StatRow) => r.section.mode === 'http';
const fc = (r: StatRow): Readonly<TrafficCounters> => r.fe!.counters;
const bc = (r: StatRow): Readonly<TrafficCounters> => r.be!.counters;
const sc = (r: StatRow): Readonly<TrafficCounters> => r.sv!.counters;
const zero: Get = () => 0;
const hasCheck = (r: StatRow) => r.sv!.check !== undefined;
const hasAgent = (r: StatRow) => r.sv!.agent !== undefined;
const lastSess = (c: Readonly<TrafficCounters>, r: StatRow) => (c.lastSessMs === undefined ? -1 : secs(r, c.lastSessMs));

/** Servers that load balancing may use now, split active/backup (backend act/bck/weight). */
export function usable(be: BackendView): { act: number; bck: number; wact: number; wbck: number } {
  let act = 0, bck = 0, wact = 0, wbck = 0;
  for (const s of be.servers) {
    if (!s.isUsable()) continue;
    if (s.config.backup) {
      bck++;
      wbck += s.eweight;
    } else {
      act++;
      wact += s.eweight;
    }
  }
  return { act, bck, wact, wbck };
}

/** Backend status: UP while any server can take traffic (or it has none), else DOWN (haproxy.md §6.4). */
export function backendStatus(be: BackendView): string {
  const u = usable(be);
  return be.servers.length === 0 || u.act + u.bck > 0 ? 'UP' : 'DOWN';
}

export function serverStatus(s: ServerControl): string {
  return serverStatusText(s);
}

function throttle(s: ServerControl): Cell {
  if (s.op !== 'starting') return undefined;
  const t = (s as unknown as { throttle?: unknown }).throttle;
  return typeof t === 'number' ? t : undefined;
}

const hrsp = (k: keyof TrafficCounters['hrsp']): StatColumn => ({
  name: k === 'other' ? 'hrsp_other' : `hrsp_${k}`,
  fe: (r) => (http(r) ? fc(r).hrsp[k] : undefined),
  be: (r) => (http(r) ? bc(r).hrsp[k] : undefined),
  sv: (r) => (http(r) ? sc(r).hrsp[k] : undefined),
});
/** A column filled the same way from the counters of every row kind. */
const all = (name: string, f: (c: Readonly<TrafficCounters>) => number, kinds: readonly RowKind[] = ['frontend', 'backend', 'server']): StatColumn => ({
  name,
  ...(kinds.includes('frontend') ? { fe: (r: StatRow) => f(fc(r)) } : {}),
  ...(kinds.includes('backend') ? { be: (r: StatRow) => f(bc(r)) } : {}),
  ...(kinds.includes('server') ? { sv: (r: StatRow) => f(sc(r)) } : {}),
});
const BS = ['backend', 'server'] as const;
const chk = (name: string, f: (r: StatRow) => Cell): StatColumn => ({ name, sv: (r) => (hasCheck(r) ? f(r) : undefined) });
const agt = (name: string, f: (r: StatRow) => Cell): StatColumn => ({ name, sv: (r) => (hasAgent(r) ? f(r) : undefined) });
const ms = (name: string, f: (c: Readonly<TrafficCounters>) => number): StatColumn => all(name, (c) => Math.round(f(c)), BS);
const empty = (name: string): StatColumn => ({ name });
const feOnlyZero = (name: string): StatColumn => ({ name, fe: zero });
const svZero = (name: string): StatColumn => ({ name, sv: zero });

export const STAT_COLUMNS: readonly StatColumn[] = [
  { name: 'pxname', fe: (r) => r.section.name, be: (r) => r.section.name, sv: (r) => r.section.name },
  { name: 'svname', fe: () => 'FRONTEND', be: () => 'BACKEND', sv: (r) => r.sv!.name },
  { name: 'qcur', be: (r) => r.be!.queueLength, sv: (r) => sc(r).queueCur },
  all('qmax', (c) => c.queueMax, BS),
  { name: 'scur', fe: (r) => fc(r).cur, be: (r) => r.be!.beconn, sv: (r) => sc(r).cur },
  all('smax', (c) => c.max),
  { name: 'slim', fe: (r) => r.fe!.maxconn, be: (r) => r.be!.fullconn, sv: (r) => (r.sv!.maxconn > 0 ? r.sv!.maxconn : undefined) },
  all('stot', (c) => c.total),
  all('bin', (c) => c.bytesIn),
  all('bout', (c) => c.bytesOut),
  { name: 'dreq', fe: (r) => fc(r).deniedReq, be: (r) => bc(r).deniedReq },
  { name: 'dresp', fe: zero, be: zero, sv: zero },
  { name: 'ereq', fe: (r) => fc(r).reqErrors },
  all('econ', (c) => c.connErrors, BS),
  all('eresp', (c) => c.respErrors, BS),
  all('wretr', (c) => c.retries, BS),
  all('wredis', (c) => c.redispatches, BS),
  { name: 'status', fe: (r) => r.fe!.status, be: (r) => backendStatus(r.be!), sv: (r) => serverStatus(r.sv!) },
  { name: 'weight', be: (r) => { const u = usable(r.be!); return u.act ? u.wact : u.wbck; }, sv: (r) => r.sv!.eweight },
  { name: 'act', be: (r) => usable(r.be!).act, sv: (r) => (r.sv!.config.backup ? 0 : 1) },
  { name: 'bck', be: (r) => usable(r.be!).bck, sv: (r) => (r.sv!.config.backup ? 1 : 0) },
  chk('chkfail', (r) => r.sv!.failedChecks),
  { name: 'chkdown', be: zero, sv: (r) => (hasCheck(r) ? r.sv!.downTransitions : undefined) },
  { name: 'lastchg', be: (r) => secs(r, r.be!.lastChangeMs), sv: (r) => secs(r, r.sv!.lastChangeMs) },
  chk('downtime', (r) => Math.floor(r.sv!.downtimeMs / 1000)),
  { name: 'qlimit', sv: (r) => (r.sv!.config.maxqueue > 0 ? r.sv!.config.maxqueue : undefined) },
  { name: 'pid', fe: () => 1, be: () => 1, sv: () => 1 },
  { name: 'iid', fe: (r) => r.section.id, be: (r) => r.section.id, sv: (r) => r.section.id },
  { name: 'sid', fe: zero, be: zero, sv: (r) => r.sv!.id },
  { name: 'throttle', sv: (r) => throttle(r.sv!) },
  all('lbtot', (c) => c.lbtot, BS),
  empty('tracked'),
  { name: 'type', fe: () => 0, be: () => 1, sv: () => 2 },
  { name: 'rate', fe: (r) => ratesOf(r.fe!).rate, be: (r) => ratesOf(r.be!).rate, sv: (r) => ratesOf(r.sv!).rate },
  feOnlyZero('rate_lim'),
  { name: 'rate_max', fe: (r) => ratesOf(r.fe!).rateMax, be: (r) => ratesOf(r.be!).rateMax, sv: (r) => ratesOf(r.sv!).rateMax },
  chk('check_status', (r) => (r.sv!.check!.running ? `* ${r.sv!.check!.status}` : r.sv!.check!.status)),
  chk('check_code', (r) => r.sv!.check!.code),
  chk('check_duration', (r) => r.sv!.check!.durationMs),
  hrsp('1xx'), hrsp('2xx'), hrsp('3xx'), hrsp('4xx'), hrsp('5xx'), hrsp('other'),
  empty('hanafail'),
  { name: 'req_rate', fe: (r) => ratesOf(r.fe!).reqRate },
  { name: 'req_rate_max', fe: (r) => ratesOf(r.fe!).reqRateMax },
  { name: 'req_tot', fe: (r) => fc(r).reqTotal, be: (r) => bc(r).reqTotal, sv: (r) => sc(r).reqTotal },
  all('cli_abrt', (c) => c.cliAborts, BS),
  all('srv_abrt', (c) => c.srvAborts, BS),
  { name: 'comp_in', fe: zero, be: zero }, { name: 'comp_out', fe: zero, be: zero },
  { name: 'comp_byp', fe: zero, be: zero }, { name: 'comp_rsp', fe: zero, be: zero },
  { name: 'lastsess', be: (r) => lastSess(bc(r), r), sv: (r) => lastSess(sc(r), r) },
  chk('last_chk', (r) => r.sv!.check!.desc),
  agt('last_agt', (r) => r.sv!.agent!.desc),
  ms('qtime', (c) => c.qtime), ms('ctime', (c) => c.ctime), ms('rtime', (c) => c.rtime), ms('ttime', (c) => c.ttime),
  agt('agent_status', (r) => (r.sv!.agent!.running ? `* ${r.sv!.agent!.status}` : r.sv!.agent!.status)),
  agt('agent_code', (r) => r.sv!.agent!.code),
  agt('agent_duration', (r) => r.sv!.agent!.durationMs),
  chk('check_desc', (r) => CHECK_STATUS[r.sv!.check!.status].desc),
  agt('agent_desc', (r) => CHECK_STATUS[r.sv!.agent!.status].desc),
  chk('check_rise', (r) => r.sv!.check!.rise), chk('check_fall', (r) => r.sv!.check!.fall), chk('check_health', (r) => r.sv!.check!.health),
  agt('agent_rise', (r) => r.sv!.agent!.rise), agt('agent_fall', (r) => r.sv!.agent!.fall), agt('agent_health', (r) => r.sv!.agent!.health),
  { name: 'addr', sv: (r) => (r.sv!.port !== undefined ? `${r.sv!.addr}:${r.sv!.port}` : r.sv!.addr) },
  { name: 'cookie', sv: (r) => r.sv!.config.cookie },
  { name: 'mode', fe: (r) => r.section.mode, be: (r) => r.section.mode, sv: (r) => r.section.mode },
  { name: 'algo', be: (r) => r.section.balance.kind },
  // Every accepted connection is a session in hapair: the connection rate is the session rate.
  { name: 'conn_rate', fe: (r) => ratesOf(r.fe!).rate },
  { name: 'conn_rate_max', fe: (r) => ratesOf(r.fe!).rateMax },
  { name: 'conn_tot', fe: (r) => fc(r).total },
  feOnlyZero('intercepted'), feOnlyZero('dcon'), feOnlyZero('dses'),
  { name: 'wrew', fe: zero, be: zero, sv: zero },
  all('connect', (c) => c.total, BS),
  { name: 'reuse', be: zero, sv: zero },
  { name: 'cache_lookups', fe: zero, be: zero }, { name: 'cache_hits', fe: zero, be: zero },
  svZero('srv_icur'),
  empty('src_ilim'),
  ms('qtime_max', (c) => c.qtime), ms('ctime_max', (c) => c.ctime), ms('rtime_max', (c) => c.rtime), ms('ttime_max', (c) => c.ttime),
  { name: 'eint', fe: zero, be: zero, sv: zero },
  svZero('idle_conn_cur'), svZero('safe_conn_cur'), svZero('used_conn_cur'), svZero('need_conn_est'),
  { name: 'uweight', be: (r) => r.be!.servers.reduce((n, s) => n + (s.config.backup ? 0 : s.uweight), 0), sv: (r) => r.sv!.uweight },
  { name: 'agg_server_status', be: zero }, { name: 'agg_server_check_status', be: zero }, { name: 'agg_check_status', be: zero },
  { name: '-', fe: () => '-', be: () => '-', sv: () => '-' },
];

export const COLUMN_INDEX: ReadonlyMap<string, number> = new Map(STAT_COLUMNS.map((c, i) => [c.name, i]));

/** All cells of one row, in STAT_COLUMNS order. */
export function rowValues(r: StatRow): Cell[] {
  const key = r.kind === 'frontend' ? 'fe' : r.kind === 'backend' ? 'be' : 'sv';
  return STAT_COLUMNS.map((c) => c[key]?.(r));
}

/** One named cell of a row. */
export function cell(r: StatRow, name: string): Cell {
  const i = COLUMN_INDEX.get(name);
  if (i === undefined) return undefined;
  const c = STAT_COLUMNS[i]!;
  return (r.kind === 'frontend' ? c.fe : r.kind === 'backend' ? c.be : c.sv)?.(r);
}
