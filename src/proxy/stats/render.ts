// Stats rows in haproxy order (FRONTEND, servers, BACKEND per proxy) with the `;up` / `;no-maint` / scope /
// type-mask filters, and their CSV (haproxy.md §7.3) and typed JSON renderings, all from STAT_COLUMNS.
import type { ProxyRuntimeView } from '../types.js';
import { STAT_COLUMNS, rowValues, type Cell, type StatRow } from './columns.js';

export interface RowFilter {
  /** `;up` / `show stat up`: hide servers that are not UP-ish (DOWN or MAINT). */
  readonly upOnly?: boolean;
  /** `;no-maint`: hide servers in maintenance. */
  readonly noMaint?: boolean;
  /** `scope=<text>` / `stats scope`: proxy names to keep (substring for the URI form). */
  readonly scope?: (name: string) => boolean;
  /** `show stat <proxy|iid> <type> <sid>`: */
  readonly proxy?: string;
  readonly typeMask?: number; // 1 frontends, 2 backends, 4 servers
  readonly sid?: number; // -1 = all
}

export function collectRows(rt: ProxyRuntimeView, f: RowFilter = {}, now = Date.now()): StatRow[] {
  const rows: StatRow[] = [];
  const mask = f.typeMask === undefined || f.typeMask < 0 ? 7 : f.typeMask;
  for (const p of rt.proxiesInOrder()) {
    const section = p.backend?.section ?? p.frontend?.section;
    if (!section) continue;
    if (f.scope && !f.scope(p.name)) continue;
    if (f.proxy !== undefined && f.proxy !== p.name && f.proxy !== String(section.id)) continue;
    if (p.frontend && mask & 1) rows.push({ kind: 'frontend', section, fe: p.frontend, now });
    if (p.backend) {
      if (mask & 4) {
        for (const sv of p.backend.servers) {
          if (f.sid !== undefined && f.sid >= 0 && sv.id !== f.sid) continue;
          const maint = sv.admin.forcedMaint || sv.admin.configMaint;
          if (f.noMaint && maint) continue;
          if (f.upOnly && (maint || sv.op === 'down')) continue;
          rows.push({ kind: 'server', section, be: p.backend, sv, now });
        }
      }
      if (mask & 2) rows.push({ kind: 'backend', section, be: p.backend, now });
    }
  }
  return rows;
}

function csvField(v: Cell): string {
  if (v === undefined) return '';
  const s = String(v);
  return /[,"\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

/** `# pxname,svname,...,-,` — every line, header included, ends with a comma (haproxy.md §7.3). */
export const CSV_HEADER = `# ${STAT_COLUMNS.map((c) => c.name).join(',')},\n`;

export function renderCsv(rows: readonly StatRow[]): string {
  let out = CSV_HEADER;
  for (const r of rows) out += `${rowValues(r).map(csvField).join(',')},\n`;
  return out;
}

const OBJ_TYPE = { frontend: 'Frontend', backend: 'Backend', server: 'Server' } as const;

/** haproxy's typed JSON (`;json`, `show stat json`): one array of non-empty field objects per row. */
export function renderJson(rows: readonly StatRow[]): string {
  const out = rows.map((r) => {
    const vals = rowValues(r);
    const fields: object[] = [];
    vals.forEach((v, pos) => {
      if (v === undefined || v === '') return;
      const type = typeof v === 'number' ? (v < 0 ? 's32' : 'u64') : 'str';
      fields.push({
        objType: OBJ_TYPE[r.kind],
        proxyId: r.section.id,
        id: r.kind === 'server' ? r.sv!.id : 0,
        field: { pos, name: STAT_COLUMNS[pos]!.name },
        processNum: 1,
        value: { type, value: v },
      });
    });
    return fields;
  });
  return JSON.stringify(out);
}
