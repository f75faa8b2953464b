// Scheduled status report (alert_report_cron): pure text builder + the node-cron schedule around it.
import cron from 'node-cron';
import type { Logger } from '../core/logger.js';
import type { VrrpStatus } from '../vrrp/types.js';
import type { SpoolStats } from './spool.js';
import type { HostFacts } from './templates.js';
import type { TransitionEvent } from './types.js';

export interface DeliveryHealth {
  readonly spoolDir?: string; // undefined: spool unusable, alerts kept in memory only
  readonly spool?: SpoolStats;
  readonly relayDown: boolean;
  readonly queues: Readonly<Record<string, { attempts: number; lastError?: string }>>;
  readonly memoryOnly: number;
  /** smtp_server as host:port. */
  readonly relay?: string;
  /** Result of a TCP probe made for this report (only when asked: `hapair status`). */
  readonly relayReachable?: boolean;
}

export interface ReportInput {
  readonly routerId: string;
  readonly host: HostFacts;
  readonly sinceWall: number;
  readonly nowWall: number;
  readonly transitions: readonly TransitionEvent[];
  readonly droppedTransitions: number; // history cap overflow
  readonly status: VrrpStatus | { readonly error: string } | undefined;
  readonly delivery: DeliveryHealth;
}

const MAX_LINES = 200;

function ageText(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 120) return `${s} s`;
  if (s < 7200) return `${Math.round(s / 60)} min`;
  return `${(s / 3600).toFixed(1)} h`;
}

function statusLines(status: ReportInput['status']): string[] {
  if (status === undefined) return ['  (no status provider)'];
  if ('error' in status) return [`  (status unavailable: ${status.error})`];
  if (status.instances.length === 0) return ['  (no instances)'];
  const out: string[] = [];
  for (const i of status.instances) {
    const seen = i.masterSeen ? `, master seen ${i.masterSeen.ip} (prio ${i.masterSeen.priority})` : '';
    out.push(`  ${i.name}: ${i.state} since ${i.since}${i.lastReason ? ` (${i.lastReason})` : ''}, priority ${i.basePriority}/${i.effectivePriority}${seen}`);
    out.push(`    VIPs ${i.vips.join(', ') || '(none)'}${i.vipsInstalled ? ' (installed here)' : ''}${i.syncGroup ? `, sync group ${i.syncGroup}` : ''}`);
    for (const t of i.trackers) {
      const ok = t.ok === null ? 'pending' : t.ok ? 'ok' : 'FAILED';
      out.push(`    ${t.kind} ${t.name}: ${ok}, weight ${t.weight}, contributes ${t.contribution}${t.lastResult ? ` (${t.lastResult})` : ''}`);
    }
  }
  return out;
}

function deliveryLines(d: DeliveryHealth, now: number): string[] {
  const out = [`  spool: ${d.spoolDir ?? 'UNUSABLE (alerts held in memory only)'}`];
  if (d.spool) {
    out.push(`  pending deliveries: ${d.spool.pending}${d.spool.oldestWall !== undefined ? ` (oldest ${ageText(now - d.spool.oldestWall)} old)` : ''}`);
    for (const [r, n] of Object.entries(d.spool.perRecipient)) {
      const q = d.queues[r];
      out.push(`    ${r}: ${n} pending${q?.lastError ? `, last error: ${q.lastError}` : ''}`);
    }
    out.push(`  given up (5xx or too old): ${d.spool.failed}`);
  }
  out.push(`  relay: ${d.relayDown ? 'UNREACHABLE' : 'reachable'}`);
  if (d.memoryOnly > 0) out.push(`  held in memory only (spool write failed): ${d.memoryOnly}`);
  return out;
}

export function reportText(r: ReportInput): { subject: string; text: string } {
  const n = r.transitions.length + r.droppedTransitions;
  const since = new Date(r.sinceWall).toISOString();
  const subject = `[${r.routerId}] hapair report - ${n} transition${n === 1 ? '' : 's'} since ${since}`;
  const lines = [
    `hapair report for ${r.routerId} on ${r.host.hostname} (${r.host.addresses.join(', ') || 'no addresses'})`,
    `Period: ${since} .. ${new Date(r.nowWall).toISOString()}`,
    '',
    `Transitions (${n}):`,
  ];
  const shown = r.transitions.slice(-MAX_LINES);
  if (n === 0) lines.push('  (none)');
  if (n > shown.length) lines.push(`  ... ${n - shown.length} earlier transition(s) not listed`);
  for (const e of shown) {
    lines.push(`  ${new Date(e.wallTime).toISOString()}  ${e.kind} ${e.name}  ${e.from} -> ${e.to}  (${e.reason}${e.detail ? `: ${e.detail}` : ''})`);
  }
  lines.push('', 'Current state:', ...statusLines(r.status), '', 'Alert delivery:', ...deliveryLines(r.delivery, r.nowWall), '');
  return { subject, text: lines.join('\n') };
}

export interface ReportSchedule {
  stop(): void;
}

/** Runs `fire` on the cron expression (5 or 6 fields, node-cron syntax), never overlapping itself. */
export function scheduleReport(expression: string, fire: () => Promise<void>, logger: Logger): ReportSchedule {
  const task = cron.schedule(
    expression,
    async () => {
      try {
        await fire();
      } catch (err) {
        logger.error({ event: 'report-error', err }, 'scheduled report failed');
      }
    },
    { name: 'hapair-report', noOverlap: true },
  );
  return {
    stop() {
      void task.destroy();
    },
  };
}
