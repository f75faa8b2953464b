// Shared set-up for the mail tests: a config pointing at a sink port, a notifier with a JSON log sink.
import path from 'node:path';
import type { KeepalivedConfig, MailSettings, InstanceConfig } from '../../src/vrrp/types.js';
import { createNotifier, type Notifier } from '../../src/notify/index.js';
import { tmpDir } from '../helpers/paths.js';
import { config, instance, logSink, mail } from './_build.js';

export const RCPT_A = 'ops@example.test';
export const RCPT_B = 'oncall@example.test';

export function mailSettings(port: number, over: Partial<MailSettings> = {}): MailSettings {
  return mail({
    recipients: [RCPT_A],
    from: 'lb1@example.test',
    smtpServer: { host: '127.0.0.1', port, where: { file: '/etc/hapair/keepalived.conf', line: 5 } },
    connectTimeoutSec: 3,
    tls: 'none',
    spoolDir: path.join(tmpDir('hapair-spool-'), 'spool'),
    flapDamping: undefined,
    ...over,
  });
}

export function mailConfig(port: number, over: Partial<MailSettings> = {}, instances: InstanceConfig[] = [instance('VI_1', { smtpAlert: true })]): KeepalivedConfig {
  return config(instances, mailSettings(port, over));
}

export function startNotifier(cfg: KeepalivedConfig, extra: { env?: NodeJS.ProcessEnv; statusProvider?: Parameters<typeof createNotifier>[1]['statusProvider'] } = {}): { n: Notifier; sink: ReturnType<typeof logSink> } {
  const sink = logSink();
  const n = createNotifier(cfg, { logger: sink.logger, hostname: 'lb1.test', spoolPollMs: 500, ...extra });
  return { n, sink };
}
