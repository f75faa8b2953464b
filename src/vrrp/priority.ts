// Effective priority from the base priority and tracker contributions, and which trackers force FAULT (keepalived.md §4.3).

import { PRIORITY_MAX_BACKUP, PRIORITY_MIN_BACKUP, PRIORITY_OWNER } from './constants.js';

/** One tracked script/interface as the priority arithmetic sees it. */
export interface TrackerView {
  /** Fault source name used in FSM events, e.g. 'script:chk_proxy' or 'interface:eth0'. */
  readonly source: string;
  /** Resolved weight (track_script override or the script's own); 0 = failure means FAULT. */
  readonly weight: number;
  readonly reverse: boolean;
  /** Current status: true OK, false failed, null no result yet. */
  readonly ok: boolean | null;
}

/**
 * What a weighted tracker adds to the priority now ([track] process_script_update_priority):
 * weight > 0 adds +weight while OK; weight < 0 adds weight (negative) while failed; `reverse` negates the
 * contribution (so weight > 0 reverse subtracts while OK, weight < 0 reverse adds |weight| while failed).
 * No result yet, or weight 0, contributes nothing.
 */
export function trackerContribution(t: Pick<TrackerView, 'weight' | 'reverse' | 'ok'>): number {
  if (t.ok === null || t.weight === 0) return 0;
  const raw = t.weight > 0 ? (t.ok ? t.weight : 0) : t.ok ? 0 : t.weight;
  return raw === 0 ? 0 : t.reverse ? -raw : raw;
}

/** Does this tracker put the instance in FAULT? Only weight 0: failed, or succeeding when `reverse`. */
export function trackerFaults(t: Pick<TrackerView, 'weight' | 'reverse' | 'ok'>): boolean {
  if (t.weight !== 0 || t.ok === null) return false;
  return t.reverse ? t.ok : !t.ok;
}

export interface PriorityResult {
  /** base + Σ contributions, unclamped (keepalived `total_priority`). */
  readonly total: number;
  /** What goes into adverts: clamp(total, 1, 254); base 255 is never changed. */
  readonly effective: number;
  /** Fault sources of weight-0 trackers currently failing (non-empty => FAULT). */
  readonly faults: readonly string[];
  readonly contributions: ReadonlyMap<string, number>;
}

/**
 * Effective priority of an instance ([track] vrrp_set_effective_priority): total = base + Σ contributions,
 * clamped to 1..254; an address owner (base 255) keeps 255 whatever its trackers say (keepalived removes
 * weighted trackers from owners with a config error).
 */
export function computePriority(base: number, trackers: readonly TrackerView[]): PriorityResult {
  const contributions = new Map<string, number>();
  let total = base;
  for (const t of trackers) {
    const c = trackerContribution(t);
    contributions.set(t.source, c);
    total += c;
  }
  const faults = trackers.filter(trackerFaults).map((t) => t.source);
  const effective = base === PRIORITY_OWNER ? PRIORITY_OWNER : clampPriority(total);
  return { total, effective, faults, contributions };
}

/** Clamp to the range tracking may move a non-owner in: 1..254. */
export function clampPriority(total: number): number {
  return Math.min(PRIORITY_MAX_BACKUP, Math.max(PRIORITY_MIN_BACKUP, total));
}
