// Runs the real `hapair proxy -f cfg` for control-plane end-to-end tests: free loopback ports, a config file
// written from a template, readiness from the "started" log line, stop by PID.
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import http from 'node:http';
import { Daemon } from './proc.js';
import { tmpDir } from './paths.js';

import { freePort } from './free-port.js';
export { freePort };

export interface RunningProxy {
  readonly daemon: Daemon;
  readonly dir: string;
  readonly cfgPath: string;
  stop(): Promise<void>;
}

/** Writes `cfg` (with `{{DIR}}` replaced by a fresh run dir) and starts `hapair proxy` on it. */
export async function startProxy(cfg: string, env: NodeJS.ProcessEnv = {}): Promise<RunningProxy> {
  const dir = tmpDir('hapair-h7-proxy-');
  const cfgPath = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfgPath, cfg.replaceAll('{{DIR}}', dir));
  const daemon = Daemon.cli(['proxy', '-f', cfgPath, '--run-dir', dir], { env: { ...process.env, HAPAIR_LOG_LEVEL: 'info', ...env } });
  try {
    await daemon.waitFor((l) => l.event === 'started', 20_000, 'proxy started');
  } catch (err) {
    await daemon.stop('SIGKILL');
    throw err;
  }
  return { daemon, dir, cfgPath, stop: async () => void (await daemon.stop('SIGTERM', 5000)) };
}

/** A loopback HTTP backend answering its name after `delayMs`; counts requests. */
export async function namedBackend(name: string, delayMs = 0): Promise<{ port: number; hits: number; close(): Promise<void> }> {
  const state = { hits: 0 };
  const srv = http.createServer((_q, r) => {
    state.hits++;
    setTimeout(() => r.end(`${name}\n`), delayMs);
  });
  srv.keepAliveTimeout = 1000;
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as net.AddressInfo).port;
  return {
    port,
    get hits() {
      return state.hits;
    },
    close: () => new Promise<void>((r) => {
      srv.closeAllConnections();
      srv.close(() => r());
    }),
  };
}
