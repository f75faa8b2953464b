// Real failover between two `hapair vrrp` nodes in a namespace lab: MASTER mail from the new master,
// FAULT/BACKUP mail from the old one (tracker and link down), STOP mails on shutdown, the cron report with the
// daemon's real status, all parsed back from an SMTP server in a third namespace.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import { requireRoot } from '../helpers/root.js';
import { hasVip, startHapair, waitHolders, waitUntil, type VrrpNode } from '../helpers/lab-vrrp.js';
import { Daemon } from '../helpers/proc.js';
import { VIP, conf, pairLab } from '../helpers/lab-timeline.js';
import { SmtpServerProc, parseReceived } from '../helpers/smtp-server.js';
import { cliMain, tmpDir } from '../helpers/paths.js';

const MAIL_HOST = '198.18.0.25';
const RCPT = 'noc@example.test';

/** The lab config of one node plus the mail settings (global smtp_alert, own spool, relay in the mail namespace). */
function withMail(text: string, node: string, spool: string): string {
  const mail = [
    'global_defs {',
    `    notification_email {`,
    `        ${RCPT}`,
    '    }',
    `    notification_email_from lb-${node}@example.test`,
    `    smtp_server ${MAIL_HOST} 2525`,
    '    smtp_connect_timeout 3',
    '    smtp_alert',
    `    alert_spool_dir ${spool}`,
    '    alert_flap_damping 20 10',
  ].join('\n');
  return text.replace('global_defs {', mail);
}

async function mails(srv: SmtpServerProc) {
  return Promise.all(srv.received.map(async (m) => ({ m, mail: await parseReceived(m) })));
}

/** Waits for the `nth` (1-based) mail with this subject. */
async function waitSubject(srv: SmtpServerProc, subject: string, timeoutMs: number, nth = 1): Promise<Awaited<ReturnType<typeof mails>>[number]> {
  const end = Date.now() + timeoutMs;
  for (let i = 0; i < 1000 && Date.now() < end; i++) {
    const hit = (await mails(srv)).filter((x) => x.mail.subject === subject)[nth - 1];
    if (hit) return hit;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no mail '${subject}' within ${timeoutMs} ms; got: ${(await mails(srv)).map((x) => x.mail.subject).join(' | ')}`);
}

test.serial('two hapair nodes: failover mails from both sides, with reason, priorities, master seen and node addresses', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa, fb } = await pairLab(t);
  const m = await lab.addNode({ name: 'm', ip: MAIL_HOST });
  const srv = await SmtpServerProc.start({ port: 2525, host: MAIL_HOST, maildir: tmpDir() }, ['ip', 'netns', 'exec', m.ns]);
  t.teardown(() => srv.stop());
  const v3 = { unicast: false, version: 3 as const, advertInt: 0.2 };
  const spoolA = path.join(fa.dir, 'spool');
  const spoolB = path.join(fb.dir, 'spool');
  // a first, so b never wins a start-up race: the expected mail sequences below are exact.
  const hi: VrrpNode = startHapair(lab, a, withMail(conf(a, b, 150, fa, v3), 'a', spoolA), fa.dir);
  await waitHolders(lab, [hi], VIP, ['a'], 8000);
  await waitSubject(srv, '[a] VRRP Instance VI_1 - Entering MASTER state', 8000);
  const lo: VrrpNode = startHapair(lab, b, withMail(conf(b, a, 100, fb, v3), 'b', spoolB), fb.dir);
  await waitSubject(srv, '[b] VRRP Instance VI_1 - Entering BACKUP state', 8000);

  // Weight-0 health failure on a: a -> FAULT, b -> MASTER. Each side mails its own view.
  const cut = Date.now();
  fs.unlinkSync(fa.flag);
  await waitHolders(lab, [hi, lo], VIP, ['b'], 5000);
  const newMaster = await waitSubject(srv, '[b] VRRP Instance VI_1 - Entering MASTER state', 5000);
  const oldMaster = await waitSubject(srv, '[a] VRRP Instance VI_1 - Entering FAULT state', 5000);
  t.true(Date.now() - cut < 5000, 'both alerts within seconds of the failure');
  t.is(newMaster.m.from, 'lb-b@example.test');
  t.deepEqual(newMaster.m.to, [RCPT]);
  const nb = newMaster.mail.text ?? '';
  t.true(nb.includes('BACKUP -> MASTER'), nb);
  t.true(nb.includes('master-down-timer') || nb.includes('preempt'), nb);
  t.true(nb.includes('base 100, effective 100'), nb);
  t.true(nb.includes(`${VIP}/24`), nb);
  t.regex(nb, /Addresses:\s+198\.18\.0\.12\b/, 'node address of b (VIP excluded)');
  t.false(/Addresses:.*198\.18\.0\.100/.test(nb), 'the VIP is not listed as a node address');
  const oa = oldMaster.mail.text ?? '';
  t.true(oa.includes('MASTER -> FAULT'), oa);
  t.true(oa.includes('tracker-fault'), oa);
  t.true(oa.includes('chk_health'), `names the failed tracker: ${oa}`);
  t.regex(oa, /Addresses:\s+198\.18\.0\.11\b/);

  // a recovers and preempts: MASTER mail from a, BACKUP mail from b naming the master it saw.
  fs.writeFileSync(fa.flag, '');
  await waitHolders(lab, [hi, lo], VIP, ['a'], 8000);
  const back = await waitSubject(srv, '[b] VRRP Instance VI_1 - Entering BACKUP state', 5000, 2);
  const bb = back.mail.text ?? '';
  t.true(bb.includes('MASTER -> BACKUP'), bb);
  t.true(bb.includes('higher-priority-advert'), bb);
  t.true(bb.includes('198.18.0.11 (priority 150)'), `master seen: ${bb}`);
  const again = await waitSubject(srv, '[a] VRRP Instance VI_1 - Entering MASTER state', 5000, 2);
  t.true((again.mail.text ?? '').includes('FAULT -> BACKUP') === false && (again.mail.text ?? '').includes('BACKUP -> MASTER'));

  // Link down on a (NO-CARRIER): a -> FAULT (interface-down), b -> MASTER. The relay is out of a's reach too,
  // exactly when the alert matters: it waits in a's spool and goes out first once the link is back.
  await lab.cutLink('a', 'carrier');
  await waitHolders(lab, [hi, lo], VIP, ['b'], 5000);
  await waitSubject(srv, '[b] VRRP Instance VI_1 - Entering MASTER state', 5000, 2);
  await new Promise((r) => setTimeout(r, 500));
  t.is((await mails(srv)).filter((x) => x.mail.subject === '[a] VRRP Instance VI_1 - Entering FAULT state').length, 1, "a's link-down alert cannot be delivered yet");
  const restored = Date.now();
  await lab.restoreLink('a');
  await waitHolders(lab, [hi, lo], VIP, ['a'], 8000);
  const linkFault = await waitSubject(srv, '[a] VRRP Instance VI_1 - Entering FAULT state', 10_000, 2);
  const lf = linkFault.mail.text ?? '';
  t.true(lf.includes('MASTER -> FAULT'), lf);
  t.true(lf.includes('interface-down'), lf);
  t.true((linkFault.mail.date?.getTime() ?? Infinity) <= restored, 'Date: is the transition time, while the link was down');
  await waitSubject(srv, '[a] VRRP Instance VI_1 - Entering MASTER state', 8000, 3);
  await waitSubject(srv, '[b] VRRP Instance VI_1 - Entering BACKUP state', 5000, 3);

  // Graceful stops: each node mails STOP before it exits (delivered within the daemon's close budget).
  await lo.daemon.stop('SIGTERM');
  await hi.daemon.stop('SIGTERM');
  await waitSubject(srv, '[b] VRRP Instance VI_1 - Stopping', 5000);
  await waitSubject(srv, '[a] VRRP Instance VI_1 - Stopping', 5000);
  // Nothing left in either spool, no alert twice.
  for (const s of [spoolA, spoolB]) t.deepEqual(fs.readdirSync(path.join(s, 'msg')), [], `${s} drained`);
  const ids = (await mails(srv)).map((x) => x.mail.messageId);
  t.is(new Set(ids).size, ids.length, 'no duplicates');
  // Per node, mails came in transition order.
  const subjectsOf = async (node: string) => (await mails(srv)).map((x) => x.mail.subject ?? '').filter((s) => s.startsWith(`[${node}]`)).map((s) => s.replace(/^.* - /, ''));
  const cycle = ['Entering FAULT state', 'Entering BACKUP state', 'Entering MASTER state'];
  t.deepEqual(await subjectsOf('a'), ['Entering BACKUP state', 'Entering MASTER state', ...cycle, ...cycle, 'Stopping']);
  t.deepEqual(await subjectsOf('b'), ['Entering BACKUP state', 'Entering MASTER state', 'Entering BACKUP state', 'Entering MASTER state', 'Entering BACKUP state', 'Stopping']);
});

test.serial('real hapair vrrp daemon: sync group alert mail, and alert_report_cron with every instance and tracker, transitions, spool health', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa } = await pairLab(t);
  const m = await lab.addNode({ name: 'm', ip: MAIL_HOST });
  const srv = await SmtpServerProc.start({ port: 2525, host: MAIL_HOST, maildir: tmpDir() }, ['ip', 'netns', 'exec', m.ns]);
  t.teardown(() => srv.stop());
  // A second instance tracking its interface, both in a sync group that alone has smtp_alert; a report every second.
  const second = ['vrrp_instance VI_2 {', '    interface eth0', '    virtual_router_id 52', '    priority 90', '    advert_int 1',
    '    virtual_ipaddress {', '        198.18.0.101/24', '    }', '    track_interface {', '        eth0', '    }', '}',
    'vrrp_sync_group G1 {', '    group {', '        VI_1', '        VI_2', '    }', '    smtp_alert', '}', ''].join('\n');
  const text = withMail(conf(a, b, 150, fa, { unicast: false, version: 3, advertInt: 0.2 }), 'a', path.join(fa.dir, 'spool'))
    .replace('    smtp_alert\n', '    alert_report_cron "* * * * * *"\n') + second;
  const node = startHapair(lab, a, text, fa.dir);
  await waitHolders(lab, [node], VIP, ['a'], 8000);
  await waitUntil(async () => (await hasVip(lab, a, '198.18.0.101')), 8000, 'VI_2 master');
  // The first report after both instances are MASTER.
  let report = '';
  await waitUntil(async () => {
    const all = await mails(srv);
    report = all.map((x) => x.mail.text ?? '').reverse().find((x) => x.includes('VI_1: MASTER') && x.includes('VI_2: MASTER')) ?? '';
    return report !== '';
  }, 10_000, 'a report with both instances MASTER');
  const group = await waitSubject(srv, '[a] VRRP Group G1 - Entering MASTER state', 5000);
  t.true((group.mail.text ?? '').startsWith('=> All VRRP group instances are now in MASTER state <='), group.mail.text);
  t.regex(group.mail.text ?? '', /^Sync group:\s+G1$/m);
  const subjects = (await mails(srv)).map((x) => x.mail.subject ?? '').filter((x) => !x.includes('hapair report'));
  t.deepEqual(subjects, ['[a] VRRP Group G1 - Entering BACKUP state', '[a] VRRP Group G1 - Entering MASTER state'], 'group mails only: its members have no smtp_alert');
  t.regex(report, /^ {4}script chk_health: ok, weight 0, contributes 0/m);
  t.regex(report, /^ {4}interface eth0: ok/m);
  t.regex(report, /^ {2}VI_1: MASTER since \S+ \((master-down-timer|preempt|sync-group)\), priority 150\/150/m);
  t.regex(report, /^ {2}pending deliveries: 0/m);
  t.regex(report, /^ {2}relay: reachable/m);
  // Transitions since the previous report: the sum over all reports is every transition the daemon logged.
  const listed = (await mails(srv)).flatMap((x) => (x.mail.text ?? '').split('\n').filter((l) => /^ {2}\S+Z {2}INSTANCE VI_\d/.test(l)));
  t.true(listed.some((l) => / INSTANCE VI_1 {2}BACKUP -> MASTER /.test(l)), listed.join('\n'));
  t.true(listed.some((l) => / INSTANCE VI_2 {2}BACKUP -> MASTER /.test(l)), listed.join('\n'));
  t.true(listed.length >= 4, 'INIT -> BACKUP and BACKUP -> MASTER of both instances');
  t.true((await mails(srv)).some((x) => / {2}GROUP G1 {2}BACKUP -> MASTER /.test(x.mail.text ?? '')), 'group transitions are listed too');
  t.is(new Set(listed).size, listed.length, 'a transition is listed in one report only');
});

test.serial('real keepalived 2.2.7 runs `hapair notify-mail master` as its notify_master (mail_notify.py drop-in)', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const k = await lab.addNode({ name: 'k', ip: '198.18.0.31' });
  const m = await lab.addNode({ name: 'm', ip: MAIL_HOST });
  const srv = await SmtpServerProc.start({ port: 2525, host: MAIL_HOST, maildir: tmpDir() }, ['ip', 'netns', 'exec', m.ns]);
  t.teardown(() => srv.stop());
  const dir = tmpDir('keepalived-notify-');
  const confFile = path.join(dir, 'keepalived.conf');
  // keepalived ignores the hapair extension keywords (logs them as unknown); notify-mail reads the same file.
  const text = [
    'global_defs {',
    '    router_id KAL',
    '    enable_script_security',
    '    script_user root',
    '    notification_email {',
    `        ${RCPT}`,
    '    }',
    '    notification_email_from kal@example.test',
    `    smtp_server ${MAIL_HOST} 2525`,
    `    alert_spool_dir ${path.join(dir, 'spool')}`,
    '}',
    'vrrp_instance VI_1 {',
    '    state BACKUP',
    '    interface eth0',
    '    virtual_router_id 61',
    '    priority 150',
    '    advert_int 1',
    `    notify_master "${process.execPath} ${cliMain} notify-mail master -f ${confFile}"`,
    '    virtual_ipaddress {',
    '        198.18.0.131/24',
    '    }',
    '}',
    '',
  ].join('\n');
  fs.writeFileSync(confFile, text);
  const ka = new Daemon('ip', ['netns', 'exec', k.ns, 'keepalived', '-n', '-l', '-D', '-P', '-f', confFile, '-p', path.join(dir, 'k.pid'), '-r', path.join(dir, 'v.pid')]);
  lab.track(ka.child);
  t.teardown(() => ka.stop('SIGTERM'));
  const got = await waitSubject(srv, '[KAL] VRRP Instance VI_1 - Entering MASTER state', 15_000);
  t.is(got.m.from, 'kal@example.test');
  const body = got.mail.text ?? '';
  t.true(body.includes('reported by a notify script'), body);
  t.true(body.includes('198.18.0.131/24'), body);
  t.regex(body, /Addresses:\s+198\.18\.0\.31\b/);
  t.deepEqual(fs.readdirSync(path.join(dir, 'spool', 'msg')), [], 'delivered by the notify script itself');
});

test.serial('hapair vrrp with an unreadable smtp_auth_password_file fails at start with file:line', async (t) => {
  if (!requireRoot(t)) return;
  const { lab, a, b, fa } = await pairLab(t);
  const text = withMail(conf(a, b, 150, fa, { unicast: false }), 'a', path.join(fa.dir, 'spool')).replace(
    'global_defs {',
    'global_defs {\n    smtp_auth_user alert\n    smtp_auth_password_file /nonexistent/hapair-smtp.pw',
  );
  const node = startHapair(lab, a, text, fa.dir);
  const res = await node.daemon.exited;
  t.is(res.code, 1);
  t.regex(node.daemon.stderr, /keepalived\.conf:3: cannot read smtp_auth_password_file \/nonexistent\/hapair-smtp\.pw: ENOENT/);
  t.false(await hasVip(lab, a, VIP), 'nothing started');
});
