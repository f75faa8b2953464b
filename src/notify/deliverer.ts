// Delivers spooled alerts: one ordered queue per recipient, durable per-recipient state, retries and a relay probe.
import type { Logger } from '../core/logger.js';
import type { Clock, TimerHandle } from '../core/clock.js';
import type { AlertMessage } from './alert.js';
import type { QueueHead, Spool } from './spool.js';
import type { Lock } from './lock.js';
import type { SendFn } from './transport.js';
import type { SmtpFailure } from './smtp-errors.js';
import { describeFailure } from './smtp-errors.js';
import { within } from './within.js';
import { backoffMs, probeDelayMs, type BackoffPolicy, DEFAULT_BACKOFF } from './backoff.js';

/*
 * Exactly-once as far as SMTP allows (RFC 1047): before a message goes out its queue entry is renamed
 * to `<id>.sending` and the queue directory is fsynced; after the server's 250 reply the entry is unlinked,
 * and that unlink is made durable by the very next directory fsync (the one that marks the following
 * alert, or the one at the end of the pass: group commit, one fsync per delivery). A crash after the
 * relay's 250 and before that fsync leaves `.sending` behind, and the next run sends that ONE alert again
 * with the SAME Message-ID (logged as a possible duplicate). Nothing else is ever resent: the next alert
 * is not sent before the previous delivery is on disk.
 * Order: a queue only ever sends its oldest entry, so a later alert never overtakes an earlier one.
 */

export interface DelivererOptions {
  readonly logger: Logger;
  readonly clock: Clock;
  readonly maxAgeSec: number;
  readonly backoff?: BackoffPolicy;
  /** How often the spool is rescanned for work another process left (the CLI). */
  readonly pollMs?: number;
  /** TCP reachability of the relay, used while it is down. */
  readonly probe: () => Promise<boolean>;
}

type Item = { readonly id: string; readonly sending: boolean; readonly mem?: AlertMessage };
/** This pass's view of the queue directory (valid while we hold the queue lock). */
type Cursor = { items: QueueHead[]; listed: boolean; dirty: boolean }; // dirty: completions not fsynced yet
type Outcome = 'done' | 'failed';
export type PassResult = 'empty' | 'failed' | 'busy' | 'deadline' | 'more';

interface QueueState {
  running: boolean;
  again: boolean;
  attempts: number;
  timer?: TimerHandle;
  lastError?: string;
}

const MAX_PER_PASS = 200;

export class Deliverer {
  private readonly queues = new Map<string, QueueState>();
  /** Alerts that could not be spooled (disk full / read-only): delivered from memory, same order rules. */
  private readonly memory = new Map<string, { id: string; msg: AlertMessage }[]>();
  /** Delivered but the spool could not record it: never send these again in this process. */
  private readonly unrecorded = new Set<string>();
  private relayDown = false;
  private relayFailures = 0;
  private lastProbeOk = false;
  private probeTimer?: TimerHandle;
  private pollTimer?: TimerHandle;
  private closed = false;
  /** Passes start on their own only after start() (the daemon); the CLI drives them with deliverAllOnce. */
  private started = false;
  private memSeq = 0;
  private readonly running = new Set<Promise<unknown>>();
  delivered = 0;

  private spool: Spool | undefined;

  constructor(
    private readonly send: SendFn,
    private readonly opts: DelivererOptions,
  ) {}

  /** Delivers from (and records into) this spool; without one, only memory alerts exist. */
  attachSpool(spool: Spool): void {
    this.spool = spool;
  }

  /** Starts periodic rescans and delivers whatever a previous run left in the spool. */
  start(): void {
    this.started = true;
    void this.kickAll();
    this.schedulePoll();
  }

  private schedulePoll(): void {
    const ms = this.opts.pollMs ?? 30_000;
    this.pollTimer = this.opts.clock.setTimeout(() => {
      if (this.closed) return;
      void this.kickAll();
      this.schedulePoll();
    }, ms);
  }

  /** Delivers an alert the spool could not take (it is lost if this process dies: logged by the caller). */
  enqueueMemory(msg: AlertMessage): void {
    this.memSeq += 1;
    const id = `mem-${this.memSeq}`;
    for (const r of msg.to) {
      const list = this.memory.get(r) ?? [];
      list.push({ id, msg });
      this.memory.set(r, list);
      this.kick(r);
    }
  }

  async kickAll(): Promise<void> {
    const addrs = new Set<string>(this.memory.keys());
    if (this.spool) for (const a of await this.spool.recipients().catch(() => [])) addrs.add(a);
    for (const a of addrs) this.kick(a);
  }

  /** Starts a delivery pass for `addr` unless one is running (then it re-runs after) or it is backing off. */
  kick(addr: string, force = false): void {
    // Before start() a second, concurrent pass next to deliverAllOnce's would send a memory alert twice.
    if (this.closed || !this.started) return;
    const q = this.state(addr);
    if (q.running) {
      q.again = true;
      return;
    }
    if (q.timer !== undefined && !force) return;
    if (this.relayDown && !force) return;
    this.opts.clock.clearTimeout(q.timer);
    q.timer = undefined;
    const p = this.runPass(addr, q).finally(() => this.running.delete(p));
    this.running.add(p);
  }

  private state(addr: string): QueueState {
    let q = this.queues.get(addr);
    if (!q) {
      q = { running: false, again: false, attempts: 0 };
      this.queues.set(addr, q);
    }
    return q;
  }

  private async runPass(addr: string, q: QueueState): Promise<void> {
    q.running = true;
    q.again = false;
    let res: PassResult;
    try {
      res = await this.pass(addr, undefined);
    } catch (err) {
      this.opts.logger.error({ event: 'alert-spool-error', recipient: addr, err }, 'delivery pass failed on the spool');
      res = 'failed';
      this.retryLater(addr, q, backoffMs(++q.attempts, this.policy));
    }
    q.running = false;
    if (res === 'busy') this.retryLater(addr, q, 2_000); // another process (hapair notify-mail) is delivering it
    if ((res === 'more' || q.again) && res !== 'failed') this.kick(addr);
  }

  private get policy(): BackoffPolicy {
    return this.opts.backoff ?? DEFAULT_BACKOFF;
  }

  private retryLater(addr: string, q: QueueState, ms: number): void {
    if (this.closed) return;
    this.opts.clock.clearTimeout(q.timer);
    q.timer = this.opts.clock.setTimeout(() => {
      q.timer = undefined;
      this.kick(addr);
    }, ms);
  }

  /**
   * One pass over `addr`'s queue: oldest first, stop at the first failure. `deadline` (monotonic ms)
   * bounds the CLI's inline attempt; the daemon passes none.
   */
  async pass(addr: string, deadline: number | undefined): Promise<PassResult> {
    let lock: Lock | null = null;
    let useDisk = this.spool !== undefined;
    if (this.spool) {
      try {
        lock = await this.spool.lockRecipient(addr);
        if (!lock) return 'busy';
      } catch (err) {
        // The spool cannot even hold a lock: alerts that only live in memory still go out.
        if (!this.memory.get(addr)?.length) throw err;
        useDisk = false;
      }
    }
    const cursor: Cursor = { items: [], listed: !useDisk, dirty: false };
    try {
      for (let i = 0; i < MAX_PER_PASS; i++) {
        if (deadline !== undefined && this.opts.clock.now() >= deadline) return 'deadline';
        const item = await this.next(addr, cursor);
        if (!item) {
          this.state(addr).attempts = 0;
          return 'empty';
        }
        if ((await this.deliverOne(addr, item, cursor)) === 'failed') return 'failed';
        if (!item.mem) {
          cursor.items.shift();
          cursor.listed = false; // when this listing runs out, look again for alerts spooled meanwhile
        }
        if (lock && i % 25 === 24) await lock.refresh();
      }
      return 'more';
    } finally {
      if (cursor.dirty) await this.spool?.commit(addr).catch((err: unknown) => this.opts.logger.error({ event: 'alert-spool-error', recipient: addr, err }, 'cannot fsync the spool queue'));
      await lock?.release();
    }
  }

  /** The older of the spool head and the memory head (memory only holds alerts the disk refused). */
  private async next(addr: string, cursor: Cursor): Promise<Item | undefined> {
    const mem = this.memory.get(addr)?.[0];
    let head: QueueHead | undefined;
    for (let round = 0; round < 2 && this.spool; round++) {
      // Delivered but not recordable (disk trouble): never again in this process; retry the record.
      while (cursor.items[0] && this.unrecorded.has(`${addr} ${cursor.items[0].id}`)) {
        const done = cursor.items.shift()!;
        await this.spool.complete(addr, done.id).then(() => this.unrecorded.delete(`${addr} ${done.id}`), () => undefined);
      }
      head = cursor.items[0];
      if (head || cursor.listed) break;
      cursor.items = await this.spool.entries(addr);
      cursor.listed = true;
    }
    if (!head) return mem ? { id: mem.id, sending: false, mem: mem.msg } : undefined;
    if (!mem) return head;
    const diskMsg = await this.spool!.load(head.id);
    return diskMsg && diskMsg.createdWall <= mem.msg.createdWall ? head : { id: mem.id, sending: false, mem: mem.msg };
  }

  private async deliverOne(addr: string, item: Item, cursor: Cursor): Promise<Outcome> {
    const log = this.opts.logger;
    const onDisk = item.mem === undefined;
    const msg = item.mem ?? (await this.spool!.load(item.id));
    const fields = { recipient: addr, alert: item.id };
    if (!msg) {
      log.error({ event: 'alert-corrupt', ...fields }, 'spooled alert is unreadable: dropped');
      await this.spool!.giveUp(addr, item.id, { reason: 'unreadable message file' });
      return 'done';
    }
    const ageSec = (this.opts.clock.wallNow() - msg.createdWall) / 1000;
    if (ageSec > this.opts.maxAgeSec) {
      log.error({ event: 'alert-expired', ...fields, subject: msg.subject, ageSec: Math.round(ageSec) }, `alert not delivered within alert_max_age (${this.opts.maxAgeSec} s): given up`);
      await this.finish(addr, item, msg, { reason: 'expired', ageSec });
      return 'done';
    }
    if (item.sending) log.warn({ event: 'alert-resend', ...fields, messageId: msg.messageId }, 'previous attempt was interrupted after the message was handed to the relay: sending again (possible duplicate, same Message-ID)');
    if (onDisk) {
      try {
        await this.spool!.markSending(addr, item.id); // its directory fsync also commits the previous delivery
        cursor.dirty = false;
      } catch (err) {
        // The spool went read-only/full under us: still deliver (the brief's rule), just without the marker.
        log.error({ event: 'alert-spool-error', ...fields, err }, 'cannot mark the delivery in the spool; sending anyway');
      }
    }
    const out = await this.send(msg, addr);
    if (out.ok) {
      this.delivered += 1;
      this.relayFailures = 0;
      this.state(addr).attempts = 0;
      log.info({ event: 'alert-delivered', ...fields, subject: msg.subject, latencyMs: this.opts.clock.wallNow() - msg.createdWall, response: out.response }, 'alert delivered');
      await this.finish(addr, item, msg, undefined, cursor);
      return 'done';
    }
    return this.failed(addr, item, msg, out.failure, onDisk);
  }

  /** Removes a finished delivery (delivered or given up) from the spool or memory. */
  private async finish(addr: string, item: Item, msg: AlertMessage, giveUp?: Record<string, unknown>, cursor?: Cursor): Promise<void> {
    if (item.mem) {
      this.memory.get(addr)?.shift();
      return;
    }
    try {
      if (giveUp) await this.spool!.giveUp(addr, item.id, giveUp, msg);
      else {
        // Group commit: the next markSending (or the end of the pass) fsyncs this unlink.
        await this.spool!.complete(addr, item.id, msg, { sync: cursor === undefined });
        if (cursor) cursor.dirty = true;
      }
    } catch (err) {
      this.unrecorded.add(`${addr} ${item.id}`);
      this.opts.logger.error({ event: 'alert-spool-error', recipient: addr, alert: item.id, err }, 'could not record delivery in the spool (will not resend in this process)');
    }
  }

  private async failed(addr: string, item: Item, msg: AlertMessage, f: SmtpFailure, onDisk: boolean): Promise<Outcome> {
    const log = this.opts.logger;
    const q = this.state(addr);
    const fields = { recipient: addr, alert: item.id, subject: msg.subject, smtp: { class: f.class, code: f.code, responseCode: f.responseCode, response: f.response, command: f.command } };
    if (f.retry === 'never') {
      log.error({ event: 'alert-rejected', ...fields }, `ALERT PERMANENTLY REJECTED for ${addr}: ${describeFailure(f)}; not retried`);
      await this.finish(addr, item, msg, { reason: 'rejected', response: f.response, responseCode: f.responseCode });
      return 'done';
    }
    if (onDisk && !f.ambiguous) await this.spool!.unmarkSending(addr, item.id).catch(() => undefined);
    q.lastError = describeFailure(f);
    if (f.retry === 'relay') {
      this.relayFailures += 1;
      log.warn({ event: 'alert-deferred', ...fields, relayFailures: this.relayFailures }, `SMTP relay unreachable (${q.lastError}); alerts stay spooled`);
      this.markRelayDown();
      return 'failed';
    }
    q.attempts += 1;
    const delay = backoffMs(q.attempts, this.policy);
    const level = f.class === 'transient' ? 'warn' : 'error';
    log[level]({ event: 'alert-deferred', ...fields, attempt: q.attempts, retryInMs: delay }, `alert deferred: ${q.lastError}`);
    this.retryLater(addr, q, delay);
    return 'failed';
  }

  /**
   * Relay-level failure: every queue waits; a TCP probe decides when to try again (capped at PROBE_MAX_MS so
   * delivery resumes within seconds of the relay coming back). If the probe connects but SMTP keeps failing,
   * fall back to plain exponential backoff instead of hammering the relay.
   */
  private markRelayDown(): void {
    if (this.closed) return;
    this.relayDown = true;
    this.opts.clock.clearTimeout(this.probeTimer);
    const delay = this.lastProbeOk ? backoffMs(this.relayFailures, this.policy) : probeDelayMs(this.relayFailures, this.policy);
    this.probeTimer = this.opts.clock.setTimeout(() => void this.probeNow(), delay);
  }

  private async probeNow(): Promise<void> {
    if (this.closed) return;
    const ok = await this.opts.probe().catch(() => false);
    this.lastProbeOk = ok;
    if (!ok) {
      this.relayFailures += 1;
      this.markRelayDown();
      return;
    }
    this.relayDown = false;
    this.opts.logger.info({ event: 'alert-relay-up' }, 'SMTP relay reachable again: resuming delivery');
    await this.kickAll();
  }

  /** Inline delivery for the CLI: every queue once, no retries scheduled, bounded by `deadline`. */
  async deliverAllOnce(deadline: number): Promise<Record<string, PassResult>> {
    const out: Record<string, PassResult> = {};
    const addrs = new Set<string>([...this.memory.keys(), ...(this.spool ? await this.spool.recipients() : [])]);
    await Promise.all([...addrs].map(async (a) => (out[a] = await this.pass(a, deadline))));
    return out;
  }

  /** Waits for passes in flight (bounded), then stops all timers. Spooled alerts stay for the next run. */
  async close(timeoutMs: number): Promise<void> {
    const end = performance.now() + Math.max(0, timeoutMs);
    // Passes can chain (a pass that finds more work starts another), so wait until none is left.
    for (let i = 0; i < 1000 && this.running.size > 0; i++) {
      const left = end - performance.now();
      if (left <= 0) break;
      await within(Promise.all([...this.running]), left);
    }
    this.closed = true;
    this.opts.clock.clearTimeout(this.probeTimer);
    this.opts.clock.clearTimeout(this.pollTimer);
    for (const q of this.queues.values()) this.opts.clock.clearTimeout(q.timer);
  }

  /** Per-recipient queue health for the report / status. */
  snapshot(): { relayDown: boolean; queues: Record<string, { attempts: number; lastError?: string }>; memoryOnly: number } {
    const queues: Record<string, { attempts: number; lastError?: string }> = {};
    for (const [a, q] of this.queues) queues[a] = { attempts: q.attempts, ...(q.lastError ? { lastError: q.lastError } : {}) };
    let memoryOnly = 0;
    for (const l of this.memory.values()) memoryOnly += l.length;
    return { relayDown: this.relayDown, queues, memoryOnly };
  }
}
