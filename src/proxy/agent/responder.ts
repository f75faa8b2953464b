// `hapair agent` core: a TCP agent-check responder (replaces seed 000's xinetd setup). Each probe gets the first
// line of the check script's output + "\n"; runs are bounded in time, cached for cacheMs, and never concurrent
// (probes arriving during a run share it). A failing/hanging script answers "down # <why>" (haproxy.md §3).
import net from 'node:net';
import { runInGroup } from '../../core/proc-group.js';
import type { Logger } from 'pino';

export interface AgentOptions {
  readonly port: number;
  readonly addr?: string; // default 0.0.0.0 (all interfaces, like xinetd)
  readonly cacheMs: number;
  readonly timeoutMs: number;
  readonly command: string;
  readonly args: readonly string[];
  readonly logger: Logger;
  /** Connections served at once; more are refused by the kernel backlog / closed. */
  readonly maxConnections?: number;
}

export interface AgentHandle {
  readonly port: number;
  /** How many times the script ran. */
  readonly runs: number;
  close(): Promise<void>;
}

/** Longest reply line sent back (haproxy reads at most one buffer anyway). */
const MAX_REPLY = 1024;
const MAX_OUTPUT = 64 * 1024;

export interface ScriptResult {
  readonly line: string;
  readonly ok: boolean;
}

/** Keeps the reply one printable line: no CR/LF/control bytes, bounded. */
export function sanitizeReply(s: string): string {
  return s.replace(/[\x00-\x08\x0b-\x1f\x7f]/g, ' ').trim().slice(0, MAX_REPLY);
}

/** Runs the script once in its own process group, SIGKILLed at the deadline (a hung curl in a pipeline dies too). */
export async function runScript(command: string, args: readonly string[], timeoutMs: number): Promise<ScriptResult> {
  const r = await runInGroup([command, ...args], { timeoutMs, killGraceMs: 0, stdoutMax: MAX_OUTPUT, stdoutEncoding: 'latin1' });
  if (r.spawnError) return { line: `down # check script could not start: ${sanitizeReply(r.spawnError.message)}`, ok: false };
  if (r.timedOut) return { line: `down # check script timed out after ${timeoutMs} ms`, ok: false };
  if (r.signal) return { line: `down # check script killed by ${r.signal}`, ok: false };
  if (r.exitCode !== 0) return { line: `down # check script exited with code ${r.exitCode}`, ok: false };
  const first = sanitizeReply(r.stdout.split(/\r?\n/)[0] ?? '');
  return first ? { line: first, ok: true } : { line: 'down # check script printed nothing', ok: false };
}

export async function startAgent(o: AgentOptions): Promise<AgentHandle> {
  const log = o.logger.child({ component: 'agent' });
  let cache: { line: string; at: number } | undefined;
  let inflight: Promise<string> | undefined;
  let runs = 0;
  let lastLine: string | undefined;

  /** The current answer: cached if fresh enough, else the in-flight run, else a new run. */
  function answer(): Promise<string> {
    if (cache && performance.now() - cache.at < o.cacheMs) return Promise.resolve(cache.line);
    if (inflight) return inflight;
    runs++;
    inflight = runScript(o.command, o.args, o.timeoutMs).then((r) => {
      cache = { line: r.line, at: performance.now() };
      inflight = undefined;
      if (r.line !== lastLine) {
        log[r.ok ? 'info' : 'warn']({ event: 'agent-reply', reply: r.line }, `agent reply is now "${r.line}"`);
        lastLine = r.line;
      }
      return r.line;
    });
    return inflight;
  }

  const conns = new Set<net.Socket>();
  const server = net.createServer((sock) => {
    conns.add(sock);
    sock.on('close', () => conns.delete(sock));
    sock.on('error', () => sock.destroy());
    sock.on('data', () => undefined); // `agent-send` text is accepted and ignored
    sock.setTimeout(o.timeoutMs + 5000, () => sock.destroy()); // a peer that never reads cannot pin us
    void answer().then((line) => {
      if (!sock.destroyed) sock.end(`${line}\n`);
    });
  });
  server.maxConnections = o.maxConnections ?? 1024;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.addr ?? '0.0.0.0', () => resolve());
  });
  const port = (server.address() as net.AddressInfo).port;
  log.info({ event: 'agent-listening', addr: o.addr ?? '0.0.0.0', port, command: o.command }, `agent listening on ${o.addr ?? '0.0.0.0'}:${port}`);
  return {
    port,
    get runs() {
      return runs;
    },
    close: async () => {
      for (const c of conns) c.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
