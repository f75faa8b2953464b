// Generates the demo's haproxy.cfg and keepalived.conf per load balancer (pure).
// Style of seed 002 and scripts/examples: both nodes `state BACKUP`, nopreempt on the higher-priority node,
// `hapair proxy-alive` tracked without weight (failure = FAULT), a weighted script only where nopreempt is absent.
import { HTTP_PORT, MAIL, RECIPIENT, SMTP_PORT, STATS_PORT, STATS_URI, TIMING, VIP, VIP_PREFIX, VRID, WEBS, WEB_PORT, fromAddress, type LbSpec } from './topology.js';

/** Files of one load balancer inside the demo's temp dir. */
export interface LbPaths {
  readonly haproxyCfg: string;
  readonly statsSocket: string;
  readonly spoolDir: string;
  /** Launcher of the hapair CLI (`<tmp>/bin/hapair`), the command a vrrp_script names. */
  readonly hapair: string;
}

/** haproxy.cfg for one node: one frontend on *:80, two web servers with HTTP checks, a stats page, a stats socket. */
export function haproxyCfg(lb: LbSpec, p: LbPaths): string {
  return [
    `# hapair demo: proxy of ${lb.name}. Identical on both nodes apart from the stats socket path.`,
    'global',
    '    maxconn 2000',
    // The socket `hapair proxy-alive -f` asks: a path only this node uses, unlike a process name (shared PIDs).
    `    stats socket ${p.statsSocket} mode 600 level admin`,
    '    stats timeout 10s',
    '',
    'defaults',
    '    mode http',
    '    option http-server-close',
    '    option forwardfor',
    '    option redispatch',
    '    retries 2',
    '    timeout connect 2s',
    '    timeout client 30s',
    '    timeout server 30s',
    '    timeout check 1s',
    '',
    'frontend main',
    `    bind *:${HTTP_PORT}`,
    '    default_backend web',
    '',
    'backend web',
    '    balance roundrobin',
    '    option httpchk GET /health',
    '    http-check expect status 200',
    ...WEBS.map((w) => `    server ${w.name} ${w.ip}:${WEB_PORT} check inter 1s rise 2 fall 2`),
    '',
    'listen stats',
    `    bind *:${STATS_PORT}`,
    '    stats enable',
    `    stats uri ${STATS_URI}`,
    '    stats refresh 5s',
    '',
  ].join('\n');
}

function weightedScript(lb: LbSpec, p: LbPaths): string[] {
  const w = lb.weightedScript;
  if (!w) return [];
  const web = WEBS[0]!;
  return [
    `! weighted (${w.weight > 0 ? '+' : ''}${w.weight} while ${web.name} answers this node): shows the priority arithmetic in \`hapair status\`.`,
    "! Only on this node: under nopreempt (lb1) a weight could never move the VIP (`hapair check` warns: nopreempt-weight).",
    `vrrp_script ${w.name} {`,
    `    script "${p.hapair} proxy-alive --tcp ${web.ip}:${WEB_PORT}"`,
    `    interval ${TIMING.weightedIntervalSec}`,
    `    weight ${w.weight}`,
    '}',
    '',
  ];
}

/** keepalived.conf for one node (accepted by keepalived 2.2.7 apart from hapair's alert_* extensions). */
export function keepalivedConf(lb: LbSpec, p: LbPaths): string {
  return [
    `! hapair demo: VRRP of ${lb.name}. Both nodes start as BACKUP; ${lb.nopreempt ? 'nopreempt here (the preferred node): once the VIP moved away it does not come back' : 'no nopreempt here: the standby takes over when the preferred node fails'}.`,
    'global_defs {',
    `    router_id ${lb.name}`,
    '    notification_email {',
    `        ${RECIPIENT}`,
    '    }',
    `    notification_email_from ${fromAddress(lb.name)}`,
    `    smtp_server ${MAIL.ip} ${SMTP_PORT}`,
    '    smtp_connect_timeout 5',
    `    alert_spool_dir ${p.spoolDir}`,
    '}',
    '',
    '! tracked WITHOUT weight: when this node\'s own proxy stops answering the instance goes to FAULT and the VIP moves.',
    'vrrp_script chk_proxy {',
    `    script "${p.hapair} proxy-alive -f ${p.haproxyCfg}"`,
    `    interval ${TIMING.checkIntervalSec}`,
    `    timeout ${TIMING.checkTimeoutSec}`,
    `    fall ${TIMING.checkFall}`,
    `    rise ${TIMING.checkRise}`,
    '}',
    '',
    ...weightedScript(lb, p),
    'vrrp_instance VI_1 {',
    '    state BACKUP',
    '    interface eth0',
    `    virtual_router_id ${VRID}`,
    `    priority ${lb.priority}`,
    `    advert_int ${TIMING.advertIntSec}`,
    ...(TIMING.version === 2 ? [] : [`    version ${TIMING.version}`]),
    ...(lb.nopreempt ? ['    nopreempt'] : []),
    '    track_script {',
    '        chk_proxy',
    ...(lb.weightedScript ? [`        ${lb.weightedScript.name}`] : []),
    '    }',
    '    virtual_ipaddress {',
    `        ${VIP}/${VIP_PREFIX} dev eth0`,
    '    }',
    '    smtp_alert',
    '}',
    '',
  ].join('\n');
}

/** `<tmp>/bin/hapair`: runs this checkout's CLI with this node binary, so scripts need no quoting of odd paths. */
export function launcherScript(nodeBin: string, cliMain: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  return `#!/bin/sh\n# hapair demo launcher (removed with the demo's temp dir)\nexec ${q(nodeBin)} ${q(cliMain)} "$@"\n`;
}
