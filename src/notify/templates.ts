// Alert subject and body text (pure): keepalived's subject form plus the facts an operator needs at 3 a.m.
import type { TransitionReason } from '../vrrp/types.js';
import type { TransitionEvent } from './types.js';

/** Why a transition happened, in words (reason codes are the FSM's, src/vrrp/types.ts). */
export const REASON_TEXT: Readonly<Record<TransitionReason, string>> = {
  startup: 'daemon start-up',
  'master-down-timer': 'no advertisement from a master within the master-down interval',
  'higher-priority-advert': 'received an advertisement with a higher priority (or equal priority from a higher address)',
  preempt: 'preempting a lower-priority master',
  'tracker-fault': 'a tracked script with weight 0 failed',
  'interface-down': 'a tracked interface went down',
  'no-address': 'the interface has no IPv4 address',
  'fault-cleared': 'all fault conditions cleared',
  'vip-deleted': 'a virtual address was deleted behind our back while MASTER',
  'sync-group': 'followed another member of its vrrp_sync_group',
  shutdown: 'hapair is stopping',
  reload: 'instance removed by a configuration reload',
  'runtime-error': 'hapair could not apply the state on this host (e.g. adding a virtual address failed); retrying',
  'unicast-no-peer': 'unicast_fault_no_peer is set and no unicast_peer is configured',
};

/** keepalived's subject event and body line per target state ([notify] vrrp_smtp_notifier / vrrp_sync_smtp_notifier). */
const EVENT_WORDS: Readonly<Record<TransitionEvent['to'], { event: string; instance: string; group: string }>> = {
  MASTER: { event: 'Entering MASTER state', instance: '=> VRRP Instance is now owning VRRP VIPs <=', group: '=> All VRRP group instances are now in MASTER state <=' },
  BACKUP: { event: 'Entering BACKUP state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in BACKUP state <=' },
  FAULT: { event: 'Entering FAULT state', instance: '=> VRRP Instance is no longer owning VRRP VIPs <=', group: '=> All VRRP group instances are now in FAULT state <=' },
  STOP: { event: 'Stopping', instance: '=> VRRP Instance stopping <=', group: '=> All VRRP group instances are now stopping <=' },
};

/** Everything an alert can say about one transition. Optional facts are simply left out of the body. */
export interface AlertFacts {
  readonly kind: 'INSTANCE' | 'GROUP';
  readonly name: string;
  readonly from?: string;
  readonly to: TransitionEvent['to'];
  readonly reason?: TransitionReason;
  readonly reasonText?: string; // overrides REASON_TEXT (the CLI does not know the FSM reason)
  readonly detail?: string;
  readonly basePriority?: number;
  readonly effectivePriority?: number;
  readonly vips: readonly string[];
  readonly masterSeen?: { readonly ip: string; readonly priority: number };
  readonly interface?: string;
  readonly routerId: string;
  readonly wallTime: number;
  readonly seq?: number;
}

export interface HostFacts {
  readonly hostname: string;
  readonly addresses: readonly string[];
}

export function subjectFor(f: Pick<AlertFacts, 'kind' | 'name' | 'to' | 'routerId'>): string {
  const what = f.kind === 'GROUP' ? 'VRRP Group' : 'VRRP Instance';
  return `[${f.routerId}] ${what} ${f.name} - ${EVENT_WORDS[f.to].event}`;
}

/** ISO UTC plus the host's local rendering (alerts are read in whatever zone the operator is in). */
export function timeText(wall: number): string {
  const d = new Date(wall);
  return `${d.toISOString()} (${d.toString()})`;
}

function row(label: string, value: string): string {
  return `${(label + ':').padEnd(14)}${value}`;
}

export function bodyFor(f: AlertFacts, host: HostFacts): string {
  const words = EVENT_WORDS[f.to];
  const lines = [f.kind === 'GROUP' ? words.group : words.instance, ''];
  lines.push(row(f.kind === 'GROUP' ? 'Sync group' : 'Instance', f.interface ? `${f.name} (interface ${f.interface})` : f.name));
  lines.push(row('State', f.from ? `${f.from} -> ${f.to}` : f.to));
  const reason = f.reasonText ?? (f.reason ? `${f.reason}: ${REASON_TEXT[f.reason]}` : undefined);
  if (reason) lines.push(row('Reason', reason));
  if (f.detail) lines.push(row('Detail', f.detail));
  if (f.basePriority !== undefined || f.effectivePriority !== undefined) {
    lines.push(row('Priority', `base ${f.basePriority ?? '?'}, effective ${f.effectivePriority ?? '?'}`));
  }
  lines.push(row('VIPs', f.vips.length ? f.vips.join(', ') : '(none)'));
  lines.push(row('Master seen', f.masterSeen ? `${f.masterSeen.ip} (priority ${f.masterSeen.priority})` : f.to === 'MASTER' ? 'this node' : 'none'));
  lines.push(row('Host', host.hostname));
  lines.push(row('Addresses', host.addresses.length ? host.addresses.join(', ') : '(none)'));
  lines.push(row('Router ID', f.routerId));
  lines.push(row('Time', timeText(f.wallTime)));
  if (f.seq !== undefined) lines.push(row('Event #', String(f.seq)));
  return lines.join('\n') + '\n';
}

/** One line per held transition in a flap summary. */
export function transitionLine(f: Pick<AlertFacts, 'from' | 'to' | 'reason' | 'detail' | 'wallTime'>): string {
  const why = f.reason ? ` (${f.reason}${f.detail ? `: ${f.detail}` : ''})` : '';
  return `${new Date(f.wallTime).toISOString()}  ${f.from ?? '?'} -> ${f.to}${why}`;
}

/** Flap-damping summary: one mail for a storm of transitions (hapair extension alert_flap_damping). */
export function summaryFor(
  kind: 'INSTANCE' | 'GROUP',
  name: string,
  routerId: string,
  held: readonly AlertFacts[],
  damping: { maxTransitions: number; windowMin: number },
  host: HostFacts,
): { subject: string; text: string } {
  const last = held[held.length - 1]!;
  const what = kind === 'GROUP' ? 'VRRP Group' : 'VRRP Instance';
  const subject = `[${routerId}] ${what} ${name} - Flapping: ${held.length} transition${held.length === 1 ? '' : 's'} held, now ${last.to}`;
  const lines = [
    `=> ${what} ${name} changed state more than ${damping.maxTransitions} times in ${damping.windowMin} min <=`,
    `Individual alerts were held back; these are the ${held.length} transition(s) since:`,
    '',
    ...held.map(transitionLine),
    '',
    `Current state: ${last.to}`,
    '',
    'Latest transition in full:',
    '',
    bodyFor(last, host),
  ];
  return { subject, text: lines.join('\n') };
}
