// Runs the real proxy for data-plane tests: in process (ProxyRuntime from a config text, logs captured) or as a
// child `hapair proxy` (signals, fds, RSS). Ports: binds may use port 0; the actual ports are read back.
import fs from 'node:fs';
import path from 'node:path';
import { Writable } from 'node:stream';
import { createLogger } from '../../src/core/logger.js';
import { realClock } from '../../src/core/clock.js';
import { parseProxyText } from '../../src/proxy/config/load.js';
import { formatDiagnostic } from '../../src/core/diagnostics.js';
import { ProxyRuntime } from '../../src/proxy/runtime.js';
import type { ServiceHooks } from '../../src/proxy/frontend-types.js';
import { Daemon } from './proc.js';
import { tmpDir } from './paths.js';

export interface InProcessProxy {
  readonly rt: ProxyRuntime;
  /** JSON log lines emitted so far. */
  readonly logs: Record<string, unknown>[];
  /** First bound port of a frontend/listen. */
  port(frontend: string): number;
  close(): Promise<void>;
}

import { freePort } from './free-port.js';
export { freePort };

/** Replaces each distinct `@PORT`, `@PORT2`, ... token with a free port. */
export async function withPorts(text: string): Promise<string> {
  const tokens = [...new Set(text.match(/@PORT\d*/g) ?? [])];
  let out = text;
  for (const tok of tokens.sort((a, b) => b.length - a.length)) out = out.split(tok).join(String(await freePort()));
  return out;
}

/** Parses `text` (after `@PORT` substitution), throws with diagnostics if invalid, starts a ProxyRuntime here. */
export async function startInProcess(text: string, opts: { services?: ServiceHooks; level?: string } = {}): Promise<InProcessProxy> {
  const { config, diagnostics } = parseProxyText(await withPorts(text), 'test.cfg', {});
  if (!config) throw new Error(`config rejected:\n${diagnostics.map(formatDiagnostic).join('\n')}`);
  const logs: Record<string, unknown>[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _enc, cb) {
      for (const line of chunk.toString().split('\n')) if (line) logs.push(JSON.parse(line) as Record<string, unknown>);
      cb();
    },
  });
  const logger = createLogger({ name: 'proxy', level: opts.level ?? 'info', destination: sink });
  const rt = new ProxyRuntime(config, { logger, clock: realClock, services: opts.services });
  await rt.start();
  return {
    rt,
    logs,
    port(frontend) {
      const fe = rt.frontends.get(frontend);
      const a = fe?.boundAddresses()[0];
      if (!a) throw new Error(`frontend ${frontend} has no listener`);
      return a.port;
    },
    async close() {
      rt.stop(false);
      await new Promise((r) => setTimeout(r, 20));
    },
  };
}

/** Traffic log lines (http-request / tcp-session events). */
export function trafficLogs(logs: readonly Record<string, unknown>[]): Record<string, unknown>[] {
  return logs.filter((l) => l.event === 'http-request' || l.event === 'tcp-session');
}

export interface ChildProxy {
  readonly daemon: Daemon;
  readonly dir: string;
  readonly cfgPath: string;
  port(frontend: string): number;
  /** Rewrites the config file and sends SIGHUP; resolves on 'reloaded' or 'reload-failed'. */
  reload(text: string): Promise<Record<string, unknown>>;
  fdCount(): number;
  rssKiB(): number;
  stop(signal?: NodeJS.Signals): Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `hapair proxy -f <tmp>/haproxy.cfg --run-dir <tmp>` and waits for its 'started' line. */
const childDirs = new Set<string>();
process.on('exit', () => {
  for (const d of childDirs) fs.rmSync(d, { recursive: true, force: true });
});

export async function startChild(text: string, opts: { prlimitNofile?: number; env?: NodeJS.ProcessEnv } = {}): Promise<ChildProxy> {
  const dir = tmpDir('hapair-px-');
  childDirs.add(dir);
  const cfgPath = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfgPath, await withPorts(text));
  const args = ['proxy', '-f', cfgPath, '--run-dir', dir];
  const env = { ...process.env, HAPAIR_LOG_LEVEL: 'info', ...opts.env };
  const daemon = opts.prlimitNofile
    ? new Daemon('prlimit', [`--nofile=${opts.prlimitNofile}:${opts.prlimitNofile}`, process.execPath, (await import('./paths.js')).cliMain, ...args], { env })
    : Daemon.cli(args, { env });
  const started = await Promise.race([
    daemon.waitFor((l) => l.event === 'started' || l.event === 'start-failed', 20_000, 'proxy start'),
    daemon.exited.then((e) => ({ event: 'exited', ...e }) as Record<string, unknown>),
  ]);
  if (started.event !== 'started') throw new Error(`proxy failed to start: ${JSON.stringify(started)} ${daemon.stderr}`);
  const ports = new Map<string, number>();
  for (const fe of started.frontends as { frontend: string; addresses: { port: number }[] }[]) {
    if (fe.addresses[0]) ports.set(fe.frontend, fe.addresses[0].port);
  }
  const pid = (started.pid as number) ?? daemon.pid;
  return {
    daemon, dir, cfgPath,
    port(frontend) {
      const p = ports.get(frontend);
      if (p === undefined) throw new Error(`no port for ${frontend}`);
      return p;
    },
    async reload(next) {
      fs.writeFileSync(cfgPath, next);
      const seen = daemon.lines.length;
      daemon.child.kill('SIGHUP');
      return daemon.waitFor((l) => daemon.lines.indexOf(l) >= seen && (l.event === 'reloaded' || l.event === 'reload-failed'), 15_000, 'reload');
    },
    fdCount: () => fs.readdirSync(`/proc/${pid}/fd`).length,
    rssKiB: () => Number(/VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0),
    // The temp dir (config, run dir) outlives stop(): tests probe a stopped proxy through its config
    // (e.g. proxy-alive). It is removed when the test worker exits.
    stop: (signal = 'SIGTERM') => daemon.stop(signal),
  };
}

/** Polls `pred` every 20 ms up to `timeoutMs`. */
export async function until(pred: () => boolean, timeoutMs = 5000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!pred()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
