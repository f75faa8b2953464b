// One-line summary of a stats page CSV export (`<stats uri>;csv`, haproxy's column names) (pure).
import { parseStatCsv, statNumber } from '../core/stat-csv.js';

export interface StatsRow {
  readonly pxname: string;
  readonly svname: string;
  readonly status: string;
  readonly stot: number; // cumulative sessions
}

/** Parses haproxy's CSV (`# pxname,svname,...` header line, one row per frontend/server/backend). */
export function parseStatsCsv(csv: string): StatsRow[] {
  return parseStatCsv(csv)
    .filter((r) => r.pxname !== undefined && r.svname !== undefined && r.status !== undefined)
    .map((r) => ({ pxname: r.pxname!, svname: r.svname!, status: r.status!, stot: statNumber(r, 'stot') ?? 0 }));
}

/** e.g. "frontend main OPEN (42 sessions) | backend web UP: web1 UP (21), web2 UP (21)". Stats sections are left out. */
export function summarizeStats(rows: readonly StatsRow[], skip: ReadonlySet<string> = new Set()): string {
  const parts: string[] = [];
  for (const fe of rows.filter((r) => r.svname === 'FRONTEND' && !skip.has(r.pxname))) {
    parts.push(`frontend ${fe.pxname} ${fe.status} (${fe.stot} sessions)`);
  }
  for (const be of rows.filter((r) => r.svname === 'BACKEND' && !skip.has(r.pxname))) {
    const servers = rows.filter((r) => r.pxname === be.pxname && r.svname !== 'BACKEND' && r.svname !== 'FRONTEND');
    if (servers.length === 0) continue;
    parts.push(`backend ${be.pxname} ${be.status}: ${servers.map((s) => `${s.svname} ${s.status} (${s.stot})`).join(', ')}`);
  }
  return parts.join(' | ') || 'no proxies in the stats export';
}
