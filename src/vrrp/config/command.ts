// Builds CommandLine values (argv for execFile) from `script` / `notify*` statements, like keepalived.
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import type { CommandLine } from '../types.js';
import { splitQuotedEscaped } from './argv.js';
import { whereOf } from './drafts.js';

/**
 * `notify_xxx <command> [user [group]]`: the statement is split with quotes and escapes, word 1 is the command
 * line (split again into argv), words 2 and 3 are the user and group ([lib/notify.c] `notify_script_init`).
 * Returns undefined (after reporting an error) when there is no usable command.
 */
export function notifyCommand(node: ConfNode, rep: Reporter, defaultUser?: { user: string; group?: string }): CommandLine | undefined {
  const parts = splitStatement(node, rep);
  if (!parts) return undefined;
  const [, cmd, user, group, ...extra] = parts;
  if (extra.length > 0) {
    rep.warn(node, 'extra-argument', `'${extra.join(' ')}' after the user and group of ${node.keyword} is ignored (as in keepalived)`,
      `quote the whole command line: ${node.keyword} "${parts.slice(1).join(' ')}"`);
  }
  const owner = user !== undefined ? { user, ...(group !== undefined ? { group } : {}) } : defaultUser;
  return commandFrom(node, cmd!, owner, rep);
}

/**
 * vrrp_script `script <command>`: keepalived uses ONLY word 1 as the command line and silently ignores the
 * rest ([vrrp_parser.c] `vrrp_vscript_script_handler`), so `script /bin/check arg` runs /bin/check without arg.
 * hapair does the same (compatibility) and warns, because that is almost never what was meant.
 */
export function scriptCommand(node: ConfNode, rep: Reporter): CommandLine | undefined {
  const parts = splitStatement(node, rep);
  if (!parts) return undefined;
  if (parts.length > 2) {
    const rest = parts.slice(2).join(' ');
    rep.warn(node, 'script-extra-words', `only '${parts[1]}' is run: keepalived ignores '${rest}' after an unquoted script path`,
      `quote the whole command line: script "${parts.slice(1).join(' ')}"`);
  }
  return commandFrom(node, parts[1]!, undefined, rep);
}

function splitStatement(node: ConfNode, rep: Reporter): string[] | undefined {
  const split = splitQuotedEscaped(node.raw);
  if (!split.ok) {
    rep.error(node, 'invalid-value', `${node.keyword}: ${split.error}`);
    return undefined;
  }
  if (split.words.length < 2) {
    rep.error(node, 'missing-argument', `'${node.keyword}' needs a command line`);
    return undefined;
  }
  return split.words;
}

function commandFrom(node: ConfNode, cmd: string, owner: { user: string; group?: string } | undefined, rep: Reporter): CommandLine | undefined {
  const argv = splitQuotedEscaped(cmd);
  if (!argv.ok) {
    rep.error(node, 'invalid-value', `${node.keyword}: ${argv.error}`);
    return undefined;
  }
  if (argv.words.length === 0 || argv.words[0] === '') {
    rep.error(node, 'invalid-value', `${node.keyword}: empty command line`);
    return undefined;
  }
  return {
    raw: cmd,
    argv: argv.words,
    ...(owner ? { user: owner.user, ...(owner.group !== undefined ? { group: owner.group } : {}) } : {}),
    where: whereOf(node),
  };
}
