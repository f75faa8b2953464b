// A proxy's syslog targets as one sink: each `log <addr> ...` target (UDP host:port or unix datagram path) gets the
// haproxy-format datagram of every traffic log text, filtered by its level and raised to its minlevel
// (log.c process_send_log). `stdout`/`stderr` targets are the JSON lines the pino logger already writes.
import cluster from 'node:cluster';
import type { Logger } from '../../core/logger.js';
import type { LogTarget } from '../types.js';
import { statsSocketEndpoint } from '../config/addr.js';
import { DEFAULT_MAX_LEN, FACILITIES, SEVERITIES, isSyslogFormat, syslogDatagram, type SyslogFormat, type SyslogMeta } from './format.js';
import { droppedLogLines, udpSender, unixSender, type DatagramSender } from './transport.js';

/** Traffic log lines are sent at level info, as haproxy does without `option log-separate-errors`. */
const TRAFFIC_SEVERITY = SEVERITIES.info!;
/** How often a sink may say that lines were dropped. */
const DROP_REPORT_MS = 10_000;

interface Route {
  readonly sender: DatagramSender;
  readonly facility: number;
  readonly severity: number;
  readonly format: SyslogFormat;
  readonly maxLen: number;
}

export interface SyslogSink {
  /** Sends one log text to every target; never throws. */
  send(text: string): void;
}

/** Senders are per address and per process, so reloads and several proxies share sockets and helpers. */
const senders = new Map<string, DatagramSender>();
function senderFor(address: string): DatagramSender | undefined {
  if (address === 'stdout' || address === 'stderr' || /^(fd@|ring@)/.test(address)) return undefined;
  let s = senders.get(address);
  if (!s) {
    // The loader wrote `host:port` / `[v6]:port` or a unix path: the same reader as for stats sockets.
    const e = statsSocketEndpoint(address);
    s = 'port' in e ? udpSender(e.host, e.port) : unixSender(e.path);
    senders.set(address, s);
  }
  return s;
}

/** haproxy logs its own pid; with nbthread workers this is the supervising process (what `show info` says). */
const pid = (): number => (cluster.isWorker ? process.ppid : process.pid);

/** The syslog sink of a proxy's targets, or undefined when none of them is a syslog destination. */
export function createSyslogSink(targets: readonly LogTarget[], logger: Logger): SyslogSink | undefined {
  const routes: Route[] = [];
  for (const t of targets) {
    const sender = senderFor(t.address);
    if (!sender) continue;
    const max = t.level !== undefined ? SEVERITIES[t.level]! : SEVERITIES.debug!;
    if (TRAFFIC_SEVERITY > max) continue; // `log ... local2 notice`: info lines are not for this target
    const min = t.minLevel !== undefined ? SEVERITIES[t.minLevel]! : 0;
    routes.push({
      sender,
      facility: FACILITIES[t.facility] ?? FACILITIES.local0!,
      severity: Math.max(TRAFFIC_SEVERITY, min),
      format: t.format !== undefined && isSyslogFormat(t.format) ? t.format : 'local',
      maxLen: t.maxLen ?? DEFAULT_MAX_LEN,
    });
  }
  if (routes.length === 0) return undefined;
  const meta: SyslogMeta = { tag: 'haproxy', pid: pid() };
  let reportedAt = 0;
  let reportedCount = droppedLogLines();
  return {
    send(text) {
      const line = text.includes('\n') ? text.replace(/\n/g, ' ') : text;
      const now = Date.now();
      for (const r of routes) r.sender.send(syslogDatagram(r.format, r.facility, r.severity, now, meta, line, r.maxLen));
      const d = droppedLogLines();
      if (d !== reportedCount && now - reportedAt >= DROP_REPORT_MS) {
        logger.warn({ event: 'log-dropped', dropped: d - reportedCount, total: d }, `${d - reportedCount} syslog line(s) dropped`);
        reportedAt = now;
        reportedCount = d;
      }
    },
  };
}
