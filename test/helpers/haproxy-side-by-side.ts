// Side-by-side runs for proxy acceptance oracles: the same config text through the real haproxy 2.6 and through
// hapair (in process), each logging to its own UDP syslog listener on loopback; returns both sets of log lines.
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { HAPROXY } from './backend-haproxy.js';
import { startInProcess, until } from './proxy-harness.js';
import { tmpDir } from './paths.js';

export type Which = 'haproxy' | 'hapair';

function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.on('error', () => resolve(false));
  });
}

/** haproxy 2.6 in the foreground on a full config text; resolves once `port` accepts; returns its stop. */
export async function startHaproxy(text: string, port: number): Promise<() => Promise<void>> {
  const dir = tmpDir('hapair-oracle-hap-');
  const cfg = path.join(dir, 'h.cfg');
  fs.writeFileSync(cfg, text);
  const child = spawn(HAPROXY, ['-f', cfg, '-db'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (c: Buffer) => (stderr += c.toString()));
  const stop = async (): Promise<void> => {
    if (child.exitCode === null && child.signalCode === null) {
      const done = new Promise((r) => child.once('exit', r));
      child.kill('SIGTERM');
      await done;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  for (let i = 0; i < 100 && child.exitCode === null && !(await canConnect(port)); i++) await new Promise((r) => setTimeout(r, 50));
  if (child.exitCode !== null || !(await canConnect(port))) {
    await stop();
    throw new Error(`haproxy did not start: ${stderr}`);
  }
  // Our readiness probe is a connection too: let haproxy see it closed, or it counts in the first log line's actconn.
  await new Promise((r) => setTimeout(r, 150));
  return stop;
}

/**
 * Runs `scenario` against haproxy, then against hapair, with the config `text(logPort)` (which must send its
 * traffic logs to `log 127.0.0.1:<logPort> local0`); waits for `lines` syslog lines from each. `probePort` is a
 * port the config binds (used to know haproxy is up).
 */
export async function sideBySide(
  text: (logPort: number) => string,
  probePort: number,
  scenario: (which: Which) => Promise<void>,
  lines: number,
): Promise<Record<Which, string[]>> {
  const out: Record<Which, string[]> = { haproxy: [], hapair: [] };
  for (const which of ['haproxy', 'hapair'] as const) {
    const sock = dgram.createSocket('udp4');
    const got: string[] = [];
    sock.on('message', (m) => got.push(m.toString('latin1').trim()));
    await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
    const cfg = text(sock.address().port);
    let stop = async (): Promise<void> => {};
    try {
      if (which === 'haproxy') stop = await startHaproxy(cfg, probePort);
      else {
        const px = await startInProcess(cfg);
        stop = () => px.close();
      }
      await scenario(which);
      await until(() => got.length >= lines, 8000, `${lines} log lines from ${which} (got ${got.length})`);
      await new Promise((r) => setTimeout(r, 100));
      out[which] = [...got];
    } finally {
      await stop();
      sock.close();
    }
  }
  return out;
}

/** Fields of a tcplog/httplog syslog line, by name (text after the `haproxy[pid]: ` tag). */
export function logParts(line: string): { proxy: string; timers: number[]; term: string; conns: number[] } {
  const m = /\]: \S+ \[[^\]]+\] (\S+) \S+ ([-\d/]+) (?:\d+ \d+ - - (\S{4})|\d+ (\S{2})) ([\d/+]+) /.exec(line);
  if (!m) throw new Error(`not a traffic log line: ${line}`);
  return {
    proxy: m[1]!,
    timers: m[2]!.split('/').map(Number),
    term: m[3] ?? m[4]!,
    conns: m[5]!.replace('+', '').split('/').map(Number),
  };
}
