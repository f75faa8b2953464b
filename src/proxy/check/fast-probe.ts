// Callback-driven probes for the two plans that dominate large configurations: the plain connect check (`check`
// without rules: connect, then close with a RST) and the agent check (connect, optional agent-send, one line,
// haproxy.md §3). Same outcomes, statuses and deadlines as the generic engine (engine.ts, haproxy.md §2.4) but on
// the data plane's connections (raw TCP handles) with no promise, net.Socket or per-check closure beyond one.
import type { CheckStatusCode } from '../types.js';
import type { Attempt } from '../backend/connect.js';
import type { Conn, ConnEvents } from '../io/conn.js';
import { dialConn } from '../io/net-conn.js';
import { CHECK_BUFSIZE } from './expect.js';
import { frameAgentReply } from './agent-reply.js';
import type { CheckPlan, SendStep } from './plan.js';
import type { ProbeInput, ProbeOutcome } from './engine.js';
import { startTimeout, type Timed } from '../io/timeout-queue.js';

export type FastKind = 'connect' | 'agent';

/** Which fast path runs `plan`, if any: a lone target connect, or the agent's connect [send] read. */
export function fastKind(plan: CheckPlan): FastKind | undefined {
  const s = plan.steps;
  const first = s[0];
  if (!first || first.kind !== 'connect' || first.host !== undefined || first.port !== undefined) return undefined;
  if (plan.type === 'tcp' && s.length === 1) return 'connect';
  if (plan.type !== 'agent') return undefined;
  if (s.length === 2 && s[1]!.kind === 'agent-read') return 'agent';
  if (s.length === 3 && s[1]!.kind === 'send' && s[2]!.kind === 'agent-read') return 'agent';
  return undefined;
}

/** Connect errors as the engine maps them (haproxy L4CON for refused/unreachable/reset, else SOCKERR). */
const L4CON_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET']);

const EMPTY = Buffer.alloc(0);

/** One probe; also its read deadline's entry in the shared timeout queue (Timed). */
class FastCheck implements ConnEvents, Timed {
  /** Timed: finished, or the deadline passed. */
  done = false;
  private conn: Conn | undefined;
  private buf: Buffer = EMPTY;
  private eof = false;
  private finished = false;
  private deadline: number;

  constructor(
    private readonly input: ProbeInput,
    private readonly agent: boolean,
    private readonly start: number,
    private readonly report: (o: ProbeOutcome) => void,
  ) {
    this.deadline = start + input.interMs;
  }

  run(): void {
    const { target, connectTimeoutMs, checkTimeoutMs } = this.input;
    const port = target.port;
    if (port === undefined || port <= 0) return this.finish('SOCKERR', 'no port to check');
    const connDeadline = checkTimeoutMs !== undefined && connectTimeoutMs !== undefined
      ? Math.min(this.deadline, this.start + connectTimeoutMs)
      : this.deadline;
    dialConn({ host: target.host, port }, Math.max(1, Math.ceil(connDeadline - performance.now())), undefined, (a) => this.connected(a), this.agent);
  }

  private connected(a: Attempt<Conn>): void {
    if (!a.ok) {
      if (a.timedOut || a.error === 'ETIMEDOUT') return this.finish('L4TOUT', 'Connection timeout');
      const info = a.error === 'ECONNREFUSED' ? 'Connection refused' : `connect ${a.error} ${this.input.target.host}:${this.input.target.port}`;
      return this.finish(L4CON_CODES.has(a.error) ? 'L4CON' : 'SOCKERR', info);
    }
    const conn = (this.conn = a.socket);
    if (!this.agent) return this.finish('L4OK', '');
    conn.events = this;
    if (this.input.checkTimeoutMs !== undefined) this.deadline = performance.now() + this.input.checkTimeoutMs;
    const send = this.input.plan.steps[1]!;
    if (send.kind === 'send') conn.write((send as SendStep).data);
    conn.resume();
    startTimeout(this, Math.max(1, Math.round(this.deadline - performance.now())));
  }

  /** The agent did not answer in time (Timed). */
  expire(): void {
    this.finish('L7TOUT', `timeout waiting for data at step ${this.input.plan.steps.length}`);
  }

  private evaluate(): void {
    const f = frameAgentReply(this.buf, this.eof);
    if (f.kind === 'line') this.finish('L7OK', '', f.line);
    else if (f.kind === 'incomplete') this.finish('CHECKED', 'Ignoring incomplete line from agent', undefined, true);
  }

  onData(chunk: Buffer): void {
    const have = this.buf.length;
    if (have < CHECK_BUFSIZE) {
      const part = chunk.length > CHECK_BUFSIZE - have ? chunk.subarray(0, CHECK_BUFSIZE - have) : chunk;
      this.buf = have === 0 ? part : Buffer.concat([this.buf, part]);
    }
    this.evaluate();
  }
  onEnd(): void {
    this.eof = true;
    this.evaluate();
  }
  onDrain(): void {}
  onError(): void {
    this.eof = true;
    this.evaluate();
  }
  onClose(): void {
    this.eof = true;
    if (!this.finished) this.evaluate();
  }

  private finish(status: CheckStatusCode, info: string, agentLine?: string, agentIncomplete?: boolean): void {
    if (this.finished) return;
    this.finished = true;
    this.done = true;
    // Health-check connections close with a RST like haproxy's (no TIME_WAIT pile-up at 1000 checks/s).
    this.conn?.reset();
    const o: { -readonly [K in keyof ProbeOutcome]: ProbeOutcome[K] } = { status, info, durationMs: Math.round(performance.now() - this.start) };
    if (agentLine !== undefined) o.agentLine = agentLine;
    if (agentIncomplete) o.agentIncomplete = true;
    this.report(o);
  }
}

/** Runs a `fastKind` plan; `done` is called once (possibly synchronously, e.g. for a missing port). */
export function fastProbe(input: ProbeInput, kind: FastKind, done: (o: ProbeOutcome) => void): void {
  new FastCheck(input, kind === 'agent', performance.now(), done).run();
}
