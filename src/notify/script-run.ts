// Runs one notify script: execFile semantics (no shell), own process group, bounded by a timeout that kills the group.
import { spawn } from 'node:child_process';

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

/** Sends `sig` to the process group led by `pid`; a group that is already gone is not an error. */
function killGroup(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig);
  } catch {
    /* ESRCH: group already gone */
  }
}

/**
 * Starts argv[0] with argv[1..] in a new process group (detached) so a timeout can kill everything the
 * script forked, like keepalived does for its scripts. Resolves when the script itself exits (children it
 * left running in the background are not waited for). Never rejects.
 */
export function runScript(argv: readonly string[], opts: RunOptions): Promise<ScriptResult> {
  const started = performance.now();
  return new Promise((resolve) => {
    const [file, ...args] = argv;
    if (!file) {
      resolve({ exitCode: null, signal: null, timedOut: false, durationMs: 0, spawnError: 'empty command', stderrTail: '' });
      return;
    }
    let stderr = '';
    let timedOut = false;
    let settled = false;
    const timers: NodeJS.Timeout[] = [];
    const child = spawn(file, args, {
      detached: true,
      stdio: ['ignore', 'ignore', 'pipe'],
      env: opts.env ?? process.env,
      ...(opts.uid !== undefined ? { uid: opts.uid } : {}),
      ...(opts.gid !== undefined ? { gid: opts.gid } : {}),
    });
    const finish = (r: Omit<ScriptResult, 'durationMs' | 'stderrTail' | 'timedOut'>) => {
      if (settled) return;
      settled = true;
      for (const t of timers) clearTimeout(t);
      opts.signal?.removeEventListener('abort', onAbort);
      child.stderr?.destroy();
      resolve({ ...r, timedOut, durationMs: performance.now() - started, stderrTail: stderr.slice(-STDERR_KEEP) });
    };
    const terminate = () => {
      const pid = child.pid;
      if (pid === undefined || settled) return;
      if (opts.killHard) {
        killGroup(pid, 'SIGKILL');
        return;
      }
      killGroup(pid, 'SIGTERM');
      timers.push(setTimeout(() => killGroup(pid, 'SIGKILL'), opts.killGraceMs));
    };
    const onAbort = () => {
      timedOut = true;
      terminate();
    };
    child.stderr?.setEncoding('utf8');
    child.stderr?.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-STDERR_KEEP);
    });
    child.stderr?.on('error', () => undefined);
    child.on('error', (err: NodeJS.ErrnoException) => finish({ exitCode: null, signal: null, spawnError: err.code ?? err.message }));
    child.on('exit', (code, sig) => finish({ exitCode: code, signal: sig }));
    timers.push(
      setTimeout(() => {
        timedOut = true;
        terminate();
      }, opts.timeoutMs),
    );
    if (opts.signal?.aborted) onAbort();
    else opts.signal?.addEventListener('abort', onAbort, { once: true });
  });
}
