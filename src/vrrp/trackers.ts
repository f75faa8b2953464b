// vrrp_script trackers shared by all instances (one runner per script, like keepalived) + per-instance tracker views.
import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import { resolveIds } from '../notify/users.js';
import type { InstanceConfig, KeepalivedConfig, TrackerStatus, VrrpScriptConfig } from './types.js';
import { ScriptRunner, type ScriptResult } from './script-runner.js';
import { applyTrackerResult, initialTrackerCounter, type TrackerCounter } from './tracker-state.js';
import { trackerContribution, type TrackerView } from './priority.js';

export interface ScriptState {
  readonly counter: TrackerCounter;
  readonly lastResult?: string;
}

interface Entry {
  readonly cfg: VrrpScriptConfig;
  readonly runner: ScriptRunner | undefined; // undefined: disabled (unknown user), stays failed
  state: ScriptState;
}

/** Runs every vrrp_script used by some instance; `onChange(name)` fires when a script's OK/failed status changes. */
export class ScriptTrackers {
  private readonly entries = new Map<string, Entry>();

  constructor(
    config: KeepalivedConfig,
    used: ReadonlySet<string>,
    private readonly deps: { clock: Clock; logger: Logger },
    private readonly onChange: (name: string) => void,
  ) {
    for (const name of used) {
      const cfg = config.scripts.get(name);
      if (cfg) this.entries.set(name, this.makeEntry(cfg, config));
    }
  }

  private makeEntry(cfg: VrrpScriptConfig, config: KeepalivedConfig): Entry {
    const state: ScriptState = { counter: initialTrackerCounter({ rise: cfg.rise, fall: cfg.fall, initFail: cfg.initFail }) };
    // user/group: the script's own, else global script_user, else the daemon's own identity (keepalived falls
    // back to keepalived_script then root; hapair runs scripts as the daemon user unless told otherwise).
    const user = cfg.command.user ?? config.global.scriptUser?.user;
    const group = cfg.command.user ? cfg.command.group : config.global.scriptUser?.group;
    let ids: { uid: number; gid: number } | undefined;
    if (user !== undefined) {
      const r = resolveIds(user, group);
      if (typeof r === 'string') {
        this.deps.logger.error({ event: 'script-disabled', script: cfg.name, code: 'ESCRIPT', file: cfg.where.file, line: cfg.where.line }, `vrrp_script ${cfg.name}: ${r} - script disabled (treated as failing)`);
        return { cfg, runner: undefined, state: { counter: applyTrackerResult(state.counter, false).counter, lastResult: r } };
      }
      ids = r;
    }
    const runner = new ScriptRunner(
      {
        name: cfg.name,
        argv: cfg.command.argv,
        intervalMs: cfg.intervalSec * 1000,
        timeoutMs: (cfg.timeoutSec > 0 ? cfg.timeoutSec : cfg.intervalSec) * 1000,
        ...(ids ? { uid: ids.uid, gid: ids.gid } : {}),
      },
      this.deps,
      (r) => this.onResult(cfg.name, r),
    );
    return { cfg, runner, state };
  }

  private onResult(name: string, r: ScriptResult): void {
    const e = this.entries.get(name);
    if (!e) return;
    const prev = e.state;
    const step = applyTrackerResult(prev.counter, r.ok);
    e.state = { counter: step.counter, lastResult: r.text };
    const log = this.deps.logger;
    if (prev.lastResult !== r.text) log.info({ event: 'script-result', script: name, result: r.text, ms: Math.round(r.durationMs) }, `Script ${name} now returning ${r.text}`);
    if (step.changed) {
      const ok = step.counter.status === true;
      log.info({ event: 'script-state', script: name, ok, result: r.text }, ok ? `VRRP_Script(${name}) succeeded` : `VRRP_Script(${name}) failed (${r.text})`);
      this.onChange(name);
    }
  }

  /** Reload: carry a script's hysteresis state over from the previous run (only when the script is unchanged). */
  adopt(name: string, state: ScriptState): void {
    const e = this.entries.get(name);
    if (e?.runner) e.state = state;
  }

  /** True once every script has produced a result (or is disabled). */
  allReported(): boolean {
    return [...this.entries.values()].every((e) => e.state.counter.status !== null);
  }

  /** The longest timeout of any script, to bound how long start-up waits for first results. */
  maxTimeoutMs(): number {
    return Math.max(0, ...[...this.entries.values()].map((e) => e.runner?.spec.timeoutMs ?? 0));
  }

  start(): void {
    for (const e of this.entries.values()) e.runner?.start();
  }

  async stop(): Promise<void> {
    await Promise.all([...this.entries.values()].map((e) => e.runner?.stop()));
  }

  state(name: string): ScriptState | undefined {
    return this.entries.get(name)?.state;
  }

  names(): string[] {
    return [...this.entries.keys()];
  }
}

/** Names of vrrp_scripts referenced by the instances (unreferenced ones never run, as keepalived). */
export function usedScripts(instances: readonly InstanceConfig[]): Set<string> {
  return new Set(instances.flatMap((i) => i.trackScripts.map((t) => t.name)));
}

export interface LinkView {
  readonly up: boolean | null;
  readonly detail?: string;
}

/** Everything an instance tracks, as priority.ts TrackerViews plus display info for `hapair status`. */
export interface InstanceTracker {
  readonly view: TrackerView;
  readonly kind: 'script' | 'interface';
  readonly name: string;
  readonly lastResult?: string;
}

/**
 * The instance's trackers right now: its track_scripts, its track_interfaces, and its own interface (weight 0,
 * i.e. down => FAULT) unless dont_track_primary (keepalived.md §4.4, §6.9).
 */
export function instanceTrackers(
  inst: InstanceConfig,
  config: KeepalivedConfig,
  scripts: (name: string) => ScriptState | undefined,
  link: (iface: string) => LinkView,
): InstanceTracker[] {
  const out: InstanceTracker[] = [];
  for (const ref of inst.trackScripts) {
    const cfg = config.scripts.get(ref.name);
    const st = scripts(ref.name);
    out.push({
      kind: 'script',
      name: ref.name,
      view: {
        source: `script:${ref.name}`,
        weight: ref.weight ?? cfg?.weight ?? 0,
        reverse: ref.reverse ?? cfg?.weightReverse ?? false,
        ok: st ? st.counter.status : false,
      },
      ...(st?.lastResult ? { lastResult: st.lastResult } : cfg ? {} : { lastResult: 'no such vrrp_script' }),
    });
  }
  const ifaces: { name: string; weight: number; reverse: boolean }[] = [];
  if (!inst.dontTrackPrimary) ifaces.push({ name: inst.interface, weight: 0, reverse: false });
  for (const ref of inst.trackInterfaces) {
    if (ifaces.some((i) => i.name === ref.name)) continue;
    ifaces.push({ name: ref.name, weight: ref.weight ?? 0, reverse: ref.reverse ?? false });
  }
  for (const i of ifaces) {
    const l = link(i.name);
    out.push({
      kind: 'interface',
      name: i.name,
      view: { source: `interface:${i.name}`, weight: i.weight, reverse: i.reverse, ok: l.up },
      ...(l.detail ? { lastResult: l.detail } : {}),
    });
  }
  return out;
}

export function trackerStatus(t: InstanceTracker): TrackerStatus {
  return {
    kind: t.kind,
    name: t.name,
    ok: t.view.ok,
    weight: t.view.weight,
    contribution: trackerContribution(t.view),
    ...(t.lastResult !== undefined ? { lastResult: t.lastResult } : {}),
  };
}
