// The HTML stats page: process info, legend, display options, one table per proxy (FRONTEND, servers, BACKEND)
// in haproxy's column groups (haproxy.md §7.2), admin form per backend, ;st= banner. Cells come from STAT_COLUMNS.
import type { ProcessInfo, ProxyRuntimeView } from '../types.js';
import { cell, type StatRow } from './columns.js';
import { collectRows, type RowFilter } from './render.js';
import { ADMIN_ACTIONS, POST_RESULT_TEXT, type PostResult } from './admin.js';
import { STATE_CSS, LEGEND, esc, human, num } from './html-style.js';

export interface HtmlOptions {
  readonly uri: string; // stats uri prefix
  readonly admin: boolean;
  readonly hideVersion: boolean;
  readonly refreshSec?: number;
  readonly norefresh: boolean;
  readonly upOnly: boolean;
  readonly status?: PostResult;
  readonly filter: RowFilter;
}

type Fmt = (r: StatRow) => string;
const c = (name: string): Fmt => (r) => num(cell(r, name));

/** haproxy's column groups; every value is read through STAT_COLUMNS by name. */
const GROUPS: readonly { readonly title: string; readonly cols: readonly (readonly [string, Fmt])[] }[] = [
  { title: 'Queue', cols: [['Cur', c('qcur')], ['Max', c('qmax')], ['Limit', c('qlimit')]] },
  { title: 'Session rate', cols: [['Cur', c('rate')], ['Max', c('rate_max')], ['Limit', c('rate_lim')]] },
  {
    title: 'Sessions',
    cols: [['Cur', c('scur')], ['Max', c('smax')], ['Limit', c('slim')], ['Total', c('stot')], ['LbTot', c('lbtot')],
      ['Last', (r) => { const v = cell(r, 'lastsess'); return typeof v === 'number' && v >= 0 ? human(v) : ''; }]],
  },
  { title: 'Bytes', cols: [['In', c('bin')], ['Out', c('bout')]] },
  { title: 'Denied', cols: [['Req', c('dreq')], ['Resp', c('dresp')]] },
  { title: 'Errors', cols: [['Req', c('ereq')], ['Conn', c('econ')], ['Resp', c('eresp')]] },
  { title: 'Warnings', cols: [['Retr', c('wretr')], ['Redis', c('wredis')]] },
  {
    title: 'Server',
    cols: [
      ['Status', statusCell],
      ['LastChk', lastChk],
      ['Wght', (r) => (r.kind === 'frontend' ? '' : r.kind === 'server' ? `${num(cell(r, 'weight'))}/${num(cell(r, 'uweight'))}` : num(cell(r, 'weight')))],
      ['Act', (r) => yn(r, 'act')],
      ['Bck', (r) => yn(r, 'bck')],
      ['Chk', c('chkfail')],
      ['Dwn', c('chkdown')],
      ['Dwntme', (r) => human(cell(r, 'downtime') as number | undefined)],
      ['Thrtle', (r) => { const v = cell(r, 'throttle'); return v === undefined ? '' : `${v}%`; }],
    ],
  },
];

function yn(r: StatRow, name: string): string {
  const v = cell(r, name);
  if (r.kind === 'server') return v === 1 ? 'Y' : '-';
  return num(v);
}

function statusCell(r: StatRow): string {
  const st = String(cell(r, 'status') ?? '');
  const age = cell(r, 'lastchg');
  return `${typeof age === 'number' ? `${human(age)} ` : ''}${esc(st)}`;
}

function lastChk(r: StatRow): string {
  if (r.kind !== 'server') return '';
  const st = cell(r, 'check_status');
  const agt = cell(r, 'agent_status');
  const parts: string[] = [];
  if (st !== undefined) {
    const code = cell(r, 'check_code');
    const d = cell(r, 'check_duration');
    const tip = [cell(r, 'check_desc'), cell(r, 'last_chk')].filter((x) => x).join(': ');
    parts.push(`<abbr title="${esc(tip)}">${esc(st)}${code !== undefined ? `/${esc(code)}` : ''}${d !== undefined ? ` in ${esc(d)}ms` : ''}</abbr>`);
  }
  if (agt !== undefined) {
    const tip = [cell(r, 'agent_desc'), cell(r, 'last_agt')].filter((x) => x).join(': ');
    parts.push(`<abbr title="${esc(tip)}">agent ${esc(agt)}</abbr>`);
  }
  return parts.join(' · ');
}

/** CSS class of a row: state colour from the status text (weight-0 UP servers look like draining). */
export function rowClass(r: StatRow): string {
  if (r.kind !== 'server') return r.kind;
  const st = String(cell(r, 'status'));
  const pre = r.sv!.config.backup ? 'backup_' : 'active_';
  if (st === 'MAINT' || st.startsWith('MAINT')) return 'maintain';
  let state: string;
  if (st === 'no check') state = 'no_check';
  else if (st.startsWith('DRAIN')) state = 'draining';
  else if (st === 'NOLB') state = 'nolb';
  else if (/^(UP|NOLB) \d/.test(st)) state = 'going_down';
  else if (/^DOWN \d/.test(st)) state = 'going_up';
  else if (st.startsWith('DOWN')) state = 'down';
  else state = 'up';
  if ((state === 'up' || state === 'no_check') && r.sv!.eweight === 0) state = 'draining';
  return pre + state;
}

function processBox(info: ProcessInfo, hideVersion: boolean): string {
  const rows: [string, string][] = [
    ['pid', `${info.pid}${hideVersion ? '' : ` · hapair ${esc(info.version)}`}`],
    ['node', esc(info.node)],
    ['uptime', human(info.uptimeSec)],
    ['workers', String(info.nbthread)],
    ['maxconn', num(info.maxconn)],
    ['current conns', num(info.currConns)],
    ['total conns', num(info.cumConns)],
    ['total requests', num(info.cumReq)],
  ];
  return `<div class="box info"><h2>Process</h2><table>${rows.map(([k, v]) => `<tr><td>${k}</td><td>${v}</td></tr>`).join('')}</table></div>`;
}

function optionsBox(o: HtmlOptions): string {
  const mods = (extra: string) => `${esc(o.uri)}${o.upOnly ? ';up' : ''}${o.norefresh ? ';norefresh' : ''}${extra}`;
  const links: [string, string][] = [
    [o.upOnly ? `${esc(o.uri)}${o.norefresh ? ';norefresh' : ''}` : mods(';up'), o.upOnly ? "Show all servers" : "Hide 'DOWN' servers"],
    ...(o.refreshSec !== undefined && !o.norefresh ? [[mods(';norefresh'), 'Disable refresh'] as [string, string]] : []),
    [mods(''), 'Refresh now'],
    [`${esc(o.uri)};csv`, 'CSV export'],
    [`${esc(o.uri)};json`, 'JSON export'],
  ];
  return `<div class="box opts"><h2>Display</h2>${links.map(([h, t]) => `<a href="${h}">${t}</a>`).join('')}</div>`;
}

function legendBox(): string {
  return `<div class="box legend"><h2>Server states</h2>${LEGEND.map(([cls, t]) => `<div><span style="background:${LEGEND_COLOURS[cls] ?? '#fff'}"></span>${t}</div>`).join('')}</div>`;
}

const LEGEND_COLOURS: Readonly<Record<string, string>> = {
  active_up: '#c8f2c8', backup_up: '#bcd7f5', active_going_down: '#fff7a8', active_going_up: '#ffd75e',
  active_down: '#ffa8a8', active_draining: '#9fd0ff', active_no_check: '#e6e8ea', maintain: '#d9a066',
};

function proxyTable(rows: readonly StatRow[], o: HtmlOptions): string {
  const first = rows[0]!;
  const section = first.section;
  const be = rows.find((r) => r.be)?.be;
  const admin = o.admin && be !== undefined && rows.some((r) => r.kind === 'server');
  const head1 = `<tr>${admin ? '<th rowspan="2"></th>' : ''}<th rowspan="2"></th>${GROUPS.map((g) => `<th colspan="${g.cols.length}">${g.title}</th>`).join('')}</tr>`;
  const head2 = `<tr>${GROUPS.flatMap((g) => g.cols.map(([t]) => `<th>${t}</th>`)).join('')}</tr>`;
  const body = rows.map((r) => {
    const name = r.kind === 'frontend' ? 'Frontend' : r.kind === 'backend' ? 'Backend' : esc(r.sv!.name);
    const box = admin ? `<td>${r.kind === 'server' ? `<input type="checkbox" name="s" value="${esc(r.sv!.name)}" form="f-${section.id}">` : ''}</td>` : '';
    const cells = GROUPS.flatMap((g) => g.cols.map(([t, f]) => `<td${t === 'Status' ? ' class="st"' : ''}>${f(r)}</td>`)).join('');
    return `<tr class="${rowClass(r)}">${box}<td class="name">${name}</td>${cells}</tr>`;
  }).join('\n');
  const form = admin
    ? `<form class="admin" id="f-${section.id}" method="post" action="${esc(o.uri)}${o.upOnly ? ';up' : ''}${o.norefresh ? ';norefresh' : ''}">` +
      `<input type="hidden" name="b" value="#${section.id}">Selected servers: <select name="action"><option value="">Choose an action</option>` +
      Object.entries(ADMIN_ACTIONS).filter(([, a]) => !a.legacy).map(([k, a]) => `<option value="${k}">${a.label}</option>`).join('') +
      `</select><button type="submit">Apply</button></form>`
    : '';
  return `<table class="px" id="${esc(section.name)}"><caption>${esc(section.name)}<small>${section.kind} · mode ${section.mode}</small></caption>\n${head1}${head2}\n${body}</table>${form}`;
}

export function renderHtml(rt: ProxyRuntimeView, o: HtmlOptions): string {
  const info = rt.info();
  const rows = collectRows(rt, o.filter);
  const byProxy = new Map<string, StatRow[]>();
  for (const r of rows) {
    const list = byProxy.get(r.section.name);
    if (list) list.push(r);
    else byProxy.set(r.section.name, [r]);
  }
  const banner = o.status && POST_RESULT_TEXT[o.status]
    ? `<div class="banner ${POST_RESULT_TEXT[o.status].cls}" id="result" data-status="${o.status}"><a href="${esc(o.uri)}" title="dismiss">×</a>${esc(POST_RESULT_TEXT[o.status].text)}</div>`
    : '';
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Statistics Report for ${esc(info.node)}</title><link rel="icon" href="data:,">
<meta name="viewport" content="width=device-width, initial-scale=1"><style>${STATE_CSS}</style></head>
<body><h1>Statistics Report for pid ${info.pid}<small>${o.hideVersion ? '' : `hapair ${esc(info.version)} · `}node ${esc(info.node)}</small></h1>
${banner}<div class="top">${processBox(info, o.hideVersion)}${legendBox()}${optionsBox(o)}</div>
${[...byProxy.values()].map((r) => proxyTable(r, o)).join('\n')}
</body></html>
`;
}
