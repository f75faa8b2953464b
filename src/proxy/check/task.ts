// One scheduled check (health or agent) of one server: runs the probe, moves the health counter, drives the
// server's state through ServerControl, and reschedules itself (haproxy.md §2.1-2.4, §3, §6.3).
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import { TaskTimer } from './task-timer.js';
import type { BackendView, CheckState, CheckStatusCode, ProxyRuntimeView, ServerControl, ServerTransitionCause } from '../types.js';
import { CHECK_STATUS } from './status.js';
import { decideTransition, jitter, selectInterval, stepHealth, type CheckKind } from './health.js';
import { agentPlan, agentTarget, healthPlan, healthTarget, sendStateValue, PlanError, type CheckPlan } from './plan.js';
import { probeCb, type ProbeInput, type ProbeOutcome } from './engine.js';
import { runExternalCheck } from './external.js';
import { agentVerdict, applyAgentWeight, parseAgentLine, sanitizeAgentText } from './agent-reply.js';

export interface TaskContext {
  readonly runtime: ProxyRuntimeView;
  readonly logger: Logger;
  readonly clock: Clock;
  readonly random: () => number;
  /** Called after the agent changed admin flags, so the health check can pause/resume at once. */
  readonly adminChanged: (server: ServerControl) => void;
}

function probeError(err: unknown): ProbeOutcome {
  return { status: 'SOCKERR', info: err instanceof Error ? err.message : String(err), durationMs: 0 };
}

export function isMaint(s: ServerControl): boolean {
  return s.admin.forcedMaint || s.admin.configMaint;
}

/** Static LB algorithms accept only 0% / 100% agent weights (haproxy.md §3). */
function staticAlgo(be: BackendView): boolean {
  const kind = be.section.balance.kind;
  if (kind === 'static-rr') return true;
  const hashed = kind === 'source' || kind === 'uri' || kind === 'hdr' || kind === 'url_param';
  return hashed && be.section.hashType.method === 'map-based';
}

export class CheckTask {
  enabled = true;
  health: number;
  readonly rise: number;
  readonly fall: number;
  status: CheckStatusCode = 'INI';
  code: number | undefined;
  durationMs: number | undefined;
  desc = '';
  running = false;
  paused = false;
  private stopped = false;
  private generation = 0;
  private readonly timer: TaskTimer;
  private plan: CheckPlan | undefined;
  private planError: string | undefined;
  /** A run is in progress (from its timer to the applied result); `idle()` waiters. */
  private busy = false;
  private waiters: (() => void)[] = [];

  constructor(
    readonly kind: CheckKind,
    public server: ServerControl,
    public backend: BackendView,
    private readonly ctx: TaskContext,
  ) {
    this.timer = new TaskTimer(ctx.clock, () => this.run());
    const cfg = server.config;
    this.rise = kind === 'agent' ? 1 : cfg.rise;
    this.fall = kind === 'agent' ? 1 : cfg.fall;
    // Servers start UP with health = rise ("UP 1/3"); `disabled` ones start in MAINT with health 0 (§2.2).
    this.health = kind === 'check' && cfg.disabled ? 0 : this.rise;
    this.compile();
  }

  /** (Re)compiles the plan from the section's check config; a bad ruleset makes every run a SOCKERR. */
  compile(): void {
    try {
      this.plan = this.kind === 'agent' ? agentPlan(this.server.config) : healthPlan(this.backend.section.healthCheck);
      this.planError = undefined;
    } catch (err) {
      this.plan = undefined;
      this.planError = err instanceof PlanError ? err.message : String(err);
      this.ctx.logger.error({ event: 'check-config', backend: this.backend.name, server: this.server.name, kind: this.kind, error: this.planError }, `unusable check rules: ${this.planError}`);
    }
  }

  get inter(): number {
    return this.kind === 'agent' ? this.server.config.agentInter : this.server.config.inter;
  }

  /** Interval before the next run (srv_getinter), with spread-checks jitter. */
  nextInterval(): number {
    const cfg = this.server.config;
    const base = this.kind === 'agent'
      ? this.inter
      : selectInterval({ inter: cfg.inter, fastinter: cfg.fastinter, downinter: cfg.downinter }, this.health, this.rise, this.fall, this.server.op === 'down');
    return jitter(base, this.ctx.runtime.config.global.spreadChecks, this.ctx.random());
  }

  state(): CheckState {
    // Built field by field (no spreads: this runs twice per check).
    const st: { -readonly [K in keyof CheckState]: CheckState[K] } = {
      enabled: this.enabled, health: this.health, rise: this.rise, fall: this.fall, status: this.status, desc: this.desc, running: this.running,
    };
    if (this.code !== undefined) st.code = this.code;
    if (this.durationMs !== undefined) st.durationMs = this.durationMs;
    return st;
  }

  /** Hands the display state to the server; `failedCheck` marks a completed check that counted as a failure. */
  publish(failedCheck = false): void {
    this.server.setCheckState(this.kind, this.state(), failedCheck);
  }

  schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer.set(Math.max(0, delayMs));
  }

  /** Resolves once the current run (if any) has applied its result (tests, benchmarks, ChecksHandle.idle). */
  get inflight(): Promise<void> | undefined {
    return this.busy ? new Promise((resolve) => this.waiters.push(resolve)) : undefined;
  }

  private settled(): void {
    this.busy = false;
    for (const w of this.waiters.splice(0)) w();
  }

  stop(): void {
    this.stopped = true;
    this.generation++;
    this.timer.clear();
  }

  setEnabled(on: boolean): void {
    if (this.enabled === on) return;
    this.enabled = on;
    this.generation++; // results of an in-flight check are ignored (haproxy "disable agent")
    this.running = false;
    this.publish();
    if (on) this.schedule(0);
    else this.timer.clear();
  }

  /** hrunn/hnolb/hdown/arunn/adown and `set server health|agent ...`: set health to max or 0, then force. */
  force(state: 'up' | 'stopping' | 'down', cause: ServerTransitionCause): void {
    this.generation++;
    this.health = state === 'down' ? 0 : this.rise + this.fall - 1;
    this.publish();
    const op = this.server.op;
    const same = (state === 'up' && (op === 'up' || op === 'starting')) || op === state;
    if (!same) this.server.setOperational(state, cause);
  }

  /**
   * The server entered or left maintenance: pause, or resume with health = rise (haproxy "start OK but check
   * immediately"). `checkNow` is false when called from run(), which is about to check anyway.
   */
  onAdminChanged(checkNow = true): void {
    if (this.kind !== 'check' || this.stopped) return;
    if (isMaint(this.server)) {
      // Paused, counter left alone (lowering it would count as failed checks); leaving resets it to rise.
      this.paused = true;
    } else if (this.paused) {
      this.paused = false;
      this.health = this.rise;
      this.publish();
      if (this.enabled && checkNow) this.schedule(0);
    }
  }

  /** Starts the probe; `done` gets the outcome exactly once (synchronously for some failures). */
  private probe(done: (o: ProbeOutcome) => void): void {
    const s = this.server;
    const section = this.backend.section;
    if (!this.plan) return done({ status: 'SOCKERR', info: this.planError ?? 'no check plan', durationMs: 0 });
    const t = section.timeouts;
    if (this.plan.type === 'external') {
      const ext = section.healthCheck.external;
      if (!this.ctx.runtime.config.global.externalCheck || !ext) {
        return done({ status: 'PROCERR', info: "external checks need 'external-check' in global and 'external-check command'", durationMs: 0 });
      }
      const timeoutMs = t.check !== undefined && t.connect !== undefined ? Math.min(this.inter, t.connect) : this.inter;
      runExternalCheck({ command: ext.command, path: ext.path, section, server: s, timeoutMs }).then(done, (err: unknown) => done(probeError(err)));
      return;
    }
    const plan = this.plan;
    const input: { -readonly [K in keyof ProbeInput]: ProbeInput[K] } = {
      plan, target: this.kind === 'agent' ? agentTarget(s) : healthTarget(s), interMs: this.inter, serverDown: s.op === 'down',
    };
    if (t.connect !== undefined) input.connectTimeoutMs = t.connect;
    if (t.check !== undefined) input.checkTimeoutMs = t.check;
    if (plan.sendState) input.extraHeaders = () => [['X-Haproxy-Server-State', sendStateValue(s, this.backend, this.ctx.runtime.info().node)] as const];
    probeCb(input, done);
  }

  run(): void {
    if (this.stopped || !this.enabled) return;
    if (this.kind === 'check') {
      // Health checks are paused in maintenance; the agent keeps running (haproxy.md §6.3).
      if (isMaint(this.server)) {
        this.onAdminChanged();
        this.schedule(this.inter);
        return;
      }
      if (this.paused) this.onAdminChanged(false);
    }
    const gen = this.generation;
    this.running = true;
    this.busy = true;
    this.publish();
    let delivered = false;
    const probed = (outcome: ProbeOutcome): void => {
      if (delivered) return;
      delivered = true;
      try {
        this.applyOutcome(gen, outcome);
      } finally {
        this.settled();
      }
    };
    try {
      this.probe(probed);
    } catch (err) {
      probed(probeError(err));
    }
  }

  private applyOutcome(gen: number, outcome: ProbeOutcome): void {
    if (this.stopped) return;
    this.running = false;
    if (gen !== this.generation) {
      this.publish();
      if (this.enabled) this.schedule(this.nextInterval());
      return;
    }
    try {
      if (this.kind === 'agent') this.applyAgent(outcome);
      else this.applyResult(outcome.status, outcome.code, outcome.info, outcome.durationMs);
    } catch (err) {
      this.ctx.logger.error({ event: 'check-error', backend: this.backend.name, server: this.server.name, kind: this.kind, error: String(err) }, 'applying a check result failed');
    }
    this.schedule(this.nextInterval());
  }

  private applyAgent(o: ProbeOutcome): void {
    if (o.agentIncomplete) {
      // An incomplete line is ignored: no counter change, only the description tells the operator (§3).
      this.desc = o.info;
      this.durationMs = o.durationMs;
      this.publish();
      return;
    }
    if (o.agentLine === undefined) {
      this.applyResult(o.status, o.code, o.info, o.durationMs);
      return;
    }
    const reply = parseAgentLine(o.agentLine);
    const s = this.server;
    const base = { source: 'agent' as const, info: sanitizeAgentText(o.agentLine) };
    // Order: admin word, weight, maxconn, then health (haproxy tcpcheck_agent_expect_reply).
    if (reply.admin !== undefined) {
      const a = s.admin;
      const changes = reply.admin === 'ready' ? a.forcedMaint || a.forcedDrain : reply.admin === 'drain' ? !a.forcedDrain || a.forcedMaint : !a.forcedMaint || a.forcedDrain;
      if (changes) {
        s.setAdmin(reply.admin, { ...base, reason: `agent says ${reply.admin}` });
        this.ctx.adminChanged(s);
      }
    }
    let warning: string | undefined;
    if (reply.weightPct !== undefined) {
      const w = applyAgentWeight(reply.weightPct, s.iweight, staticAlgo(this.backend));
      if (!w.ok) warning = w.warning;
      else if (w.uweight !== s.uweight) {
        try {
          s.setWeight(w.uweight, { ...base, reason: `agent weight ${reply.weightPct}%` });
        } catch (err) {
          warning = err instanceof Error ? err.message : String(err);
        }
      }
    }
    if (reply.maxconn !== undefined && reply.maxconn !== s.maxconn) s.setMaxconn(reply.maxconn);
    const v = agentVerdict(reply, warning);
    this.applyResult(v.status, undefined, v.desc, o.durationMs);
  }

  /** Health counter step + display state + the server transition it implies. */
  applyResult(status: CheckStatusCode, code: number | undefined, info: string, durationMs: number): void {
    const s = this.server;
    const step = stepHealth(this.kind, this.health, this.rise, this.fall, status);
    this.health = step.health;
    this.status = status;
    this.code = code;
    this.desc = info;
    this.durationMs = durationMs;
    // Only a real check result can count in chkfail; force() publishes without the flag (haproxy.md §2.1).
    this.publish(step.countedFailure);
    const other = this.kind === 'check' ? s.agent : s.check;
    const mine = this.state();
    const check = this.kind === 'check' ? mine : other;
    const agent = this.kind === 'agent' ? mine : other;
    const decision = decideTransition({
      kind: this.kind,
      status,
      health: this.health,
      maint: isMaint(s),
      op: s.op,
      checkEnabled: check?.enabled ?? false,
      checkHealth: check?.health ?? 0,
      checkRise: check?.rise ?? 1,
      agentEnabled: agent?.enabled ?? false,
      agentHealth: agent?.health ?? 0,
      agentRise: agent?.rise ?? 1,
    });
    const info0 = CHECK_STATUS[status];
    if (decision !== 'none') {
      const cause: ServerTransitionCause = {
        source: this.kind,
        reason: info0.desc,
        checkStatus: status,
        ...(code !== undefined ? { code } : {}),
        ...(info ? { info } : {}),
        durationMs,
      };
      s.setOperational(decision, cause);
    } else if (step.changed) {
      // Counter moved without a state change: haproxy logs "Health check for server be/s failed/succeeded".
      const ok = info0.result !== 'failed';
      const up = s.op !== 'down';
      const shown = up ? `${Math.max(0, this.health - this.rise + 1)}/${this.fall} UP` : `${this.health}/${this.rise} DOWN`;
      this.ctx.logger.info(
        { event: 'check', kind: this.kind, backend: this.backend.name, server: s.name, result: ok ? 'succeeded' : 'failed', check_status: status, code, info, duration_ms: durationMs, health: this.health },
        `${this.kind === 'agent' ? 'Agent' : 'Health'} check for server ${this.backend.name}/${s.name} ${ok ? 'succeeded' : 'failed'}, reason: ${info0.desc}${code !== undefined ? `, code: ${code}` : ''}${info ? `, info: "${info}"` : ''}, check duration: ${durationMs}ms, status: ${shown}.`,
      );
    }
  }
}
