// The alert-delivery section of `hapair status` (pure): spool queue length, oldest pending alert, relay reachability.
import { durationText } from '../core/status-text.js';
import type { DeliveryHealth } from './report.js';

/** One line per fact an operator needs: is mail configured, is anything stuck, can the relay be reached. */
export function renderAlertsSection(h: DeliveryHealth | null, nowMs: number = Date.now()): string {
  if (h === null) return 'ALERTS  mail not configured (no notification_email / smtp_server): transitions are only logged and sent to notify scripts\n';
  const relay = h.relay ?? 'relay';
  const reach = h.relayReachable === undefined ? (h.relayDown ? 'UNREACHABLE (last delivery failed)' : 'not tested') : h.relayReachable ? 'reachable' : 'UNREACHABLE';
  const out = [`ALERTS  relay ${relay} ${reach}${h.relayDown && h.relayReachable !== false ? ' (deliveries paused after a failure)' : ''}`];
  if (h.spool) {
    const oldest = h.spool.oldestWall !== undefined ? `, oldest ${durationText(nowMs - h.spool.oldestWall)} old` : '';
    out.push(`  spool ${h.spoolDir ?? '?'}: ${h.spool.pending} pending${oldest}, ${h.spool.failed} given up`);
    for (const [rcpt, n] of Object.entries(h.spool.perRecipient)) {
      if (n === 0) continue;
      const q = h.queues[rcpt];
      out.push(`    ${rcpt}: ${n} pending${q?.lastError ? `, last error: ${q.lastError}` : ''}`);
    }
  } else {
    out.push(`  spool ${h.spoolDir ?? 'UNUSABLE'}: ${h.spoolDir ? 'not readable' : 'alerts are held in memory only'}`);
  }
  if (h.memoryOnly > 0) out.push(`  ${h.memoryOnly} alert(s) held in memory only (spool write failed)`);
  return out.join('\n') + '\n';
}
