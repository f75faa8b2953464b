// Pre-started GARP helpers: one `xargs … arping` per VIP, idle on its stdin, so a takeover's first GARP costs a write.
//
// Why: forking from the daemon (a Node process of ~50 MB) plus exec'ing arping put the first GARP ~4.5 ms after the
// takeover advert, against ~0.4 ms for keepalived, which sends it in-process right after the netlink add (measured
// on the lab bridge with scripts/bench/failover-timeline.mjs). The client keeps sending to the old master's MAC
// until that GARP, so the gap is outage. A BACKUP therefore keeps, per VIP, an `xargs -r -n 1 -- arping -U -q -c 1
// -I DEV` already running and blocked reading stdin; `fire` writes the address and closes stdin, and xargs (a
// small process, cheap to fork) runs arping with exactly the argv of a spawned GARP. arping is started only then,
// after the VIP is installed (arping -U binds the VIP as its source, and RFC 5798 §6.4.1 / keepalived send GARPs
// only for installed addresses). No shell is involved; the address reaches arping as one xargs argument.
//
// xargs reports arping's result as its own exit status (GNU findutils): 0 ok, 123 arping exited 1-125, 126/127
// arping not runnable / not found, 124/125 arping exited 255 / was killed.
import { spawn, type ChildProcess } from 'node:child_process';
import type { ResolvedVip } from './vip.js';

export const XARGS_BIN = process.env.HAPAIR_XARGS_BIN ?? 'xargs';

/** At most this many idle helpers at once (one process each); VIPs beyond it get a spawned arping as before. */
export const MAX_ARMED = 16;

/** xargs exit statuses that mean arping itself could not be run. */
export const XARGS_CANNOT_RUN: ReadonlySet<number> = new Set([126, 127]);

export const armedKey = (v: ResolvedVip): string => `${v.dev} ${v.address}`;

/** argv of an armed helper for `dev` (pure): the address is appended by xargs from stdin. */
export function armedArgv(arpingBin: string, dev: string): string[] {
  return ['-r', '-n', '1', '--', arpingBin, '-U', '-q', '-c', '1', '-I', dev];
}

export class ArmedGarps {
  private readonly idle = new Map<string, ChildProcess>();
  private stopped = false;

  constructor(private readonly arpingBin: string) {}

  /** Helpers waiting now. */
  get size(): number {
    return this.idle.size;
  }

  /**
   * Starts a helper for every VIP that has none (bounded by MAX_ARMED). Costs one fork per new helper, so callers
   * do it off the takeover path (on entering BACKUP). A helper that dies (xargs missing, killed) is forgotten.
   */
  arm(vips: readonly ResolvedVip[]): void {
    for (const v of vips) {
      const key = armedKey(v);
      if (this.idle.has(key)) continue;
      if (this.stopped || this.idle.size >= MAX_ARMED) return;
      let child: ChildProcess;
      try {
        child = spawn(XARGS_BIN, armedArgv(this.arpingBin, v.dev), { stdio: ['pipe', 'ignore', 'ignore'] });
      } catch {
        return; // fire() falls back to a spawned arping
      }
      child.stdin?.on('error', () => undefined);
      const forget = () => {
        if (this.idle.get(key) === child) this.idle.delete(key);
      };
      child.once('error', forget);
      child.once('exit', forget);
      this.idle.set(key, child);
    }
  }

  /**
   * Sends v's GARP through its idle helper, if one is alive: returns the helper (its exit status tells the result)
   * or undefined (the caller spawns arping itself). The helper is used once.
   */
  fire(v: ResolvedVip): ChildProcess | undefined {
    const key = armedKey(v);
    const child = this.idle.get(key);
    if (!child) return undefined;
    this.idle.delete(key);
    if (child.exitCode !== null || child.signalCode !== null || !child.stdin || child.stdin.destroyed) return undefined;
    child.stdin.end(`${v.address}\n`);
    return child;
  }

  /** Ends the idle helpers of VIPs not in `vips` (after a reload removed them), by PID. */
  retain(vips: readonly ResolvedVip[]): void {
    const keep = new Set(vips.map(armedKey));
    for (const [key, c] of this.idle) {
      if (keep.has(key)) continue;
      this.idle.delete(key);
      c.kill('SIGTERM');
    }
  }

  /** Ends every idle helper (by PID); none are started afterwards. */
  stop(): void {
    this.stopped = true;
    for (const c of this.idle.values()) c.kill('SIGTERM');
    this.idle.clear();
  }
}
