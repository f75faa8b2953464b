// Builds the dispatcher's view of each instance and sync group (scripts + smtp_alert) from the config (pure).
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { NotifyTarget } from './types.js';

export function targetKey(kind: NotifyTarget['kind'], name: string): string {
  return `${kind}:${name}`;
}

/** kind:name -> target, plus instance -> sync group name (for keepalived's member-notify suppression). */
export interface TargetIndex {
  readonly targets: ReadonlyMap<string, NotifyTarget>;
  readonly groupOf: ReadonlyMap<string, string>;
}

export function indexTargets(config: KeepalivedConfig): TargetIndex {
  const targets = new Map<string, NotifyTarget>();
  const groupOf = new Map<string, string>();
  for (const i of config.instances) {
    targets.set(targetKey('INSTANCE', i.name), { kind: 'INSTANCE', name: i.name, scripts: i.notify, smtpAlert: i.smtpAlert });
    if (i.syncGroup) groupOf.set(i.name, i.syncGroup);
  }
  for (const g of config.syncGroups) {
    targets.set(targetKey('GROUP', g.name), { kind: 'GROUP', name: g.name, scripts: g.notify, smtpAlert: g.smtpAlert });
    for (const m of g.members) if (!groupOf.has(m)) groupOf.set(m, g.name);
  }
  return { targets, groupOf };
}
