// Walks statements section by section (src/cfgparse.c + cfgparse-listen.c cfg_parse_listen): global,
// defaults [name] [from x], frontend/backend/listen <name> [from x]; other haproxy sections are skipped with
// a warning. Produces drafts; finalize.ts turns them into the ProxyConfig model.
import type { DiagnosticSink } from '../../core/diagnostics.js';
import { invalidNameChar } from './acl.js';
import { StmtCtx, type LoaderDeps } from './ctx.js';
import { inheritDraft, type DraftKind, type ProxyDraft, type StatsDraft } from './draft.js';
import { parseBind } from './kw-bind.js';
import { newGlobal, parseGlobal, type GlobalDraft } from './kw-global.js';
import { parseProxyKeyword } from './kw-proxy.js';
import type { Statement } from './reader.js';

/** haproxy sections hapair does not implement: skipped with one warning. */
const UNSUPPORTED_SECTIONS = new Set([
  'userlist', 'peers', 'resolvers', 'mailers', 'program', 'http-errors', 'ring', 'cache', 'log-forward', 'fcgi-app',
]);
const PROXY_SECTIONS = new Set(['frontend', 'backend', 'listen']);

export interface ParsedDrafts {
  readonly global: GlobalDraft;
  readonly proxies: ProxyDraft[];
}

interface State {
  global: GlobalDraft;
  proxies: ProxyDraft[];
  defaults: ProxyDraft[];
  lastDefaults: ProxyDraft | undefined;
  current: { kind: 'global' } | { kind: 'proxy'; draft: ProxyDraft; inheritedStats: StatsDraft | undefined } | { kind: 'skip' } | { kind: 'none' };
}

export class DraftParser {
  private readonly explicitRefs = new Set<ProxyDraft>();
  private readonly implicitRefs = new Set<ProxyDraft>();
  private readonly st: State = { global: newGlobal(), proxies: [], defaults: [], lastDefaults: undefined, current: { kind: 'none' } };
  constructor(private readonly sink: DiagnosticSink, private readonly deps: LoaderDeps = {}) {}

  /** Feeds one statement; statements of several files continue the same configuration (haproxy -f a -f b). */
  feedOne(s: Statement): void {
    this.statement(new StmtCtx(this.sink, s, this.deps));
  }

  result(): ParsedDrafts {
    return { global: this.st.global, proxies: this.st.proxies };
  }

  private statement(ctx: StmtCtx): void {
    const kw = ctx.args[0]!;
    if (kw === 'global') {
      if (ctx.args.length > 1) ctx.error('too-many-args', `'global' cannot handle unexpected argument '${ctx.args[1]}'`);
      this.st.current = { kind: 'global' };
      return;
    }
    if (kw === 'defaults' || PROXY_SECTIONS.has(kw)) {
      this.openProxy(kw as DraftKind, ctx);
      return;
    }
    if (UNSUPPORTED_SECTIONS.has(kw)) {
      ctx.warn('unsupported-section', `'${kw}' sections are not supported by hapair; this section is ignored`);
      this.st.current = { kind: 'skip' };
      return;
    }
    const cur = this.st.current;
    switch (cur.kind) {
      case 'global':
        parseGlobal(this.st.global, ctx);
        return;
      case 'proxy':
        parseProxyKeyword(cur.draft, ctx, { inheritedStats: cur.inheritedStats });
        return;
      case 'skip':
        return;
      case 'none':
        ctx.error('out-of-section', `unknown keyword '${kw}' out of section.`);
    }
  }

  private openProxy(kind: DraftKind, ctx: StmtCtx): void {
    const a = ctx.args;
    const isDefaults = kind === 'defaults';
    let name = a[1] ?? '';
    let fromIdx = 2;
    if (isDefaults && name === 'from') {
      name = '';
      fromIdx = 1;
    }
    // Until a proxy section opens successfully, following lines belong to nothing (haproxy drops them too).
    this.st.current = { kind: 'skip' };
    if (!isDefaults && name === '') {
      ctx.error('missing-name', `'${kind}' expects an <id> argument`);
      return;
    }
    const bad = name ? invalidNameChar(name) : undefined;
    if (bad) {
      ctx.error('bad-name', `character '${bad}' is not permitted in '${kind}' name '${name}'.`);
      return;
    }
    let legacyAddr: string | undefined;
    let fromName: string | undefined;
    if (a[fromIdx] === 'from') {
      fromName = a[fromIdx + 1];
      if (fromName === undefined) {
        ctx.error('bad-section', `'from' expects a defaults section name in '${kind} ${name}'`);
        return;
      }
      if (a.length > fromIdx + 2) {
        ctx.error('too-many-args', `'${kind}' cannot handle unexpected argument '${a[fromIdx + 2]}'`);
        return;
      }
    } else if (a.length > fromIdx) {
      if (kind === 'frontend' || kind === 'listen') {
        legacyAddr = a[fromIdx];
        if (a.length > fromIdx + 1) {
          ctx.error('too-many-args', `'${kind} ${name}' cannot handle unexpected argument '${a[fromIdx + 1]}'`);
          return;
        }
      } else {
        ctx.error('too-many-args', `'${kind}' cannot handle unexpected argument '${a[fromIdx]}'`);
        return;
      }
    }
    if (!isDefaults) this.checkDuplicate(kind, name, ctx);
    let def: ProxyDraft | undefined = isDefaults ? undefined : this.st.lastDefaults;
    if (fromName !== undefined) {
      const matches = this.st.defaults.filter((d) => d.name === fromName);
      if (matches.length === 0) {
        ctx.error('unknown-defaults', `defaults section '${fromName}' not found for ${kind} '${name}'.`);
        return;
      }
      if (matches.length > 1) {
        ctx.error('ambiguous-defaults', `ambiguous defaults section name '${fromName}' referenced by ${kind} '${name}' exists at least at ${matches[0]!.where.file}:${matches[0]!.where.line} and ${matches[1]!.where.file}:${matches[1]!.where.line}.`);
      }
      def = matches[matches.length - 1];
    }
    if (def) {
      // haproxy warns at every use once a defaults section has been both named by `from` and used implicitly.
      if (fromName !== undefined) this.explicitRefs.add(def);
      else this.implicitRefs.add(def);
      if (this.explicitRefs.has(def) && this.implicitRefs.has(def)) {
        ctx.warn('ambiguous-defaults-use', `defaults section '${def.name}' (declared at ${def.where.file}:${def.where.line}) is explicitly referenced by another proxy and implicitly used here. To avoid any ambiguity don't mix both usage. Add a last defaults section not explicitly used or always use explicit references.`);
      }
    }
    const draft = inheritDraft(kind, name, ctx.where, def);
    if (isDefaults) {
      this.st.defaults.push(draft);
      this.st.lastDefaults = draft;
    } else this.st.proxies.push(draft);
    this.st.current = { kind: 'proxy', draft, inheritedStats: draft.stats };
    if (legacyAddr !== undefined) {
      // haproxy 1.x accepted the listening address on the section line; 2.6 refuses ("please use the 'bind'
      // keyword for listening addresses") and drops the whole section. We keep it as a `bind`.
      ctx.warn('legacy-section-address', `'${kind} ${name} ${legacyAddr}': the address on the section line is haproxy 1.x syntax (haproxy 2.6 rejects it); hapair treats it as 'bind ${legacyAddr}'`,
        `move it to a 'bind ${legacyAddr}' line`);
      draft.binds.push(...parseBind(ctx, legacyAddr, a.length));
    }
  }

  /** Frontends clash with frontends/listens, backends with backends/listens (haproxy proxy_fe/be_by_name). */
  private checkDuplicate(kind: DraftKind, name: string, ctx: StmtCtx): void {
    const fe = kind !== 'backend';
    const be = kind !== 'frontend';
    const other = this.st.proxies.find((p) => p.name === name && ((fe && p.kind !== 'backend') || (be && p.kind !== 'frontend')));
    if (other) {
      const type = (k: DraftKind): string => (k === 'listen' ? 'proxy' : k);
      ctx.error('duplicate-proxy', `${type(kind)} '${name}' has the same name as ${type(other.kind)} '${other.name}' declared at ${other.where.file}:${other.where.line}.`);
    }
  }
}
