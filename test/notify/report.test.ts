// Scheduled report: pure text builder, and a real cron tick (6-field, every second) delivering the report mail.
import test from 'ava';
import { reportText } from '../../src/notify/report.js';
import type { VrrpStatus } from '../../src/vrrp/types.js';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';
import { config, event, group, instance } from './_build.js';
import { mailConfig, startNotifier } from './_mail.js';

const status: VrrpStatus = {
  routerId: 'LB_TEST',
  pid: 123,
  configFile: '/etc/hapair/keepalived.conf',
  startedAt: '2024-01-01T00:00:00.000Z',
  instances: [{
    name: 'VI_1', state: 'MASTER', since: '2024-01-01T00:00:05.000Z', lastReason: 'master-down-timer', interface: 'eth0', vrid: 51, version: 2,
    basePriority: 100, effectivePriority: 100, nopreempt: false, vips: ['198.18.1.10/32'], vipsInstalled: true,
    trackers: [{ kind: 'script', name: 'chk_proxy', ok: false, weight: -20, contribution: -20, lastResult: 'exit 1' }],
    counters: { rx: 1, tx: 2, rejected: {}, becameMaster: 1, releasedMaster: 0, priorityZeroRx: 0, priorityZeroTx: 0 },
  }],
};

test('reportText: transitions, instance and tracker state, spool health', (t) => {
  const e = event('VI_1', 'BACKUP', 'MASTER', { wallTime: Date.parse('2024-01-01T00:00:05.000Z'), detail: 'peer silent' });
  const r = reportText({
    routerId: 'LB_TEST', host: { hostname: 'lb1', addresses: ['198.18.0.1'] }, sinceWall: Date.parse('2024-01-01T00:00:00Z'), nowWall: Date.parse('2024-01-01T08:00:00Z'),
    transitions: [e], droppedTransitions: 0, status,
    delivery: { spoolDir: '/var/spool/hapair', spool: { pending: 2, perRecipient: { 'ops@x.test': 2 }, failed: 1, oldestWall: Date.parse('2024-01-01T07:00:00Z') }, relayDown: true, queues: { 'ops@x.test': { attempts: 3, lastError: 'connection refused: ECONNREFUSED' } }, memoryOnly: 0 },
  });
  t.is(r.subject, '[LB_TEST] hapair report - 1 transition since 2024-01-01T00:00:00.000Z');
  for (const want of [
    'INSTANCE VI_1  BACKUP -> MASTER  (master-down-timer: peer silent)', 'VI_1: MASTER since 2024-01-01T00:00:05.000Z (master-down-timer), priority 100/100',
    'script chk_proxy: FAILED, weight -20, contributes -20 (exit 1)', 'pending deliveries: 2 (oldest 60 min old)', 'ops@x.test: 2 pending, last error: connection refused',
    'given up (5xx or too old): 1', 'relay: UNREACHABLE', 'spool: /var/spool/hapair',
  ]) t.true(r.text.includes(want), `has ${want}:\n${r.text}`);
});

test('reportText: no transitions, unavailable status, unusable spool', (t) => {
  const r = reportText({ routerId: 'R', host: { hostname: 'h', addresses: [] }, sinceWall: 0, nowWall: 1000, transitions: [], droppedTransitions: 0, status: { error: 'control socket down' }, delivery: { relayDown: false, queues: {}, memoryOnly: 2 } });
  t.is(r.subject, '[R] hapair report - 0 transitions since 1970-01-01T00:00:00.000Z');
  t.true(r.text.includes('(none)'));
  t.true(r.text.includes('status unavailable: control socket down'));
  t.true(r.text.includes('UNUSABLE'));
  t.true(r.text.includes('held in memory only (spool write failed): 2'));
});

test('alert_report_cron fires (every second here) and mails transitions since the last report + status', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const cfg = mailConfig(srv.port, { reportCron: '*/1 * * * * *' }, [instance('VI_1', { smtpAlert: false })]);
  const { n } = startNotifier(cfg, { statusProvider: () => status });
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  n.transition(event('VI_1', 'MASTER', 'BACKUP'));
  const got = await srv.waitForMessages(1, 5000);
  const mail = await parseReceived(got[0]!);
  t.regex(mail.subject ?? '', /^\[LB_TEST\] hapair report - 2 transitions since /);
  t.is(mail.headers.get('x-hapair-event'), 'REPORT');
  t.true((mail.text ?? '').includes('script chk_proxy: FAILED'));
  t.true((mail.text ?? '').includes('BACKUP -> MASTER'));
  await srv.waitForMessages(2, 5000);
  const next = await parseReceived(srv.received[1]!);
  t.regex(next.subject ?? '', /- 0 transitions since/, 'the next report starts from the previous one');
});

test('a failing status provider only degrades the report', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const { n } = startNotifier(mailConfig(srv.port), { statusProvider: () => Promise.reject(new Error('socket gone')) });
  t.teardown(() => n.close(500));
  await n.reportNow();
  const [m] = await srv.waitForMessages(1);
  t.true(((await parseReceived(m!)).text ?? '').includes('status unavailable: socket gone'));
});

test('the report lists sync group members whose own alerts the group notification covered', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const m = mailConfig(srv.port).global.mail;
  const cfg = config([instance('VI_1', { smtpAlert: true, syncGroup: 'G' }), instance('VI_2', { smtpAlert: true, syncGroup: 'G' })], m, [group('G', ['VI_1', 'VI_2'], {}, true)]);
  const { n } = startNotifier(cfg);
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'INIT', 'BACKUP'));
  n.transition(event('VI_2', 'INIT', 'BACKUP'));
  n.transition(event('G', 'INIT', 'BACKUP', { kind: 'GROUP' }));
  n.transition(event('G', 'BACKUP', 'MASTER', { kind: 'GROUP' }));
  n.transition(event('VI_1', 'BACKUP', 'MASTER')); // covered by the group: no mail of its own
  n.transition(event('VI_2', 'BACKUP', 'MASTER'));
  await srv.waitForMessages(4);
  await n.reportNow();
  const got = await srv.waitForMessages(5);
  const subjects = await Promise.all(got.map(async (x) => (await parseReceived(x)).subject));
  t.deepEqual(subjects.slice(0, 4).sort(), [
    '[LB_TEST] VRRP Group G - Entering BACKUP state', '[LB_TEST] VRRP Group G - Entering MASTER state',
    '[LB_TEST] VRRP Instance VI_1 - Entering BACKUP state', '[LB_TEST] VRRP Instance VI_2 - Entering BACKUP state',
  ]);
  const report = (await parseReceived(got[4]!)).text ?? '';
  t.regex(subjects[4] ?? '', /hapair report - 6 transitions since/);
  for (const want of ['INSTANCE VI_1  BACKUP -> MASTER', 'INSTANCE VI_2  BACKUP -> MASTER', 'GROUP G  BACKUP -> MASTER']) t.true(report.includes(want), `${want}:\n${report}`);
});

test('a transition that arrives while the report reads the status goes to the next report, never before its period', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  let release!: () => void;
  let reading!: () => void;
  const statusRead = new Promise<void>((r) => (reading = r));
  // The status provider answers only after a transition has happened behind the report's back.
  const { n } = startNotifier(mailConfig(srv.port, {}, [instance('VI_1', { smtpAlert: false })]), {
    statusProvider: () => new Promise<VrrpStatus>((r) => { release = () => r(status); reading(); }),
  });
  t.teardown(() => n.close(500));
  n.transition(event('VI_1', 'INIT', 'BACKUP'));
  const first = n.reportNow();
  await statusRead;
  n.transition(event('VI_1', 'BACKUP', 'MASTER'));
  release();
  await first;
  const [m1] = await srv.waitForMessages(1, 5000);
  const t1 = (await parseReceived(m1!)).text ?? '';
  t.true(t1.includes('INIT -> BACKUP'), t1);
  t.false(t1.includes('BACKUP -> MASTER'), 'after the period this report covers');
  const second = n.reportNow();
  release();
  await second;
  const got = await srv.waitForMessages(2, 5000);
  const t2 = (await parseReceived(got[1]!)).text ?? '';
  t.true(t2.includes('BACKUP -> MASTER'), t2);
  t.false(t2.includes('INIT -> BACKUP'), 'listed once');
});
