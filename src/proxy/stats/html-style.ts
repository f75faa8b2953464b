// Stylesheet and small formatting helpers of the HTML stats page (colours by server state, like haproxy's legend).

/** Row classes by state; backup servers use the `backup_` variants (haproxy.md §7.2). */
export const STATE_CSS = `
:root { font-family: system-ui, -apple-system, "Segoe UI", Helvetica, Arial, sans-serif; font-size: 13px; color: #1d2125; }
body { margin: 16px 20px; background: #fafbfc; }
h1 { font-size: 20px; margin: 0 0 2px; }
h1 small { font-weight: normal; color: #5b6570; font-size: 13px; margin-left: 8px; }
.top { display: flex; gap: 24px; flex-wrap: wrap; align-items: flex-start; margin: 10px 0 16px; }
.box { background: #fff; border: 1px solid #d8dde3; border-radius: 6px; padding: 8px 12px; }
.box h2 { font-size: 12px; text-transform: uppercase; letter-spacing: .04em; color: #5b6570; margin: 0 0 6px; }
.info td { padding: 1px 10px 1px 0; } .info td:first-child { color: #5b6570; }
.legend span { display: inline-block; min-width: 14px; height: 14px; border: 1px solid #9aa4ae; vertical-align: middle; margin-right: 4px; }
.legend div { margin: 2px 0; }
.opts a { display: block; margin: 2px 0; color: #0b5cad; text-decoration: none; } .opts a:hover { text-decoration: underline; }
.banner { padding: 8px 12px; border-radius: 6px; margin: 8px 0 12px; border: 1px solid; }
.banner.ok { background: #e3f7e3; border-color: #7cc47c; } .banner.warn { background: #fff6d6; border-color: #e0c050; }
.banner.info { background: #e8f1fb; border-color: #8db4e0; } .banner.err { background: #fde2e2; border-color: #e08c8c; }
.banner a { float: right; color: inherit; text-decoration: none; }
table.px { border-collapse: collapse; background: #fff; margin: 0 0 6px; width: 100%; border: 1px solid #c3cad2; }
table.px caption { text-align: left; font-weight: 600; font-size: 14px; padding: 6px 8px; background: #2f3b48; color: #fff; caption-side: top; }
table.px caption small { font-weight: normal; opacity: .8; margin-left: 8px; }
table.px th { background: #e9edf1; font-weight: 600; font-size: 11px; padding: 3px 5px; border: 1px solid #c3cad2; white-space: nowrap; }
table.px td { padding: 3px 6px; border: 1px solid #dde2e7; text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
table.px td.name { text-align: left; font-weight: 600; } table.px td.st { text-align: center; font-weight: 600; }
table.px tr.frontend td, table.px tr.backend td { background: #f1f3f5; font-weight: 600; }
tr.active_up td { background: #c8f2c8; } tr.backup_up td { background: #bcd7f5; }
tr.active_going_down td { background: #fff7a8; } tr.backup_going_down td { background: #d7b3f5; }
tr.active_going_up td { background: #ffd75e; } tr.backup_going_up td { background: #f5a8f5; }
tr.active_down td, tr.backup_down td { background: #ffa8a8; }
tr.active_nolb td, tr.active_draining td { background: #9fd0ff; } tr.backup_nolb td, tr.backup_draining td { background: #c9b27a; }
tr.active_no_check td, tr.backup_no_check td { background: #e6e8ea; }
tr.maintain td { background: #d9a066; }
form.admin { margin: 0 0 18px; display: flex; gap: 8px; align-items: center; }
form.admin select, form.admin button { font: inherit; padding: 2px 6px; }
abbr { text-decoration: none; border-bottom: 1px dotted #777; cursor: help; }
`;

export const LEGEND: readonly (readonly [string, string])[] = [
  ['active_up', 'active UP'],
  ['backup_up', 'backup UP'],
  ['active_going_down', 'UP, going down (failing checks)'],
  ['active_going_up', 'DOWN, going up (passing checks)'],
  ['active_down', 'DOWN'],
  ['active_draining', 'DRAIN / NOLB: UP, not load-balanced'],
  ['active_no_check', 'not checked'],
  ['maintain', 'MAINT (maintenance)'],
];

export function esc(s: unknown): string {
  return String(s ?? '').replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

/** 75 -> "1m15s", 90061 -> "1d1h" (two most significant units, like haproxy's human durations). */
export function human(sec: number | undefined): string {
  if (sec === undefined || !Number.isFinite(sec) || sec < 0) return '';
  const units: [number, string][] = [[86400, 'd'], [3600, 'h'], [60, 'm'], [1, 's']];
  const parts: string[] = [];
  let rest = Math.floor(sec);
  for (const [n, u] of units) {
    if (rest >= n || (u === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(rest / n)}${u}`);
      rest %= n;
    }
    if (parts.length === 2) break;
  }
  return parts.join('');
}

/** 1234567 -> "1 234 567" (thin grouping, easy to scan). */
export function num(v: unknown): string {
  if (typeof v !== 'number') return v === undefined ? '' : esc(v);
  return String(v).replace(/\B(?=(\d{3})+(?!\d))/g, '&#8239;');
}
