// The demo's fixed topology and timing knobs (pure data): addresses from 198.18.0.0/15, priorities, script timing.

/** Namespace prefix of every demo lab (`hpdemo<pid>-<hex>-<node>`): stale demo labs are swept by this prefix. */
export const DEMO_LAB_PREFIX = 'hpdemo';

export const VIP = '198.18.0.10';
export const VIP_PREFIX = 24;
export const HTTP_PORT = 80;
export const STATS_PORT = 8404;
export const STATS_URI = '/stats';
export const WEB_PORT = 8080;
export const SMTP_PORT = 25;
export const VRID = 80; // seed 002's virtual_router_id

export type LbName = 'lb1' | 'lb2';

export interface LbSpec {
  readonly name: LbName;
  readonly ip: string;
  readonly priority: number;
  /** Only the preferred (higher-priority) node carries nopreempt (keepalived.md §3.2: "the master machine"). */
  readonly nopreempt: boolean;
  /** A weighted script (priority arithmetic in `hapair status`). Only where nopreempt is absent: under
   *  nopreempt a weight can never move the VIP (keepalived.md §3.3, lint `nopreempt-weight`). */
  readonly weightedScript?: { readonly name: string; readonly weight: number };
}

export const LBS: readonly LbSpec[] = [
  { name: 'lb1', ip: '198.18.0.11', priority: 150, nopreempt: true },
  { name: 'lb2', ip: '198.18.0.12', priority: 100, nopreempt: false, weightedScript: { name: 'chk_web', weight: 10 } },
];

/** The load balancers of one run: `--preempt` takes nopreempt off lb1 to show the takeback it prevents. */
export function demoLbs(preempt: boolean): readonly LbSpec[] {
  return preempt ? LBS.map((lb) => ({ ...lb, nopreempt: false })) : LBS;
}

export interface HostSpec {
  readonly name: string;
  readonly ip: string;
}

export const WEBS: readonly HostSpec[] = [
  { name: 'web1', ip: '198.18.0.21' },
  { name: 'web2', ip: '198.18.0.22' },
];
export const MAIL: HostSpec = { name: 'mail', ip: '198.18.0.25' };
export const CLIENT: HostSpec = { name: 'client', ip: '198.18.0.50' };

/** VRRP and health-check timing, as in scripts/examples (advert_int 1, VRRPv2, proxy-alive every 1 s, fall/rise 2). */
export const TIMING = {
  version: 2 as const,
  advertIntSec: 1,
  checkIntervalSec: 1,
  checkTimeoutSec: 2,
  checkFall: 2,
  checkRise: 2,
  weightedIntervalSec: 2,
};

export const RECIPIENT = 'ops@demo.test';
export const fromAddress = (lb: LbName): string => `hapair@${lb}.demo.test`;
