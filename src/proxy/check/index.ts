// startChecks: builds one CheckTask per configured health check and agent, spreads the first round
// (haproxy.md §2.2), and implements CheckControl for the stats page and runtime API.
import type { Logger } from 'pino';
import type { Clock } from '../../core/clock.js';
import type { BackendView, CheckControl, ProxyRuntimeView, ServerControl, ServerTransitionCause } from '../types.js';
import { CheckTask, type TaskContext } from './task.js';
import { spreadDelays } from './health.js';

export interface CheckDeps {
  readonly logger: Logger;
  readonly clock: Clock;
  /** Random source for spread-checks jitter (tests pass a fixed one). */
  readonly random?: () => number;
}

export interface ChecksHandle extends CheckControl {
  stop(): void;
  /** Re-syncs tasks with runtime.backends after a config reload: kept servers keep their check state. */
  reload(): void;
  /** Tell the checks that a server's admin flags changed (stats page / CLI): pauses or resumes at once. */
  adminChanged(server: ServerControl): void;
  /** Resolves when no check is running (tests and benchmarks). */
  idle(): Promise<void>;
  /** Number of scheduled tasks (health + agent). */
  readonly size: number;
}

const cliCause = (what: string): ServerTransitionCause => ({ source: 'cli', reason: what });

export function startChecks(runtime: ProxyRuntimeView, deps: CheckDeps): ChecksHandle {
  const tasks = new Map<string, { server: ServerControl; check?: CheckTask; agent?: CheckTask }>();
  const byServer = new WeakMap<ServerControl, { check?: CheckTask; agent?: CheckTask }>();
  const logger = deps.logger.child({ component: 'checks' });
  const handle = {} as ChecksHandle;
  const ctx: TaskContext = {
    runtime,
    logger,
    clock: deps.clock,
    random: deps.random ?? Math.random,
    adminChanged: (s) => handle.adminChanged(s),
  };

  const key = (be: BackendView, s: ServerControl) => `${be.name}/${s.name}`;

  /** Creates missing tasks, rebinds kept ones to (possibly new) objects, stops removed ones. */
  function sync(initial: boolean): CheckTask[] {
    const seen = new Set<string>();
    const fresh: CheckTask[] = [];
    for (const be of runtime.backends.values()) {
      for (const s of be.servers) {
        const k = key(be, s);
        if (seen.has(k)) continue; // listen sections appear once per name
        seen.add(k);
        let entry = tasks.get(k);
        if (!entry) {
          entry = { server: s };
          tasks.set(k, entry);
        }
        entry.server = s;
        for (const kind of ['check', 'agent'] as const) {
          const wanted = kind === 'check' ? s.config.check : s.config.agentCheck && s.config.agentPort !== undefined;
          const cur = entry[kind];
          if (!wanted) {
            cur?.stop();
            if (cur) s.setCheckState(kind, undefined);
            delete entry[kind];
            continue;
          }
          if (cur) {
            cur.server = s;
            cur.backend = be;
            cur.compile();
            cur.publish();
            // A reload may have added or removed `disabled`: pause, or resume at rise and check at once (§2.2).
            cur.onAdminChanged();
          } else {
            const t = new CheckTask(kind, s, be, ctx);
            entry[kind] = t;
            t.publish();
            fresh.push(t);
          }
        }
        byServer.set(s, entry);
      }
    }
    for (const [k, entry] of tasks) {
      if (seen.has(k)) continue;
      entry.check?.stop();
      entry.agent?.stop();
      tasks.delete(k);
    }
    if (!initial) for (const t of fresh) t.schedule(Math.floor(ctx.random() * t.inter));
    return fresh;
  }

  const first = sync(true);
  const delays = spreadDelays(first.map((t) => t.nextInterval()), runtime.config.global.maxSpreadChecks);
  first.forEach((t, i) => {
    if (t.kind === 'check' && t.server.config.disabled) t.paused = true;
    t.schedule(delays[i] ?? 0);
  });
  logger.info({ event: 'checks-started', checks: first.length }, `started ${first.length} health/agent checks`);

  const taskOf = (s: ServerControl, kind: 'check' | 'agent') => byServer.get(s)?.[kind];

  return Object.assign(handle, {
    get size() {
      let n = 0;
      for (const e of tasks.values()) n += (e.check ? 1 : 0) + (e.agent ? 1 : 0);
      return n;
    },
    setHealthEnabled(server: ServerControl, enabled: boolean) {
      taskOf(server, 'check')?.setEnabled(enabled);
    },
    setAgentEnabled(server: ServerControl, enabled: boolean) {
      taskOf(server, 'agent')?.setEnabled(enabled);
    },
    forceHealth(server: ServerControl, state: 'up' | 'stopping' | 'down', cause?: ServerTransitionCause) {
      const t = taskOf(server, 'check');
      if (t && t.enabled) t.force(state, cause ?? cliCause(`health forced ${state}`));
    },
    forceAgent(server: ServerControl, state: 'up' | 'down', cause?: ServerTransitionCause) {
      const t = taskOf(server, 'agent');
      if (t && t.enabled) t.force(state, cause ?? cliCause(`agent forced ${state}`));
    },
    adminChanged(server: ServerControl) {
      taskOf(server, 'check')?.onAdminChanged();
    },
    stop() {
      for (const e of tasks.values()) {
        e.check?.stop();
        e.agent?.stop();
      }
      logger.info({ event: 'checks-stopped' }, 'health/agent checks stopped');
    },
    reload() {
      const fresh = sync(false);
      logger.info({ event: 'checks-reloaded', checks: handle.size, new: fresh.length }, 'health/agent checks re-synced after reload');
    },
    async idle() {
      for (let i = 0; i < 100; i++) {
        const pending: Promise<void>[] = [];
        for (const e of tasks.values()) {
          if (e.check?.inflight) pending.push(e.check.inflight);
          if (e.agent?.inflight) pending.push(e.agent.inflight);
        }
        if (pending.length === 0) return;
        await Promise.all(pending);
      }
    },
  });
}
