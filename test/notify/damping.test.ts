// Flap damping (pure) table tests, and end to end: a storm becomes N mails plus one summary.
import test from 'ava';
import { FlapDamper, dampingConfig } from '../../src/notify/damping.js';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { event } from './_build.js';
import { mailConfig, startNotifier } from './_mail.js';

type Step = [at: number, want: 'send' | 'hold', summaryAt?: number] | ['summary', number];

const cfg = { maxTransitions: 3, windowMs: 10_000, settleMs: 2_000 };
const tables: { title: string; steps: Step[] }[] = [
  { title: 'up to N in the window are sent', steps: [[0, 'send'], [1000, 'send'], [2000, 'send']] },
  { title: 'the (N+1)th starts holding; summary after the settle time', steps: [[0, 'send'], [100, 'send'], [200, 'send'], [300, 'hold', 2300]] },
  { title: 'each held transition pushes the summary, never past start + window', steps: [[0, 'send'], [1, 'send'], [2, 'send'], [1000, 'hold', 3000], [2500, 'hold', 4500], [9500, 'hold', 11000]] },
  { title: 'old transitions leave the sliding window', steps: [[0, 'send'], [1, 'send'], [2, 'send'], [10_500, 'send'], [10_600, 'send']] },
  { title: 'after a summary, a continuing storm holds again', steps: [[0, 'send'], [1, 'send'], [2, 'send'], [3, 'hold', 2003], ['summary', 2003], [2100, 'hold', 4100]] },
  { title: 'after a summary and a quiet window, alerts flow again', steps: [[0, 'send'], [1, 'send'], [2, 'send'], [3, 'hold', 2003], ['summary', 2003], [20_000, 'send']] },
];

for (const tc of tables) {
  test(`damper: ${tc.title}`, (t) => {
    const d = new FlapDamper(cfg);
    for (const s of tc.steps) {
      if (s[0] === 'summary') {
        d.summarySent('k');
        continue;
      }
      const [at, want, summaryAt] = s;
      const got = d.record('k', at);
      t.is(got.action, want, `at ${at}`);
      if (summaryAt !== undefined && got.action === 'hold') t.is(got.summaryAt, summaryAt, `summaryAt at ${at}`);
    }
  });
}

test('damper keys are independent', (t) => {
  const d = new FlapDamper({ ...cfg, maxTransitions: 1 });
  t.is(d.record('a', 0).action, 'send');
  t.is(d.record('b', 0).action, 'send');
  t.is(d.record('a', 1).action, 'hold');
  t.is(d.record('b', 1).action, 'hold');
  t.true(d.holding('a'));
});

test('dampingConfig: minutes to ms, settle capped at one minute and at the window', (t) => {
  t.deepEqual(dampingConfig({ maxTransitions: 6, windowMin: 10 }), { maxTransitions: 6, windowMs: 600_000, settleMs: 60_000 });
  t.deepEqual(dampingConfig({ maxTransitions: 2, windowMin: 0.5 }), { maxTransitions: 2, windowMs: 30_000, settleMs: 30_000 });
});

test('a storm of 10 transitions -> 3 individual mails and one summary listing the 7 held ones', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n, sink } = startNotifier(mailConfig(srv.port, { flapDamping: { maxTransitions: 3, windowMin: 0.025 } })); // 1.5 s window
  t.teardown(() => n.close(500));
  const STATES = ['MASTER', 'BACKUP'] as const;
  for (let i = 0; i < 10; i++) n.transition(event('VI_1', STATES[(i + 1) % 2]!, STATES[i % 2]!, { seq: 300 + i }));
  await srv.waitForMessages(4, 8000);
  await new Promise((r) => setTimeout(r, 500));
  t.is(srv.received.length, 4);
  const mails = await Promise.all(srv.received.map((m) => parseReceived(m)));
  t.deepEqual(mails.slice(0, 3).map((m) => m.subject), [
    '[LB_TEST] VRRP Instance VI_1 - Entering MASTER state',
    '[LB_TEST] VRRP Instance VI_1 - Entering BACKUP state',
    '[LB_TEST] VRRP Instance VI_1 - Entering MASTER state',
  ]);
  const summary = mails[3]!;
  t.is(summary.subject, '[LB_TEST] VRRP Instance VI_1 - Flapping: 7 transitions held, now BACKUP');
  t.is(summary.headers.get('x-hapair-event'), 'INSTANCE VI_1 FLAPPING');
  const text = summary.text ?? '';
  t.is(text.split('\n').filter((l) => / -> (MASTER|BACKUP) \(/.test(l)).length, 7);
  t.true(text.includes('Event #:      309'), 'latest transition in full');
  t.is(sink.lines.filter((l) => l.event === 'alert-held').length, 7);
});

test('held alerts are not lost at shutdown: close() mails the summary', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port, { flapDamping: { maxTransitions: 1, windowMin: 10 } }));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  n.transition(event('VI_1', 'BACKUP', 'STOP'));
  await n.close(5000);
  await srv.waitForMessages(2, 5000);
  const subjects = await Promise.all(srv.received.map(async (m) => (await parseReceived(m)).subject));
  t.deepEqual(subjects, ['[LB_TEST] VRRP Instance VI_1 - Entering MASTER state', '[LB_TEST] VRRP Instance VI_1 - Flapping: 2 transitions held, now STOP']);
});
