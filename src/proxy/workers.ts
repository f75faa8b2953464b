// nbthread N: the control process forks N data-plane workers (node:cluster, SCHED_NONE so each listening socket
// is shared and the kernel spreads connections) and keeps health checks, the runtime API, the stats page and the
// server state to itself; it fans the state out to the workers and sums their counters. Workers that die are
// respawned. Signals: SIGHUP reload (control first, then every worker), SIGUSR1 soft stop, SIGTERM fast stop.
import cluster, { type Worker } from 'node:cluster';
import type { Logger } from '../core/logger.js';
import type { Clock } from '../core/clock.js';
import { errorMessage } from '../core/errors.js';
import { formatDiagnostic } from '../core/diagnostics.js';
import type { CheckControl, ProxyConfig, ProxyRuntimeView, ServiceRequest, ServiceResponse, StatsSocketConfig } from './types.js';
import { loadProxyConfig } from './config/load.js';
import { startChecks } from './check/index.js';
import { handleStatsRequest } from './stats/http.js';
import { ControlRuntime } from './workers-control.js';
import { rawSockets } from './io/raw.js';
import { serializeResponse, type FromWorker, type SerializedRequest, type ToWorker } from './workers-sync.js';

export interface PrimaryOptions {
  readonly files: readonly string[];
  readonly log: Logger;
  readonly clock: Clock;
  readonly sockets: (config: ProxyConfig) => StatsSocketConfig[];
  readonly startApi?: (rt: ProxyRuntimeView, checks: CheckControl, sockets: readonly StatsSocketConfig[], deps: { logger: Logger }) => Promise<{ close(): Promise<void> }>;
  readonly metrics?: (rt: ProxyRuntimeView, req: ServiceRequest) => Promise<ServiceResponse>;
  readonly pidFile: { write(): void; remove(): void };
}

const STATE_MS = 250;

function toServiceRequest(r: SerializedRequest): ServiceRequest {
  const headers = new Map(r.headers.map(([k, v]) => [k.toLowerCase(), v]));
  return { method: r.method, uri: r.uri, version: r.version, header: (n) => headers.get(n.toLowerCase()), body: Buffer.from(r.body, 'base64'), clientIp: r.clientIp };
}

/** Runs the control process of an nbthread > 1 configuration until stopped; resolves with the exit code. */
export async function runPrimary(o: PrimaryOptions, config: ProxyConfig): Promise<number> {
  const log = o.log;
  const n = config.global.nbthread;
  cluster.schedulingPolicy = cluster.SCHED_NONE;
  const control = new ControlRuntime(config, { logger: log, clock: o.clock });
  const checks = startChecks(control, { logger: log, clock: o.clock });
  const workers = new Map<number, Worker>();
  let stopping = false;
  let lastState = '';
  const sendAll = (msg: ToWorker): void => {
    for (const w of workers.values()) if (w.isConnected()) w.send(msg);
  };
  const pushState = (force = false): void => {
    const servers = control.snapshot();
    const text = JSON.stringify(servers);
    if (!force && text === lastState) return;
    lastState = text;
    sendAll({ t: 'state', servers });
  };
  const answer = async (w: Worker, msg: Extract<FromWorker, { t: 'service' }>): Promise<void> => {
    const req = toServiceRequest(msg.req);
    let res: ServiceResponse;
    try {
      const section = control.config.proxies.find((p) => p.name === msg.section);
      if (msg.kind === 'stats' && section) res = await handleStatsRequest({ runtime: control, checks, section }, req);
      else if (msg.kind === 'metrics' && o.metrics) res = await o.metrics(control, req);
      else res = { status: 503, headers: [['content-type', 'text/plain']], body: 'service not available\n' };
    } catch (err) {
      res = { status: 500, headers: [['content-type', 'text/plain']], body: `internal error: ${errorMessage(err)}\n` };
    }
    if (w.isConnected()) w.send(serializeResponse(msg.id, res));
    pushState(); // an admin POST may have changed server state
  };

  let readyWaiters: ((m: FromWorker) => void)[] = [];
  const fork = (index: number): Worker => {
    const w = cluster.fork({ HAPAIR_WORKERS: String(n), HAPAIR_WORKER_INDEX: String(index) });
    workers.set(index, w);
    w.on('message', (msg: FromWorker) => {
      if (msg.t === 'counters') control.report(index, msg.report);
      else if (msg.t === 'service') void answer(w, msg);
      else {
        if (msg.t === 'ready') w.send({ t: 'state', servers: control.snapshot() } satisfies ToWorker);
        for (const r of readyWaiters) r(msg);
      }
    });
    w.on('exit', (code, signal) => {
      control.forget(index);
      if (workers.get(index) !== w) return;
      workers.delete(index);
      if (stopping) return;
      log.error({ event: 'worker-exit', worker: index, pid: w.process.pid, code, signal }, `worker ${index} exited (${signal ?? code}); restarting it`);
      setTimeout(() => {
        if (!stopping) fork(index);
      }, 200);
    });
    return w;
  };

  const firstReady = await new Promise<FromWorker | undefined>((resolve) => {
    let ready = 0;
    let first: FromWorker | undefined;
    readyWaiters.push((m) => {
      if (m.t === 'start-failed') resolve(m);
      if (m.t !== 'ready') return;
      first ??= m;
      if (++ready === n) resolve(first);
    });
    for (let i = 0; i < n; i++) fork(i);
  });
  readyWaiters = [];
  if (!firstReady || firstReady.t !== 'ready') {
    stopping = true;
    for (const w of workers.values()) w.kill('SIGKILL');
    checks.stop();
    control.stop();
    log.error({ event: 'start-failed', error: firstReady?.t === 'start-failed' ? firstReady.error : 'no worker' }, 'workers failed to start');
    process.stderr.write(`hapair proxy: ${firstReady?.t === 'start-failed' ? firstReady.error : 'workers failed to start'}\n`);
    return 1;
  }
  for (const be of control.backends.values()) be.events.on('transition', () => pushState());
  const stateTimer = setInterval(() => pushState(), STATE_MS);
  let sockets = o.sockets(config);
  let api = o.startApi ? await o.startApi(control, checks, sockets, { logger: log }).catch(() => undefined) : undefined;
  o.pidFile.write();

  return new Promise<number>((resolve) => {
    const reload = async (): Promise<void> => {
      const r = loadProxyConfig(o.files);
      if (!r.config) {
        for (const d of r.diagnostics.filter((x) => x.severity === 'error')) log.error({ event: 'reload-rejected', file: d.file, line: d.line, code: d.code }, formatDiagnostic(d));
        log.error({ event: 'reload-failed' }, 'new configuration rejected; the running one keeps serving');
        return;
      }
      if (r.config.global.nbthread !== n) log.warn({ event: 'nbthread-change-ignored', from: n, to: r.config.global.nbthread }, 'nbthread changes need a restart');
      control.reload(r.config);
      checks.reload();
      for (const be of control.backends.values()) if (be.events.listenerCount('transition') === 0) be.events.on('transition', () => pushState());
      const replies = new Promise<FromWorker[]>((res) => {
        const got: FromWorker[] = [];
        readyWaiters.push((m) => {
          if (m.t === 'reloaded') got.push(m);
          if (got.length === workers.size) res(got);
        });
      });
      sendAll({ t: 'reload' });
      let guard: NodeJS.Timeout | undefined;
      const got = await Promise.race([replies, new Promise<FromWorker[]>((res) => (guard = setTimeout(() => res([]), 10_000)))]);
      clearTimeout(guard);
      readyWaiters = [];
      pushState(true);
      const next = o.sockets(r.config);
      if (o.startApi && JSON.stringify(next) !== JSON.stringify(sockets)) {
        await api?.close();
        sockets = next;
        api = await o.startApi(control, checks, sockets, { logger: log }).catch(() => undefined);
      }
      const failed = got.filter((m) => m.t === 'reloaded' && !m.ok);
      if (failed.length) log.error({ event: 'reload-failed', workers: failed.length }, 'some workers could not apply the new configuration');
      else log.info({ event: 'reloaded', workers: got.length, frontends: [...control.frontends.keys()], backends: [...control.backends.keys()] }, 'configuration reloaded');
    };
    let chain = Promise.resolve();
    const onHup = (): void => {
      chain = chain.then(reload, reload);
    };
    const finish = async (soft: boolean): Promise<void> => {
      if (stopping) return;
      stopping = true;
      log.info({ event: soft ? 'soft-stop' : 'stop', workers: workers.size }, soft ? 'soft stop: draining workers' : 'stopping workers');
      clearInterval(stateTimer);
      const exits = [...workers.values()].map((w) => new Promise<void>((r) => (w.isDead() ? r() : w.once('exit', () => r()))));
      sendAll({ t: 'stop', soft });
      const limit = soft ? control.config.global.hardStopAfter ?? 0 : 3000;
      const killer = limit > 0 ? setTimeout(() => { for (const w of workers.values()) w.kill('SIGKILL'); }, limit) : undefined;
      await Promise.all(exits);
      if (killer) clearTimeout(killer);
      checks.stop();
      await api?.close().catch(() => undefined);
      control.stop();
      o.pidFile.remove();
      for (const [sig, fn] of handlers) process.off(sig, fn);
      log.info({ event: 'exit' }, 'proxy stopped');
      resolve(0);
    };
    const handlers: [NodeJS.Signals, () => void][] = [
      ['SIGHUP', onHup], ['SIGUSR1', () => void finish(true)], ['SIGTERM', () => void finish(false)], ['SIGINT', () => void finish(false)],
    ];
    for (const [sig, fn] of handlers) process.on(sig, fn);
    const pids = [...workers.values()].map((w) => w.process.pid);
    log.info({ event: 'started', pid: process.pid, io: rawSockets ? 'raw' : 'net', workers: pids, frontends: firstReady.frontends, backends: [...control.backends.keys()] }, `proxy started with ${n} workers`);
  });
}
