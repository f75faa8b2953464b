// Renders `hapair status` (pure): a section per subsystem so a "proxy backends" section can be appended later.
import type { InstanceStatus, RxCounters, TrackerStatus, VrrpStatus } from './types.js';

/** One column of the instance table: header + cell. Tables over switches: add a column here, nowhere else. */
interface Column {
  readonly header: string;
  readonly cell: (i: InstanceStatus) => string;
}

function since(iso: string, nowMs: number): string {
  const s = Math.max(0, Math.round((nowMs - Date.parse(iso)) / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  return `${Math.round(s / 3600)}h`;
}

const COLUMNS = (nowMs: number): readonly Column[] => [
  { header: 'INSTANCE', cell: (i) => i.name },
  { header: 'STATE', cell: (i) => i.state },
  { header: 'SINCE', cell: (i) => since(i.since, nowMs) },
  { header: 'REASON', cell: (i) => i.lastReason ?? '-' },
  { header: 'IF', cell: (i) => i.interface },
  { header: 'VRID', cell: (i) => `${i.vrid} v${i.version}` },
  { header: 'PRIO', cell: (i) => (i.effectivePriority === i.basePriority ? `${i.basePriority}` : `${i.basePriority}->${i.effectivePriority}`) },
  { header: 'MASTER SEEN', cell: (i) => (i.masterSeen ? `${i.masterSeen.ip} (${i.masterSeen.priority})` : '-') },
  { header: 'VIPS', cell: (i) => `${i.vips.join(',') || '-'}${i.vips.length ? (i.vipsInstalled ? ' [installed]' : ' [absent]') : ''}` },
];

export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n');
}

function trackerLine(t: TrackerStatus): string {
  const state = t.ok === null ? 'pending' : t.ok ? 'ok' : 'FAILED';
  const weight = t.weight === 0 ? 'weight 0 (fault)' : `weight ${t.weight}, now ${t.contribution >= 0 ? '+' : ''}${t.contribution}`;
  return `${t.kind} ${t.name}: ${state}${t.lastResult ? ` (${t.lastResult})` : ''}, ${weight}`;
}

function counterLine(c: RxCounters): string {
  const rejected = Object.entries(c.rejected)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([r, n]) => `${r}=${n}`)
    .join(' ');
  return `rx ${c.rx}  tx ${c.tx}  became-master ${c.becameMaster}  released-master ${c.releasedMaster}  prio0 rx ${c.priorityZeroRx} tx ${c.priorityZeroTx}  rejected: ${rejected || 'none'}`;
}

/** Human-readable VRRP section. */
export function renderVrrpSection(s: VrrpStatus, nowMs: number = Date.now()): string {
  const cols = COLUMNS(nowMs);
  const out = [`VRRP  router_id ${s.routerId}  pid ${s.pid}  config ${s.configFile}  up since ${s.startedAt}`, ''];
  out.push(renderTable([cols.map((c) => c.header), ...s.instances.map((i) => cols.map((c) => c.cell(i)))]));
  for (const i of s.instances) {
    out.push('', `${i.name}${i.syncGroup ? ` (sync group ${i.syncGroup})` : ''}${i.nopreempt ? ' nopreempt' : ''}`);
    if (i.lastReason) out.push(`  last: ${i.lastReason}${i.lastDetail ? `: ${i.lastDetail}` : ''}`);
    for (const t of i.trackers) out.push(`  ${trackerLine(t)}`);
    out.push(`  ${counterLine(i.counters)}`);
  }
  for (const [iface, counts] of Object.entries(s.unmatched ?? {})) {
    out.push('', `unclaimed packets on ${iface}: ${Object.entries(counts).map(([r, n]) => `${r}=${n}`).join(' ')}`);
  }
  return out.join('\n') + '\n';
}

/** A section of `hapair status`: VRRP today, proxy backends later (another issue adds that renderer). */
export interface StatusSection {
  readonly name: string; // JSON key: 'vrrp', later 'proxy'
  readonly data: unknown; // JSON value; undefined when the daemon is not running
  readonly text: string; // human rendering
}

/** Joins sections into the final output: `--json` gives {vrrp: ..., proxy: ...}, else the texts one after another. */
export function renderStatus(sections: readonly StatusSection[], json: boolean): string {
  if (json) return JSON.stringify(Object.fromEntries(sections.map((s) => [s.name, s.data ?? null])), null, 2) + '\n';
  return sections.map((s) => s.text).join('\n');
}
