// Process killed (SIGKILL) with alerts in the spool -> restarted -> delivered, in order, without duplicates.
import test from 'ava';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Daemon } from '../helpers/proc.js';
import { SmtpServerProc, freePort, parseReceived } from '../helpers/smtp-server.js';
import { tmpDir } from '../helpers/paths.js';

const driver = path.join(path.dirname(fileURLToPath(import.meta.url)), '_driver.js');

function startDriver(o: { port: number; spoolDir: string; count: number; seqBase: number }): Daemon {
  return new Daemon(process.execPath, [driver, JSON.stringify(o)], { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' } });
}

async function seqs(srv: SmtpServerProc): Promise<string[]> {
  return Promise.all(srv.received.map(async (m) => /Event #:\s+(\d+)/.exec((await parseReceived(m)).text ?? '')?.[1] ?? '?'));
}

test('SIGKILL while the relay is down: the next process delivers every spooled alert once, in order', async (t) => {
  const port = await freePort();
  const spoolDir = path.join(tmpDir(), 'spool');
  const first = startDriver({ port, spoolDir, count: 5, seqBase: 10 });
  t.teardown(() => first.stop('SIGKILL'));
  await first.waitFor((l) => l.event === 'driver-ready', 10_000);
  await first.waitFor(() => first.lines.filter((l) => l.event === 'alert-spooled').length === 5, 10_000, 'five spooled');
  first.child.kill('SIGKILL');
  await first.exited;
  const srv = await SmtpServerProc.start({ port, maildir: tmpDir() });
  t.teardown(() => srv.stop());
  const second = startDriver({ port, spoolDir, count: 0, seqBase: 0 });
  t.teardown(() => second.stop('SIGKILL'));
  await srv.waitForMessages(5, 10_000);
  await new Promise((r) => setTimeout(r, 800)); // a duplicate would show up here
  t.is(srv.received.length, 5);
  t.deepEqual(await seqs(srv), ['10', '11', '12', '13', '14']);
});

test('SIGKILL in the middle of deliveries: all delivered after restart; at most the in-flight one twice, same Message-ID', async (t) => {
  const srv = await SmtpServerProc.start({ port: 0, maildir: tmpDir(), dataDelayMs: 250 });
  t.teardown(() => srv.stop());
  const spoolDir = path.join(tmpDir(), 'spool');
  const first = startDriver({ port: srv.port, spoolDir, count: 8, seqBase: 40 });
  t.teardown(() => first.stop('SIGKILL'));
  await srv.waitForMessages(2, 10_000);
  first.child.kill('SIGKILL');
  await first.exited;
  const before = srv.received.length;
  t.true(before < 8, `killed mid-way (${before} delivered before the kill)`);
  const second = startDriver({ port: srv.port, spoolDir, count: 0, seqBase: 0 });
  t.teardown(() => second.stop('SIGKILL'));
  await srv.waitForMessages(8, 15_000);
  await new Promise((r) => setTimeout(r, 800));
  const got = await seqs(srv);
  const unique = [...new Set(got)];
  t.deepEqual(unique, ['40', '41', '42', '43', '44', '45', '46', '47'], 'every alert, in order');
  t.true(got.length - unique.length <= 1, `duplicates: ${got.length - unique.length}`);
  t.log(`delivered before kill: ${before}, duplicates: ${got.length - unique.length}`);
  if (got.length > unique.length) {
    const ids = await Promise.all(srv.received.map(async (m) => (await parseReceived(m)).messageId));
    t.is(new Set(ids).size, unique.length, 'a duplicate carries the same Message-ID');
    t.truthy(second.lines.find((l) => l.event === 'alert-resend'), 'the resend was logged as a possible duplicate');
  }
});
