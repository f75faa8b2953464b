// Stats page admin POST (haproxy.md §7.4): url-encoded `s` (repeatable), `b`, `action`; parameters scanned from
// the end (the last `b`/`action` win); one action table applied to every named server; result code for `;st=`.
import type { BackendView, CheckControl, ProxyRuntimeView, ServerControl, ServerTransitionCause } from '../types.js';

export type PostResult = 'DONE' | 'PART' | 'ERRP' | 'EXCD' | 'DENY' | 'NONE' | 'UNKN' | 'IVAL';

/** haproxy refuses POST bodies that do not fit its buffer (tune.bufsize): EXCD. */
export const MAX_POST_BYTES = 16384;

type Apply = (s: ServerControl, checks: CheckControl, cause: ServerTransitionCause) => boolean;

const admin = (state: 'ready' | 'drain' | 'maint'): Apply => (s, checks, cause) => {
  s.setAdmin(state, cause);
  checks.adminChanged?.(s);
  return true;
};
const health = (on: boolean): Apply => (s, checks) => {
  if (!s.check) return false; // only servers with a configured health check count
  checks.setHealthEnabled(s, on);
  return true;
};
const agent = (on: boolean): Apply => (s, checks) => {
  if (!s.agent) return false;
  checks.setAgentEnabled(s, on);
  return true;
};
const forceHealth = (state: 'up' | 'stopping' | 'down'): Apply => (s, checks, cause) => {
  if (!s.check?.enabled) return false;
  checks.forceHealth(s, state, cause);
  return true;
};
const forceAgent = (state: 'up' | 'down'): Apply => (s, checks, cause) => {
  if (!s.agent?.enabled) return false;
  checks.forceAgent(s, state, cause);
  return true;
};

/** action value -> effect; returns whether the server was altered. Legacy values map like haproxy's. */
export const ADMIN_ACTIONS: Readonly<Record<string, { readonly label: string; readonly apply: Apply; readonly legacy?: boolean }>> = {
  ready: { label: 'Set state to READY', apply: admin('ready') },
  drain: { label: 'Set state to DRAIN', apply: admin('drain') },
  maint: { label: 'Set state to MAINT', apply: admin('maint') },
  dhlth: { label: 'Health: disable checks', apply: health(false) },
  ehlth: { label: 'Health: enable checks', apply: health(true) },
  hrunn: { label: 'Health: force UP', apply: forceHealth('up') },
  hnolb: { label: 'Health: force NOLB', apply: forceHealth('stopping') },
  hdown: { label: 'Health: force DOWN', apply: forceHealth('down') },
  dagent: { label: 'Agent: disable checks', apply: agent(false) },
  eagent: { label: 'Agent: enable checks', apply: agent(true) },
  arunn: { label: 'Agent: force UP', apply: forceAgent('up') },
  adown: { label: 'Agent: force DOWN', apply: forceAgent('down') },
  shutdown: { label: 'Kill sessions', apply: (s) => (s.killSessions('K'), true) },
  disable: { label: 'MAINT (legacy)', apply: admin('maint'), legacy: true },
  enable: { label: 'READY (legacy)', apply: admin('ready'), legacy: true },
  stop: { label: 'DRAIN (legacy)', apply: admin('drain'), legacy: true },
  start: { label: 'READY (legacy)', apply: admin('ready'), legacy: true },
};

/** application/x-www-form-urlencoded -> ordered pairs; undefined when a %-escape is malformed. */
export function parseForm(body: string): [string, string][] | undefined {
  const out: [string, string][] = [];
  for (const part of body.split('&')) {
    if (part === '') continue;
    const eq = part.indexOf('=');
    const k = eq < 0 ? part : part.slice(0, eq);
    const v = eq < 0 ? '' : part.slice(eq + 1);
    try {
      out.push([decodeURIComponent(k.replace(/\+/g, ' ')), decodeURIComponent(v.replace(/\+/g, ' '))]);
    } catch {
      return undefined;
    }
  }
  return out;
}

/** `b` is a backend name or `#<iid>`. */
export function findBackend(rt: ProxyRuntimeView, ref: string): BackendView | undefined {
  if (ref.startsWith('#')) {
    for (const be of rt.backends.values()) if (String(be.id) === ref.slice(1)) return be;
    return undefined;
  }
  return rt.backends.get(ref);
}

export interface PostOutcome {
  readonly result: PostResult;
  readonly backend?: string;
  readonly action?: string;
  readonly altered: readonly string[];
}

/** Applies one admin POST. Counting as haproxy: unknown servers count in the total but are never altered. */
export function processAdminPost(rt: ProxyRuntimeView, checks: CheckControl, body: Buffer, cause: ServerTransitionCause): PostOutcome {
  if (body.length > MAX_POST_BYTES) return { result: 'EXCD', altered: [] };
  const form = parseForm(body.toString('latin1'));
  if (!form) return { result: 'ERRP', altered: [] };
  let be: BackendView | undefined;
  let action: string | undefined;
  const names: string[] = [];
  for (let i = form.length - 1; i >= 0; i--) {
    const [k, v] = form[i]!;
    if (k === 'b' && be === undefined) {
      be = findBackend(rt, v);
      if (!be) return { result: 'ERRP', altered: [] };
    } else if (k === 'action' && action === undefined) {
      if (!Object.hasOwn(ADMIN_ACTIONS, v)) return { result: 'ERRP', altered: [] };
      action = v;
    } else if (k === 's') names.unshift(v);
  }
  if (!be || !action || names.length === 0) return { result: 'NONE', altered: [] };
  const effect = ADMIN_ACTIONS[action]!;
  let total = 0;
  const altered: string[] = [];
  for (const name of names) {
    const matches = be.servers.filter((s) => s.name === name);
    if (matches.length !== 1) {
      total++; // unknown or ambiguous name
      continue;
    }
    const s = matches[0]!;
    if (effect.apply(s, checks, cause)) {
      total++;
      altered.push(s.name);
    }
  }
  const result: PostResult = total === 0 ? 'NONE' : altered.length === total ? 'DONE' : altered.length === 0 ? 'ERRP' : 'PART';
  return { result, backend: be.name, action, altered };
}

/** Banner shown on the page after the 303 redirect (`;st=CODE`). */
export const POST_RESULT_TEXT: Readonly<Record<PostResult, { readonly cls: string; readonly text: string }>> = {
  DONE: { cls: 'ok', text: 'Done: the action was applied to every selected server.' },
  PART: { cls: 'warn', text: 'Partly done: some server names were unknown or ambiguous and were skipped.' },
  NONE: { cls: 'info', text: 'Nothing changed: no server, backend or action was selected, or the action does not apply.' },
  ERRP: { cls: 'err', text: 'Not applied: unknown action, unknown backend, or none of the servers could be changed.' },
  EXCD: { cls: 'err', text: 'Not applied: the request was too large. Select fewer servers at a time.' },
  DENY: { cls: 'err', text: 'Denied: this user may not change servers (no matching `stats admin` rule).' },
  IVAL: { cls: 'err', text: 'Invalid request.' },
  UNKN: { cls: 'err', text: 'Unexpected result.' },
};
