// Test-side handle on a real SMTP server process (smtp-sink.js): start/stop by PID, wait for and parse messages.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { simpleParser, type ParsedMail } from 'mailparser';
import { Daemon } from './proc.js';
import type { SinkOptions } from './smtp-sink.js';

export type { SinkOptions, SinkRule } from './smtp-sink.js';

const sinkScript = path.join(path.dirname(fileURLToPath(import.meta.url)), 'smtp-sink.js');

export interface Received {
  readonly seq: number;
  readonly file: string;
  readonly from: string;
  readonly to: string[];
  readonly secure: boolean;
  readonly user: string | null;
  readonly helo?: string;
  /** With SinkOptions.spoolDir: Message-IDs present in the spool when this message's MAIL FROM arrived. */
  readonly spooledAtMail?: string[];
}

import { freePort } from './free-port.js';
export { freePort };

export class SmtpServerProc {
  private constructor(
    readonly daemon: Daemon,
    readonly port: number,
    readonly maildir: string,
  ) {}

  /** Spawns the sink (optionally via a wrapper such as `ip netns exec NS`) and waits until it listens. */
  static async start(opts: SinkOptions, wrapper: readonly string[] = []): Promise<SmtpServerProc> {
    const args = [sinkScript, JSON.stringify(opts)];
    const d = wrapper.length ? new Daemon(wrapper[0]!, [...wrapper.slice(1), process.execPath, ...args]) : new Daemon(process.execPath, args);
    const line = await d.waitFor((l) => l.event === 'listening' || l.event === 'error', 10_000, 'smtp sink listening');
    if (line.event === 'error') throw new Error(`smtp sink failed: ${String(line.message)}`);
    return new SmtpServerProc(d, Number(line.port), opts.maildir);
  }

  get received(): Received[] {
    return this.daemon.lines.filter((l) => l.event === 'message') as unknown as Received[];
  }

  events(kind: string): Record<string, unknown>[] {
    return this.daemon.lines.filter((l) => l.event === kind);
  }

  /** Waits until at least `n` messages were accepted (bounded). */
  async waitForMessages(n: number, timeoutMs = 15_000): Promise<Received[]> {
    const end = Date.now() + timeoutMs;
    while (this.received.length < n) {
      if (Date.now() > end) throw new Error(`expected ${n} messages, got ${this.received.length} within ${timeoutMs} ms; stderr: ${this.daemon.stderr.slice(-500)}`);
      await new Promise((r) => setTimeout(r, 20));
    }
    return this.received;
  }

  async stop(): Promise<void> {
    await this.daemon.stop('SIGTERM', 3_000);
  }
}

/** Parses a received .eml with mailparser. */
export async function parseReceived(r: Received): Promise<ParsedMail> {
  return simpleParser(fs.readFileSync(r.file));
}
