// Guaranteed lab cleanup: a process-wide registry torn down on exit/SIGINT/SIGTERM, and a sweep of stale labs.
import { exec, execQuietSync } from './exec.js';
import { DEFAULT_LAB_PREFIX, parseLabName } from './names.js';

/** What the registry needs to tear a lab down synchronously when the process is dying. */
export interface Teardownable {
  readonly base: string;
  /** PIDs of children the lab started (daemons, tcpdump, ...). */
  childPids(): number[];
  /** Namespaces the lab created. */
  namespaces(): string[];
}

const live = new Set<Teardownable>();
let hooked = false;

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** PIDs still running inside namespace `ns` (processes we started there: nothing else can enter it). */
function nsPidsSync(ns: string): number[] {
  return execQuietSync(['ip', 'netns', 'pids', ns])
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 1 && p !== process.pid);
}

function killQuiet(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(pid, sig);
  } catch {
    /* already gone */
  }
}

/** Synchronous teardown used from exit/signal handlers: SIGKILL our children, then delete the namespaces. */
export function teardownSync(lab: Teardownable): void {
  for (const pid of lab.childPids()) killQuiet(pid, 'SIGKILL');
  for (const ns of lab.namespaces()) {
    for (const pid of nsPidsSync(ns)) killQuiet(pid, 'SIGKILL');
    execQuietSync(['ip', 'netns', 'del', ns]);
  }
  live.delete(lab);
}

function onExit(): void {
  for (const lab of [...live]) teardownSync(lab);
}

function onSignal(sig: NodeJS.Signals): void {
  onExit();
  // Re-raise with the default disposition so the parent sees the real cause of death.
  process.removeListener(sig, onSignal);
  process.kill(process.pid, sig);
}

/** Registers a lab for cleanup on process exit and on SIGINT/SIGTERM (installed once per process). */
export function register(lab: Teardownable): void {
  live.add(lab);
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
}

export function unregister(lab: Teardownable): void {
  live.delete(lab);
}

/**
 * Deletes namespaces whose name carries `prefix` and whose creating PID is dead (a crashed or SIGKILLed run),
 * killing any process left inside them first. Returns the names removed.
 */
export async function sweepStaleLabs(prefix: string = DEFAULT_LAB_PREFIX): Promise<string[]> {
  const res = await exec(['ip', 'netns', 'list'], { timeoutMs: 5000 });
  const removed: string[] = [];
  for (const line of res.stdout.split('\n')) {
    const name = line.trim().split(/\s+/)[0];
    if (!name) continue;
    const parsed = parseLabName(name, prefix);
    if (!parsed || parsed.pid === process.pid || pidAlive(parsed.pid)) continue;
    for (const pid of nsPidsSync(name)) killQuiet(pid, 'SIGKILL');
    await exec(['ip', 'netns', 'del', name], { timeoutMs: 5000 });
    removed.push(name);
  }
  return removed;
}

export { DEFAULT_LAB_PREFIX };
