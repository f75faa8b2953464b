// Renders the VRRP section of `hapair status` (pure); the other sections and the joining live in src/core/status-text.ts.
import type { InstanceStatus, RxCounters, TrackerStatus, VrrpStatus } from './types.js';
import { durationText, renderTable } from '../core/status-text.js';

export { renderStatus, renderTable, type StatusSection } from '../core/status-text.js';

/** One column of the instance table: header + cell. Tables over switches: add a column here, nowhere else. */
interface Column {
  readonly header: string;
  readonly cell: (i: InstanceStatus) => string;
}

function since(iso: string, nowMs: number): string {
  return durationText(nowMs - Date.parse(iso));
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
