// The demo's console output: header, numbered steps, timestamped events aligned on one column, indented details.

export type Write = (text: string) => void;

/** "+ 12.34s" right-aligned, so event texts line up whatever the offset (pure). */
export function fmtOffset(ms: number): string {
  const s = (Math.max(0, ms) / 1000).toFixed(2);
  return `+${s.padStart(6)}s`;
}

/** 2104 -> "2 104 ms" (thin grouping keeps 4-digit figures readable in a column) (pure). */
export function fmtMs(ms: number): string {
  const n = Math.round(ms);
  return `${String(n).replace(/\B(?=(\d{3})+(?!\d))/g, ' ')} ms`;
}

const RULE = '─';

export class Narrator {
  private readonly t0: number;
  private steps = 0;

  constructor(
    private readonly write: Write,
    private readonly totalSteps: number,
    t0: number = Date.now(),
  ) {
    this.t0 = t0;
  }

  get startedAt(): number {
    return this.t0;
  }

  /** Milliseconds since the demo started (for results). */
  since(at: number = Date.now()): number {
    return at - this.t0;
  }

  header(title: string, facts: readonly [string, string][]): void {
    const width = Math.max(...facts.map(([k]) => k.length));
    this.write(`\n${title}\n${RULE.repeat(Math.min(78, title.length))}\n`);
    for (const [k, v] of facts) this.write(`  ${k.padEnd(width)}  ${v}\n`);
  }

  /** Next numbered step, or step `n` (the cleanup step keeps its number even after an early error). */
  step(title: string, n?: number): void {
    this.steps = n ?? this.steps + 1;
    this.write(`\n${this.steps}/${this.totalSteps}  ${title}\n`);
  }

  /** An event with its time (epoch ms: now, or a time taken from a daemon's log line). */
  event(text: string, at: number = Date.now()): void {
    this.write(`  ${fmtOffset(at - this.t0)}  ${text}\n`);
  }

  /** A continuation line under the last event, aligned with its text. */
  detail(text: string): void {
    for (const line of text.split('\n')) this.write(`  ${' '.repeat(9)}  ${line}\n`);
  }

  /** Free text (status tables...) indented under the step. */
  block(text: string, indent = 4): void {
    for (const line of text.replace(/\n+$/, '').split('\n')) this.write(line.trim() ? `${' '.repeat(indent)}${line}\n` : '\n');
  }

  line(text = ''): void {
    this.write(`${text}\n`);
  }
}
