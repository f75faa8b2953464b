// Builds AlertMessages (pure): sanitises every header value once, at assignment, and fixes the Message-ID.
import { randomBytes } from 'node:crypto';
import type { AlertMessage } from './alert.js';
import { bodyText, headerText } from './address.js';
import type { TransitionEvent } from './types.js';
import { bodyFor, subjectFor, type AlertFacts, type HostFacts } from './templates.js';

export interface Envelope {
  readonly from: string;
  readonly recipients: readonly string[]; // already validated addresses
}

/** A host name usable on the right of a Message-ID. */
function idDomain(hostname: string): string {
  const d = hostname.replace(/[^A-Za-z0-9.-]/g, '-').replace(/^[.-]+|[.-]+$/g, '');
  return d || 'localhost';
}

/** Transition event -> the facts the templates render. */
export function factsFromEvent(e: TransitionEvent): AlertFacts {
  return {
    kind: e.kind,
    name: e.name,
    from: e.from,
    to: e.to,
    reason: e.reason,
    ...(e.detail !== undefined ? { detail: e.detail } : {}),
    basePriority: e.basePriority,
    effectivePriority: e.effectivePriority,
    vips: e.vips,
    ...(e.masterSeen ? { masterSeen: e.masterSeen } : {}),
    ...(e.interface !== undefined ? { interface: e.interface } : {}),
    routerId: e.routerId,
    wallTime: e.wallTime,
    seq: e.seq,
  };
}

/**
 * The one constructor of AlertMessage: subject and custom header values pass through headerText (CR/LF and
 * control characters become spaces), so no name, reason detail or router_id can inject a header.
 */
export function composeAlert(
  kind: AlertMessage['kind'],
  parts: { subject: string; text: string; createdWall: number; target?: string; headers?: Record<string, string> },
  env: Envelope,
  host: HostFacts,
): AlertMessage {
  const headers: Record<string, string> = { 'X-Mailer': 'hapair' };
  for (const [k, v] of Object.entries(parts.headers ?? {})) {
    if (/^X-[A-Za-z0-9-]+$/.test(k)) headers[k] = headerText(v);
  }
  return {
    v: 1,
    kind,
    createdWall: parts.createdWall,
    from: env.from,
    to: [...env.recipients],
    subject: headerText(parts.subject, 250),
    text: bodyText(parts.text),
    messageId: `<hapair.${parts.createdWall}.${randomBytes(6).toString('hex')}@${idDomain(host.hostname)}>`,
    headers,
    ...(parts.target !== undefined ? { target: headerText(parts.target) } : {}),
  };
}

/** A transition alert (keepalived subject form, detailed body). */
export function transitionAlert(f: AlertFacts, env: Envelope, host: HostFacts): AlertMessage {
  return composeAlert(
    'transition',
    {
      subject: subjectFor(f),
      text: bodyFor(f, host),
      createdWall: f.wallTime,
      target: `${f.kind}:${f.name}`,
      headers: { 'X-Hapair-Event': `${f.kind} ${f.name} ${f.to}`, 'X-Hapair-Router-Id': f.routerId },
    },
    env,
    host,
  );
}
