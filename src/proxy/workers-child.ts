// nbthread support, worker side: a data-plane process forked by the control process (node:cluster, SCHED_NONE:
// the kernel spreads connections over the workers sharing each listening socket). It runs the frontends with its
// share of the limits, follows the server state it is sent, reports counters, and asks the control process to
// answer stats/metrics requests (which show totals over all workers).
import cluster from 'node:cluster';
import type { Logger } from '../core/logger.js';
import { createLogger, silentLogger } from '../core/logger.js';
import { realClock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import type { ProxyConfig, ServiceRequest, ServiceResponse, TrafficCounters } from './types.js';
import { loadProxyConfig } from './config/load.js';
import { ProxyRuntime } from './runtime.js';
import { shareConfig, applySnapshot, SERVICE_HEADERS, type FromWorker, type ToWorker, type CountersReport } from './workers-sync.js';

const REPORT_MS = 500;

function send(msg: FromWorker): void {
  if (process.connected) process.send?.(msg);
}

function report(rt: ProxyRuntime): CountersReport {
  const frontends: Record<string, TrafficCounters> = {};
  for (const fe of rt.frontends.values()) frontends[fe.name] = fe.counters;
  const backends: CountersReport['backends'] = {};
  for (const be of rt.backends.values()) {
    const servers: Record<string, TrafficCounters> = {};
    for (const s of be.servers) servers[s.name] = s.counters;
    backends[be.name] = { counters: be.counters, servers };
  }
  return { frontends, backends, actconn: rt.global.actconn, cumConns: rt.global.cumConns, cumReq: rt.global.cumReq };
}

/** Runs one worker until the control process stops it; resolves with the exit code. */
export async function runWorker(files: readonly string[]): Promise<number> {
  const workers = Number(process.env.HAPAIR_WORKERS ?? '1');
  const index = Number(process.env.HAPAIR_WORKER_INDEX ?? '0');
  const log: Logger = createLogger({ name: 'proxy', base: { worker: index } });
  const loaded = loadProxyConfig(files);
  if (!loaded.config) {
    send({ t: 'start-failed', error: 'configuration rejected' });
    return 1;
  }
  let pending = 0;
  const waiting = new Map<number, (r: ServiceResponse) => void>();
  const viaControl = (kind: 'stats' | 'metrics', section: string, req: ServiceRequest): Promise<ServiceResponse> => {
    const id = ++pending;
    const headers = SERVICE_HEADERS.flatMap((h) => {
      const v = req.header(h);
      return v === undefined ? [] : [[h, v] as const];
    });
    send({ t: 'service', id, kind, section, req: { method: req.method, uri: req.uri, version: req.version, headers, body: req.body.toString('base64'), clientIp: req.clientIp } });
    return new Promise((resolve) => waiting.set(id, resolve));
  };
  const config: ProxyConfig = shareConfig(loaded.config, workers);
  // Server transitions are logged once, by the control process; a worker's backend core stays quiet.
  const rt = new ProxyRuntime(config, {
    logger: log,
    backendLogger: silentLogger(),
    clock: realClock,
    services: { stats: (section, req) => viaControl('stats', section.name, req), metrics: (req) => viaControl('metrics', '', req) },
    share: { index, count: workers },
  });
  try {
    await rt.start();
  } catch (err) {
    send({ t: 'start-failed', error: errorMessage(err) });
    return 1;
  }
  const timer = setInterval(() => send({ t: 'counters', report: report(rt) }), REPORT_MS);
  send({ t: 'ready', frontends: [...rt.frontends.values()].map((f) => ({ frontend: f.name, addresses: f.boundAddresses() })) });
  return new Promise<number>((resolve) => {
    const onMessage = (msg: ToWorker): void => {
      switch (msg.t) {
        case 'state':
          for (const snap of msg.servers) {
            const s = rt.backends.get(snap.backend)?.findServer(snap.server);
            if (s) applySnapshot(s, snap, workers);
          }
          return;
        case 'service-reply': {
          const done = waiting.get(msg.id);
          waiting.delete(msg.id);
          done?.({ status: msg.status, headers: msg.headers, body: Buffer.from(msg.body, 'base64') });
          return;
        }
        case 'reload': {
          const next = loadProxyConfig(files);
          if (!next.config) return send({ t: 'reloaded', ok: false, error: 'configuration rejected' });
          rt.reload(shareConfig(next.config, workers)).then(
            () => send({ t: 'reloaded', ok: true }),
            (err: unknown) => send({ t: 'reloaded', ok: false, error: errorMessage(err) }),
          );
          return;
        }
        case 'stop':
          clearInterval(timer);
          rt.stop(msg.soft);
          void (msg.soft ? rt.whenIdle() : Promise.resolve()).then(() => {
            send({ t: 'counters', report: report(rt) });
            process.off('message', onMessage);
            resolve(0);
            setTimeout(() => process.exit(0), 50).unref();
          });
          return;
      }
    };
    process.on('message', onMessage);
    // Signals are the control process's business: a worker only obeys it (and dies with it).
    for (const sig of ['SIGHUP', 'SIGUSR1', 'SIGINT'] as const) process.on(sig, () => undefined);
    process.on('disconnect', () => {
      rt.stop(false);
      resolve(0);
      process.exit(0);
    });
  });
}

export const isWorkerProcess = (): boolean => cluster.isWorker;
