// The alert channel: transition -> (dedupe, flap damping) -> rendered alert -> durable spool -> deliverer.
import type { Logger } from '../core/logger.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { KeepalivedConfig, MailSettings } from '../vrrp/types.js';
import type { AlertChannel } from './dispatcher.js';
import type { NotifyTarget, StatusProvider, TransitionEvent } from './types.js';
import type { AlertMessage } from './alert.js';
import { composeAlert, factsFromEvent, transitionAlert, type Envelope } from './compose.js';
import { FlapDamper, dampingConfig } from './damping.js';
import { Deliverer } from './deliverer.js';
import { reportText, scheduleReport, type DeliveryHealth, type ReportSchedule } from './report.js';
import { Spool } from './spool.js';
import { summaryFor, type AlertFacts, type HostFacts } from './templates.js';
import type { MailTransport } from './transport.js';
import { within } from './within.js';

export interface MailerDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly host: HostFacts;
  readonly envelope: Envelope;
  readonly transport: MailTransport;
  readonly probe: () => Promise<boolean>;
  readonly statusProvider?: StatusProvider;
  readonly pollMs?: number;
  /** Reload: the previous mailer's dedupe/report state, and when its last submits are spooled (order). */
  readonly inherit?: MailerState;
}

/** What a mailer hands to its successor on a reload with changed mail settings. */
export interface MailerState {
  readonly lastMailed: Map<string, TransitionEvent['to']>;
  readonly history: TransitionEvent[];
  readonly dropped: number;
  readonly lastReportWall: number;
  /** Resolves once every alert the predecessor accepted is spooled: ours must come after them. */
  readonly after: Promise<void>;
}

const HISTORY_CAP = 1000;
/** `hapair status` asks for a relay probe; it must answer well within the control request's timeout. */
const STATUS_PROBE_MS = 1500;

/** The probe's answer, or false once `ms` passed (a relay that does not answer in time counts as unreachable). */
async function probeWithin(probe: () => Promise<boolean>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<boolean>((r) => (timer = setTimeout(() => r(false), ms)));
  try {
    return await Promise.race([probe().catch(() => false), late]);
  } finally {
    clearTimeout(timer);
  }
}

export class Mailer implements AlertChannel {
  private spool?: Spool;
  private readonly deliverer: Deliverer;
  private readonly damper?: FlapDamper;
  private readonly lastMailed: Map<string, TransitionEvent['to']>;
  private readonly held = new Map<string, AlertFacts[]>();
  private readonly summaryTimers = new Map<string, TimerHandle>();
  private history: TransitionEvent[] = [];
  private dropped = 0;
  private lastReportWall: number;
  private schedule?: ReportSchedule;
  private readonly submits = new Set<Promise<void>>();
  readonly ready: Promise<void>;
  private readonly mail: MailSettings;
  private host: HostFacts;
  private readonly after: Promise<void>;

  constructor(
    private config: KeepalivedConfig,
    private readonly deps: MailerDeps,
  ) {
    this.mail = config.global.mail;
    this.host = deps.host;
    const inherited = deps.inherit;
    this.lastMailed = inherited?.lastMailed ?? new Map();
    this.history = inherited?.history ?? [];
    this.dropped = inherited?.dropped ?? 0;
    this.lastReportWall = inherited?.lastReportWall ?? deps.clock.wallNow();
    this.after = inherited?.after ?? Promise.resolve();
    const spool = new Spool(this.mail.spoolDir);
    this.deliverer = new Deliverer(deps.transport.send, {
      logger: deps.logger,
      clock: deps.clock,
      maxAgeSec: this.mail.maxAgeSec,
      probe: deps.probe,
      ...(deps.pollMs !== undefined ? { pollMs: deps.pollMs } : {}),
    });
    if (this.mail.flapDamping) this.damper = new FlapDamper(dampingConfig(this.mail.flapDamping));
    this.ready = spool.init().then(
      () => {
        this.spool = spool;
        this.deliverer.attachSpool(spool);
        this.deliverer.start();
        void spool.sweepOrphans().catch(() => undefined);
      },
      (err: unknown) => {
        // Loud, and keep going: alerts are still attempted directly from memory (they do not survive a restart).
        deps.logger.error({ event: 'alert-spool-unusable', code: 'ESPOOL', spoolDir: this.mail.spoolDir, err }, `alert spool unusable: alerts will be sent without spooling (${String((err as Error).message)})`);
        this.deliverer.start();
      },
    );
    if (this.mail.reportCron !== undefined) {
      this.schedule = scheduleReport(this.mail.reportCron, () => this.report(), deps.logger);
    }
  }

  transition(event: TransitionEvent, target: NotifyTarget): void {
    this.history.push(event);
    if (this.history.length > HISTORY_CAP) {
      this.history.shift();
      this.dropped += 1;
    }
    if (!target.smtpAlert) return;
    const key = `${event.kind}:${event.name}`;
    // keepalived mails only on an actual change of the state it last mailed ([notify] last_email_state).
    if (this.lastMailed.get(key) === event.to) return;
    this.lastMailed.set(key, event.to);
    const facts = factsFromEvent(event);
    const decision = this.damper?.record(key, this.deps.clock.now()) ?? { action: 'send' as const };
    if (decision.action === 'send') {
      this.submit(transitionAlert(facts, this.deps.envelope, this.host));
      return;
    }
    const list = this.held.get(key) ?? [];
    list.push(facts);
    this.held.set(key, list);
    this.deps.logger.info({ event: 'alert-held', kind: event.kind, name: event.name, to: event.to, held: list.length }, 'flap damping: alert held for the summary');
    this.deps.clock.clearTimeout(this.summaryTimers.get(key));
    const delay = Math.max(0, decision.summaryAt - this.deps.clock.now());
    this.summaryTimers.set(key, this.deps.clock.setTimeout(() => this.flushSummary(key), delay));
  }

  private flushSummary(key: string): void {
    this.deps.clock.clearTimeout(this.summaryTimers.get(key));
    this.summaryTimers.delete(key);
    const held = this.held.get(key);
    this.held.delete(key);
    this.damper?.summarySent(key);
    if (!held?.length || !this.mail.flapDamping) return;
    const first = held[0]!;
    const s = summaryFor(first.kind, first.name, first.routerId, held, this.mail.flapDamping, this.host);
    this.submit(
      composeAlert('summary', { ...s, createdWall: this.deps.clock.wallNow(), target: key, headers: { 'X-Hapair-Event': `${first.kind} ${first.name} FLAPPING` } }, this.deps.envelope, this.host),
    );
  }

  /** Spools `msg` (durably, before any send) and wakes its queues; falls back to memory if the spool fails. */
  submit(msg: AlertMessage): Promise<void> {
    const p = this.submitNow(msg).finally(() => this.submits.delete(p));
    this.submits.add(p);
    return p;
  }

  private async submitNow(msg: AlertMessage): Promise<void> {
    await this.ready;
    await this.after; // a predecessor's alerts (reload) are spooled first: one recipient queue, one order
    const log = this.deps.logger;
    if (this.spool) {
      try {
        const id = await this.spool.enqueue(msg, msg.to);
        log.info({ event: 'alert-spooled', alert: id, subject: msg.subject, recipients: msg.to.length }, 'alert spooled');
        for (const r of msg.to) this.deliverer.kick(r);
        return;
      } catch (err) {
        log.error({ event: 'alert-spool-failed', code: 'ESPOOL', subject: msg.subject, err }, `ALERT NOT SPOOLED (${String((err as Error).message)}): sending directly, it will be lost if this process dies`);
      }
    }
    this.deliverer.enqueueMemory(msg);
  }

  /** Builds and spools the scheduled report now. */
  async report(): Promise<void> {
    const now = this.deps.clock.wallNow();
    // The period ends now: its transitions are taken before anything awaits (later ones go to the next report), so
    // the status read below is never older than a transition the report lists.
    const transitions = this.history;
    const dropped = this.dropped;
    const sinceWall = this.lastReportWall;
    this.history = [];
    this.dropped = 0;
    this.lastReportWall = now;
    let status: Awaited<ReturnType<StatusProvider>> | { error: string } | undefined;
    if (this.deps.statusProvider) {
      try {
        status = await Promise.race([
          Promise.resolve(this.deps.statusProvider()),
          new Promise<never>((_, rej) => setTimeout(() => rej(new Error('status provider timed out')), 5_000).unref()),
        ]);
      } catch (err) {
        status = { error: err instanceof Error ? err.message : String(err) };
      }
    }
    const r = reportText({
      routerId: this.config.global.routerId,
      host: this.host,
      sinceWall,
      nowWall: now,
      transitions,
      droppedTransitions: dropped,
      status,
      delivery: await this.health(),
    });
    await this.submit(composeAlert('report', { ...r, createdWall: now, headers: { 'X-Hapair-Event': 'REPORT' } }, this.deps.envelope, this.host));
  }

  /** Spool and relay health; `probe` also tries a TCP connection to the relay now (bounded by the probe). */
  async health(opts: { probe?: boolean } = {}): Promise<DeliveryHealth> {
    const snap = this.deliverer.snapshot();
    const [spool, relayReachable] = await Promise.all([
      this.spool ? this.spool.stats().catch(() => undefined) : undefined,
      opts.probe ? probeWithin(this.deps.probe, STATUS_PROBE_MS) : undefined,
    ]);
    const server = this.mail.smtpServer;
    return {
      ...(this.spool ? { spoolDir: this.spool.dir } : {}),
      ...(spool ? { spool } : {}),
      ...snap,
      ...(server ? { relay: `${server.host}:${server.port}` } : {}),
      ...(relayReachable !== undefined ? { relayReachable } : {}),
    };
  }

  /** Reload with unchanged mail settings: new instance list (routerId, VIPs excluded from the host addresses). */
  retarget(config: KeepalivedConfig, host: HostFacts): void {
    this.config = config;
    this.host = host;
  }

  /**
   * Reload with changed mail settings: stops accepting work (held flap summaries are spooled, nothing is lost)
   * and hands its dedupe/report state to the successor; deliveries in flight finish within `timeoutMs`.
   */
  handOver(timeoutMs: number): { state: MailerState; closed: Promise<void> } {
    const closed = this.close(timeoutMs); // synchronously flushes held summaries into this.submits
    const after = Promise.all([...this.submits]).then(() => undefined, () => undefined);
    return { state: { lastMailed: this.lastMailed, history: this.history, dropped: this.dropped, lastReportWall: this.lastReportWall, after }, closed };
  }

  get delivered(): number {
    return this.deliverer.delivered;
  }

  /**
   * Shutdown: pending flap summaries are spooled now (nothing held is lost), then deliveries get what is
   * left of the budget; whatever is still undelivered stays in the spool for the next start.
   */
  async close(timeoutMs: number): Promise<void> {
    const end = performance.now() + timeoutMs;
    this.schedule?.stop();
    for (const key of [...this.held.keys()]) this.flushSummary(key);
    for (const t of this.summaryTimers.values()) this.deps.clock.clearTimeout(t);
    await within(Promise.all([...this.submits]), end - performance.now());
    await this.deliverer.close(Math.max(0, end - performance.now()));
    this.deps.transport.close();
  }
}
