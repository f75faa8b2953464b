// A FIFO of async jobs run one at a time: the per-instance notify order guarantee keepalived lacks.
export class SerialQueue {
  private tail: Promise<void> = Promise.resolve();
  private queued = 0;

  /** Jobs run strictly in push order; a job that throws never stops the ones after it. */
  push(job: () => Promise<void>): Promise<void> {
    this.queued += 1;
    const run = this.tail.then(job).catch(() => undefined).finally(() => {
      this.queued -= 1;
    });
    this.tail = run;
    return run;
  }

  /** Jobs pushed and not finished yet (including the running one). */
  get pending(): number {
    return this.queued;
  }

  /** Resolves when every job pushed so far has finished. */
  idle(): Promise<void> {
    return this.tail;
  }
}
