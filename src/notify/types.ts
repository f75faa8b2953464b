// Notify types only: the transition event the VRRP runtime hands to the one notify dispatcher.
import type { MailSettings, NotifyScripts, TransitionReason, VrrpState, VrrpStatus } from '../vrrp/types.js';

/**
 * One state change of an instance or a sync group, as the VRRP runtime observed it.
 * The runtime creates exactly one per FSM `transition` action, in transition order.
 */
export interface TransitionEvent {
  readonly kind: 'INSTANCE' | 'GROUP'; // keepalived's notify TYPE word
  readonly name: string; // instance or group name
  readonly from: 'INIT' | 'BACKUP' | 'MASTER' | 'FAULT' | 'STOP';
  readonly to: Exclude<VrrpState, 'INIT'>;
  readonly reason: TransitionReason;
  readonly detail?: string; // e.g. "vrrp_script chk_proxy failed (exit 1)", "eth0 carrier down"
  readonly basePriority: number;
  readonly effectivePriority: number; // generic notify gets this (0 for groups, as keepalived)
  readonly vips: readonly string[];
  readonly masterSeen?: { readonly ip: string; readonly priority: number };
  readonly interface?: string;
  readonly routerId: string;
  readonly wallTime: number; // Date.now() at the transition
  readonly seq: number; // per-process increasing sequence: orders alerts across instances
}

/** What the dispatcher needs for one instance/group: its scripts and whether to mail. */
export interface NotifyTarget {
  readonly kind: 'INSTANCE' | 'GROUP';
  readonly name: string;
  readonly scripts: NotifyScripts;
  readonly smtpAlert: boolean;
}

/** The seam between VRRP and notify: the runtime calls `transition` and `stop`, nothing else. */
export interface NotifySink {
  /** Queue scripts + mail for this transition. Never throws; never blocks the VRRP loop. */
  transition(event: TransitionEvent): void;
  /** Runs pending notify_stop work and flushes what can be flushed within `timeoutMs`. */
  close(timeoutMs: number): Promise<void>;
}

export type { MailSettings };

/**
 * Returns the VRRP runtime's current status for the scheduled report (instances, trackers).
 * The daemon passes `() => status()`; a rejected or slow provider only degrades the report.
 */
export type StatusProvider = () => VrrpStatus | Promise<VrrpStatus>;
