// `hapair status` text plumbing (pure): aligned tables, relative times, and joining the per-daemon sections.

/** A section of `hapair status`: one per daemon (vrrp, proxy) plus the alert delivery health. */
export interface StatusSection {
  readonly name: string; // JSON key: 'vrrp', 'proxy', 'alerts'
  readonly data: unknown; // JSON value; { error } when the daemon did not answer
  readonly text: string; // human rendering
}

/** Left-aligned columns, two spaces apart; the last column is not padded. */
export function renderTable(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]?.map((_, c) => Math.max(...rows.map((r) => (r[c] ?? '').length))) ?? [];
  return rows.map((r) => r.map((cell, c) => (c === r.length - 1 ? cell : cell.padEnd(widths[c] ?? 0))).join('  ')).join('\n');
}

/** "42s", "3m", "5h", "2d": how long ago / how long, for a status column. */
export function durationText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172_800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86_400)}d`;
}

/** Joins sections into the final output: `--json` gives {vrrp: ..., proxy: ..., alerts: ...}, else the texts in order. */
export function renderStatus(sections: readonly StatusSection[], json: boolean): string {
  if (json) return JSON.stringify(Object.fromEntries(sections.map((s) => [s.name, s.data ?? null])), null, 2) + '\n';
  return sections.map((s) => s.text).join('\n');
}
