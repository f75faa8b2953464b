// Guaranteed lab cleanup: a process-wide registry torn down on exit/SIGINT/SIGTERM/SIGHUP, and a sweep of stale labs.
import { killPid, pidAlive } from '../core/proc-group.js';
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

/**
 * Signals after which no lab may survive: Ctrl-C, kill, and the terminal closing (SIGHUP, e.g. an ssh session
 * that drops while a test or the demo runs). Exported so programs with their own handlers use the same list.
 */
export const CLEANUP_SIGNALS: readonly NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];

/** PIDs still running inside namespace `ns` (processes we started there: nothing else can enter it). */
function nsPidsSync(ns: string): number[] {
  return execQuietSync(['ip', 'netns', 'pids', ns])
    .split(/\s+/)
    .filter(Boolean)
    .map(Number)
    .filter((p) => Number.isInteger(p) && p > 1 && p !== process.pid);
}

/** Synchronous teardown used from exit/signal handlers: SIGKILL our children, then delete the namespaces. */
export function teardownSync(lab: Teardownable): void {
  for (const pid of lab.childPids()) killPid(pid, 'SIGKILL');
  for (const ns of lab.namespaces()) {
    for (const pid of nsPidsSync(ns)) killPid(pid, 'SIGKILL');
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

/** Registers a lab for cleanup on process exit and on CLEANUP_SIGNALS (installed once per process). */
export function register(lab: Teardownable): void {
  live.add(lab);
  if (hooked) return;
  hooked = true;
  process.on('exit', onExit);
  for (const sig of CLEANUP_SIGNALS) process.on(sig, onSignal);
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
    for (const pid of nsPidsSync(name)) killPid(pid, 'SIGKILL');
    await exec(['ip', 'netns', 'del', name], { timeoutMs: 5000 });
    removed.push(name);
  }
  return removed;
}

export { DEFAULT_LAB_PREFIX };
