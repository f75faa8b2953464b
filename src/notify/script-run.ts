// Runs one notify script: execFile semantics (no shell), own process group, bounded by a timeout that kills the
// group (src/core/proc-group.ts does the running; this keeps notify's options and result shape).
import { runInGroup } from '../core/proc-group.js';

export interface RunOptions {
  /** After this long the whole process group gets SIGTERM (or SIGKILL when `killHard`). */
  readonly timeoutMs: number;
  /** Delay between SIGTERM and SIGKILL of the group. */
  readonly killGraceMs: number;
  /** notify_stop: keepalived SIGKILLs the group after its budget with no SIGTERM first. */
  readonly killHard?: boolean;
  readonly uid?: number;
  readonly gid?: number;
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting (daemon close deadline) kills the group now. */
  readonly signal?: AbortSignal;
}

export interface ScriptResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** Spawn failure (ENOENT, EACCES, EPERM for setuid): the script never ran. */
  readonly spawnError?: string;
  /** Last bytes of stderr, for the log line when the script fails. */
  readonly stderrTail: string;
}

const STDERR_KEEP = 2048;

/** Runs argv in its own process group like keepalived runs notify scripts; resolves when it exits. Never rejects. */
export async function runScript(argv: readonly string[], opts: RunOptions): Promise<ScriptResult> {
  const r = await runInGroup(argv, {
    timeoutMs: opts.timeoutMs,
    killGraceMs: opts.killHard ? 0 : opts.killGraceMs,
    stderrTail: STDERR_KEEP,
    ...(opts.env ? { env: opts.env } : {}),
    ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
    ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    ...(opts.signal ? { signal: opts.signal } : {}),
  });
  return {
    exitCode: r.exitCode, signal: r.signal, timedOut: r.timedOut, durationMs: r.durationMs, stderrTail: r.stderr,
    ...(r.spawnError ? { spawnError: r.spawnError.code ?? r.spawnError.message } : {}),
  };
}
