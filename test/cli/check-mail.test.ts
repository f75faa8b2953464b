// `hapair check` runs notify's checks in the same pass as the loader (spawned CLI): notify-mail lines, mail
// settings next to parse errors, a bad address at its own line, the inline password error.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/proc.js';
import { fixture, tmpDir } from '../helpers/paths.js';

interface Json {
  ok: boolean;
  results: { ok: boolean; errors: number; warnings: number; diagnostics: { code: string; line: number; file: string; severity: string }[] }[];
}

/** Writes `text` as keepalived.conf in a fresh directory; removed after the test. */
function write(t: { teardown: (fn: () => void) => void }, text: string): string {
  const dir = tmpDir('hapair-check-mail2-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const file = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(file, text);
  return file;
}

/** Seed 002 with `hapair notify-mail` dropped in for mail_notify.py: its `notify_fault "... falut"` stays. */
const seedWithNotifyMail = (name: string): string =>
  fs.readFileSync(fixture('seeds', name), 'utf8').replaceAll('/etc/keepalived/mail_notify.py', '/usr/bin/hapair notify-mail');

const codesAt = (j: Json): string[] => j.results[0]!.diagnostics.map((d) => `${d.severity} ${d.code}@${d.line}`);

test("seed 002 (brace restored) with hapair notify-mail: the 'falut' line is an error at file:38", async (t) => {
  const file = write(t, seedWithNotifyMail('seed002-keepalived-brace-restored.conf'));
  const r = await runCli(['check', '-f', file]);
  t.is(r.code, 1, r.stderr);
  const line = r.stderr.split('\n').find((l) => l.startsWith(`${file}:38: `));
  t.truthy(line, r.stderr);
  t.regex(line!, /^.*:38: notify_fault of vrrp_instance HAProxy_HA: hapair notify-mail would refuse this line \(unknown state 'falut'.*\(fix: notify_fault "hapair notify-mail fault"\)$/);
  t.regex(r.stdout, /: FAILED \(1 error, \d+ warnings\)\n$/);
  const j = JSON.parse((await runCli(['check', '--json', '-f', file])).stdout) as Json;
  t.true(codesAt(j).includes('error notify-mail-usage@38'), JSON.stringify(j));
});

test('seed 002 as published with hapair notify-mail: one run names the unclosed block AND the falut line', async (t) => {
  const file = write(t, seedWithNotifyMail('seed002-keepalived-as-published.conf'));
  const j = JSON.parse((await runCli(['check', '--json', '-f', file])).stdout) as Json;
  t.deepEqual(codesAt(j).filter((c) => c.startsWith('error')), ['error unclosed-block@25', 'error notify-mail-usage@38']);
});

const BAD = [
  'global_defs {', //             1
  '  notification_email {', //    2
  '    ops@example.com', //       3
  '    oncall@example.com', //    4
  '    not-an-address', //        5
  '  }', //                       6
  '  smtp_server 198.18.0.25', // 7
  '}', //                         8
  'vrrp_instance VI_1 {', //      9
  '  interface eth0', //          10
  '  priority 300', //            11
  '  virtual_router_id 30', //    12
  '  smtp_alert', //              13
  '  virtual_ipaddress {', //     14
  '    198.18.1.10/24', //        15
  '  }', //                       16
  '}', //                         17
  '',
].join('\n');

test('mail checks run next to parse errors: the bad address at its own line, in line order, in one run', async (t) => {
  const file = write(t, BAD);
  const r = await runCli(['check', '-f', file]);
  t.is(r.code, 1);
  const lines = r.stderr.split('\n').filter((l) => l !== '');
  t.deepEqual(lines.map((l) => l.slice(file.length).split(' ')[0]), [':5:', ':11:'], r.stderr);
  t.is(lines[0], `${file}:5: notification_email: invalid address 'not-an-address'`);
  t.regex(lines[1]!, /:11: priority: 300 is outside 1\.\.255$/);
  t.is(r.stdout, `${file}: FAILED (2 errors)\n`);
});

test('a rejected mail statement: no mail findings that only follow from it (smtp_server refused is not "no server")', async (t) => {
  const file = write(t, BAD.replace('    not-an-address\n', '').replace('smtp_server 198.18.0.25', 'smtp_server 198.18.0.25 99999').replace('  priority 300\n', ''));
  const j = JSON.parse((await runCli(['check', '--json', '-f', file])).stdout) as Json;
  t.deepEqual(codesAt(j), ['error invalid-value@6']);
});

test('notify-mail lines are checked next to a mail error in global_defs', async (t) => {
  const text = BAD.replace('  priority 300\n', '').replace('  smtp_alert', '  notify_master "hapair notify-mail mastr"');
  const file = write(t, text.replace('  smtp_server 198.18.0.25', '  smtp_server 198.18.0.25\n  smtp_auth_password hunter2'));
  const r = await runCli(['check', '--json', '-f', file]);
  const j = JSON.parse(r.stdout) as Json;
  t.deepEqual(codesAt(j), ['error mail-bad-address@5', 'error inline-secret@8', 'error notify-mail-usage@13']);
  t.false(r.stdout.includes('hunter2'));
  t.is(r.code, 1);
});
