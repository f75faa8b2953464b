// Test builders for notify: KeepalivedConfig/MailSettings/TransitionEvent objects and a JSON log sink.
import { Writable } from 'node:stream';
import { pino } from 'pino';
import type { Logger } from '../../src/core/logger.js';
import { REDACT_PATHS } from '../../src/core/logger.js';
import type { CommandLine, InstanceConfig, KeepalivedConfig, MailSettings, SyncGroupConfig, NotifyScripts } from '../../src/vrrp/types.js';
import type { TransitionEvent } from '../../src/notify/types.js';

const where = { file: 'keepalived.conf', line: 1 };

export function cmd(...argv: string[]): CommandLine {
  return { raw: argv.join(' '), argv, where };
}

export function mail(over: Partial<MailSettings> = {}): MailSettings {
  return {
    recipients: [],
    connectTimeoutSec: 30,
    tls: 'starttls',
    tlsRejectUnauthorized: true,
    spoolDir: '/nonexistent-spool',
    maxAgeSec: 86400,
    flapDamping: { maxTransitions: 6, windowMin: 10 },
    where: {},
    ...over,
  };
}

export function instance(name: string, over: Partial<InstanceConfig> = {}): InstanceConfig {
  const garp = { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 };
  return {
    name,
    configuredState: 'BACKUP',
    interface: 'eth0',
    vrid: 51,
    basePriority: 100,
    advertIntMs: 1000,
    version: 2,
    nopreempt: false,
    preemptDelayMs: 0,
    vips: [{ address: '198.18.1.10', prefix: 32, noTrack: false, where }],
    excludedVips: [],
    trackScripts: [],
    trackInterfaces: [],
    dontTrackPrimary: false,
    notify: {},
    smtpAlert: false,
    unicastPeers: [],
    unicastTtl: 255,
    garp,
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    where,
    ...over,
  };
}

export function group(name: string, members: string[], notify: NotifyScripts = {}, smtpAlert = false): SyncGroupConfig {
  return { name, members, notify, smtpAlert, where };
}

export function config(instances: InstanceConfig[], m: MailSettings = mail(), syncGroups: SyncGroupConfig[] = [], routerId = 'LB_TEST'): KeepalivedConfig {
  const garp = instances[0]?.garp ?? { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 };
  return {
    files: ['keepalived.conf'],
    global: { routerId, vrrpVersion: 2, enableScriptSecurity: false, garp, mail: m },
    scripts: new Map(),
    instances,
    syncGroups,
  };
}

let seq = 0;
export function event(name: string, from: TransitionEvent['from'], to: TransitionEvent['to'], over: Partial<TransitionEvent> = {}): TransitionEvent {
  seq += 1;
  return {
    kind: 'INSTANCE',
    name,
    from,
    to,
    reason: to === 'MASTER' ? 'master-down-timer' : to === 'STOP' ? 'shutdown' : 'higher-priority-advert',
    basePriority: 100,
    effectivePriority: 100,
    vips: ['198.18.1.10/32'],
    routerId: 'LB_TEST',
    wallTime: Date.now(),
    seq,
    ...over,
  };
}

/** A pino logger whose JSON lines are collected (parsed) in `lines`, with the project's redaction. */
export function logSink(level = 'debug'): { logger: Logger; lines: Record<string, unknown>[]; raw: string[] } {
  const lines: Record<string, unknown>[] = [];
  const raw: string[] = [];
  const dest = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const l of chunk.toString('utf8').split('\n')) {
        if (!l) continue;
        raw.push(l);
        lines.push(JSON.parse(l) as Record<string, unknown>);
      }
      cb();
    },
  });
  const logger = pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' } }, dest);
  return { logger, lines, raw };
}

/** Polls `pred` every 20 ms until true or `timeoutMs` (bounded loop). */
export async function until(pred: () => boolean | Promise<boolean>, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (Date.now() < end) {
    if (await pred()) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}
