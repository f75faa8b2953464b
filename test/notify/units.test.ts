// Pure pieces of the mail path: SMTP error classification, backoff, address/header hygiene, recipient keys, locks.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { classifySmtpError, describeFailure } from '../../src/notify/smtp-errors.js';
import { backoffMs, probeDelayMs } from '../../src/notify/backoff.js';
import { headerText, isValidAddress } from '../../src/notify/address.js';
import { recipientKey } from '../../src/notify/spool.js';
import { tryLock } from '../../src/notify/lock.js';
import { tmpDir } from '../helpers/paths.js';
import { verifiesCertificate } from '../../src/notify/transport.js';
import type { MailSettings } from '../../src/vrrp/types.js';
import { mail } from './_build.js';

const errs: [string, Record<string, unknown>, string, string][] = [
  ['refused', { code: 'ESOCKET', originalCode: 'ECONNREFUSED', message: 'connect ECONNREFUSED 127.0.0.1:25', command: 'CONN' }, 'refused', 'relay'],
  ['greeting timeout', { code: 'ETIMEDOUT', message: 'Greeting never received', command: 'CONN' }, 'timeout', 'relay'],
  ['reset', { code: 'ESOCKET', originalCode: 'ECONNRESET', message: 'read ECONNRESET' }, 'network', 'relay'],
  ['dns', { code: 'EDNS', originalCode: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND relay' }, 'dns', 'relay'],
  ['auth 535', { code: 'EAUTH', responseCode: 535, response: '535 Authentication credentials invalid', command: 'AUTH PLAIN' }, 'auth', 'backoff'],
  ['self-signed', { code: 'ESOCKET', originalCode: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }, 'tls', 'backoff'],
  ['no starttls', { code: 'ETLS', message: 'No STARTTLS support' }, 'tls', 'backoff'],
  ['rcpt 451', { code: 'EENVELOPE', responseCode: 451, response: '451 Try again later', command: 'RCPT TO' }, 'transient', 'backoff'],
  ['rcpt 550', { code: 'EENVELOPE', responseCode: 550, response: '550 No such user', command: 'RCPT TO' }, 'permanent', 'never'],
  ['data 554', { code: 'EMESSAGE', responseCode: 554, response: '554 Rejected', command: 'DATA' }, 'permanent', 'never'],
  ['503 is retryable', { code: 'EPROTOCOL', responseCode: 503, response: '503 Bad sequence' }, 'transient', 'backoff'],
  ['421 closing', { code: 'EENVELOPE', responseCode: 421, response: '421 shutting down' }, 'transient', 'backoff'],
  ['weird', { message: 'something' }, 'protocol', 'backoff'],
];
for (const [title, err, cls, retry] of errs) {
  test(`classify: ${title}`, (t) => {
    const f = classifySmtpError(Object.assign(new Error(String(err.message ?? 'x')), err));
    t.is(f.class as string, cls);
    t.is(f.retry as string, retry);
  });
}

test('describeFailure names the class, the server reply and the command', (t) => {
  const f = classifySmtpError(Object.assign(new Error('Invalid login'), { code: 'EAUTH', responseCode: 535, response: '535 5.7.8 bad credentials', command: 'AUTH LOGIN' }));
  t.is(describeFailure(f), 'authentication failed: server said: 535 5.7.8 bad credentials: (at AUTH LOGIN)');
  t.is(classifySmtpError('plain string').class, 'protocol');
});

test('backoff doubles from 1 s, capped at 5 min, jitter bounded', (t) => {
  t.deepEqual([1, 2, 3, 4, 10, 50].map((n) => backoffMs(n, undefined, () => 0)), [1000, 2000, 4000, 8000, 300_000, 300_000]);
  t.is(backoffMs(1, undefined, () => 1), 1200);
  t.deepEqual([1, 2, 3, 9].map((n) => probeDelayMs(n)), [1000, 2000, 2000, 2000]);
});

const addrs: [string, boolean][] = [
  ['ops@example.com', true], ['root@localhost', true], ['a.b+c@x-y.example', true], ['u@[198.18.0.1]', true],
  ['acassen@firewall.loc', true], ['no-at', false], ['a@', false], ['@b', false], ['a b@c', false], ['a@b\r\nBcc: x@y', false],
  ['"q"@x', false], ['a..b@x', false], ['a@-x', false], ['<a@b>', false],
];
for (const [a, ok] of addrs) test(`isValidAddress(${JSON.stringify(a)}) = ${ok}`, (t) => t.is(isValidAddress(a), ok));

test('headerText flattens CR/LF and control characters, trims and bounds length', (t) => {
  t.is(headerText('a\r\nBcc: x\u0000y\tz'), 'a Bcc: x y z');
  t.is(headerText('x'.repeat(300), 10), 'xxxxxxxxx…');
});

test('recipientKey: readable, filesystem-safe, distinct for distinct addresses', (t) => {
  t.regex(recipientKey('Ops@Example.com'), /^ops@example\.com-[0-9a-f]{10}$/);
  t.not(recipientKey('a/b@x'), recipientKey('a_b@x'));
  t.false(recipientKey('../../etc@x').includes('/'));
});

test('locks: exclusive; a lock left by a dead process is broken; a live holder is respected', async (t) => {
  const dir = tmpDir();
  const file = path.join(dir, 'lock');
  const a = await tryLock(file);
  t.truthy(a);
  t.is(await tryLock(file), null, 'held by this (live) process');
  await a!.release();
  t.false(fs.existsSync(file));
  const boot = fs.readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim();
  fs.writeFileSync(file, JSON.stringify({ pid: 2 ** 22 + 7, boot, at: 0, token: 'x' })); // no such pid
  const b = await tryLock(file);
  t.truthy(b, 'stale lock of a dead pid broken');
  await b!.release();
  fs.writeFileSync(file, JSON.stringify({ pid: 1, boot, at: 0, token: 'y' })); // pid 1 is alive
  t.is(await tryLock(file), null);
  fs.writeFileSync(file, JSON.stringify({ pid: 1, boot: 'another-boot', at: 0, token: 'z' }));
  const c = await tryLock(file);
  t.truthy(c, 'lock from a previous boot is stale');
  await c!.release();
});

const VERIFY: [string, Partial<MailSettings>, boolean][] = [
  ['starttls, nothing set: opportunistic, not verified', { tls: 'starttls' }, false],
  ['starttls + CA file', { tls: 'starttls', tlsCaFile: '/etc/ssl/relay-ca.pem' }, true],
  ['starttls + explicit smtp_tls_verify yes', { tls: 'starttls', where: { smtp_tls_verify: { file: 'k', line: 1 } } }, true],
  ['starttls + CA file + smtp_tls_verify no', { tls: 'starttls', tlsCaFile: '/x.pem', tlsRejectUnauthorized: false }, false],
  ['require-starttls verifies by default', { tls: 'require-starttls' }, true],
  ['implicit verifies by default', { tls: 'implicit' }, true],
  ['require-starttls + smtp_tls_verify no', { tls: 'require-starttls', tlsRejectUnauthorized: false }, false],
];
for (const [title, over, want] of VERIFY) test(`verifiesCertificate: ${title}`, (t) => t.is(verifiesCertificate(mail(over)), want));
