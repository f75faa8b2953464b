// Every TransitionReason reads as words in the alert body (code + text + detail), the runtime-error and
// unicast-no-peer reasons included (a FAULT because hapair could not add a VIP must not read as a failed check).
import test from 'ava';
import { REASON_TEXT, bodyFor, type AlertFacts } from '../../src/notify/templates.js';
import type { TransitionReason } from '../../src/vrrp/types.js';

const HOST = { hostname: 'lb1.test', addresses: ['198.18.0.11'] };
const facts = (reason: TransitionReason, detail?: string): AlertFacts => ({
  kind: 'INSTANCE', name: 'VI_1', from: 'MASTER', to: 'FAULT', reason, ...(detail ? { detail } : {}), vips: ['198.18.0.100/24'], routerId: 'lb1', wallTime: 0,
});

const ROWS: readonly [TransitionReason, RegExp][] = [
  ['runtime-error', /^Reason:\s+runtime-error: hapair could not apply the state on this host \(e\.g\. adding a virtual address failed\); retrying$/m],
  ['unicast-no-peer', /^Reason:\s+unicast-no-peer: unicast_fault_no_peer is set and no unicast_peer is configured$/m],
  ['tracker-fault', /^Reason:\s+tracker-fault: a tracked script with weight 0 failed$/m],
];
for (const [reason, want] of ROWS) test(`alert body: ${reason}`, (t) => t.regex(bodyFor(facts(reason, 'runtime: addVips failed'), HOST), want));

test('every reason has its own text', (t) => {
  const texts = Object.values(REASON_TEXT);
  t.is(new Set(texts).size, texts.length);
  t.true(texts.every((x) => x.length > 10 && !/\n/.test(x)));
  t.regex(bodyFor(facts('runtime-error', 'runtime: addVips failed: could not add 198.18.0.102/24 dev dum0'), HOST), /^Detail:\s+runtime: addVips failed: could not add/m);
});
