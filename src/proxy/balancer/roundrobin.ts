// balance roundrobin: haproxy's dynamic weighted round robin (lb_fwrr.c, haproxy.md §5.1). Each server carries
// a next position; picks take the lowest position not beyond the group's current position, then advance that
// server by total/weight (remainders accumulated), giving smooth interleaving and exact proportions per cycle.
// Two windows (current/next) and an "init" set ordered by weight reproduce haproxy's observed sequences:
// 1:2 -> a2 a2 a1, 1:3 -> a2 a2 a1 a2, 3:5 -> a2 a1 a2 a2 a2 a1 a2 a1.
import { inLb } from './group.js';
import { isFull, type Balancer, type BalancerContext, type LbServer, type PickInput } from './types.js';

/** haproxy SRV_UWGHT_RANGE / SRV_EWGHT_MAX / BE_WEIGHT_SCALE: the position key packs npos and weight. */
const UWGHT_RANGE = 256;
const EWGHT_MAX = 256 * 16;
const SCALE = 16;

type Where = 'init' | 'curr' | 'next' | null;

/** Per-server scheduling state (haproxy npos/lpos/rweight/lb_tree + committed cur_eweight). */
interface Slot {
  readonly s: LbServer;
  npos: number;
  lpos: number;
  rweight: number;
  weight: number; // committed effective weight (cur_eweight)
  where: Where;
  key: number;
  seq: number; // insertion stamp: equal keys are served in insertion order
}

/** One weight group (active or backup servers). */
class Group {
  currPos = 0;
  currWeight = 0;
  nextWeight = 0;
  init: Slot[] = [];
  curr: Slot[] = [];
  next: Slot[] = [];
  #seq = 0;

  insert(tree: 'init' | 'curr' | 'next', slot: Slot, key: number): void {
    slot.key = key;
    slot.seq = ++this.#seq;
    slot.where = tree;
    // Shifted by hand, not splice(): splice returns a new array on every call, and this runs twice per pick.
    const list = this[tree];
    let i = list.length;
    list.push(slot);
    while (i > 0 && list[i - 1]!.key > key) {
      list[i] = list[i - 1]!;
      i--;
    }
    list[i] = slot;
  }

  remove(slot: Slot): void {
    if (slot.where === null) return;
    const list = this[slot.where];
    const i = list.indexOf(slot);
    if (i < 0) return;
    for (let j = i + 1; j < list.length; j++) list[j - 1] = list[j]!;
    list.pop();
  }

  /** Heavier servers first: they must start early for a smooth distribution. */
  queueByWeight(tree: 'init' | 'next', slot: Slot): void {
    this.insert(tree, slot, EWGHT_MAX - slot.weight);
  }

  /** Places a server according to its npos: current window, or next window when it does not fit. */
  queue(slot: Slot): void {
    if (slot.weight <= 0 || slot.npos >= 2 * this.currWeight || slot.npos >= this.currWeight + this.nextWeight) {
      slot.npos -= this.currWeight;
      this.queueByWeight('next', slot);
    } else {
      this.insert('curr', slot, UWGHT_RANGE * slot.npos + Math.floor((EWGHT_MAX + slot.rweight - slot.weight) / SCALE));
    }
  }

  /** Prepares a slot being taken out of its tree (haproxy fwrr_get_srv). */
  prepare(slot: Slot): void {
    if (slot.where === 'init') slot.npos = slot.rweight = 0;
    else if (slot.where === 'next') slot.npos += this.currWeight;
    else if (slot.where === null) slot.npos = this.currPos;
  }

  switchWindows(): void {
    [this.init, this.next] = [this.next, this.init];
    for (const s of this.init) s.where = 'init';
    this.currWeight = this.nextWeight;
    this.currPos = this.currWeight;
  }

  firstCandidate(): Slot | undefined {
    const s1 = this.curr[0];
    if (s1 && s1.weight && s1.npos <= this.currPos) return s1;
    const s2 = this.init[0];
    if (s2 && s2.weight) {
      s2.npos = s2.rweight = 0;
      return s2;
    }
    return s1;
  }

  advance(slot: Slot): void {
    const w = slot.weight;
    if (!w) return;
    if (!slot.npos) slot.npos = this.currPos; // first pick ever for this server
    slot.lpos = slot.npos;
    slot.npos += Math.floor(this.nextWeight / w);
    slot.rweight += this.nextWeight % w;
    if (slot.rweight >= w) {
      slot.rweight -= w;
      slot.npos++;
    }
  }
}

export class RoundRobin implements Balancer {
  readonly name = 'roundrobin';
  readonly dynamic = true;
  readonly fifoWhenQueued = true;
  readonly #ctx: BalancerContext;
  readonly #slots: Slot[] = [];
  readonly #act = new Group();
  readonly #bck = new Group();
  readonly #extracted: Slot[] = [];

  constructor(ctx: BalancerContext) {
    this.#ctx = ctx;
    for (const s of ctx.servers) {
      const slot: Slot = { s, npos: 0, lpos: 0, rweight: 0, weight: inLb(s) ? s.lbWeight : 0, where: null, key: 0, seq: 0 };
      this.#slots.push(slot);
    }
    for (const g of [this.#act, this.#bck]) {
      const members = this.#slots.filter((x) => x.weight > 0 && x.s.backup === (g === this.#bck));
      const tot = members.reduce((a, x) => a + x.weight, 0);
      g.currPos = g.currWeight = g.nextWeight = tot;
      for (const x of members) g.queueByWeight('init', x);
    }
  }

  #group(slot: Slot): Group {
    return slot.s.backup ? this.#bck : this.#act;
  }

  update(): void {
    for (const slot of this.#slots) {
      const next = inLb(slot.s) ? slot.s.lbWeight : 0;
      if (next === slot.weight && (next > 0) === (slot.where !== null)) continue;
      this.#reweight(slot, next);
    }
  }

  /** haproxy fwrr_set_server_status_up/down and fwrr_update_server_weight, folded together. */
  #reweight(slot: Slot, next: number): void {
    const g = this.#group(slot);
    const wasIn = slot.where !== null;
    if (!wasIn && next === 0) {
      slot.weight = 0;
      return;
    }
    if (wasIn && next === 0) {
      g.nextWeight -= slot.weight;
      g.remove(slot);
      slot.where = null;
      slot.weight = 0;
      return;
    }
    if (!wasIn) {
      g.nextWeight += next;
      slot.weight = next;
      g.prepare(slot);
      slot.npos = g.currPos + Math.floor((g.nextWeight + g.currWeight - g.currPos) / next);
      g.queue(slot);
      return;
    }
    g.nextWeight = g.nextWeight - slot.weight + next;
    if (slot.where === 'init') {
      g.remove(slot);
      slot.weight = next;
      g.queueByWeight('init', slot);
      return;
    }
    g.prepare(slot);
    slot.weight = next;
    const prevNext = slot.npos;
    const step = Math.floor(g.nextWeight / next);
    slot.npos = Math.min(slot.lpos + step, prevNext);
    slot.rweight = 0;
    if (slot.npos < g.currPos + 2) slot.npos = g.currPos + step;
    g.remove(slot);
    g.queue(slot);
  }

  pick(input: PickInput): LbServer | undefined {
    let g: Group;
    if (this.#activeInLb()) g = this.#act;
    else if (!this.#ctx.allBackups) {
      // Only the first usable backup takes traffic (haproxy lbprm.fbck).
      return this.#ctx.servers.find((s) => s.backup && inLb(s));
    } else g = this.#bck;
    if (g.curr.length + g.init.length + g.next.length === 0) return undefined;

    let switched = false;
    let avoided: Slot | undefined;
    const extracted = this.#extracted; // per-pick scratch (no allocation per request); emptied below
    let chosen: Slot | undefined;
    for (let guard = 0; guard < 100_000; guard++) {
      if (!g.currWeight) g.currPos = g.currWeight = g.nextWeight;
      let slot = g.firstCandidate();
      if (!slot) {
        if (switched) {
          chosen = avoided;
          break;
        }
        switched = true;
        g.switchWindows();
        slot = g.firstCandidate();
        if (!slot) {
          chosen = avoided;
          break;
        }
      }
      g.advance(slot);
      g.remove(slot);
      slot.where = null;
      g.currPos++;
      if (!isFull(slot.s)) {
        if (slot.s !== input.avoid || avoided) {
          chosen = slot;
          break;
        }
        avoided = slot;
      }
      extracted.push(slot); // saturated or avoided: requeued below
    }
    if (chosen) g.queue(chosen);
    for (let i = 0; i < extracted.length; i++) {
      const x = extracted[i]!;
      if (x === chosen) continue;
      // After a window switch their place is lost and only their weight matters.
      if (switched) g.queueByWeight('init', x);
      else g.queue(x);
    }
    extracted.length = 0;
    return chosen?.s;
  }

  /** Some active (non-backup) server is in the load-balancing trees. */
  #activeInLb(): boolean {
    const slots = this.#slots;
    for (let i = 0; i < slots.length; i++) if (!slots[i]!.s.backup && slots[i]!.where !== null) return true;
    return false;
  }

  taken(): void {}
  dropped(): void {}
}
