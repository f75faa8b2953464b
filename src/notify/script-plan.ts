// Which notify scripts one transition runs, in keepalived's order, with their exact argv (pure).
import type { CommandLine, NotifyScripts } from '../vrrp/types.js';
import type { TransitionEvent } from './types.js';

export type ScriptSlot = keyof NotifyScripts; // 'master' | 'backup' | 'fault' | 'stop' | 'generic'

/** One process to start for a transition. */
export interface ScriptRun {
  readonly slot: ScriptSlot;
  readonly command: CommandLine;
  /** Full argv: argv[0] is the program, executed without a shell. */
  readonly argv: readonly string[];
  /**
   * 'stop': keepalived gives notify_stop one second before SIGKILLing its process group
   * (keepalived.md §5.1, lib/notify.c child_killed_thread); everything else gets the normal budget.
   */
  readonly budget: 'normal' | 'stop';
}

/** State-specific script per target state (keepalived.md §5.1: notify_master/backup/fault/stop). */
const STATE_SLOT: Readonly<Record<TransitionEvent['to'], ScriptSlot>> = {
  MASTER: 'master',
  BACKUP: 'backup',
  FAULT: 'fault',
  STOP: 'stop',
};

/**
 * The scripts for `event`, state-specific first, then the generic `notify` (keepalived launches them in
 * that order, [notify] send_instance_notifies). notify_<state> gets only its configured arguments; the
 * generic one gets its arguments followed by TYPE NAME STATE PRIORITY, where PRIORITY is the effective
 * priority for an instance and always 0 for a group.
 */
export function planScripts(scripts: NotifyScripts, event: Pick<TransitionEvent, 'kind' | 'name' | 'to' | 'effectivePriority'>): ScriptRun[] {
  const runs: ScriptRun[] = [];
  const slot = STATE_SLOT[event.to];
  const specific = scripts[slot];
  if (specific && specific.argv.length > 0) {
    runs.push({ slot, command: specific, argv: [...specific.argv], budget: slot === 'stop' ? 'stop' : 'normal' });
  }
  const generic = scripts.generic;
  if (generic && generic.argv.length > 0) {
    const priority = event.kind === 'GROUP' ? 0 : event.effectivePriority;
    runs.push({
      slot: 'generic',
      command: generic,
      argv: [...generic.argv, event.kind, event.name, event.to, String(priority)],
      budget: 'normal',
    });
  }
  return runs;
}
