// A check task's timer. On the real clock, delays of COALESCE_FROM_MS or more (every run waiting `inter` at scale)
// go on the shared tick wheel (tick-wheel.ts: one wake-up per 10 ms for all due checks); shorter ones keep one Node
// timer per task, re-armed with refresh() while the delay stays the same. Any other clock (tests' fake clocks) is
// used as is, exactly.
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';
import { COALESCE_FROM_MS, wheelClear, wheelSet, type WheelEntry } from './tick-wheel.js';

export class TaskTimer implements WheelEntry {
  /** WheelEntry: grid slot armed on the wheel, -1 when not on it. */
  tick = -1;
  private handle: TimerHandle | undefined;
  private node: NodeJS.Timeout | undefined;
  private nodeMs = -1;

  constructor(private readonly clock: Clock, readonly fire: () => void) {}

  /** (Re)arms the timer to fire once after `ms`. */
  set(ms: number): void {
    if (this.clock !== realClock) {
      this.clock.clearTimeout(this.handle);
      this.handle = this.clock.setTimeout(this.fire, ms);
      return;
    }
    if (ms >= COALESCE_FROM_MS) {
      this.clearNode();
      wheelSet(this, ms);
      return;
    }
    wheelClear(this);
    // refresh() restarts a pending or already fired timer with its original delay (Node timers API).
    if (this.node && this.nodeMs === ms) {
      this.node.refresh();
      return;
    }
    this.clearNode();
    this.node = setTimeout(this.fire, ms);
    this.nodeMs = ms;
  }

  clear(): void {
    if (this.clock !== realClock) {
      this.clock.clearTimeout(this.handle);
      this.handle = undefined;
      return;
    }
    wheelClear(this);
    this.clearNode();
  }

  private clearNode(): void {
    if (this.node) clearTimeout(this.node);
    this.node = undefined;
    this.nodeMs = -1;
  }
}
