// `hapair notify-mail` argument grammar (pure): shared by the command and by the check of notify_* lines that run it.
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { KeepalivedConfig } from '../vrrp/types.js';
import type { TransitionEvent } from './types.js';

/** The command's options, one table for the command itself and for checking config lines that call it. */
export const NOTIFY_MAIL_OPTIONS = {
  config: { type: 'string', short: 'f' },
  instance: { type: 'string', short: 'i' },
  group: { type: 'string' },
  wait: { type: 'string' },
  flush: { type: 'boolean' },
  verbose: { type: 'boolean', short: 'v' },
} as const;

type State = TransitionEvent['to'];

/** State words as seed 002's mail_notify.py takes them (lower case), and keepalived's generic notify (upper). */
export const STATE_WORDS: Readonly<Record<string, State>> = { master: 'MASTER', backup: 'BACKUP', fault: 'FAULT', stop: 'STOP' };

/** Misspellings found in published configs -> the word meant (seed 002 writes `falut`). */
const KNOWN_TYPOS: Readonly<Record<string, string>> = { falut: 'fault', mater: 'master', bakup: 'backup', backpu: 'backup' };

export interface NotifyMailRequest {
  readonly kind: 'INSTANCE' | 'GROUP';
  readonly name?: string;
  readonly state: State;
  readonly priority?: number; // from keepalived's generic notify argv
}

/**
 * Positionals -> request: `master|backup|fault|stop`, or keepalived's generic `TYPE NAME STATE PRIORITY`.
 * Returns the reason (one line) when they are not understood.
 */
export function stateRequest(pos: readonly string[], instance?: string, group?: string): NotifyMailRequest | { readonly error: string } {
  if (pos.length === 4 && (pos[0] === 'INSTANCE' || pos[0] === 'GROUP')) {
    const state = STATE_WORDS[pos[2]!.toLowerCase()];
    const priority = Number(pos[3]);
    if (!state || !Number.isInteger(priority)) return { error: `expected TYPE NAME STATE PRIORITY, got '${pos.join(' ')}'` };
    return { kind: pos[0], name: pos[1]!, state, priority };
  }
  if (pos.length !== 1) return { error: `expected one state word (master|backup|fault|stop), got ${pos.length === 0 ? 'none' : `'${pos.join(' ')}'`}` };
  const word = pos[0]!.toLowerCase();
  const state = STATE_WORDS[word];
  if (!state) {
    const meant = KNOWN_TYPOS[word];
    const hint = meant ? ` (did you mean '${meant}'? seed configs carry this typo)` : '';
    return { error: `unknown state '${pos[0]}'${hint}: use master|backup|fault|stop` };
  }
  const name = group ?? instance;
  return { kind: group !== undefined ? 'GROUP' : 'INSTANCE', ...(name !== undefined ? { name } : {}), state };
}

const isHapair = (w: string | undefined): boolean => /^hapair(\.js)?$/.test(path.basename(w ?? ''));

/**
 * The words after `notify-mail` when `argv` runs it directly: `hapair notify-mail ...`, `node .../hapair.js
 * notify-mail ...` (or the built entry `.../cli/main.js`), either behind `env [NAME=value]...`. Undefined for
 * anything else (a shell line is not taken apart here).
 */
export function notifyMailArgs(argv: readonly string[]): string[] | undefined {
  let i = 0;
  if (path.basename(argv[0] ?? '') === 'env') {
    i = 1;
    while (i < argv.length && /^[A-Za-z_]\w*=/.test(argv[i]!)) i++;
  }
  const prog = path.basename(argv[i] ?? '');
  if (isHapair(argv[i])) return argv[i + 1] === 'notify-mail' ? argv.slice(i + 2) : undefined;
  const script = argv[i + 1];
  const entry = isHapair(script) || (script !== undefined && /(^|\/)cli\/main\.js$/.test(script));
  if ((prog === 'node' || prog === 'nodejs' || argv[i] === process.execPath) && entry) return argv[i + 2] === 'notify-mail' ? argv.slice(i + 3) : undefined;
  return undefined;
}

export interface NotifyMailValues {
  readonly config?: string;
  readonly instance?: string;
  readonly group?: string;
  readonly wait?: string;
  readonly flush?: boolean;
  readonly verbose?: boolean;
}

export type ParsedNotifyMail =
  | { readonly ok: true; readonly positionals: string[]; readonly values: NotifyMailValues }
  | { readonly ok: false; readonly error: string };

/** parseArgs with the command's own option table (strict): what the command would make of these words. */
export function parseNotifyMail(args: readonly string[]): ParsedNotifyMail {
  try {
    const { values, positionals } = parseArgs({ args: [...args], options: NOTIFY_MAIL_OPTIONS, strict: true, allowPositionals: true });
    return { ok: true, positionals, values };
  } catch (err) {
    return { ok: false, error: err instanceof Error ? err.message.split('\n')[0]! : String(err) };
  }
}

/** What an invocation asks for (the CLI's name for NotifyMailRequest). */
export type CliAlertRequest = NotifyMailRequest;

/**
 * Which instance/group the alert is about: the named one; else the only instance; else the one instance
 * whose notify_<state> line runs `notify-mail` (so a drop-in `notify_master "hapair notify-mail master"`
 * needs no --instance even with several instances). Returns an error text when it stays ambiguous.
 */
export function resolveTarget(config: KeepalivedConfig, req: CliAlertRequest): { kind: 'INSTANCE' | 'GROUP'; name: string } | string {
  const pool = req.kind === 'GROUP' ? config.syncGroups : config.instances;
  const word = req.kind === 'GROUP' ? 'vrrp_sync_group' : 'vrrp_instance';
  if (req.name !== undefined) {
    return pool.some((t) => t.name === req.name) ? { kind: req.kind, name: req.name } : `no ${word} named '${req.name}' in ${config.files[0] ?? 'the config'}`;
  }
  if (pool.length === 1) return { kind: req.kind, name: pool[0]!.name };
  const slot = ({ MASTER: 'master', BACKUP: 'backup', FAULT: 'fault', STOP: 'stop' } as const)[req.state];
  const users = pool.filter((t) => t.notify[slot]?.argv.some((a) => a.includes('notify-mail')));
  if (users.length === 1) return { kind: req.kind, name: users[0]!.name };
  return `cannot tell which ${word} this is about (${pool.length} in the config): pass --instance NAME`;
}
