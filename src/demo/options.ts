// Command line and environment of `npm run demo` (pure): --ci / CI=true / no TTY = non-interactive.

export interface DemoOptions {
  /** Non-interactive: no pauses, and a final `DEMO-RESULT {...}` line. */
  readonly ci: boolean;
  /** Keep the temp dir (configs + daemon logs) instead of deleting it. */
  readonly keepLogs: boolean;
  /** lb1 without nopreempt: shows the takeback (a second VIP move) that nopreempt prevents. */
  readonly preempt: boolean;
  readonly help: boolean;
}

export const DEMO_USAGE = `usage: npm run demo [-- [--ci] [--keep-logs] [--preempt]]     (or: sudo node dist/src/demo/main.js [options])

Builds an isolated network-namespace lab (two load balancers running hapair proxy + hapair vrrp, two web
backends, a client, a mail server), kills the active proxy and narrates the failover. Needs root on Linux.
  --ci          non-interactive (also when CI=true or stdin is not a terminal): no pauses, final DEMO-RESULT line
  --keep-logs   keep the configs and daemon logs in the demo's temp dir (printed at the end)
  --preempt     run lb1 WITHOUT nopreempt: when its proxy is back it takes the VIP back from lb2 (a second
                move, the one nopreempt prevents); the demo then expects that takeback`;

export function parseDemoArgs(argv: readonly string[], env: NodeJS.ProcessEnv, stdinIsTTY: boolean): DemoOptions | { error: string } {
  let ci = false;
  let keepLogs = false;
  let preempt = false;
  let help = false;
  for (const a of argv) {
    if (a === '--ci') ci = true;
    else if (a === '--keep-logs') keepLogs = true;
    else if (a === '--preempt') preempt = true;
    else if (a === '--help' || a === '-h') help = true;
    else return { error: `unknown option '${a}'` };
  }
  const envCi = /^(1|true|yes)$/i.test(env.CI ?? '');
  return { ci: ci || envCi || !stdinIsTTY, keepLogs, preempt, help };
}

/** Why the demo cannot run here, as the one sentence to print; undefined when it can. */
export function requirementProblem(platform: string, uid: number | undefined): string | undefined {
  if (platform !== 'linux' || uid !== 0) {
    return 'hapair demo needs root on Linux (it builds network namespaces): run `sudo npm run demo`';
  }
  return undefined;
}

/** The lab drives iproute2; without it nothing can be built. */
export const NO_IP_COMMAND = 'hapair demo needs the `ip` command (iproute2): install it, e.g. `sudo bash scripts/bootstrap.sh`';
