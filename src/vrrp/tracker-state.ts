// Rise/fall hysteresis of a vrrp_script result, exactly as keepalived's result counter (keepalived.md §4.2).

/**
 * keepalived keeps one integer r in 0..rise+fall−1 per script; the script is OK ⇔ r ≥ rise
 * ([sched] vrrp_script_child_thread). At start r = rise−1 and the script is "init": the first result
 * decides immediately in either direction. `init_fail` starts at r = 0 in the failed state, needing
 * `rise` successes. From OK it takes `fall` consecutive failures to become failed, from failed `rise`
 * consecutive successes to become OK.
 */
export interface TrackerCounter {
  readonly rise: number;
  readonly fall: number;
  /** keepalived's `result`. */
  readonly value: number;
  /** true until the first result (unless init_fail). */
  readonly init: boolean;
  /** true OK, false failed, null no result yet. */
  readonly status: boolean | null;
}

export interface TrackerCounterConfig {
  readonly rise: number; // >= 1
  readonly fall: number; // >= 1
  readonly initFail?: boolean;
}

export function initialTrackerCounter(cfg: TrackerCounterConfig): TrackerCounter {
  const rise = Math.max(1, Math.floor(cfg.rise));
  const fall = Math.max(1, Math.floor(cfg.fall));
  if (cfg.initFail) return { rise, fall, value: 0, init: false, status: false };
  return { rise, fall, value: rise - 1, init: true, status: null };
}

export interface TrackerStep {
  readonly counter: TrackerCounter;
  /** The status changed (including the first result): log it and recompute priority/faults. */
  readonly changed: boolean;
}

/** Apply one script result (success = exit 0; failure = non-zero exit, signal or timeout). */
export function applyTrackerResult(c: TrackerCounter, success: boolean): TrackerStep {
  const max = c.rise + c.fall - 1;
  if (success) {
    if (c.value < c.rise - 1) return step(c, c.value + 1, c.status);
    // r == rise−1 is the edge: becoming OK. Already OK (r ≥ rise) just refills to the top.
    return step(c, max, true);
  }
  if (c.value > c.rise) return step(c, c.value - 1, c.status);
  // r == rise is the edge from OK; in init the first failure decides; below rise we are already failed.
  return step(c, 0, false);
}

function step(c: TrackerCounter, value: number, status: boolean | null): TrackerStep {
  const counter: TrackerCounter = { rise: c.rise, fall: c.fall, value, init: c.init && status === null, status };
  return { counter, changed: counter.status !== c.status };
}
