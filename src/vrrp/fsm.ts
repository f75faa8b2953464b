// The pure VRRP state machine: step(cfg, state, event) -> {state, actions}; RFC 5798 §6.4 with keepalived 2.2.7 behaviour.
//
//                         start: owner (prio 255, state MASTER)
//          +-------------------------------------------------------------+
//          |                                                             v
//      +------+  start   +--------+  master-down timer / sync MASTER  +--------+
//      | INIT |--------->| BACKUP |---------------------------------->| MASTER |
//      +------+          +--------+<----------------------------------+--------+
//          |              ^  |  ^     higher-priority advert (or equal   |  |
//          | start with   |  |  |     prio + higher IP), VIP deleted,    |  |
//          | faults       |  |  |     sync BACKUP                        |  |
//          |              |  |  +----------------------------------------+  |
//          |   fault      |  | fault / sync FAULT                           | fault / sync FAULT
//          |   cleared    |  v                                              | (priority-0 advert,
//          |          +-------+   fault cleared (owner) -> MASTER           |  VIPs removed)
//          +--------->| FAULT |<--------------------------------------------+
//                     +-------+
//   shutdown / reload: every state -> STOP (a MASTER first sends priority 0 and removes its VIPs).
//
// Pure: no clock (every event carries `now`), no I/O, no logging — the runtime (src/vrrp/instance.ts)
// executes the returned actions in order: sendAdvert, addVips/removeVips, sendGarp, setTimer/clearTimer
// (setTimer re-arms a timer of that name, replacing any pending one; when it fires, feed back
// {type:'timer', timer, now}), transition (log + notify), log (pino), wantState (sync groups only: feed
// to src/vrrp/sync-group.ts, or call stepInGroup from there instead of step).
//
// Feeding rules for the runtime:
// - `advert` events only for packets that passed validateAdvert (src/vrrp/validate.ts) for this instance;
// - `priority` whenever computePriority (src/vrrp/priority.ts) gives a new effective priority;
// - `fault`/`faultCleared` per fault source ('script:NAME', 'interface:IF', 'address:IF'...), from the
//   tracker hysteresis (src/vrrp/tracker-state.ts) and the link monitor; send the first results of
//   weight-0 trackers (and a down interface) BEFORE `start`, so startup goes straight to FAULT like
//   keepalived's "Entering FAULT STATE (init)";
// - `vipMissing` when a VIP vanished while MASTER; `shutdown` on SIGTERM or reload removal.

import type { FsmConfig, FsmEvent, FsmResult, FsmState } from './types.js';
import { unchanged, type Out } from './fsm-common.js';
import { onBackupAdvert, onMasterDown, onStart } from './fsm-backup.js';
import { onMasterAdvert, onMasterTimer, onVipMissing } from './fsm-master.js';
import { onFault, onFaultCleared, onPriority, onShutdown, onSyncGroup } from './fsm-events.js';

export { FAULT_PRIORITY_ZERO_ADVERTS } from './fsm-master.js';

/** The state before `start`: INIT, base priority, own advert interval, no faults. */
export function initialState(cfg: FsmConfig): FsmState {
  return { state: 'INIT', effectivePriority: cfg.basePriority, masterAdverIntMs: cfg.advertIntMs, faults: [] };
}

type Handler<T extends FsmEvent['type']> = (cfg: FsmConfig, s: FsmState, ev: Extract<FsmEvent, { type: T }>) => Out;

/** One handler per event type; state-specific dispatch happens inside (tables over scattered switches). */
const HANDLERS: { readonly [T in FsmEvent['type']]: Handler<T> } = {
  start: onStart,
  advert: (cfg, s, ev) => (s.state === 'BACKUP' ? onBackupAdvert(cfg, s, ev) : s.state === 'MASTER' ? onMasterAdvert(cfg, s, ev) : unchanged(s)),
  timer: (cfg, s, ev) => (ev.timer === 'masterDown' ? onMasterDown(cfg, s, ev) : onMasterTimer(cfg, s, ev)),
  priority: onPriority,
  fault: onFault,
  faultCleared: onFaultCleared,
  vipMissing: onVipMissing,
  syncGroup: onSyncGroup,
  shutdown: onShutdown,
};

/**
 * Advance the state machine by one event. Pure and total: unknown or irrelevant events (an advert in
 * FAULT, a stale timer in the wrong state, anything after STOP) return the same state and no actions.
 */
export function step(cfg: FsmConfig, state: FsmState, event: FsmEvent): FsmResult {
  if (state.state === 'STOP') return unchanged(state);
  const handler = HANDLERS[event.type] as Handler<typeof event.type> | undefined;
  return handler ? handler(cfg, state, event as never) : unchanged(state);
}
