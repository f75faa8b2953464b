// A check task's timer. On the real clock each task keeps one Node timer and re-arms it with refresh() while the
// delay stays the same (the usual case: every run waits `inter`), instead of a new Timeout object and timer-list
// insertion per check (1000s per second at scale). Any other clock (tests' fake clocks) is used as is.
import { realClock, type Clock, type TimerHandle } from '../../core/clock.js';

export class TaskTimer {
  private handle: TimerHandle | undefined;
  private node: NodeJS.Timeout | undefined;
  private nodeMs = -1;

  constructor(private readonly clock: Clock, private readonly fire: () => void) {}

  /** (Re)arms the timer to fire once after `ms`. */
  set(ms: number): void {
    if (this.clock !== realClock) {
      this.clock.clearTimeout(this.handle);
      this.handle = this.clock.setTimeout(this.fire, ms);
      return;
    }
    // refresh() restarts a pending or already fired timer with its original delay (Node timers API).
    if (this.node && this.nodeMs === ms) {
      this.node.refresh();
      return;
    }
    if (this.node) clearTimeout(this.node);
    this.node = setTimeout(this.fire, ms);
    this.nodeMs = ms;
  }

  clear(): void {
    if (this.clock !== realClock) {
      this.clock.clearTimeout(this.handle);
      this.handle = undefined;
      return;
    }
    if (this.node) clearTimeout(this.node);
    this.node = undefined;
    this.nodeMs = -1;
  }
}
