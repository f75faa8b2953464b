// planScripts: which notify scripts a transition runs and their exact argv (keepalived.md §5.1), table-driven.
import test from 'ava';
import { planScripts } from '../../src/notify/script-plan.js';
import type { NotifyScripts } from '../../src/vrrp/types.js';
import { cmd } from './_build.js';

const all: NotifyScripts = {
  master: cmd('/bin/m', 'master arg'),
  backup: cmd('/bin/b'),
  fault: cmd('/bin/f', 'x'),
  stop: cmd('/bin/s'),
  generic: cmd('/bin/g', '--flag'),
};

const cases: { title: string; scripts: NotifyScripts; kind: 'INSTANCE' | 'GROUP'; to: 'MASTER' | 'BACKUP' | 'FAULT' | 'STOP'; prio: number; want: string[][]; budgets?: string[] }[] = [
  { title: 'MASTER: notify_master then generic with TYPE NAME STATE PRIO', scripts: all, kind: 'INSTANCE', to: 'MASTER', prio: 150, want: [['/bin/m', 'master arg'], ['/bin/g', '--flag', 'INSTANCE', 'VI_1', 'MASTER', '150']] },
  { title: 'BACKUP', scripts: all, kind: 'INSTANCE', to: 'BACKUP', prio: 90, want: [['/bin/b'], ['/bin/g', '--flag', 'INSTANCE', 'VI_1', 'BACKUP', '90']] },
  { title: 'FAULT', scripts: all, kind: 'INSTANCE', to: 'FAULT', prio: 0, want: [['/bin/f', 'x'], ['/bin/g', '--flag', 'INSTANCE', 'VI_1', 'FAULT', '0']] },
  { title: 'STOP uses the stop budget for notify_stop only', scripts: all, kind: 'INSTANCE', to: 'STOP', prio: 100, want: [['/bin/s'], ['/bin/g', '--flag', 'INSTANCE', 'VI_1', 'STOP', '100']], budgets: ['stop', 'normal'] },
  { title: 'GROUP: generic priority is always 0', scripts: all, kind: 'GROUP', to: 'MASTER', prio: 150, want: [['/bin/m', 'master arg'], ['/bin/g', '--flag', 'GROUP', 'VI_1', 'MASTER', '0']] },
  { title: 'only generic', scripts: { generic: cmd('/bin/g') }, kind: 'INSTANCE', to: 'FAULT', prio: 7, want: [['/bin/g', 'INSTANCE', 'VI_1', 'FAULT', '7']] },
  { title: 'no script for this state', scripts: { master: cmd('/bin/m') }, kind: 'INSTANCE', to: 'BACKUP', prio: 100, want: [] },
  { title: 'empty argv is skipped', scripts: { master: cmd() }, kind: 'INSTANCE', to: 'MASTER', prio: 100, want: [] },
];

for (const c of cases) {
  test(c.title, (t) => {
    const runs = planScripts(c.scripts, { kind: c.kind, name: 'VI_1', to: c.to, effectivePriority: c.prio });
    t.deepEqual(runs.map((r) => r.argv), c.want);
    if (c.budgets) t.deepEqual(runs.map((r) => r.budget), c.budgets);
  });
}
