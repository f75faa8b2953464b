// Read-only runtime API outputs: `show info`, `show stat`, `show servers state`, `show backend` in haproxy's
// formats (haproxy.md §8; field lists and numeric enums as haproxy 2.6 prints them).
import type { ProxyRuntimeView, ServerControl, BackendView, CheckState } from '../types.js';
import { CHECK_STATUS, CHECK_RESULT_INDEX } from '../check/status.js';
import { collectRows, renderCsv, renderJson, type RowFilter } from '../stats/render.js';
import { droppedLogLines } from '../syslog/transport.js';

function uptime(sec: number): string {
  const d = Math.floor(sec / 86400);
  const h = Math.floor((sec % 86400) / 3600);
  const m = Math.floor((sec % 3600) / 60);
  const s = sec % 60;
  return `${d}d ${h}h${String(m).padStart(2, '0')}m${String(s).padStart(2, '0')}s`;
}

/** `show info`: haproxy's key names and order for the figures hapair has. */
export function showInfo(rt: ProxyRuntimeView, format: 'text' | 'json' = 'text'): string {
  const i = rt.info();
  const pairs: [string, string | number][] = [
    ['Name', 'hapair'], ['Version', i.version], ['Release_date', ''], ['Nbthread', i.nbthread], ['Nbproc', 1], ['Process_num', 1],
    ['Pid', i.pid], ['Uptime', uptime(i.uptimeSec)], ['Uptime_sec', i.uptimeSec], ['Memmax_MB', 0], ['Maxconn', i.maxconn],
    ['Hard_maxconn', i.maxconn], ['CurrConns', i.currConns], ['CumConns', i.cumConns], ['CumReq', i.cumReq],
    ['node', i.node], ['Stopping', 0], ['Start_time_sec', Math.floor(i.startedAt / 1000)],
    // Syslog lines this process could not send (haproxy's DroppedLogs; with nbthread > 1 the workers send).
    ['DroppedLogs', droppedLogLines()],
  ];
  if (format === 'json') return `${JSON.stringify(pairs.map(([k, v], pos) => ({ field: { pos, name: k }, processNum: 1, value: { type: typeof v === 'number' ? 'u32' : 'str', value: v } })))}\n`;
  return pairs.map(([k, v]) => `${k}: ${v}\n`).join('');
}

/** `show stat [<proxy|iid> <type> <sid>] [json|typed] [up|no-maint]`. */
export function showStat(rt: ProxyRuntimeView, args: readonly string[]): string {
  const flags = new Set(args.filter((a) => ['json', 'typed', 'desc', 'up', 'no-maint'].includes(a)));
  const pos = args.filter((a) => !flags.has(a));
  const filter: RowFilter = {
    upOnly: flags.has('up'),
    noMaint: flags.has('no-maint'),
    ...(pos.length >= 3 ? { proxy: pos[0]!, typeMask: Number(pos[1]), sid: Number(pos[2]) } : {}),
  };
  const rows = collectRows(rt, filter);
  return flags.has('json') ? `${renderJson(rows)}\n` : renderCsv(rows);
}

const OP_INDEX = { down: 0, starting: 1, up: 2, stopping: 3 } as const;

function adminBits(s: ServerControl): number {
  return (s.admin.forcedMaint ? 0x01 : 0) | (s.admin.configMaint ? 0x04 : 0) | (s.admin.forcedDrain ? 0x08 : 0);
}

/** check_state bits: 0x1 running, 0x2 configured, 0x4 enabled, 0x8 paused, 0x10 agent. */
function checkBits(c: CheckState | undefined, agent: boolean, paused: boolean): number {
  if (!c) return 0;
  return (c.running ? 0x1 : 0) | 0x2 | (c.enabled ? 0x4 : 0) | (paused ? 0x8 : 0) | (agent ? 0x10 : 0);
}

export const SERVERS_STATE_HEADER =
  '# be_id be_name srv_id srv_name srv_addr srv_op_state srv_admin_state srv_uweight srv_iweight srv_time_since_last_change srv_check_status srv_check_result srv_check_health srv_check_state srv_agent_state bk_f_forced_id srv_f_forced_id srv_fqdn srv_port srvrecord srv_use_ssl srv_check_port srv_check_addr srv_agent_addr srv_agent_port';

export function serverStateLine(be: BackendView, s: ServerControl, now = Date.now()): string {
  const c = s.check;
  const status = c ? CHECK_STATUS[c.status] : CHECK_STATUS.INI;
  const maint = s.admin.forcedMaint || s.admin.configMaint;
  return [
    be.id, be.name, s.id, s.name, s.addr, OP_INDEX[s.op], adminBits(s), s.uweight, s.iweight,
    Math.max(0, Math.floor((now - s.lastChangeMs) / 1000)),
    status.index, c ? CHECK_RESULT_INDEX[status.result] : 0, c ? c.health : s.config.rise,
    checkBits(c, false, maint), checkBits(s.agent, true, false),
    0, 0, '-', s.port ?? 0, '-', 0, s.config.checkPort ?? 0, s.config.checkAddr ?? '-', s.config.agentAddr ?? '-', s.config.agentPort ?? 0,
  ].join(' ');
}

/** `show servers state [<backend>]`: version line `1`, header, one line per server. */
export function showServersState(rt: ProxyRuntimeView, backend?: string): string | undefined {
  const bes = backend === undefined ? [...rt.backends.values()] : [...rt.backends.values()].filter((b) => b.name === backend || `#${b.id}` === backend);
  if (backend !== undefined && bes.length === 0) return undefined;
  const seen = new Set<string>();
  let out = `1\n${SERVERS_STATE_HEADER}\n`;
  for (const be of bes) {
    if (seen.has(be.name)) continue;
    seen.add(be.name);
    for (const s of be.servers) out += `${serverStateLine(be, s)}\n`;
  }
  return out;
}

export function showBackend(rt: ProxyRuntimeView): string {
  return `# name\n${[...new Set([...rt.backends.values()].map((b) => b.name))].map((n) => `${n}\n`).join('')}`;
}
