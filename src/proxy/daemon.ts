// `hapair proxy` lifecycle: load (refuse a bad config with file:line, nothing started), start the data plane and
// the control plane, pid file, then signals: SIGHUP reload in place (a broken config is rejected and the old one
// keeps serving), SIGUSR1 soft stop (stop accepting, drain, exit), SIGTERM/SIGINT fast stop.
import './heap.js'; // first: heap settings before the rest of the proxy loads
import fs from 'node:fs';
import path from 'node:path';
import cluster from 'node:cluster';
import type { Logger } from '../core/logger.js';
import { createLogger } from '../core/logger.js';
import { realClock, type Clock } from '../core/clock.js';
import { errorMessage, isHaError } from '../core/errors.js';
import { ConfigError, formatDiagnostic, type Diagnostic } from '../core/diagnostics.js';
import { defaultRunDir, proxyControlSocket } from '../core/paths.js';
import type { ProxyConfig, ProxyRuntimeView, ServiceRequest, ServiceResponse, StatsSocketConfig } from './types.js';
import { loadProxyConfig, loadProxyConfigOrThrow } from './config/load.js';
import { ProxyRuntime } from './runtime.js';
import type { ServiceHooks } from './frontend-types.js';
import { startChecks, type ChecksHandle } from './check/index.js';
import { handleStatsRequest } from './stats/http.js';
import { startRuntimeApi } from './api/server.js';
import { runPrimary } from './workers.js';
import { runWorker } from './workers-child.js';
import { rawSockets } from './io/raw.js';

export interface DaemonOptions {
  readonly files: readonly string[];
  readonly runDir?: string;
  readonly logger?: Logger;
  readonly clock?: Clock;
  /** Write diagnostics here (stderr by default). */
  readonly stderr?: (text: string) => void;
}

type MetricsHandler = (rt: ProxyRuntimeView, req: ServiceRequest) => Promise<ServiceResponse>;

/** The Prometheus exporter (prom-client) is loaded on its first request: most configurations never use it. */
let metricsModule: Promise<MetricsHandler> | undefined;
const metrics: MetricsHandler = async (rt, req) => {
  metricsModule ??= import('./metrics.js').then((m) => m.handleMetricsRequest);
  return (await metricsModule)(rt, req);
};

function logDiagnostics(log: Logger, items: readonly Diagnostic[], event: string): void {
  for (const d of items) {
    log[d.severity === 'error' ? 'error' : 'warn']({ event, file: d.file, line: d.line, code: d.code }, formatDiagnostic(d));
  }
}

/** The runtime API sockets: the configured `stats socket`s, else <run-dir>/proxy.sock (admin, mode 0600) so that
 *  `hapair ctl`, `hapair status` and `hapair proxy-alive` always find this node's proxy. */
function apiSockets(config: ProxyConfig, runDir: string): StatsSocketConfig[] {
  if (config.global.statsSockets.length) return [...config.global.statsSockets];
  return [{ path: proxyControlSocket(runDir), mode: 0o600, level: 'admin', where: { file: '<default>', line: 0 } }];
}

/** Runs the proxy until it is stopped; resolves with the exit code. */
export async function runProxyDaemon(opts: DaemonOptions): Promise<number> {
  if (cluster.isWorker) return runWorker(opts.files);
  const log = opts.logger ?? createLogger({ name: 'proxy' });
  const clock = opts.clock ?? realClock;
  const stderr = opts.stderr ?? ((t: string) => process.stderr.write(t));
  const runDir = opts.runDir ?? defaultRunDir();
  let config: ProxyConfig;
  try {
    const r = loadProxyConfigOrThrow(opts.files);
    config = r.config;
    logDiagnostics(log, r.warnings, 'config-warning');
  } catch (err) {
    if (err instanceof ConfigError) {
      stderr(err.diagnostics.filter((d) => d.severity === 'error').map(formatDiagnostic).join('\n') + '\n');
      logDiagnostics(log, err.diagnostics.filter((d) => d.severity === 'error'), 'config-error');
      return 1;
    }
    stderr(`hapair proxy: ${errorMessage(err)}\n`);
    return 1;
  }

  let checks: ChecksHandle | undefined;
  const startApi = startRuntimeApi;
  const pidPath = config.global.pidfile ?? path.join(runDir, 'proxy.pid');
  const pidFile = {
    write(): void {
      try {
        fs.mkdirSync(path.dirname(pidPath), { recursive: true });
        fs.writeFileSync(pidPath, `${process.pid}\n`);
      } catch (err) {
        log.warn({ event: 'pidfile-failed', path: pidPath, err: errorMessage(err) }, `cannot write pid file ${pidPath}`);
      }
    },
    remove(): void {
      try {
        if (fs.readFileSync(pidPath, 'utf8').trim() === String(process.pid)) fs.unlinkSync(pidPath);
      } catch {
        /* already gone */
      }
    },
  };
  if (config.global.nbthread > 1) {
    return runPrimary({ files: opts.files, log, clock, sockets: (c) => apiSockets(c, runDir), startApi, metrics, pidFile }, config);
  }
  const services: ServiceHooks = {
    stats: (section, req) => handleStatsRequest({ runtime: rt, checks: checks!, section }, req),
    metrics: (req) => metrics(rt, req),
  };
  const rt = new ProxyRuntime(config, { logger: log, clock, services });
  try {
    await rt.start();
  } catch (err) {
    stderr(`hapair proxy: ${errorMessage(err)}\n`);
    log.error({ event: 'start-failed', code: isHaError(err) ? err.code : undefined }, errorMessage(err));
    return 1;
  }
  checks = startChecks(rt, { logger: log, clock });
  let sockets = apiSockets(config, runDir);
  let api = await startApi(rt, checks, sockets, { logger: log }).catch((err: unknown) => {
    log.error({ event: 'api-failed', err: errorMessage(err) }, `runtime API not started: ${errorMessage(err)}`);
    return undefined;
  });
  pidFile.write();
  return new Promise<number>((resolve) => {
    let reloading = Promise.resolve();
    let stopping = false;
    const reload = async (): Promise<void> => {
      const r = loadProxyConfig(opts.files);
      if (!r.config) {
        logDiagnostics(log, r.diagnostics.filter((d) => d.severity === 'error'), 'reload-rejected');
        log.error({ event: 'reload-failed' }, 'new configuration rejected; the running one keeps serving');
        return;
      }
      logDiagnostics(log, r.diagnostics, 'config-warning');
      try {
        await rt.reload(r.config);
      } catch (err) {
        log.error({ event: 'reload-failed', err: errorMessage(err) }, `reload failed: ${errorMessage(err)}`);
        return;
      }
      checks!.reload();
      const next = apiSockets(r.config, runDir);
      if (JSON.stringify(next) !== JSON.stringify(sockets)) {
        await api?.close();
        sockets = next;
        api = await startApi(rt, checks!, sockets, { logger: log }).catch(() => undefined);
      }
      log.info({ event: 'reloaded', frontends: [...rt.frontends.keys()], backends: [...rt.backends.keys()] }, 'configuration reloaded');
    };
    const finish = async (soft: boolean): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info({ event: soft ? 'soft-stop' : 'stop' }, soft ? 'soft stop: draining' : 'stopping');
      process.off('SIGHUP', onHup);
      rt.stop(soft);
      checks!.stop();
      await api?.close().catch(() => undefined);
      if (soft) {
        const limit = config.global.hardStopAfter;
        await Promise.race([rt.whenIdle(), ...(limit ? [new Promise((r) => setTimeout(r, limit))] : [])]);
        rt.stop(false);
      }
      pidFile.remove();
      log.info({ event: 'exit' }, 'proxy stopped');
      process.off('SIGUSR1', onUsr1);
      process.off('SIGTERM', onTerm);
      process.off('SIGINT', onTerm);
      resolve(0);
    };
    const onHup = (): void => {
      reloading = reloading.then(reload, reload);
    };
    const onUsr1 = (): void => void finish(true);
    const onTerm = (): void => void finish(false);
    process.on('SIGHUP', onHup);
    process.on('SIGUSR1', onUsr1);
    process.on('SIGTERM', onTerm);
    process.on('SIGINT', onTerm);
    // Logged only once the signal handlers are in place: whoever waits for this line may signal at once.
    const listening = [...rt.frontends.values()].map((f) => ({ frontend: f.name, addresses: f.boundAddresses() }));
    log.info({ event: 'started', pid: process.pid, io: rawSockets ? 'raw' : 'net', frontends: listening, backends: [...rt.backends.keys()] }, 'proxy started');
  });
}
