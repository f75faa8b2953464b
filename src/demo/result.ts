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
  /** `--preempt`: lb1 runs without nopreempt, so it must take the VIP back (the check the normal run inverts). */
  expectTakeback?: boolean;
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

/** One check: `undefined` when the timeline stopped before it could be made. */
type Check = readonly [ok: boolean | undefined, failure: string, notReached: string];

/** Every check that makes the demo a PASS; failures are named, checks never reached are listed as such. */
export function verdict(r: DemoResult): { pass: boolean; failures: string[] } {
  const known = <T>(v: T | undefined, ok: (v: T) => boolean): boolean | undefined => (v === undefined ? undefined : ok(v));
  const checks: Check[] = [
    [r.error === undefined, `error: ${r.error}`, ''],
    [known(r.vipFirstOn, (v) => v === 'lb1'), `VIP started on ${r.vipFirstOn}, not lb1`, 'not reached: VIP on lb1'],
    [known(r.vipMovedTo, (v) => v === 'lb2'), `VIP on ${r.vipMovedTo} after the failure, not lb2`, 'not reached: failover to lb2'],
    [r.outagePass, `outage ${r.outageMs} ms above the bound ${r.boundMs} ms`, 'not reached: outage measurement'],
    r.expectTakeback
      ? [known(r.takeback, (v) => v), 'lb1 did not take the VIP back (it runs without nopreempt)', 'not reached: takeback check']
      : [known(r.takeback, (v) => !v), 'lb1 took the VIP back (nopreempt)', 'not reached: no-takeback check'],
    ...REQUIRED_MAILS.map(([node, state]): Check => [r.error !== undefined && r.emails.length === 0 ? undefined : hasMail(r.emails, node, state), `no ${state} mail from ${node}`, `not reached: ${state} mail from ${node}`]),
    [known(r.namespacesLeft, (n) => n === 0), `${r.namespacesLeft} demo namespaces left behind`, 'namespaces not verified'],
  ];
  const failures = checks.filter(([ok]) => ok !== true).map(([ok, failure, notReached]) => (ok === undefined ? notReached : failure));
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
    expectTakeback: r.expectTakeback ?? false,
    emails: r.emails.map((m) => ({ node: m.node, subject: m.subject })),
    namespacesLeft: r.namespacesLeft ?? null,
    durationMs: r.durationMs ?? null,
    failures: v.failures,
  };
  return `DEMO-RESULT ${JSON.stringify(out)}`;
}
