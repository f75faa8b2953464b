// The demo's verdict and its machine-readable summary line (pure).

export interface MailSeen {
  readonly at: number; // epoch ms when the mail server accepted it
  readonly node: string; // router_id from the subject prefix (else the sender)
  readonly from: string;
  readonly subject: string;
}

export interface DemoResult {
  vipFirstOn?: string;
  vipMovedTo?: string;
  outageMs?: number;
  boundMs?: number;
  outagePass?: boolean;
  takeback?: boolean;
  emails: MailSeen[];
  namespacesLeft?: number;
  error?: string;
  durationMs?: number;
}

/** The alert mails the timeline must produce: [node, state word in the subject]. */
export const REQUIRED_MAILS: readonly (readonly [string, string])[] = [
  ['lb2', 'MASTER'],
  ['lb1', 'FAULT'],
];

export function hasMail(mails: readonly MailSeen[], node: string, state: string): boolean {
  return mails.some((m) => m.node === node && m.subject.includes(`Entering ${state} state`));
}

/** Every check that makes the demo a PASS, with a short name for the failures list. */
export function verdict(r: DemoResult): { pass: boolean; failures: string[] } {
  const checks: [boolean, string][] = [
    [r.error === undefined, `error: ${r.error}`],
    [r.vipFirstOn === 'lb1', 'VIP did not start on lb1'],
    [r.vipMovedTo === 'lb2', 'VIP did not move to lb2'],
    [r.outagePass === true, `outage ${r.outageMs ?? '?'} ms above the bound ${r.boundMs ?? '?'} ms`],
    [r.takeback === false, 'lb1 took the VIP back (nopreempt)'],
    ...REQUIRED_MAILS.map(([node, state]): [boolean, string] => [hasMail(r.emails, node, state), `no ${state} mail from ${node}`]),
    [r.namespacesLeft === 0, 'demo namespaces left behind'],
  ];
  const failures = checks.filter(([ok]) => !ok).map(([, why]) => why);
  return { pass: failures.length === 0, failures };
}

/** `DEMO-RESULT {...}`: one line a CI job or test can parse. */
export function resultLine(r: DemoResult): string {
  const v = verdict(r);
  const out = {
    pass: v.pass,
    vipFirstOn: r.vipFirstOn ?? null,
    vipMovedTo: r.vipMovedTo ?? null,
    outageMs: r.outageMs ?? null,
    boundMs: r.boundMs ?? null,
    takeback: r.takeback ?? null,
    emails: r.emails.map((m) => ({ node: m.node, subject: m.subject })),
    namespacesLeft: r.namespacesLeft ?? null,
    durationMs: r.durationMs ?? null,
    failures: v.failures,
  };
  return `DEMO-RESULT ${JSON.stringify(out)}`;
}
