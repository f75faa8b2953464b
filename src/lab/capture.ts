// Packet capture inside a lab namespace with tcpdump (started and stopped by PID), read back with the pcap reader.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { ChildProcess } from 'node:child_process';
import type { Lab } from './lab.js';
import { parsePcap, type Frame } from './pcap.js';

export interface CaptureOptions {
  readonly where?: string; // namespace (node name or 'sw'); default the switch
  readonly iface?: string; // default br0 in the switch, eth0 in a node
  readonly filter?: readonly string[]; // tcpdump filter words, e.g. ['vrrp', 'or', 'arp']
  readonly file?: string; // pcap path; default a temp file
}

export class Capture {
  readonly file: string;
  private readonly child: ChildProcess;
  private readonly exited: Promise<void>;

  private constructor(file: string, child: ChildProcess) {
    this.file = file;
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
  }

  /** Starts tcpdump and resolves once it is listening (bounded: 10 s). */
  static async start(lab: Lab, opts: CaptureOptions = {}): Promise<Capture> {
    const where = opts.where ?? 'sw';
    const iface = opts.iface ?? (where === 'sw' ? lab.bridge : 'eth0');
    const file = opts.file ?? path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-cap-')), 'cap.pcap');
    const child = lab.spawn(where, ['tcpdump', '-i', iface, '-n', '-U', '--immediate-mode', '-s', '0', '-w', file, ...(opts.filter ?? [])], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    const cap = new Capture(file, child);
    await new Promise<void>((resolve, reject) => {
      let err = '';
      const timer = setTimeout(() => reject(new Error(`tcpdump did not start within 10 s: ${err}`)), 10_000);
      child.stderr!.on('data', (c: Buffer) => {
        err += c.toString();
        if (/listening on/.test(err)) {
          clearTimeout(timer);
          resolve();
        }
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`tcpdump exited (${code}): ${err}`));
      });
    });
    return cap;
  }

  /** Stops tcpdump (SIGINT by PID, so it flushes) and returns every captured frame. */
  async stop(settleMs = 300): Promise<Frame[]> {
    if (this.child.exitCode === null && this.child.signalCode === null) {
      // Frames still queued in the kernel for tcpdump's socket are lost if it is interrupted at once.
      await new Promise((r) => setTimeout(r, settleMs));
      this.child.kill('SIGINT');
      const t = setTimeout(() => this.child.kill('SIGKILL'), 5000);
      await this.exited;
      clearTimeout(t);
    }
    return parsePcap(fs.readFileSync(this.file));
  }

  /** Frames captured so far without stopping (tcpdump -U writes whole packets as they arrive). */
  snapshot(): Frame[] {
    try {
      return parsePcap(fs.readFileSync(this.file));
    } catch {
      return [];
    }
  }
}
