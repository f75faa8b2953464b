// Pure agent-check protocol (haproxy.md §3): framing of the reply, word parsing, and the resulting status,
// description and weight. Words are case-insensitive, separated by space/tab/comma, last word per category
// wins, `#` starts a free-text description.
import type { CheckStatusCode } from '../types.js';

export type AgentHealthWord = 'up' | 'down' | 'stopped' | 'fail';
export type AgentAdminWord = 'ready' | 'drain' | 'maint';

export interface AgentReply {
  readonly health?: AgentHealthWord;
  readonly admin?: AgentAdminWord;
  readonly weightPct?: number;
  readonly maxconn?: number;
  readonly description?: string;
  /** First word that was not understood ("agent reports an error : X"). */
  readonly error?: string;
}

/** haproxy tune.bufsize: an agent line must arrive within this many bytes. */
export const AGENT_BUFSIZE = 16384;

export type AgentFrame =
  | { readonly kind: 'line'; readonly line: string }
  | { readonly kind: 'incomplete' } // peer closed or buffer full before CR/LF: the reply is ignored
  | { readonly kind: 'wait' };

/** The reply is only the bytes before the first CR or LF; anything else waits for more (or is ignored). */
export function frameAgentReply(buf: Buffer, eof: boolean): AgentFrame {
  const limit = Math.min(buf.length, AGENT_BUFSIZE);
  for (let i = 0; i < limit; i++) {
    const c = buf[i];
    if (c === 0x0a || c === 0x0d) return { kind: 'line', line: buf.toString('latin1', 0, i) };
  }
  if (eof || buf.length >= AGENT_BUFSIZE) return { kind: 'incomplete' };
  return { kind: 'wait' };
}

const HEALTH_WORDS: ReadonlySet<string> = new Set(['up', 'down', 'stopped', 'fail']);
const ADMIN_WORDS: ReadonlySet<string> = new Set(['ready', 'drain', 'maint']);

/** Parses one agent line into its categories (no side effects; see applyAgentWeight for the weight maths). */
export function parseAgentLine(line: string): AgentReply {
  const hash = line.indexOf('#');
  const words = (hash >= 0 ? line.slice(0, hash) : line).split(/[ \t,]+/).filter((w) => w.length > 0);
  const description = hash >= 0 ? line.slice(hash + 1).replace(/^[ \t]+/, '').replace(/[ \t]+$/, '') : undefined;
  let health: AgentHealthWord | undefined;
  let admin: AgentAdminWord | undefined;
  let weightPct: number | undefined;
  let maxconn: number | undefined;
  let error: string | undefined;
  for (const raw of words) {
    const w = raw.toLowerCase();
    if (HEALTH_WORDS.has(w)) health = w as AgentHealthWord;
    else if (ADMIN_WORDS.has(w)) admin = w as AgentAdminWord;
    else if (/^[0-9]/.test(w) && w.includes('%')) {
      const m = /^(\d+)%$/.exec(w);
      if (m) weightPct = Number(m[1]);
      else error ??= raw;
    } else if (w.startsWith('maxconn:')) {
      const m = /^maxconn:(\d+)$/.exec(w);
      if (m) maxconn = Number(m[1]);
      else error ??= raw;
    } else error ??= raw;
  }
  return {
    ...(health !== undefined ? { health } : {}),
    ...(admin !== undefined ? { admin } : {}),
    ...(weightPct !== undefined ? { weightPct } : {}),
    ...(maxconn !== undefined ? { maxconn } : {}),
    ...(description !== undefined && description.length > 0 ? { description } : {}),
    ...(error !== undefined ? { error } : {}),
  };
}

export type WeightChange = { readonly ok: true; readonly uweight: number } | { readonly ok: false; readonly warning: string };

/**
 * `N%` of the initial weight: N capped at 25600, integer division, result capped at 256 (weight 1 at 50% -> 0).
 * Static algorithms (static-rr, map-based hashes) only accept 0% and 100% (haproxy.md §3).
 */
export function applyAgentWeight(pct: number, iweight: number, staticAlgo: boolean): WeightChange {
  if (staticAlgo && pct !== 0 && pct !== 100) {
    return { ok: false, warning: "Backend is using a static LB algorithm and only accepts weights '0%' and '100%'." };
  }
  const n = Math.min(pct, 25600);
  return { ok: true, uweight: Math.min(256, Math.floor((iweight * n) / 100)) };
}

export interface AgentVerdict {
  readonly status: CheckStatusCode;
  /** last_agt text: "via agent : down (planned reboot)" or the error/warning text. */
  readonly desc: string;
}

/** Printable form of agent-supplied text for logs and the stats page (controls escaped, bounded). */
export function sanitizeAgentText(s: string, max = 200): string {
  const clean = s.replace(/[\x00-\x1f\x7f-\xff]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return clean.length > max ? `${clean.slice(0, max)}...` : clean;
}

/** Status and description once the side effects are known (`warning` from a rejected weight change). */
export function agentVerdict(reply: AgentReply, warning?: string): AgentVerdict {
  const note = reply.description ?? (reply.error !== undefined ? `agent reports an error : ${reply.error}` : warning);
  if (reply.health === undefined) return { status: 'CHECKED', desc: sanitizeAgentText(note ?? '') };
  const status: CheckStatusCode = reply.health === 'up' ? 'L7OK' : 'L7STS';
  return { status, desc: sanitizeAgentText(`via agent : ${reply.health}${note !== undefined ? ` (${note})` : ''}`) };
}
