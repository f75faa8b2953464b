// keepalived.conf loader, public API: file/text -> KeepalivedConfig + diagnostics (lints included as warnings).
// A config with any error is never returned: a failover daemon must not start half-configured.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { ConfigError, type Diagnostic } from '../../core/diagnostics.js';
import { errorMessage } from '../../core/errors.js';
import type { CommandLine, KeepalivedConfig, MailSettings, NotifyScripts, VrrpScriptConfig } from '../types.js';
import type { ConfNode, IncludeResolver } from './ast.js';
import { Reporter, sortDiagnostics } from './codes.js';
import { completeGlobal, completeInstance, completeScript } from './complete.js';
import { newState, whereOf, type LoadState } from './drafts.js';
import { applyGlobalDefs } from './global.js';
import { expandGlob, hasMagic } from './glob.js';
import { INSTANCE_BLOCK, newInstance } from './instance.js';
import { runLints } from './lints.js';
import { parseTree } from './parser.js';
import { resolve } from './resolve.js';
import { SCRIPT_BLOCK } from './script.js';
import { GROUP_BLOCK, newGroup } from './sync-group.js';
import { applyBlock, type BlockSpec, type KeywordSpec } from './table.js';
import { ROOT_UNSUPPORTED } from './unsupported.js';

export interface LoadResult {
  /** Present iff there is no error. */
  readonly config?: KeepalivedConfig;
  readonly diagnostics: Diagnostic[];
  /**
   * The global_defs mail settings (defaults filled in), present whenever every mail statement was read
   * without an error, even if other parts of the file have errors: `hapair check` then runs the mail checks
   * in the same pass. Equal to `config.global.mail` when `config` is present.
   */
  readonly mail?: MailSettings;
  /**
   * Only when there are errors, and every vrrp_instance block still became an instance: the model as far
   * as it could be read, for checks that look at names and notify lines (`hapair check` runs the notify-mail
   * line check on it). Never run it: a config with errors must not start.
   */
  readonly partial?: KeepalivedConfig;
}

export interface ParseOptions {
  /** Default router_id (keepalived: the local host name). */
  readonly hostname?: string;
  /** How `include` is read; without it an include is an error (pure parsing). */
  readonly resolveInclude?: IncludeResolver;
}

/** `vrrp_instance NAME {`: exactly one name (keepalived skips the block otherwise); names are unique. */
function named(kind: string, exists: (st: LoadState, name: string) => boolean, create: (st: LoadState, name: string, node: ConfNode, rep: Reporter) => void): KeywordSpec<LoadState> {
  return {
    block: 'required',
    handle: (node, st, rep) => {
      if (node.args.length !== 1) {
        rep.error(node, 'invalid-value', `${kind} needs exactly one name, got ${node.args.length === 0 ? 'none' : `'${node.args.join(' ')}'`}`);
        return;
      }
      const name = node.args[0]!;
      if (exists(st, name)) {
        rep.error(node, 'duplicate-name', `${kind} ${name} is defined twice`);
        return;
      }
      create(st, name, node, rep);
    },
  };
}

const ROOT: BlockSpec<LoadState> = {
  name: 'the top level',
  unsupported: ROOT_UNSUPPORTED,
  table: {
    global_defs: { block: 'required', maxArgs: 0, handle: (n, st, rep) => applyGlobalDefs(n.children ?? [], st.global, rep) },
    vrrp_script: named('vrrp_script', (st, name) => st.scripts.some((s) => s.name === name), (st, name, node, rep) => {
      const draft = { name, where: whereOf(node), seq: st.seq, weightReverse: false, initFail: false };
      st.scripts.push(draft);
      applyBlock(node.children ?? [], SCRIPT_BLOCK, draft, rep);
    }),
    vrrp_instance: named('vrrp_instance', (st, name) => st.instances.some((i) => i.name === name), (st, name, node, rep) => {
      const draft = newInstance(name, node, st.seq);
      st.instances.push(draft);
      applyBlock(node.children ?? [], INSTANCE_BLOCK, draft, rep);
    }),
    vrrp_sync_group: named('vrrp_sync_group', (st, name) => st.groups.some((g) => g.name === name), (st, name, node, rep) => {
      const draft = newGroup(name, node, st.seq);
      st.groups.push(draft);
      applyBlock(node.children ?? [], GROUP_BLOCK, draft, rep);
    }),
  },
};

/** Notify scripts without their own user run as global script_user (keepalived `get_default_script_user`). */
function withDefaultUser(n: NotifyScripts, owner: { user: string; group?: string } | undefined): NotifyScripts {
  if (!owner) return n;
  const fix = (c: CommandLine | undefined): CommandLine | undefined =>
    c && c.user === undefined ? { ...c, user: owner.user, ...(owner.group !== undefined ? { group: owner.group } : {}) } : c;
  const out: { -readonly [K in keyof NotifyScripts]: NotifyScripts[K] } = {};
  for (const k of ['master', 'backup', 'fault', 'stop', 'generic'] as const) {
    const c = fix(n[k]);
    if (c) out[k] = c;
  }
  return out;
}

/** Parses keepalived.conf text (pure unless `resolveInclude` reads files). Never throws on bad input. */
export function parseKeepalivedText(text: string, file: string, opts: ParseOptions = {}): LoadResult {
  const rep = new Reporter();
  const { nodes, files } = parseTree(text, file, rep, opts.resolveInclude);
  const st = newState();
  for (const node of nodes) {
    st.seq++;
    applyBlock([node], ROOT, st, rep);
  }
  const global = completeGlobal(st.global, opts.hostname ?? os.hostname());
  const scripts = new Map<string, VrrpScriptConfig>();
  for (const d of st.scripts) {
    const s = completeScript(d, global, rep);
    if (s) scripts.set(s.name, s);
  }
  const instances = st.instances.flatMap((d) => completeInstance(d, global, st.global, rep) ?? []);
  const refs = new Map(st.instances.map((d) => [d.name, d.trackScripts]));
  const failed = new Set(st.instances.map((d) => d.name).filter((n) => !instances.some((i) => i.name === n)));
  const r = resolve(instances, refs, st.groups, st.scripts, scripts, global.smtpAlert, failed, rep);
  const config: KeepalivedConfig = {
    files,
    global,
    scripts: r.scripts,
    instances: r.instances.map((i) => ({ ...i, notify: withDefaultUser(i.notify, global.scriptUser) })),
    syncGroups: r.syncGroups.map((g) => ({ ...g, notify: withDefaultUser(g.notify, global.scriptUser) })),
  };
  runLints({ config, ...(st.global.vrrpStrict ? { vrrpStrict: st.global.vrrpStrict } : {}), strictModes: st.instances.flatMap((i) => i.strictMode ?? []) }, rep);
  const diagnostics = sortDiagnostics(rep.items, files);
  const mail = st.global.mail.rejected ? {} : { mail: global.mail };
  if (!rep.hasErrors()) return { config, diagnostics, ...mail };
  return { diagnostics, ...mail, ...(failed.size === 0 ? { partial: config } : {}) };
}

/** Reads `include` globs from disk: relative to the including file's directory (as keepalived chdirs there). */
export function fsIncludeResolver(): IncludeResolver {
  return (pattern, fromFile) => {
    const matches = expandGlob(pattern, path.dirname(fromFile));
    if (matches.length === 0) {
      // A wildcard matching nothing is normal (empty conf.d); a plain missing file is a typo: refuse it.
      return hasMagic(pattern)
        ? { warning: `include '${pattern}' matches no file`, code: 'include-no-match' as const }
        : { error: `include '${pattern}': no such file (${path.resolve(path.dirname(fromFile), pattern)})`, code: 'include-not-found' as const };
    }
    const files = [];
    for (const f of matches) {
      try {
        if (fs.statSync(f).isDirectory()) continue; // keepalived: "is a directory - skipping"
        files.push({ file: f, text: fs.readFileSync(f, 'utf8') });
      } catch (err) {
        return { error: `include '${pattern}': cannot read ${f}: ${errorMessage(err)}`, code: 'include-read-error' as const };
      }
    }
    return { files };
  };
}

/** Loads a keepalived.conf and everything it includes. `config` is undefined iff there are errors. */
export function loadKeepalivedConfig(file: string): LoadResult {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    return { diagnostics: [{ file, line: 0, severity: 'error', code: 'file-read-error', message: `cannot read ${file}: ${errorMessage(err)}` }] };
  }
  return parseKeepalivedText(text, file, { resolveInclude: fsIncludeResolver() });
}

/** Like loadKeepalivedConfig, but throws ConfigError (code ECONFIG, carrying the diagnostics) on any error. */
export function loadKeepalivedConfigOrThrow(file: string): { config: KeepalivedConfig; warnings: Diagnostic[] } {
  const r = loadKeepalivedConfig(file);
  if (!r.config) throw new ConfigError(r.diagnostics);
  return { config: r.config, warnings: r.diagnostics.filter((d) => d.severity === 'warning') };
}
