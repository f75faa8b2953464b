// FSM test helpers: a default FsmConfig (keepalived defaults) and a compact text form of FsmActions for scenario tables.
import type { FsmAction, FsmConfig } from '../../src/vrrp/types.js';

export function defaultFsmConfig(over: Partial<FsmConfig> = {}): FsmConfig {
  return {
    name: 'VI_1',
    vrid: 51,
    version: 2,
    basePriority: 100,
    advertIntMs: 1000,
    nopreempt: false,
    preemptDelayMs: 0,
    configuredState: 'BACKUP',
    downTimerAdverts: 3,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    garp: { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 },
    srcIp: '198.18.0.11',
    ...over,
  };
}

export const round3 = (n: number): number => Math.round(n * 1000) / 1000;

/** `advert P`, `addVips`, `removeVips`, `garp N`, `set TIMER MS`, `clear TIMER`, `FROM->TO reason`, `want S`, `log LEVEL MSG`. */
export function compactAction(a: FsmAction): string {
  switch (a.type) {
    case 'sendAdvert':
      return `advert ${a.priority}`;
    case 'addVips':
    case 'removeVips':
      return a.type;
    case 'sendGarp':
      return `garp ${a.repeat}`;
    case 'setTimer':
      return `set ${a.timer} ${round3(a.ms)}`;
    case 'clearTimer':
      return `clear ${a.timer}`;
    case 'transition':
      return `${a.from}->${a.to} ${a.reason}`;
    case 'wantState':
      return `want ${a.want}`;
    case 'log':
      return `log ${a.level} ${a.msg}`;
    default:
      return JSON.stringify(a);
  }
}
