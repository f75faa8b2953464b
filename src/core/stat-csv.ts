// Parses haproxy's `show stat` / `;csv` export (pure): the `# pxname,svname,...` header names every column.
// Shared by `hapair status` (proxy section) and the demo's one-line summary; column names are haproxy's
// (management.txt "9.1 CSV format"), so the same code reads a real haproxy's export.

/** One CSV row by column name; empty cells are ''. */
export type StatRecord = Readonly<Record<string, string>>;

/** Rows of the export in order (frontends, servers, backends as haproxy lists them); [] without a header. */
export function parseStatCsv(csv: string): StatRecord[] {
  const lines = csv.split('\n').map((l) => l.trim()).filter(Boolean);
  const head = lines[0];
  if (head === undefined || !head.startsWith('#')) return [];
  const names = head.replace(/^#\s*/, '').split(',');
  return lines.slice(1).map((l) => {
    const cells = l.split(',');
    const row: Record<string, string> = {};
    names.forEach((n, i) => {
      if (n !== '' && n !== '-') row[n] = cells[i] ?? '';
    });
    return row;
  });
}

/** A numeric cell; undefined when empty or not a number (haproxy leaves cells that do not apply empty). */
export function statNumber(r: StatRecord, column: string): number | undefined {
  const v = r[column];
  if (v === undefined || v === '') return undefined;
  const n = Number(v);
  return Number.isFinite(n) ? n : undefined;
}

/** `show info` lines (`Name: value`) as a map. */
export function parseShowInfo(text: string): Readonly<Record<string, string>> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const i = line.indexOf(':');
    if (i > 0) out[line.slice(0, i).trim()] = line.slice(i + 1).trim();
  }
  return out;
}
