// VRRP types only (no runtime code): the runtime status snapshot (control socket `status` reply, `hapair status`,
// SIGUSR1 dump).

import type { RejectReason, TransitionReason, VrrpState } from './types-wire-fsm.js';

// ---------------------------------------------------------------------------------------------
// Runtime status (control socket `status` reply; `hapair status`; SIGUSR1 dump)
// ---------------------------------------------------------------------------------------------

export interface TrackerStatus {
  readonly kind: 'script' | 'interface';
  readonly name: string;
  readonly ok: boolean | null; // null = no result yet
  readonly weight: number; // 0 => FAULT on failure
  readonly contribution: number; // what it adds to the priority right now
  readonly lastResult?: string; // e.g. 'exit 0', 'exit 1', 'timeout', 'signal SIGKILL', 'carrier down'
}

export interface RxCounters {
  readonly rx: number; // adverts accepted
  readonly tx: number; // adverts sent
  readonly rejected: Readonly<Partial<Record<RejectReason, number>>>;
  readonly becameMaster: number;
  readonly releasedMaster: number;
  readonly priorityZeroRx: number;
  readonly priorityZeroTx: number;
}

export interface InstanceStatus {
  readonly name: string;
  readonly state: VrrpState;
  readonly since: string; // ISO time of the last transition
  readonly lastReason?: TransitionReason;
  /** (added) Detail of the last transition, e.g. "addVips failed: ..." for 'runtime-error'. */
  readonly lastDetail?: string;
  readonly interface: string;
  readonly vrid: number;
  readonly version: 2 | 3;
  readonly basePriority: number;
  readonly effectivePriority: number;
  readonly nopreempt: boolean;
  readonly masterSeen?: { readonly ip: string; readonly priority: number };
  readonly vips: readonly string[]; // "a.b.c.d/nn"
  readonly vipsInstalled: boolean;
  readonly trackers: readonly TrackerStatus[];
  readonly counters: RxCounters;
  readonly syncGroup?: string;
}

export interface VrrpStatus {
  readonly routerId: string;
  readonly pid: number;
  readonly configFile: string;
  readonly startedAt: string;
  readonly instances: readonly InstanceStatus[];
  /** (added by the runtime) Packets dropped before any instance could claim them (undecodable without a
   *  known VRID, or a VRID not configured on that interface), per interface and reason. */
  readonly unmatched?: Readonly<Record<string, Readonly<Partial<Record<RejectReason, number>>>>>;
}
