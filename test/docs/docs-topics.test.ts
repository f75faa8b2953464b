// The docs issue 6 asks for are there and say true things: each topic has its section, the architecture page has
// its picture, and the defaults the reference tables state are the defaults the loaders apply (a sample per table).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/paths.js';
import { anchors } from '../helpers/docs-text.js';
import { parseKeepalivedText } from '../../src/vrrp/config/load.js';
import { parseProxyText } from '../../src/proxy/config/load.js';

const doc = (name: string): string => fs.readFileSync(path.join(repoRoot, 'docs', name), 'utf8');

/** Issue 6, item 4: topic -> the doc and heading anchor that covers it. */
const TOPICS: readonly [string, string, string][] = [
  ['keepalived.conf reference: keywords', 'configuration-keepalived.md', 'vrrp_instance'],
  ['keepalived.conf reference: differences', 'configuration-keepalived.md', 'unsupported-keywords'],
  ['haproxy.cfg reference: keywords', 'configuration-haproxy.md', 'server-parameters'],
  ['haproxy.cfg reference: differences', 'configuration-haproxy.md', 'deliberate-differences-from-haproxy-26'],
  ['migration: what is drop-in', 'migration.md', 'what-is-drop-in'],
  ['migration: the nopreempt/weight trap', 'migration.md', 'the-nopreempt--weight-trap'],
  ['migration: health checks in containers/namespaces', 'migration.md', 'health-checks-that-work-in-containers-and-namespaces'],
  ['runbook: drain a backend (seed 004)', 'runbook.md', 'draining-a-backend-server-for-a-release'],
  ['runbook: planned failover', 'runbook.md', 'planned-failover'],
  ['runbook: reload', 'runbook.md', 'reload'],
  ['runbook: reading logs', 'runbook.md', 'reading-logs'],
  ['runbook: alert troubleshooting', 'runbook.md', 'alerts'],
  ['runbook: hapair status', 'runbook.md', 'hapair-status'],
  ['architecture: processes and data flow', 'architecture.md', 'processes-and-data-flow'],
];
for (const [topic, file, anchor] of TOPICS) {
  test(`topic: ${topic} (docs/${file}#${anchor})`, (t) => t.true(anchors(doc(file)).has(anchor)));
}

test('architecture: one picture of both daemons per host, the health check, adverts, alerts and the sockets', (t) => {
  const md = doc('architecture.md');
  const section = md.slice(md.indexOf('## Processes and data flow'), md.indexOf('## Source tree'));
  const picture = /```\n([\s\S]*?)```/.exec(section)?.[1] ?? '';
  for (const word of ['lb1', 'lb2', 'VIP', 'hapair-proxy', 'hapair-vrrp', 'proxy-alive', '224.0.0.18', 'SMTP relay', 'spool', 'proxy.sock', 'vrrp.sock', 'hapair status']) {
    t.true(picture.includes(word), `the picture shows ${word}`);
  }
  t.regex(picture, /hapair status ─► vrrp\.sock \+ proxy\.sock/, 'hapair status reads both daemons');
});

test('runbook: the seed 004 drain procedure (stats page form, curl automation, runtime API, Cur)', (t) => {
  const md = doc('runbook.md');
  const s = md.slice(md.indexOf('## Draining a backend server for a release'), md.indexOf('## Planned failover'));
  t.regex(s, /curl -u admin:change-me -d "s=app1&b=app&action=maint"/);
  t.regex(s, /hapair ctl "set server app\/app1 state drain"/);
  t.regex(s, /Cur/);
});

/** Cells of the markdown table row whose first cell starts with `keyword` (`\|` is a literal bar). */
function row(md: string, keyword: string): string[] {
  for (const line of md.split('\n')) {
    if (!line.startsWith('| `')) continue;
    const cells = line.slice(1, -1).split(/(?<!\\)\|/).map((c) => c.trim().replace(/`/g, ''));
    if (cells[0] === keyword || cells[0]!.startsWith(`${keyword} `)) return cells;
  }
  return [];
}

const shown = (v: unknown): string => (v === false ? 'off' : v === true ? 'on' : String(v));

const KA = parseKeepalivedText(
  ['vrrp_script s {', '    script "/bin/true"', '}', 'vrrp_instance I {', '    interface eth0', '    virtual_router_id 1', '    track_script {', '        s', '    }',
    '    virtual_ipaddress {', '        198.18.0.10', '    }', '}', ''].join('\n'),
  'keepalived.conf',
  { hostname: 'x' },
).config!;
const PX = parseProxyText(['defaults', '    mode http', '    timeout connect 1s', '    timeout client 1s', '    timeout server 1s', 'backend b', '    server s 127.0.0.1:80', ''].join('\n'), 'haproxy.cfg', {}).config!;
const INST = KA.instances[0]!;
const SCRIPT = KA.scripts.get('s')!;
const SERVER = PX.proxies.find((p) => p.name === 'b')!.servers[0]!;
const FLAP = KA.global.mail.flapDamping;

/** [doc, keyword, value the loader applies when the keyword is absent]: the Default cell must start with it. */
const DEFAULTS: readonly [string, string, unknown][] = [
  ['configuration-keepalived.md', 'interval', SCRIPT.intervalSec],
  ['configuration-keepalived.md', 'weight', SCRIPT.weight],
  ['configuration-keepalived.md', 'rise', SCRIPT.rise],
  ['configuration-keepalived.md', 'fall', SCRIPT.fall],
  ['configuration-keepalived.md', 'init_fail', SCRIPT.initFail],
  ['configuration-keepalived.md', 'smtp_connect_timeout', KA.global.mail.connectTimeoutSec],
  ['configuration-keepalived.md', 'vrrp_version', KA.global.vrrpVersion],
  ['configuration-keepalived.md', 'vrrp_garp_master_delay', KA.global.garp.masterDelaySec],
  ['configuration-keepalived.md', 'vrrp_garp_master_repeat', KA.global.garp.masterRepeat],
  ['configuration-keepalived.md', 'vrrp_garp_master_refresh', KA.global.garp.masterRefreshSec],
  ['configuration-keepalived.md', 'vrrp_garp_master_refresh_repeat', KA.global.garp.masterRefreshRepeat],
  ['configuration-keepalived.md', 'vrrp_down_timer_adverts', INST.downTimerAdverts],
  ['configuration-keepalived.md', 'enable_script_security', KA.global.enableScriptSecurity],
  ['configuration-keepalived.md', 'smtp_tls', KA.global.mail.tls],
  ['configuration-keepalived.md', 'alert_spool_dir', KA.global.mail.spoolDir],
  ['configuration-keepalived.md', 'alert_max_age', KA.global.mail.maxAgeSec],
  ['configuration-keepalived.md', 'alert_flap_damping', FLAP ? `${FLAP.maxTransitions} ${FLAP.windowMin}` : 'off'],
  ['configuration-keepalived.md', 'priority', INST.basePriority],
  ['configuration-keepalived.md', 'advert_int', INST.advertIntMs / 1000],
  ['configuration-keepalived.md', 'nopreempt', INST.nopreempt],
  ['configuration-keepalived.md', 'preempt_delay', INST.preemptDelayMs],
  ['configuration-keepalived.md', 'unicast_ttl', INST.unicastTtl],
  ['configuration-haproxy.md', 'nbthread', PX.global.nbthread],
  ['configuration-haproxy.md', 'spread-checks', PX.global.spreadChecks],
  ['configuration-haproxy.md', 'inter', SERVER.inter],
  ['configuration-haproxy.md', 'rise', SERVER.rise],
  ['configuration-haproxy.md', 'fall', SERVER.fall],
  ['configuration-haproxy.md', 'agent-inter', SERVER.agentInter],
  ['configuration-haproxy.md', 'weight', SERVER.weight],
  ['configuration-haproxy.md', 'maxconn', SERVER.maxconn],
  ['configuration-haproxy.md', 'maxqueue', SERVER.maxqueue],
  ['configuration-haproxy.md', 'error-limit', SERVER.errorLimit],
  ['configuration-haproxy.md', 'on-error', SERVER.onError],
];

/** The server table is the haproxy doc's only one where `weight`, `rise`... are server parameters: read it alone. */
function tableOf(file: string, keyword: string): string {
  const md = doc(file);
  if (file !== 'configuration-haproxy.md' || ['nbthread', 'spread-checks'].includes(keyword)) return md;
  return md.slice(md.indexOf('<!-- keywords: px-server -->'));
}

for (const [file, keyword, value] of DEFAULTS) {
  test(`default: ${file.replace('configuration-', '').replace('.md', '')} ${keyword} = ${shown(value)}`, (t) => {
    const md = tableOf(file, keyword);
    // keepalived's tables have the script keywords (interval, weight, rise, fall) before the instance ones.
    const cells = row(file === 'configuration-keepalived.md' && ['weight', 'rise', 'fall', 'interval'].includes(keyword) ? md.slice(md.indexOf('<!-- keywords: ka-script -->')) : md, keyword);
    t.true(cells.length >= 2, `no table row for ${keyword} in ${file}`);
    t.true(cells[1]!.startsWith(shown(value)), `${file} ${keyword}: documented default '${cells[1]}', the loader applies ${shown(value)}`);
  });
}
