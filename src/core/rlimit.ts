// The process's open-file limit (RLIMIT_NOFILE) read from /proc/self/limits: Node has no getrlimit(), and the
// proxy derives its default global maxconn from this number the way haproxy does (src/proxy/config/maxconn.ts).
import fs from 'node:fs';

export interface NofileLimit {
  /** Soft limit; undefined = "unlimited". */
  readonly soft: number | undefined;
  /** Hard limit; undefined = "unlimited". */
  readonly hard: number | undefined;
}

/** Used when the limit cannot be read (not Linux) or both limits say "unlimited": the kernel's default fs.nr_open. */
export const FALLBACK_FD_LIMIT = 1_048_576;

const value = (w: string): number | undefined => (w === 'unlimited' ? undefined : Number(w));

/** Parses the "Max open files  <soft>  <hard>  files" line of a /proc/<pid>/limits text; undefined if absent. */
export function parseNofile(limitsText: string): NofileLimit | undefined {
  const m = /^Max open files\s+(\d+|unlimited)\s+(\d+|unlimited)/m.exec(limitsText);
  return m ? { soft: value(m[1]!), hard: value(m[2]!) } : undefined;
}

/**
 * The descriptor budget haproxy 2.6 plans with: the larger of the soft and hard limits (it raises its soft
 * limit to what it needs, up to the hard one; checked against haproxy 2.6.12 under prlimit 4096:20000 -> 20000).
 * Node itself raises its soft limit to the hard one at start-up, so both usually agree anyway.
 */
export function usableFdLimit(l: NofileLimit | undefined): number {
  if (!l) return FALLBACK_FD_LIMIT;
  const known = [l.soft, l.hard].filter((v): v is number => v !== undefined);
  return known.length > 0 ? Math.max(...known) : FALLBACK_FD_LIMIT;
}

/** This process's usable descriptor limit (see usableFdLimit). */
export function processFdLimit(): number {
  try {
    return usableFdLimit(parseNofile(fs.readFileSync('/proc/self/limits', 'utf8')));
  } catch {
    return usableFdLimit(undefined);
  }
}
