// checkNotifyMailLines (pure): notify_* lines that run `hapair notify-mail` and would send no alert, at file:line.
import type { Diagnostic } from '../core/diagnostics.js';
import type { CommandLine, KeepalivedConfig, NotifyScripts } from '../vrrp/types.js';
import { notifyMailArgs, parseNotifyMail, resolveTarget, stateRequest, type NotifyMailRequest } from './notify-mail-args.js';

/** Each notify slot: its keyword and the state keepalived runs it for (the generic `notify` appends its own). */
const SLOTS: Readonly<Record<keyof NotifyScripts, { readonly keyword: string; readonly state?: NotifyMailRequest['state'] }>> = {
  master: { keyword: 'notify_master', state: 'MASTER' },
  backup: { keyword: 'notify_backup', state: 'BACKUP' },
  fault: { keyword: 'notify_fault', state: 'FAULT' },
  stop: { keyword: 'notify_stop', state: 'STOP' },
  generic: { keyword: 'notify' },
};

/**
 * A line the command refuses exits 2 and the alert is never sent, whoever runs it (keepalived or `hapair
 * vrrp`): seed 002's `notify_fault "... falut"` carried over to `hapair notify-mail` is the case in point.
 * Errors: the command would refuse the line. Warnings: it would mail something other than the line's state,
 * or a group line would mail as an instance. Lines running it through a shell are not taken apart.
 */
export function checkNotifyMailLines(config: KeepalivedConfig): Diagnostic[] {
  const out: Diagnostic[] = [];
  const targets = [...config.instances.map((i) => ({ kind: 'INSTANCE' as const, name: i.name, notify: i.notify })), ...config.syncGroups.map((g) => ({ kind: 'GROUP' as const, name: g.name, notify: g.notify }))];
  for (const t of targets) {
    for (const slot of Object.keys(SLOTS) as (keyof NotifyScripts)[]) {
      const cmd = t.notify[slot];
      const args = cmd ? notifyMailArgs(cmd.argv) : undefined;
      if (cmd && args) checkLine(config, t, slot, cmd, args, out);
    }
  }
  return out;
}

function checkLine(config: KeepalivedConfig, t: { kind: 'INSTANCE' | 'GROUP'; name: string }, slot: keyof NotifyScripts, cmd: CommandLine, args: string[], out: Diagnostic[]): void {
  const { keyword, state } = SLOTS[slot];
  const push = (severity: Diagnostic['severity'], code: string, message: string, fix: string): void => void out.push({ file: cmd.where.file, line: cmd.where.line, severity, code, message, fix });
  const what = `${keyword} of ${t.kind === 'GROUP' ? 'vrrp_sync_group' : 'vrrp_instance'} ${t.name}`;
  const p = parseNotifyMail(args);
  if (!p.ok) return push('error', 'notify-mail-usage', `${what}: hapair notify-mail would refuse this line (${p.error}) and send no alert`, 'see hapair notify-mail --help');
  if (p.values.flush) return;
  if (state === undefined) {
    // keepalived appends TYPE NAME STATE PRIORITY: those must be the only positionals.
    if (p.positionals.length > 0) push('error', 'notify-mail-usage', `${what}: keepalived appends TYPE NAME STATE PRIORITY to the generic notify, so '${p.positionals.join(' ')}' makes hapair notify-mail refuse every call`, `notify "hapair notify-mail"`);
    return;
  }
  const req = stateRequest(p.positionals, p.values.instance, p.values.group);
  const word = state.toLowerCase();
  if ('error' in req) return push('error', 'notify-mail-usage', `${what}: hapair notify-mail would refuse this line (${req.error}) and no ${state} alert would ever be sent`, `${keyword} "hapair notify-mail ${word}"`);
  if (req.state !== state) push('warning', 'notify-mail-state', `${what} mails '${req.state}' although it runs on entering ${state}`, `${keyword} "hapair notify-mail ${word}"`);
  if (t.kind === 'GROUP' && p.values.group === undefined) {
    push('warning', 'notify-mail-group', `${what}: without --group the alert reads as an instance's ('VRRP Instance'), not the group's`, `add --group ${t.name}`);
    return;
  }
  // Which instance the mail names is decided from the file it reads: only judge it for this file.
  const file = p.values.config;
  if (file !== undefined && !config.files.includes(file)) return;
  const target = resolveTarget(config, req);
  if (typeof target === 'string') return push('error', 'notify-mail-target', `${what}: ${target}; hapair notify-mail would refuse it`, `add --instance ${t.name}`);
  if (t.kind === 'INSTANCE' && target.name !== t.name) push('warning', 'notify-mail-target', `${what} mails about vrrp_instance ${target.name}`, `--instance ${t.name}`);
}
