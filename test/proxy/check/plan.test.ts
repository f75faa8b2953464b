// Pure plan compilation table: the HTTP request a plan sends comes from the effective send rules as they are
// (the loader already merged `option httpchk` into them); only a plan without any send uses the option line.
import test from 'ava';
import { healthPlan, type HttpRequestSpec, type PlanStep } from '../../../src/proxy/check/plan.js';
import type { CheckRule, HealthCheckConfig } from '../../../src/proxy/types.js';
import { healthCheck } from '../../helpers/check-fixtures.js';

const where = { file: 't.cfg', line: 1 };
const OPTION: HealthCheckConfig['httpRequest'] = { method: 'GET', uri: '/opt', version: 'HTTP/1.1', headers: [['Host', 'from-option']] };
const send = (headers: [string, string][], extra: Partial<Extract<CheckRule, { kind: 'http-send' }>> = {}): CheckRule =>
  ({ kind: 'http-send', method: 'GET', uri: '/rule', version: 'HTTP/1.1', headers, where, ...extra });
const expect200: CheckRule = { kind: 'expect', negate: false, match: 'status', pattern: '200', where };

function requests(steps: readonly PlanStep[]): HttpRequestSpec[] {
  return steps.flatMap((s) => (s.kind === 'http-send' ? [s.request] : []));
}

const ROWS: [string, CheckRule[], Partial<HttpRequestSpec>[]][] = [
  ['a send rule without headers sends none (no fallback to the option line)', [send([])], [{ uri: '/rule', headers: [] }]],
  ['a send rule with headers sends exactly those', [send([['X-A', '1']])], [{ headers: [['X-A', '1']] }]],
  ['two sends: each its own headers', [send([['X-A', '1']]), expect200, send([], { uri: '/second' })], [{ headers: [['X-A', '1']] }, { uri: '/second', headers: [] }]],
  ['no send rule: the option line is the request', [expect200], [{ uri: '/opt', headers: [['Host', 'from-option']] }]],
  ['empty method/uri/version of a hand-built rule fall back to the option line', [send([], { method: '', uri: '', version: '' })], [{ method: 'GET', uri: '/opt', version: 'HTTP/1.1', headers: [] }]],
];

for (const [name, rules, want] of ROWS) {
  test(`http plan: ${name}`, (t) => {
    const got = requests(healthPlan(healthCheck({ type: 'http', httpRequest: OPTION, rules })).steps);
    t.is(got.length, want.length);
    want.forEach((w, i) => t.like(got[i], w));
  });
}
