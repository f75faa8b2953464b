// VRRP types only (no runtime code), as one import point: the contract between the config loader, the pure protocol
// core and the runtime. Split by concern to stay < 400 lines: keepalived.conf model (types-config.ts), wire + FSM
// (types-wire-fsm.ts), status snapshot (types-status.ts).

export type * from './types-config.js';
export type * from './types-wire-fsm.js';
export type * from './types-status.js';
