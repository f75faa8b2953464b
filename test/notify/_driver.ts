// Child process for crash tests: a notifier on a given spool that fires N transitions, then idles until killed.
// Run: node _driver.js '{"port":N,"spoolDir":"...","count":N,"seqBase":N[,"fill":true]}'; pino JSON lines on stdout.
// fill: once the spool is open, fill its file system (a small tmpfs the test mounted) until ENOSPC.
import fs from 'node:fs';
import path from 'node:path';
import { createLogger } from '../../src/core/logger.js';
import { createNotifier } from '../../src/notify/index.js';
import { event } from './_build.js';
import { mailConfig, RCPT_A } from './_mail.js';

const args = JSON.parse(process.argv[2] ?? '{}') as { port: number; spoolDir: string; count: number; seqBase: number; fill?: boolean };
const logger = createLogger({ name: 'notify-driver', level: 'info' });
const n = createNotifier(mailConfig(args.port, { spoolDir: args.spoolDir, recipients: [RCPT_A] }), { logger, hostname: 'lb1.test', spoolPollMs: 300 });
const STATES = ['MASTER', 'BACKUP'] as const;
await n.ready;
if (args.fill) {
  try {
    fs.writeFileSync(path.join(args.spoolDir, 'filler'), Buffer.alloc(64 * 1024 * 1024));
  } catch (err) {
    logger.info({ event: 'driver-filled', code: (err as NodeJS.ErrnoException).code }, 'spool file system full');
  }
}
for (let i = 0; i < args.count; i++) {
  n.transition(event('VI_1', STATES[(i + 1) % 2]!, STATES[i % 2]!, { seq: args.seqBase + i }));
}
logger.info({ event: 'driver-ready' }, 'transitions fired');
setInterval(() => undefined, 60_000);
process.on('SIGTERM', () => void n.close(2000).then(() => process.exit(0)));
