// startRuntimeApi: serves the runtime API on every `stats socket` (unix path, or ip:port), haproxy-style:
// non-interactive by default (one line of `;`-separated commands, answer, close), `prompt` for interactive
// use with `> `, per-socket level user/operator/admin, idle timeout = global `stats timeout`.
import net from 'node:net';
import fs from 'node:fs';
import path from 'node:path';
import type { Logger } from 'pino';
import type { CheckControl, ProxyRuntimeView, StatsSocketConfig } from '../types.js';
import { runCommand, type Session } from './commands.js';
import { splitCommands, splitWords } from './parse.js';
import { statsSocketEndpoint } from '../config/addr.js';
import { startRateSampler } from '../stats/rates.js';

/** A request line longer than this is refused (haproxy's CLI buffer is of the same order). */
const MAX_LINE = 64 * 1024;

export interface RuntimeApi {
  close(): Promise<void>;
}

/** Executes one input line; returns the text to write. Exposed for `hapair ctl`-less callers and tests. */
export function executeLine(rt: ProxyRuntimeView, checks: CheckControl, session: Session, line: string): string {
  let out = '';
  for (const cmd of splitCommands(line)) {
    const reply = runCommand(splitWords(cmd), { rt, checks, session });
    out += reply.bare ? reply.text : `${reply.text}\n`;
    if (session.quit) break;
  }
  return out;
}

/** A TCP `stats socket` (host:port as the loader normalised it), else undefined for a unix path. */
function tcpTarget(p: string): { host: string; port: number } | undefined {
  const e = statsSocketEndpoint(p);
  return 'port' in e ? e : undefined;
}

function serveConnection(sock: net.Socket, rt: ProxyRuntimeView, checks: CheckControl, cfg: StatsSocketConfig, idleMs: number): void {
  const session: Session = { level: cfg.level, prompt: false, quit: false };
  let buf = '';
  sock.setEncoding('latin1');
  sock.setTimeout(idleMs, () => sock.destroy());
  sock.on('error', () => sock.destroy());
  sock.on('data', (chunk: string) => {
    buf += chunk;
    if (buf.length > MAX_LINE) {
      sock.end('Request too long.\n\n');
      buf = '';
      return;
    }
    for (let nl = buf.indexOf('\n'); nl >= 0 && !sock.destroyed; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl).replace(/\r$/, '');
      buf = buf.slice(nl + 1);
      const wasPrompt = session.prompt;
      const out = executeLine(rt, checks, session, line);
      if (session.quit) {
        sock.end(out);
        return;
      }
      if (session.prompt) sock.write(`${out}> `);
      else if (wasPrompt) sock.write(out); // prompt toggled off: stays interactive without the prompt
      else {
        sock.end(out); // non-interactive: one line, then close
        return;
      }
    }
  });
  sock.on('end', () => {
    // A last line without newline (e.g. `echo -n cmd | socat`) is still executed.
    if (buf.trim() && !sock.destroyed) sock.end(executeLine(rt, checks, session, buf));
    else sock.end();
  });
}

export async function startRuntimeApi(
  runtime: ProxyRuntimeView,
  checks: CheckControl,
  sockets: readonly StatsSocketConfig[],
  deps: { logger: Logger; idleMs?: number },
): Promise<RuntimeApi> {
  const servers: net.Server[] = [];
  const conns = new Set<net.Socket>();
  const idleMs = deps.idleMs ?? runtime.config.global.statsTimeout ?? 10_000;
  const log = deps.logger.child({ component: 'runtime-api' });
  // The control process always serves the API (a default socket at least): it also samples the stats rates.
  const rates = startRateSampler(runtime);
  try {
    for (const cfg of sockets) {
      const srv = net.createServer({ allowHalfOpen: true }, (sock) => {
        conns.add(sock);
        sock.on('close', () => conns.delete(sock));
        serveConnection(sock, runtime, checks, cfg, idleMs);
      });
      const tcp = tcpTarget(cfg.path);
      if (!tcp) {
        fs.mkdirSync(path.dirname(cfg.path), { recursive: true });
        try {
          if (fs.statSync(cfg.path).isSocket()) fs.unlinkSync(cfg.path); // stale socket of a previous run
        } catch {
          /* absent */
        }
      }
      await new Promise<void>((resolve, reject) => {
        srv.once('error', reject);
        if (tcp) srv.listen(tcp.port, tcp.host, () => resolve());
        else srv.listen(cfg.path, () => resolve());
      });
      if (!tcp) fs.chmodSync(cfg.path, cfg.mode ?? 0o600);
      servers.push(srv);
      log.info({ event: 'runtime-api-listening', socket: cfg.path, level: cfg.level }, `runtime API on ${cfg.path} (level ${cfg.level})`);
    }
  } catch (err) {
    rates.stop();
    for (const s of servers) s.close();
    throw err;
  }
  return {
    close: async () => {
      rates.stop();
      for (const c of conns) c.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
      for (const cfg of sockets) {
        if (tcpTarget(cfg.path)) continue;
        try {
          fs.unlinkSync(cfg.path);
        } catch {
          /* gone */
        }
      }
    },
  };
}
