// `option external-check`: runs `external-check command` per check with haproxy's argv and replaced
// environment (haproxy.md §2.5), in its own process group, killed (SIGTERM, then SIGKILL) on timeout (core/proc-group.ts).
import { runInGroup } from '../../core/proc-group.js';
import type { CheckStatusCode, ProxySection, RuntimeServerView } from '../types.js';

export interface ExternalInput {
  readonly command: string;
  readonly path: string; // PATH for the child ("" by default, so the command should be absolute)
  readonly section: ProxySection;
  readonly server: RuntimeServerView;
  readonly timeoutMs: number;
}

export interface ExternalOutcome {
  readonly status: CheckStatusCode;
  readonly info: string;
  readonly durationMs: number;
}

/** argv[1..4] = proxy addr, proxy port, server addr, server port; "NOT_USED" where there is no listener/port. */
export function externalArgs(section: ProxySection, server: RuntimeServerView): { argv: string[]; env: Record<string, string> } {
  const bind = section.binds[0];
  const pxAddr = bind ? bind.host : 'NOT_USED';
  const pxPort = bind ? String(bind.port) : 'NOT_USED';
  const srvAddr = server.config.unixPath ?? server.addr;
  const srvPort = server.config.unixPath ? 'NOT_USED' : String(server.port ?? 0);
  const env: Record<string, string> = {
    HAPROXY_PROXY_NAME: section.name,
    HAPROXY_PROXY_ID: String(section.id),
    HAPROXY_PROXY_ADDR: pxAddr,
    HAPROXY_PROXY_PORT: pxPort,
    HAPROXY_SERVER_NAME: server.name,
    HAPROXY_SERVER_ID: String(server.id),
    HAPROXY_SERVER_ADDR: srvAddr,
    HAPROXY_SERVER_PORT: srvPort,
    HAPROXY_SERVER_MAXCONN: String(server.maxconn),
    HAPROXY_SERVER_CURCONN: String(server.counters.cur),
    HAPROXY_SERVER_SSL: '0',
    HAPROXY_SERVER_PROTO: section.mode === 'http' ? 'h1' : 'tcp',
  };
  return { argv: [pxAddr, pxPort, srvAddr, srvPort], env };
}

/** Grace between SIGTERM and SIGKILL of a timed-out check's process group. */
const KILL_GRACE_MS = 1000;

/** Exit 0 -> PROCOK; non-zero or signal -> PROCERR; still running at the deadline -> PROCTOUT. Never throws. */
export async function runExternalCheck(input: ExternalInput): Promise<ExternalOutcome> {
  const { argv, env } = externalArgs(input.section, input.server);
  // The environment is replaced, not extended, exactly like haproxy's.
  const r = await runInGroup([input.command, ...argv], { timeoutMs: input.timeoutMs, killGraceMs: KILL_GRACE_MS, env: { PATH: input.path, ...env } });
  const out = (status: CheckStatusCode, info: string): ExternalOutcome => ({ status, info, durationMs: Math.round(r.durationMs) });
  if (r.spawnError) return out('PROCERR', `failed to run '${input.command}': ${r.spawnError.message}`);
  if (r.timedOut) return out('PROCTOUT', `killed after ${input.timeoutMs} ms`);
  if (r.exitCode === 0) return out('PROCOK', '');
  return out('PROCERR', r.signal ? `killed by signal ${r.signal}` : `exit code ${r.exitCode}`);
}
