// Consistent-hash ring (haproxy lb_chash.c): each server owns `lbWeight` points (uweight×16 at full weight)
// at full_hash(id*4096 + i); a key goes to the closest point, so removing a server only moves its own keys.
import { fullHash } from './hash.js';
import { isFull, type LbServer } from './types.js';

/** SRV_EWGHT_RANGE: points of one server are numbered below id * 4096. */
const POINTS_PER_ID = 4096;

interface Point {
  readonly key: number;
  readonly server: LbServer;
}

export class ChashRing {
  #points: Point[] = [];
  /** Cursor of the round-robin walk used when the hash input is missing (chash_get_next_server). */
  #last = -1;

  /** Rebuilds the ring from the current LB group. Point i of a server is stable whatever its weight. */
  rebuild(group: readonly LbServer[]): void {
    const pts: Point[] = [];
    for (const s of group) {
      for (let i = 0; i < s.lbWeight; i++) pts.push({ key: fullHash((s.id * POINTS_PER_ID + i) >>> 0), server: s });
    }
    // Stable sort: equal keys keep insertion order, as ebtree duplicates do.
    pts.sort((a, b) => a.key - b.key);
    this.#points = pts;
    if (this.#last >= pts.length) this.#last = -1;
  }

  get size(): number {
    return this.#points.length;
  }

  /**
   * Server owning `hash`: the closer of the next point (>= hash, wrapping) and the previous one; ties go to the
   * previous point. Walks forward past `avoid` (at most one full turn).
   */
  lookup(hash: number, avoid?: LbServer): LbServer | undefined {
    const pts = this.#points;
    if (pts.length === 0) return undefined;
    const h = hash >>> 0;
    let lo = 0;
    let hi = pts.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pts[mid]!.key < h) lo = mid + 1;
      else hi = mid;
    }
    let idx = lo === pts.length ? 0 : lo;
    const prev = idx === 0 ? pts.length - 1 : idx - 1;
    const dp = (h - pts[prev]!.key) >>> 0;
    const dn = (pts[idx]!.key - h) >>> 0;
    if (dp <= dn) idx = prev;
    for (let n = 0; n < pts.length && pts[idx]!.server === avoid; n++) idx = (idx + 1) % pts.length;
    return pts[idx]!.server;
  }

  /** Round robin over the ring points skipping full servers; `avoid` only if nothing else is available. */
  next(avoid?: LbServer): LbServer | undefined {
    const pts = this.#points;
    if (pts.length === 0) return undefined;
    let avoidedAt = -1;
    let idx = this.#last;
    for (let n = 0; n < pts.length; n++) {
      idx = (idx + 1) % pts.length;
      const s = pts[idx]!.server;
      if (isFull(s)) continue;
      if (s !== avoid) {
        this.#last = idx;
        return s;
      }
      if (avoidedAt < 0) avoidedAt = idx;
    }
    if (avoidedAt >= 0) {
      this.#last = avoidedAt;
      return pts[avoidedAt]!.server;
    }
    return undefined;
  }
}
