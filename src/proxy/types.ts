// Proxy types only (no runtime code), as one import point: the haproxy.cfg model (types-config.ts) and the runtime
// seams between data plane, backend core and control plane (types-runtime.ts). Split by concern to stay < 400 lines.

export type * from './types-config.js';
export type * from './types-runtime.js';
