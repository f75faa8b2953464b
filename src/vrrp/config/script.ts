// vrrp_script keyword table (keepalived v2.2.7 vrrp_parser.c `vrrp_vscript_*`; keepalived.md §4.1).
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import type { ScriptDraft } from './drafts.js';
import { whereOf } from './drafts.js';
import { intArg, once } from './args.js';
import { scriptCommand } from './command.js';
import type { BlockSpec, KeywordTable } from './table.js';

const MAX_SEC = Math.floor((2 ** 32 - 1) / 1e6); // keepalived: UINT_MAX / TIMER_HZ
const INT_MAX = 2 ** 31 - 1;

function weightArgs(node: ConfNode, s: ScriptDraft, rep: Reporter): void {
  // -253..253: keepalived reports anything else; hapair refuses it instead of running with a guessed weight.
  const w = intArg(node, rep, -253, 253);
  if (w === undefined) return;
  const opt = node.args[1];
  if (opt !== undefined && opt !== 'reverse') {
    rep.error(node, 'invalid-value', `weight: unknown option '${opt}' (only 'reverse')`);
    return;
  }
  s.weight = w;
  s.weightReverse = opt === 'reverse';
}

const TABLE: KeywordTable<ScriptDraft> = {
  script: {
    minArgs: 1,
    handle: (node, s, rep) => {
      if (!once(node, rep, s.command)) return;
      const cmd = scriptCommand(node, rep);
      if (cmd) s.command = cmd;
    },
  },
  interval: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, s, rep) => {
      const v = intArg(node, rep, 0, MAX_SEC);
      if (v === 0) rep.warn(node, 'value-coerced', 'interval must be greater than 0: using 1 (as keepalived)', "write 'interval 1'");
      if (v !== undefined) s.intervalSec = Math.max(1, v);
    },
  },
  timeout: {
    minArgs: 1,
    maxArgs: 1,
    handle: (node, s, rep) => {
      const v = intArg(node, rep, 0, MAX_SEC);
      if (v === 0) {
        // keepalived 2.2.7 turns an explicit `timeout 0` into 1 s; hapair reads 0 as the documented default
        // ("0 = use the interval", keepalived.md §4.1) so a check is never killed after 1 s by accident.
        rep.warn(node, 'script-timeout-zero', "timeout 0 means 'use the interval' in hapair (keepalived 2.2.7 would use 1 s)", 'omit timeout to use the interval, or give the timeout in seconds');
      }
      if (v !== undefined) {
        s.timeoutSec = v;
        s.timeoutWhere = whereOf(node);
      }
    },
  },
  weight: { minArgs: 1, maxArgs: 2, handle: weightArgs },
  rise: { minArgs: 1, maxArgs: 1, handle: (n, s, rep) => void (s.rise = intArg(n, rep, 1, INT_MAX) ?? s.rise) },
  fall: { minArgs: 1, maxArgs: 1, handle: (n, s, rep) => void (s.fall = intArg(n, rep, 1, INT_MAX) ?? s.fall) },
  user: {
    minArgs: 1,
    maxArgs: 2,
    handle: (n, s) => void (s.user = { user: n.args[0]!, ...(n.args[1] !== undefined ? { group: n.args[1] } : {}) }),
  },
  init_fail: { maxArgs: 0, handle: (_n, s) => void (s.initFail = true) },
};

export const SCRIPT_BLOCK: BlockSpec<ScriptDraft> = { name: 'vrrp_script', table: TABLE, splitStray: true };
