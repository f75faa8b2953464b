// Cross-process lock files (O_EXCL create) for the spool, shared by the daemon and `hapair notify-mail`.
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { pidAlive } from '../core/proc-group.js';

/**
 * Node has no flock(2), so a lock is a file created with O_EXCL holding {pid, boot id}. A lock whose
 * holder is dead (kill(pid, 0) fails), from another boot, or not refreshed for STALE_MS is broken.
 * PIDs are shared across network namespaces on one host, so the pid check also works for lab nodes.
 */
export const STALE_MS = 10 * 60_000;

interface LockInfo {
  readonly pid: number;
  readonly boot: string;
  readonly at: number;
  readonly token: string; // per acquisition: release only ever removes its own lock file
}

let bootIdCache: string | undefined;
function bootId(): string {
  if (bootIdCache === undefined) {
    try {
      bootIdCache = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
    } catch {
      bootIdCache = 'unknown';
    }
  }
  return bootIdCache;
}

/** Locks this process holds, so a stale file carrying our own (reused) pid is recognised as stale. */
const held = new Set<string>();

export interface Lock {
  readonly file: string;
  /** Marks the lock as still in use (long delivery passes). */
  refresh(): Promise<void>;
  release(): Promise<void>;
}

async function isStale(file: string, content: string): Promise<boolean> {
  let info: LockInfo;
  try {
    info = JSON.parse(content) as LockInfo;
  } catch {
    // A holder crashed between create and write: judge by age only.
    const st = await fsp.stat(file).catch(() => undefined);
    return st !== undefined && Date.now() - st.mtimeMs > 5_000;
  }
  if (info.boot !== bootId()) return true;
  if (info.pid === process.pid) return !held.has(file);
  if (!pidAlive(info.pid)) return true;
  const st = await fsp.stat(file).catch(() => undefined);
  return st !== undefined && Date.now() - st.mtimeMs > STALE_MS;
}

/**
 * Removes a stale lock without stealing a fresh one: move it aside, check the moved file is the one we
 * judged stale, and put it back (link fails if someone created a new lock meanwhile) if it is not.
 */
async function breakStale(file: string, content: string): Promise<void> {
  const aside = `${file}.stale-${process.pid}-${Math.random().toString(36).slice(2, 8)}`;
  try {
    await fsp.rename(file, aside);
  } catch {
    return;
  }
  const moved = await fsp.readFile(aside, 'utf8').catch(() => '');
  if (moved !== content) await fsp.link(aside, file).catch(() => undefined);
  await fsp.unlink(aside).catch(() => undefined);
}

/** Takes the lock now or returns null (held by a live process). Filesystem errors other than EEXIST throw. */
export async function tryLock(file: string): Promise<Lock | null> {
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fh = await fsp.open(file, 'wx', 0o600);
      // Registered before the content is written: a same-process reader must never judge it stale.
      held.add(file);
      const body = JSON.stringify({ pid: process.pid, boot: bootId(), at: Date.now(), token: Math.random().toString(36).slice(2) } satisfies LockInfo);
      try {
        await fh.writeFile(body);
      } catch (err) {
        // Full disk (ENOSPC): an empty lock file left behind would read as "held" for 5 s and stall every
        // later attempt (the alert that must still go out directly included), so remove it.
        await fh.close().catch(() => undefined);
        await fsp.unlink(file).catch(() => undefined);
        held.delete(file);
        throw err;
      }
      await fh.close();
      return {
        file,
        refresh: async () => {
          const now = new Date();
          await fsp.utimes(file, now, now).catch(() => undefined);
        },
        release: async () => {
          // Unlink before forgetting it (a same-process waiter must not see our live file as stale), and
          // only if the file is still ours (it may have been broken as stale after a very long stall).
          const now = await fsp.readFile(file, 'utf8').catch(() => undefined);
          if (now === body) await fsp.unlink(file).catch(() => undefined);
          held.delete(file);
        },
      };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const content = await fsp.readFile(file, 'utf8').catch(() => undefined);
    if (content === undefined) continue; // released meanwhile: try again
    if (!(await isStale(file, content))) return null;
    await breakStale(file, content);
  }
  return null;
}

/** Waits (polling, bounded by timeoutMs) for the lock; null if it stayed busy. */
export async function lockWithin(file: string, timeoutMs: number): Promise<Lock | null> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; ; i++) {
    const l = await tryLock(file);
    if (l || Date.now() >= end) return l;
    await new Promise((r) => setTimeout(r, Math.min(50, 2 + i * 2)));
  }
}
