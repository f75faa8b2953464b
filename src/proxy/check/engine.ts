// The one check engine: runs a compiled plan (connect/send/expect/agent-read steps) over real TCP sockets
// with haproxy's deadlines (haproxy.md §2.4) and maps every way it can end to a check status (§2.1, §2.5).
import net from 'node:net';
import type { CheckStatusCode } from '../types.js';
import { CHECK_BUFSIZE, evalHttpExpect, evalTcpExpect, readHttpResponse, type ExpectEval, type HttpResponse } from './expect.js';
import { frameAgentReply } from './agent-reply.js';
import { buildHttpRequest, type CheckPlan, type Target } from './plan.js';
import { fastKind, fastProbe } from './fast-probe.js';

export interface ProbeInput {
  readonly plan: CheckPlan;
  readonly target: Target;
  /** The whole check must finish within this (inter, or agent-inter for agents). */
  readonly interMs: number;
  /** `timeout connect`, used only together with `timeout check`. */
  readonly connectTimeoutMs?: number;
  /** `timeout check`: once connected, the rest of the exchange gets this long (reset at each connect). */
  readonly checkTimeoutMs?: number;
  /** Extra request headers computed at probe time (http-check send-state). */
  readonly extraHeaders?: () => readonly (readonly [string, string])[];
  /** disable-on-404 only applies while the server is not DOWN. */
  readonly serverDown: boolean;
}

export interface ProbeOutcome {
  readonly status: CheckStatusCode;
  readonly code?: number;
  readonly info: string;
  readonly durationMs: number;
  /** Agent plans: the reply line (undefined when the reply was incomplete or never came). */
  readonly agentLine?: string;
  readonly agentIncomplete?: boolean;
}

/** A connected check socket: accumulates at most CHECK_BUFSIZE bytes, remembers EOF/errors, wakes waiters. */
class Conn {
  buf: Buffer = Buffer.alloc(0);
  eof = false;
  private wake: (() => void) | undefined;
  constructor(readonly sock: net.Socket) {
    sock.on('data', (d: Buffer) => {
      if (this.buf.length < CHECK_BUFSIZE) {
        const room = CHECK_BUFSIZE - this.buf.length;
        const part = d.length > room ? d.subarray(0, room) : d;
        this.buf = this.buf.length === 0 ? Buffer.from(part) : Buffer.concat([this.buf, part]);
      }
      this.notify();
    });
    const end = () => {
      this.eof = true;
      this.notify();
    };
    sock.on('end', end);
    sock.on('error', end);
    sock.on('close', end);
  }
  private notify(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }
  /** Resolves true when something arrived, false when `deadline` passed first. */
  more(deadline: number): Promise<boolean> {
    if (this.eof) return Promise.resolve(true);
    const left = deadline - performance.now();
    if (left <= 0) return Promise.resolve(false);
    return new Promise((resolve) => {
      const t = setTimeout(() => {
        this.wake = undefined;
        resolve(false);
      }, left);
      this.wake = () => {
        clearTimeout(t);
        resolve(true);
      };
    });
  }
  consume(): void {
    this.buf = Buffer.alloc(0);
  }
  /** Health-check connections close with a RST like haproxy's (no TIME_WAIT pile-up at 1000 checks/s). */
  close(): void {
    this.sock.removeAllListeners('data');
    this.sock.on('error', () => undefined);
    if (this.sock.readyState === 'open' && typeof this.sock.resetAndDestroy === 'function') this.sock.resetAndDestroy();
    else this.sock.destroy();
  }
}

type ConnectResult = { ok: true; conn: Conn | undefined } | { ok: false; status: CheckStatusCode; info: string };

/** Connects; `bare` (plain connect checks) skips the reader and Nagle setup, closing with a RST at once. */
function connect(host: string, port: number, deadline: number, bare = false): Promise<ConnectResult> {
  return new Promise((resolve) => {
    const sock = net.connect({ host, port, noDelay: !bare });
    const left = Math.max(1, deadline - performance.now());
    const timer = setTimeout(() => {
      sock.on('error', () => undefined);
      sock.destroy();
      resolve({ ok: false, status: 'L4TOUT', info: 'Connection timeout' });
    }, left);
    sock.once('connect', () => {
      clearTimeout(timer);
      sock.removeAllListeners('error');
      if (bare) {
        sock.on('error', () => undefined);
        sock.resetAndDestroy();
        resolve({ ok: true, conn: undefined });
      } else resolve({ ok: true, conn: new Conn(sock) });
    });
    sock.once('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      sock.destroy();
      const status: CheckStatusCode = err.code === 'ECONNREFUSED' || err.code === 'EHOSTUNREACH' || err.code === 'ENETUNREACH' || err.code === 'ECONNRESET' ? 'L4CON' : 'SOCKERR';
      const info = err.code === 'ECONNREFUSED' ? 'Connection refused' : err.code === 'ETIMEDOUT' ? 'Connection timeout' : err.message;
      resolve({ ok: false, status: err.code === 'ETIMEDOUT' ? 'L4TOUT' : status, info });
    });
  });
}

/** Runs one check. Never throws: every failure becomes a status. */
export function runProbe(input: ProbeInput): Promise<ProbeOutcome> {
  const kind = fastKind(input.plan);
  if (kind) return new Promise((resolve) => fastProbe(input, kind, resolve));
  return runGeneric(input);
}

/** runProbe with a callback: plain connect and agent checks (the bulk at scale) then run without any promise. */
export function probeCb(input: ProbeInput, done: (o: ProbeOutcome) => void): void {
  const kind = fastKind(input.plan);
  if (kind) fastProbe(input, kind, done);
  else void runGeneric(input).then(done);
}

/** The generic rule interpreter: connect/send/expect steps over net.Socket. */
async function runGeneric(input: ProbeInput): Promise<ProbeOutcome> {
  const start = performance.now();
  const done = (status: CheckStatusCode, info: string, extra: Partial<ProbeOutcome> = {}): ProbeOutcome => ({
    status,
    info,
    durationMs: Math.round(performance.now() - start),
    ...extra,
  });
  const { plan, target } = input;
  const tcpCheck = plan.type === 'tcp-check';
  // A plan that only connects (plain `check`) needs no reader: connect, RST, done (the hot path at scale).
  const bare = plan.steps.length === 1 && plan.steps[0]!.kind === 'connect';
  let deadline = start + input.interMs;
  let conn: Conn | undefined;
  let last: 'connect' | 'send' | 'expect' | undefined;
  let httpRes: HttpResponse | undefined;
  try {
    for (const step of plan.steps) {
      if (step.kind === 'connect') {
        conn?.close();
        conn = undefined;
        httpRes = undefined;
        const host = step.host ?? target.host;
        const port = step.port ?? target.port;
        const where = tcpCheck ? ` at step ${step.step} of tcp-check (connect${step.port !== undefined ? ` port ${step.port}` : ''})` : '';
        if (port === undefined || port <= 0) return done('SOCKERR', `no port to check${where}`);
        const connDeadline = input.checkTimeoutMs !== undefined && input.connectTimeoutMs !== undefined
          ? Math.min(deadline, performance.now() + input.connectTimeoutMs)
          : deadline;
        const r = await connect(host, port, connDeadline, bare);
        if (!r.ok) return done(r.status, `${r.info}${where}`);
        if (!r.conn) return done('L4OK', '');
        conn = r.conn;
        if (input.checkTimeoutMs !== undefined) deadline = performance.now() + input.checkTimeoutMs;
        last = 'connect';
        continue;
      }
      if (!conn) return done('SOCKERR', `step ${step.step} has no connection`);
      if (step.kind === 'send' || step.kind === 'http-send') {
        const data = step.kind === 'send' ? step.data : buildHttpRequest(step.request, input.extraHeaders?.() ?? []);
        conn.consume();
        httpRes = undefined;
        if (!conn.eof) conn.sock.write(data);
        last = 'send';
        continue;
      }
      // Expect-like steps: evaluate, and wait for more bytes while the verdict is "wait".
      let passed = false;
      for (let rounds = 0; rounds < 1_000_000 && !passed; rounds++) {
        let ev: ExpectEval | undefined;
        if (step.kind === 'agent-read') {
          const f = frameAgentReply(conn.buf, conn.eof);
          if (f.kind === 'line') return done('L7OK', '', { agentLine: f.line });
          if (f.kind === 'incomplete') return done('CHECKED', 'Ignoring incomplete line from agent', { agentIncomplete: true });
        } else if (step.kind === 'expect') {
          ev = evalTcpExpect(step, conn.buf, conn.eof);
        } else {
          const r = readHttpResponse(conn.buf, conn.eof);
          if (r.kind === 'bad') return done('L7RSP', r.info);
          if (r.kind === 'ok') {
            httpRes = r.res;
            if (plan.disableOn404 && !input.serverDown && r.res.code === 404) return done('L7OKC', '', { code: 404 });
            ev = evalHttpExpect(step, r.res);
          }
        }
        if (ev?.kind === 'pass') {
          passed = true;
          break;
        }
        if (ev?.kind === 'fail') return done(ev.status, ev.info, ev.code !== undefined ? { code: ev.code } : {});
        // Every evaluator decides once EOF is seen; this guards the loop against a verdict that never comes.
        if (conn.eof && rounds > 0) return done('L7RSP', 'connection closed before a complete response');
        const arrived = await conn.more(deadline);
        if (!arrived) return done('L7TOUT', `timeout waiting for data at step ${step.step}`);
      }
      if (!passed) return done('L7RSP', `no verdict at step ${step.step}`);
      if (step.kind === 'expect') conn.consume();
      last = 'expect';
    }
    if (plan.type === 'http') return done('L7OK', '', httpRes ? { code: httpRes.code } : {});
    if (last === 'connect') return done('L4OK', '');
    return done('L7OK', tcpCheck && last === 'expect' ? '(tcp-check)' : '');
  } finally {
    conn?.close();
  }
}
