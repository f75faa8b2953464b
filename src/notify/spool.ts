// Durable alert spool on disk: one message file per alert, one queue directory per recipient (ordered by id).
import fsp from 'node:fs/promises';
import path from 'node:path';
import { createHash } from 'node:crypto';
import { HaError } from '../core/errors.js';
import { decodeAlert, encodeAlert, type AlertMessage } from './alert.js';
import { createEmpty, errCode, fsyncDir, unlinkIfExists, writeFileDurable } from './fsx.js';
import { lockWithin, tryLock, type Lock } from './lock.js';

/*
 * Layout (shared by the daemon and `hapair notify-mail`; every mutation is durable before it is relied on):
 *   seq                     last alert id handed out (written under seq.lock): ids sort in creation order
 *   msg/<id>.json           the rendered alert (written, fsynced, renamed, dir fsynced BEFORE any send)
 *   rcpt/<key>/.addr        the recipient address of this queue
 *   rcpt/<key>/<id>         pending delivery of alert <id> to that recipient (empty file)
 *   rcpt/<key>/<id>.sending renamed before SMTP DATA; unlinked after the server's 250 (see deliverer.ts)
 *   rcpt/<key>/lock         held by whichever process is delivering this queue (one at a time)
 *   failed/<id>.<key>.json  given up (5xx or too old), with the reason, for forensics
 */

const ID_WIDTH = 12;
const ENTRY_RE = /^(\d{12,})(\.sending)?$/;

export interface QueueHead {
  readonly id: string;
  readonly sending: boolean; // a previous attempt may have reached the server (crash during DATA)
}

export interface SpoolStats {
  readonly pending: number; // entries over all recipients
  readonly perRecipient: Readonly<Record<string, number>>;
  readonly oldestWall?: number;
  readonly failed: number;
}

/** Queue directory name for a recipient: readable prefix + hash, so any address maps to a safe name. */
export function recipientKey(addr: string): string {
  const safe = addr.toLowerCase().replace(/[^a-z0-9@._-]/g, '_').slice(0, 48);
  return `${safe}-${createHash('sha256').update(addr).digest('hex').slice(0, 10)}`;
}

export class Spool {
  readonly dir: string;
  private readonly addrOf = new Map<string, string>(); // key -> address
  private enqueueChain: Promise<unknown> = Promise.resolve();
  private scanned = false; // highest id on disk checked once per process (see nextId)

  constructor(dir: string) {
    this.dir = dir;
  }

  private p(...parts: string[]): string {
    return path.join(this.dir, ...parts);
  }

  /** Creates the layout (0700) and proves the directory is writable; ESPOOL with the reason if not. */
  async init(): Promise<void> {
    try {
      for (const d of ['', 'msg', 'rcpt', 'failed']) await fsp.mkdir(this.p(d), { recursive: true, mode: 0o700 });
      const probe = this.p(`.probe-${process.pid}-${Math.random().toString(36).slice(2, 8)}`);
      await writeFileDurable(probe, String(process.pid));
      await fsp.unlink(probe);
    } catch (err) {
      throw new HaError('ESPOOL', `alert spool ${this.dir} is not usable: ${errCode(err)}`, { cause: err });
    }
  }

  /** Spools `msg` for each recipient, durably; resolves with its id. Serialised within this process. */
  enqueue(msg: AlertMessage, recipients: readonly string[]): Promise<string> {
    const run = this.enqueueChain.then(() => this.enqueueNow(msg, recipients));
    this.enqueueChain = run.catch(() => undefined);
    return run;
  }

  private async enqueueNow(msg: AlertMessage, recipients: readonly string[]): Promise<string> {
    try {
      const id = await this.nextId();
      await writeFileDurable(this.p('msg', `${id}.json`), encodeAlert(msg));
      for (const r of recipients) {
        const key = await this.queueDir(r);
        await createEmpty(this.p('rcpt', key, id));
        await fsyncDir(this.p('rcpt', key));
      }
      return id;
    } catch (err) {
      if (err instanceof HaError) throw err;
      throw new HaError('ESPOOL', `cannot spool alert in ${this.dir}: ${errCode(err)}`, { cause: err });
    }
  }

  /** Next id from `seq` under a cross-process lock; never below an id already on disk. */
  /**
   * `seq` is replaced atomically but not fsynced: a process crash keeps the page cache, and after a power
   * loss the first id a process hands out is also checked against the highest message file on disk (those
   * ARE fsynced), so an id is never below a pending alert's and per-recipient order holds. Saves two
   * fsyncs per alert.
   */
  private async nextId(): Promise<string> {
    const lock = await lockWithin(this.p('seq.lock'), 5_000);
    if (!lock) throw new HaError('ESPOOL', `spool ${this.dir}: seq.lock stayed busy for 5 s`);
    try {
      let last = Number((await fsp.readFile(this.p('seq'), 'utf8').catch(() => '')).trim());
      if (!Number.isSafeInteger(last) || last < 0) last = 0;
      if (!this.scanned) {
        last = Math.max(last, await this.maxIdOnDisk());
        this.scanned = true;
      }
      const next = last + 1;
      const tmp = this.p(`seq.tmp-${process.pid}`);
      await fsp.writeFile(tmp, String(next));
      await fsp.rename(tmp, this.p('seq'));
      return String(next).padStart(ID_WIDTH, '0');
    } finally {
      await lock.release();
    }
  }

  private async maxIdOnDisk(): Promise<number> {
    const names = await fsp.readdir(this.p('msg')).catch(() => [] as string[]);
    return names.reduce((m, n) => Math.max(m, Number.parseInt(n, 10) || 0), 0);
  }

  private async queueDir(addr: string): Promise<string> {
    const key = recipientKey(addr);
    if (this.addrOf.get(key) === addr) return key;
    const dir = this.p('rcpt', key);
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    const existing = await fsp.readFile(path.join(dir, '.addr'), 'utf8').catch(() => undefined);
    if (existing !== addr) await writeFileDurable(path.join(dir, '.addr'), addr);
    await fsyncDir(this.p('rcpt'));
    this.addrOf.set(key, addr);
    return key;
  }

  /** Every recipient with a queue directory (pending or not). */
  async recipients(): Promise<string[]> {
    const keys = await fsp.readdir(this.p('rcpt')).catch(() => [] as string[]);
    const out: string[] = [];
    for (const key of keys) {
      const addr = this.addrOf.get(key) ?? (await fsp.readFile(this.p('rcpt', key, '.addr'), 'utf8').catch(() => undefined));
      if (addr === undefined) continue;
      this.addrOf.set(key, addr);
      out.push(addr);
    }
    return out;
  }

  /**
   * Pending deliveries for `addr`, oldest first (ids sort in creation order). Only the holder of the
   * queue's lock removes entries and new ones always sort after existing ones, so the holder may walk
   * this listing and re-read the directory only when it runs out.
   */
  async entries(addr: string): Promise<QueueHead[]> {
    const names = await fsp.readdir(this.p('rcpt', recipientKey(addr))).catch(() => [] as string[]);
    const out: QueueHead[] = [];
    for (const n of names) {
      const m = ENTRY_RE.exec(n);
      if (m?.[1]) out.push({ id: m[1], sending: m[2] !== undefined });
    }
    return out.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  }

  async head(addr: string): Promise<QueueHead | undefined> {
    return (await this.entries(addr))[0];
  }

  async pendingCount(addr: string): Promise<number> {
    const names = await fsp.readdir(this.p('rcpt', recipientKey(addr))).catch(() => [] as string[]);
    return names.filter((n) => ENTRY_RE.test(n)).length;
  }

  async load(id: string): Promise<AlertMessage | undefined> {
    const text = await fsp.readFile(this.p('msg', `${id}.json`), 'utf8').catch(() => undefined);
    return text === undefined ? undefined : decodeAlert(text);
  }

  /** The queue's delivery lock (null: another live process delivers it). Creates the queue dir if needed. */
  async lockRecipient(addr: string): Promise<Lock | null> {
    const dir = this.p('rcpt', recipientKey(addr));
    await fsp.mkdir(dir, { recursive: true, mode: 0o700 });
    return tryLock(path.join(dir, 'lock'));
  }

  /** Durably records "an SMTP transaction for this delivery is about to carry the message". */
  async markSending(addr: string, id: string): Promise<void> {
    const key = recipientKey(addr);
    await fsp.rename(this.p('rcpt', key, id), this.p('rcpt', key, `${id}.sending`));
    await fsyncDir(this.p('rcpt', key));
  }

  /** The attempt certainly did not deliver (refused before DATA): back to plain pending. */
  async unmarkSending(addr: string, id: string): Promise<void> {
    const key = recipientKey(addr);
    await fsp.rename(this.p('rcpt', key, `${id}.sending`), this.p('rcpt', key, id)).catch(() => undefined);
    await fsyncDir(this.p('rcpt', key));
  }

  /**
   * Delivered: drop the entry, and the message file once no recipient still needs it. With `sync: false`
   * the caller promises a directory fsync soon (the next markSending or `commit`): group commit, so a
   * steady stream of deliveries costs one fsync each instead of two.
   */
  async complete(addr: string, id: string, msg?: AlertMessage, opts: { sync: boolean } = { sync: true }): Promise<void> {
    const key = recipientKey(addr);
    await unlinkIfExists(this.p('rcpt', key, `${id}.sending`));
    await unlinkIfExists(this.p('rcpt', key, id));
    if (opts.sync) await fsyncDir(this.p('rcpt', key));
    await this.collect(id, msg);
  }

  /** Makes completions recorded with `sync: false` durable. */
  async commit(addr: string): Promise<void> {
    await fsyncDir(this.p('rcpt', recipientKey(addr)));
  }

  /**
   * Removes message files no queue references any more (a crash between the last entry's unlink and the
   * message's unlink, which is not fsynced). Only files older than a minute: an enqueue in progress writes
   * the message before its entries.
   */
  async sweepOrphans(now = Date.now()): Promise<number> {
    const referenced = new Set<string>();
    for (const a of await this.recipients()) for (const e of await this.entries(a)) referenced.add(e.id);
    let removed = 0;
    for (const n of await fsp.readdir(this.p('msg')).catch(() => [] as string[])) {
      const id = /^(\d+)\.json$/.exec(n)?.[1];
      if (!id || referenced.has(id)) continue;
      const st = await fsp.stat(this.p('msg', n)).catch(() => undefined);
      if (st && now - st.mtimeMs > 60_000 && (await unlinkIfExists(this.p('msg', n)))) removed += 1;
    }
    return removed;
  }

  /** Gives up on this delivery (5xx or too old), keeping a record of why under failed/. */
  async giveUp(addr: string, id: string, reason: Record<string, unknown>, msg?: AlertMessage): Promise<void> {
    const key = recipientKey(addr);
    await writeFileDurable(this.p('failed', `${id}.${key}.json`), JSON.stringify({ id, recipient: addr, at: Date.now(), ...reason, subject: msg?.subject }));
    await this.complete(addr, id, msg);
  }

  /** Removes msg/<id>.json when no recipient queue references it any more. */
  private async collect(id: string, msg?: AlertMessage): Promise<void> {
    const addrs = msg?.to ?? (await this.recipients());
    for (const a of addrs) {
      const dir = this.p('rcpt', recipientKey(a));
      const still = await Promise.all([fsp.access(path.join(dir, id)), fsp.access(path.join(dir, `${id}.sending`))].map((p) => p.then(() => true, () => false)));
      if (still.some(Boolean)) return;
    }
    await unlinkIfExists(this.p('msg', `${id}.json`));
  }

  async stats(): Promise<SpoolStats> {
    const perRecipient: Record<string, number> = {};
    let pending = 0;
    let oldest: string | undefined;
    for (const a of await this.recipients()) {
      const n = await this.pendingCount(a);
      perRecipient[a] = n;
      pending += n;
      const h = await this.head(a);
      if (h && (oldest === undefined || h.id < oldest)) oldest = h.id;
    }
    const failed = (await fsp.readdir(this.p('failed')).catch(() => [] as string[])).filter((n) => n.endsWith('.json')).length;
    const oldestMsg = oldest !== undefined ? await this.load(oldest) : undefined;
    return { pending, perRecipient, failed, ...(oldestMsg ? { oldestWall: oldestMsg.createdWall } : {}) };
  }
}
