// CHECK_STATUS: every check status code -> {result, short name, description, numeric index}, like haproxy's
// check_statuses[] table (src/check.c). The index is haproxy's HCHK_STATUS_* enum value, which
// `show servers state` prints (haproxy.md §8: 6 L4OK, 8 L4CON, 15 L7OK, 17 L7STS ...).
import type { CheckStatusCode } from '../types.js';

/** What a completed check means for the health counter (haproxy CHK_RES_*). */
export type CheckResult = 'unknown' | 'neutral' | 'failed' | 'passed' | 'condpass';

export interface CheckStatusInfo {
  readonly result: CheckResult;
  readonly name: CheckStatusCode;
  readonly desc: string;
  /** haproxy HCHK_STATUS_* enum value. */
  readonly index: number;
}

const T = (index: number, name: CheckStatusCode, result: CheckResult, desc: string): CheckStatusInfo => ({ index, name, result, desc });

export const CHECK_STATUS: Readonly<Record<CheckStatusCode, CheckStatusInfo>> = {
  UNK: T(0, 'UNK', 'unknown', 'Unknown'),
  INI: T(1, 'INI', 'unknown', 'Initializing'),
  CHECKED: T(3, 'CHECKED', 'neutral', 'No status change'),
  HANA: T(4, 'HANA', 'failed', 'Health analyze'),
  SOCKERR: T(5, 'SOCKERR', 'failed', 'Socket error'),
  L4OK: T(6, 'L4OK', 'passed', 'Layer4 check passed'),
  L4TOUT: T(7, 'L4TOUT', 'failed', 'Layer4 timeout'),
  L4CON: T(8, 'L4CON', 'failed', 'Layer4 connection problem'),
  L6OK: T(9, 'L6OK', 'passed', 'Layer6 check passed'),
  L6TOUT: T(10, 'L6TOUT', 'failed', 'Layer6 timeout'),
  L6RSP: T(11, 'L6RSP', 'failed', 'Layer6 invalid response'),
  L7TOUT: T(12, 'L7TOUT', 'failed', 'Layer7 timeout'),
  L7RSP: T(13, 'L7RSP', 'failed', 'Layer7 invalid response'),
  // 14 is haproxy's internal L57DATA marker: statuses from here on carry application data.
  L7OK: T(15, 'L7OK', 'passed', 'Layer7 check passed'),
  L7OKC: T(16, 'L7OKC', 'condpass', 'Layer7 check conditionally passed'),
  L7STS: T(17, 'L7STS', 'failed', 'Layer7 wrong status'),
  PROCERR: T(18, 'PROCERR', 'failed', 'External check error'),
  PROCTOUT: T(19, 'PROCTOUT', 'failed', 'External check timeout'),
  PROCOK: T(20, 'PROCOK', 'passed', 'External check passed'),
};

/** haproxy HCHK_STATUS_L57DATA: agent results below it (connect errors, timeouts) never lower agent health. */
export const L57DATA_INDEX = 14;

/** Numeric check_result of `show servers state` (CHK_RES_*). */
export const CHECK_RESULT_INDEX: Readonly<Record<CheckResult, number>> = {
  unknown: 0,
  neutral: 1,
  failed: 2,
  passed: 3,
  condpass: 4,
};

export function statusInfo(code: CheckStatusCode): CheckStatusInfo {
  return CHECK_STATUS[code];
}

/** True if an agent result with this status may change the agent's health (haproxy.md §3). */
export function agentStatusCounts(code: CheckStatusCode): boolean {
  return CHECK_STATUS[code].index >= L57DATA_INDEX;
}
