// Balancer seam (types only): the narrow interface every load-balancing algorithm implements, like
// haproxy's `struct lb_ops` in backend-t.h — one file per algorithm (lb_fwrr.c, lb_map.c, lb_chash.c ...).

/** What a balancer sees of a server. Implemented by the backend core's Server. */
export interface LbServer {
  /** Numeric server id (haproxy puid): orders `first` and seeds consistent-hash ring points. */
  readonly id: number;
  readonly name: string;
  readonly backup: boolean;
  /** Declaration order inside the backend (0-based). */
  readonly order: number;
  /** User weight 0..256 (map-based algorithms divide it by the gcd of all weights). */
  readonly uweight: number;
  /** Effective weight in ×16 units (BE_WEIGHT_SCALE) incl. slowstart ramp and drain; 0 = not pickable. */
  readonly lbWeight: number;
  /** Running (up/starting), not in maintenance: may appear in the LB group when lbWeight > 0. */
  readonly lbUsable: boolean;
  /** Streams currently holding a connection slot on the server (haproxy `served`). */
  readonly served: number;
  /** Streams waiting in this server's own queue. */
  readonly queueLength: number;
  /** Configured maxconn (0 = unlimited) and per-server maxqueue (0 = unlimited). */
  readonly maxconn: number;
  readonly maxqueue: number;
  /** Current dynamic connection limit (haproxy.md §4.2). Only meaningful when maxconn > 0. */
  dynamicMaxconn(): number;
}

/** Request data hashing algorithms read. Absent pieces make hash algorithms fall back to round robin. */
export interface PickInput {
  readonly clientIp?: string;
  readonly uri?: string;
  readonly header?: (name: string) => string | undefined;
  /** Server to avoid (previous attempt) — taken only if nothing else is available. */
  readonly avoid?: LbServer;
}

export interface Balancer {
  /** Algorithm name as written after `balance`. */
  readonly name: string;
  /** Dynamic algorithms honour runtime weights and slowstart; static ones (static-rr, map-based hash) only 0/100 %. */
  readonly dynamic: boolean;
  /**
   * haproxy `assign_server`: with roundrobin, static-rr and first, a non-empty backend queue means every server
   * is full, so new arrivals go straight to the queue to preserve FIFO order.
   */
  readonly fifoWhenQueued: boolean;
  /** Re-read every server's usability and weight (call after any state or weight change). */
  update(): void;
  /**
   * Choose a server. Returns undefined when none can take the stream now (all full or none usable): the
   * caller then queues in the backend queue or answers 503 (see Backend).
   * Hash algorithms may return a full server: the caller queues on that server (haproxy server queue).
   */
  pick(input: PickInput): LbServer | undefined;
  /** A stream took / released a slot on `s` (leastconn re-sorts; others ignore). */
  taken(s: LbServer): void;
  dropped(s: LbServer): void;
}

/** Construction context shared by all algorithms. */
export interface BalancerContext {
  /** Every server of the backend in declaration order (backups included). */
  readonly servers: readonly LbServer[];
  /** `option allbackups`: use all usable backups instead of only the first one (haproxy.md §6.5). */
  readonly allBackups: boolean;
  /** Uniform 32-bit unsigned random numbers (injectable for deterministic tests). */
  readonly random32: () => number;
}

/** True if `s` cannot take one more stream right now (haproxy: maxconn && (queue || served >= limit)). */
export function isFull(s: LbServer): boolean {
  return s.maxconn > 0 && (s.queueLength > 0 || s.served >= s.dynamicMaxconn());
}
