// `hapair agent --port N [--addr A] [--cache-ms N] [--timeout-ms N] -- CMD [ARGS...]`: serves haproxy agent-check
// replies from a script (the xinetd setup of seed 000, without xinetd). Runs until SIGTERM/SIGINT.
import { HaError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { startAgent } from '../../proxy/agent/responder.js';

export const usage = `usage: hapair agent --port N [--addr A] [--cache-ms N] [--timeout-ms N] -- CMD [ARGS...]

Answers every TCP connection on A:N with the first line of CMD's output followed by "\\n", the reply
format of haproxy's agent-check (up, down, drain, maint, ready, N%, maxconn:N, "# text").
  --port N        TCP port to listen on (required), e.g. 3333 for "agent-port 3333"
  --addr A        address to bind (default 0.0.0.0, every interface)
  --cache-ms N    reuse a result for at most N ms (default 1000); concurrent probes always share one run
  --timeout-ms N  kill the script (its whole process group) after N ms (default 1500, below agent-inter)
A script that fails answers "down # check script exited with code N"; one that hangs answers
"down # check script timed out after N ms"; one that cannot start answers "down # check script could not start: ...".`;

function intArg(name: string, v: string | undefined, min: number, max: number): number {
  if (v === undefined || !/^\d+$/.test(v) || Number(v) < min || Number(v) > max) throw new HaError('EUSAGE', `${name} expects an integer in ${min}..${max}, got '${v ?? ''}'`);
  return Number(v);
}

export interface AgentArgs {
  port: number;
  addr?: string;
  cacheMs: number;
  timeoutMs: number;
  command: string;
  args: string[];
}

export function parseAgentArgs(argv: readonly string[]): AgentArgs {
  const dash = argv.indexOf('--');
  const opts = dash >= 0 ? argv.slice(0, dash) : argv;
  const cmd = dash >= 0 ? argv.slice(dash + 1) : [];
  let port: number | undefined;
  let addr: string | undefined;
  let cacheMs = 1000;
  let timeoutMs = 1500;
  for (let i = 0; i < opts.length; i++) {
    const a = opts[i]!;
    const v = opts[i + 1];
    if (a === '--port') (port = intArg('--port', v, 0, 65535)), i++;
    else if (a === '--addr') (addr = v), i++;
    else if (a === '--cache-ms') (cacheMs = intArg('--cache-ms', v, 0, 3_600_000)), i++;
    else if (a === '--timeout-ms') (timeoutMs = intArg('--timeout-ms', v, 1, 600_000)), i++;
    else throw new HaError('EUSAGE', `unknown option '${a}'\n${usage}`);
  }
  if (port === undefined) throw new HaError('EUSAGE', `--port is required\n${usage}`);
  if (cmd.length === 0) throw new HaError('EUSAGE', `no check command after '--'\n${usage}`);
  return { port, ...(addr !== undefined ? { addr } : {}), cacheMs, timeoutMs, command: cmd[0]!, args: cmd.slice(1) };
}

export async function main(argv: string[]): Promise<number> {
  const a = parseAgentArgs(argv);
  const logger = createLogger({ name: 'agent' });
  const agent = await startAgent({ ...a, logger });
  await new Promise<void>((resolve) => {
    const stop = () => resolve();
    process.once('SIGTERM', stop);
    process.once('SIGINT', stop);
  });
  await agent.close();
  logger.info({ event: 'agent-stopped', runs: agent.runs }, 'agent stopped');
  return 0;
}
