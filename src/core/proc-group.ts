// Runs one program in its own process group (execFile semantics: never a shell) with a deadline that kills the
// whole group: the one runner behind notify scripts, haproxy external checks and the agent's check script.
import { spawn, type ChildProcess } from 'node:child_process';
import { realClock, type Clock, type TimerHandle } from './clock.js';

export interface GroupRunOptions {
  /** After this long the process group is terminated and the result says `timedOut`. */
  readonly timeoutMs: number;
  /** SIGTERM first, then SIGKILL after this grace; 0 = SIGKILL at once (keepalived notify_stop, the agent). */
  readonly killGraceMs: number;
  /** The child's whole environment (default: ours). */
  readonly env?: NodeJS.ProcessEnv;
  readonly uid?: number;
  readonly gid?: number;
  /** Aborting terminates the group now (e.g. a daemon's close deadline); counts as a timeout. */
  readonly signal?: AbortSignal;
  /** Keep up to this many characters of stdout (default 0: stdout ignored). The run then also waits for EOF. */
  readonly stdoutMax?: number;
  /** Encoding stdout is decoded with (default utf8; latin1 keeps bytes one-to-one). */
  readonly stdoutEncoding?: BufferEncoding;
  /** Keep the last this-many characters of stderr (default 0: stderr ignored). */
  readonly stderrTail?: number;
  /** Timers for the deadline and the SIGKILL follow-up (default the real clock; tests pass a fake one). */
  readonly clock?: Clock;
  /** Called once the program runs (e.g. to renice it); not called when it could not be started. */
  readonly onSpawn?: (pid: number) => void;
  /** Called when the deadline passes, before the group is signalled (e.g. to report a timeout at once). */
  readonly onTimeout?: () => void;
}

export interface GroupRunResult {
  readonly exitCode: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly timedOut: boolean;
  readonly durationMs: number;
  /** The program never ran (ENOENT, EACCES, EPERM for uid/gid, ...). */
  readonly spawnError?: { readonly code?: string; readonly message: string };
  readonly stdout: string;
  readonly stderr: string;
}

/** Real timers must not keep the process alive for a follow-up kill; fake clocks' handles have no unref. */
function unref(h: TimerHandle): void {
  (h as unknown as { unref?: () => void }).unref?.();
}

/** True while `pid` exists (EPERM: it exists but belongs to someone else). */
export function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Sends `sig` to one process; false if it is already gone (or not ours). Never throws. */
export function killPid(pid: number, sig: NodeJS.Signals): boolean {
  try {
    process.kill(pid, sig);
    return true;
  } catch {
    return false;
  }
}

/** Sends `sig` to the process group led by `pid`; a group that is already gone is not an error. */
export function killGroup(pid: number | undefined, sig: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, sig);
  } catch {
    /* ESRCH: the group is gone */
  }
}

/**
 * Starts argv[0] with argv[1..] in a new process group (detached) so a deadline can kill everything the program
 * forked, as keepalived and haproxy do for their scripts. Settles when the program exits (and, when stdout is
 * kept, once stdout is closed); children it left in the background are not waited for. After a deadline the
 * SIGKILL follow-up fires even if the leader already exited, so group members that ignored SIGTERM die too.
 * Never rejects.
 */
export function runInGroup(argv: readonly string[], opts: GroupRunOptions): Promise<GroupRunResult> {
  const started = performance.now();
  const stdoutMax = opts.stdoutMax ?? 0;
  const stderrMax = opts.stderrTail ?? 0;
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const clock = opts.clock ?? realClock;
    let deadline: TimerHandle | undefined;
    const base = { stdout: '', stderr: '', timedOut: false, exitCode: null, signal: null };
    const [file, ...args] = argv;
    if (!file) {
      resolve({ ...base, durationMs: 0, spawnError: { message: 'empty command' } });
      return;
    }
    let child: ChildProcess;
    try {
      child = spawn(file, args, {
        detached: true,
        stdio: ['ignore', stdoutMax > 0 ? 'pipe' : 'ignore', stderrMax > 0 ? 'pipe' : 'ignore'],
        env: opts.env ?? process.env,
        ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
        ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
      });
    } catch (err) {
      const e = err as NodeJS.ErrnoException;
      resolve({ ...base, durationMs: performance.now() - started, spawnError: { ...(e.code ? { code: e.code } : {}), message: e.message } });
      return;
    }
    const finish = (r: Pick<GroupRunResult, 'exitCode' | 'signal' | 'spawnError'>) => {
      if (settled) return;
      settled = true;
      clock.clearTimeout(deadline);
      opts.signal?.removeEventListener('abort', terminate);
      child.stderr?.destroy();
      resolve({ ...r, timedOut, durationMs: performance.now() - started, stdout, stderr });
    };
    function terminate(): void {
      if (settled || timedOut) return;
      timedOut = true;
      opts.onTimeout?.();
      if (opts.killGraceMs <= 0) return killGroup(child.pid, 'SIGKILL');
      killGroup(child.pid, 'SIGTERM');
      // Not cleared at exit: members that ignored SIGTERM must die even if the leader is gone. Never keeps us alive.
      unref(clock.setTimeout(() => killGroup(child.pid, 'SIGKILL'), opts.killGraceMs));
    }
    if (child.stdout) {
      child.stdout.setEncoding(opts.stdoutEncoding ?? 'utf8');
      child.stdout.on('data', (c: string) => {
        if (stdout.length < stdoutMax) stdout = (stdout + c).slice(0, stdoutMax);
      });
    }
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (c: string) => (stderr = (stderr + c).slice(-stderrMax)));
    child.stderr?.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, spawnError: { ...(err.code ? { code: err.code } : {}), message: err.message } }));
    child.on(stdoutMax > 0 ? 'close' : 'exit', (code: number | null, sig: NodeJS.Signals | null) => finish({ exitCode: code, signal: sig }));
    if (child.pid !== undefined) opts.onSpawn?.(child.pid);
    deadline = clock.setTimeout(terminate, Math.max(0, opts.timeoutMs));
    if (opts.signal?.aborted) terminate();
    else opts.signal?.addEventListener('abort', terminate, { once: true });
  });
}
