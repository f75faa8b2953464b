// Named ACL sets, haproxy's predefined ACLs and if/unless conditions -> predicates (pure).
// Semantics: lines with the same name are OR-ed; a condition is an OR (`||`/`or`) of AND-ed terms (juxtaposition),
// each optionally negated with `!`; `unless` inverts the whole result (haproxy configuration.txt §7.2).
import type { AclConfig, Condition, ProxySection, SourceRef } from '../types.js';
import type { AclSample } from './sample.js';
import { compileAcl, isCompileError, type AclPredicate, type AclCompileError } from './match.js';

const where: SourceRef = { file: '<predefined>', line: 0 };
const acl = (criterion: string, patterns: string[], extra: Partial<AclConfig> = {}): AclConfig =>
  ({ name: '', criterion, ignoreCase: false, patterns, where, ...extra });

/** haproxy 2.6 predefined ACLs (configuration.txt §7.4) that make sense without TLS/RDP. */
const PREDEFINED_SPECS: Record<string, AclConfig | boolean> = {
  TRUE: true,
  FALSE: false,
  LOCALHOST: acl('src', ['127.0.0.1/8', '::1']),
  HTTP_1_0: acl('req.ver', ['1.0']),
  'HTTP_1.0': acl('req.ver', ['1.0']),
  HTTP_1_1: acl('req.ver', ['1.1']),
  'HTTP_1.1': acl('req.ver', ['1.1']),
  HTTP_URL_ABS: acl('url_reg', ['^[^/:]*://']),
  HTTP_URL_SLASH: acl('url_beg', ['/']),
  HTTP_URL_STAR: acl('url', ['*']),
  METH_CONNECT: acl('method', ['CONNECT']),
  METH_DELETE: acl('method', ['DELETE']),
  METH_GET: acl('method', ['GET', 'HEAD']),
  METH_HEAD: acl('method', ['HEAD']),
  METH_OPTIONS: acl('method', ['OPTIONS']),
  METH_POST: acl('method', ['POST']),
  METH_PUT: acl('method', ['PUT']),
  METH_TRACE: acl('method', ['TRACE']),
};

const PREDEFINED = new Map<string, AclPredicate>();
for (const [name, spec] of Object.entries(PREDEFINED_SPECS)) {
  if (typeof spec === 'boolean') PREDEFINED.set(name, () => spec);
  else {
    const p = compileAcl(spec);
    if (!isCompileError(p)) PREDEFINED.set(name, p);
  }
}
// HTTP: the request was parsed as HTTP; HTTP_CONTENT: it announces a body.
PREDEFINED.set('HTTP', (s) => s.method() !== undefined);
PREDEFINED.set('HTTP_CONTENT', (s) => s.contentLength() > 0);
PREDEFINED.set('REQ_CONTENT', (s) => s.contentLength() > 0);
PREDEFINED.set('WAIT_END', () => true);

export function isPredefinedAcl(name: string): boolean {
  return PREDEFINED.has(name);
}

export interface AclProblem extends AclCompileError {
  readonly where: SourceRef;
}

/** A proxy's named ACLs compiled once (at start and on reload). */
export class AclSet {
  private readonly named = new Map<string, AclPredicate>();
  readonly problems: AclProblem[] = [];

  constructor(acls: readonly AclConfig[]) {
    const groups = new Map<string, AclPredicate[]>();
    for (const a of acls) {
      const p = compileAcl(a);
      if (isCompileError(p)) {
        this.problems.push({ ...p, where: a.where });
        continue;
      }
      const g = groups.get(a.name);
      if (g) g.push(p);
      else groups.set(a.name, [p]);
    }
    for (const [name, preds] of groups) {
      this.named.set(name, preds.length === 1 ? preds[0]! : (s) => preds.some((p) => p(s)));
    }
  }

  /** Named ACL of this proxy, else a predefined one; undefined if neither exists. */
  lookup(name: string): AclPredicate | undefined {
    return this.named.get(name) ?? PREDEFINED.get(name);
  }

  /** Compiles a condition. Unknown ACL names (the loader should have refused them) evaluate false and are
   *  reported in `problems`. */
  compile(cond: Condition): AclPredicate {
    const ors: AclPredicate[][] = cond.anyOf.map((terms) =>
      terms.map((term) => {
        let p: AclPredicate;
        if ('acl' in term) {
          const found = this.lookup(term.acl);
          if (!found) {
            this.problems.push({ code: 'acl-unknown-criterion', message: `unknown ACL '${term.acl}'`, where: cond.where });
            p = () => false;
          } else p = found;
        } else {
          const c = compileAcl(term.anonymous);
          if (isCompileError(c)) {
            this.problems.push({ ...c, where: term.anonymous.where });
            p = () => false;
          } else p = c;
        }
        if (!term.negate) return p;
        const inner = p;
        return (s: AclSample) => !inner(s);
      }),
    );
    const anyOf = (s: AclSample): boolean => {
      for (const and of ors) {
        let all = true;
        for (const p of and) {
          if (!p(s)) {
            all = false;
            break;
          }
        }
        if (all) return true;
      }
      return false;
    };
    return cond.polarity === 'unless' ? (s) => !anyOf(s) : anyOf;
  }
}

/** The routing decision of a frontend: `use_backend` rules in order (first match), then `default_backend`.
 *  Returns the backend name or undefined (=> 503 "no server"). */
export interface Router {
  route(s: AclSample): string | undefined;
  /** True when routing needs nothing from the request (no rules): lets the engine skip building a sample. */
  readonly static: boolean;
  readonly problems: readonly AclProblem[];
}

export function compileRouter(section: ProxySection): Router {
  const set = new AclSet(section.acls);
  const rules = section.useBackends.map((r) => ({ backend: r.backend, cond: r.cond ? set.compile(r.cond) : undefined }));
  const fallback = section.defaultBackend ?? (section.kind === 'listen' ? section.name : undefined);
  if (rules.length === 0) return { route: () => fallback, static: true, problems: set.problems };
  return {
    route(s) {
      for (const r of rules) if (!r.cond || r.cond(s)) return r.backend;
      return fallback;
    },
    static: false,
    problems: set.problems,
  };
}
