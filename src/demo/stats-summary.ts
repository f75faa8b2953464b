// One-line summary of a stats page CSV export (`<stats uri>;csv`, haproxy's column names) (pure).

export interface StatsRow {
  readonly pxname: string;
  readonly svname: string;
  readonly status: string;
  readonly stot: number; // cumulative sessions
}

/** Parses haproxy's CSV (`# pxname,svname,...` header line, one row per frontend/server/backend). */
export function parseStatsCsv(csv: string): StatsRow[] {
  const lines = csv.split('\n').map((l) => l.trim()).filter(Boolean);
  const header = lines[0]?.replace(/^#\s*/, '').split(',') ?? [];
  const col = (name: string) => header.indexOf(name);
  const [px, sv, st, stot] = [col('pxname'), col('svname'), col('status'), col('stot')];
  if (px < 0 || sv < 0 || st < 0) return [];
  return lines.slice(1).map((l) => {
    const f = l.split(',');
    return { pxname: f[px] ?? '', svname: f[sv] ?? '', status: f[st] ?? '', stot: Number(f[stot] ?? 0) || 0 };
  });
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
