// `hapair ctl [-S SOCKET] [-f CFG] [--run-dir DIR] "<command>[; <command>...]"`: sends one runtime API line to the
// proxy's stats socket (what `echo cmd | socat stdio unix-connect:SOCK` does) and prints the answer.
import net from 'node:net';
import path from 'node:path';
import { HaError } from '../../core/errors.js';
import { defaultRunDir } from '../../core/paths.js';
import { statsSocketEndpoint } from '../../proxy/config/addr.js';

export const usage = `usage: hapair ctl [-S SOCKET] [-f haproxy.cfg] [--run-dir DIR] [--timeout-ms N] "<command>"

Sends a runtime API command (e.g. "show stat", "set server be/s1 state drain", "show servers state")
to the proxy and prints its answer. The socket is -S, else the first 'stats socket' of the config
given with -f, else <run-dir>/proxy.sock (run-dir: --run-dir, $HAPAIR_RUN_DIR or /run/hapair).
Several commands may be joined with ';'.`;

interface CtlArgs {
  socket?: string;
  configs: string[];
  runDir?: string;
  timeoutMs: number;
  command: string;
}

export function parseCtlArgs(argv: readonly string[]): CtlArgs {
  const out: CtlArgs = { configs: [], timeoutMs: 10_000, command: '' };
  const words: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const v = argv[i + 1];
    const need = () => {
      if (v === undefined) throw new HaError('EUSAGE', `${a} needs a value\n${usage}`);
      i++;
      return v;
    };
    if (a === '-S' || a === '--socket') out.socket = need();
    else if (a === '-f' || a === '--config') out.configs.push(need());
    else if (a === '--run-dir') out.runDir = need();
    else if (a === '--timeout-ms') out.timeoutMs = Number(need());
    else words.push(a);
  }
  out.command = words.join(' ').trim();
  if (!out.command) throw new HaError('EUSAGE', `no command given\n${usage}`);
  return out;
}

/** First `stats socket` of the config (loaded lazily: `hapair ctl -S` never parses a config). */
async function socketFromConfig(files: string[]): Promise<string | undefined> {
  const { loadProxyConfigOrThrow } = await import('../../proxy/config/load.js');
  return loadProxyConfigOrThrow(files).config.global.statsSockets[0]?.path;
}

/** The loader's normalised `stats socket` string (or a -S value): unix path, `host:port`, `[v6]:port`, `ipv4@...`. */
function target(p: string): net.NetConnectOpts {
  return statsSocketEndpoint(p);
}

/** Sends `line` and resolves with everything the proxy wrote before closing. */
export function sendCommand(socket: string, line: string, timeoutMs = 10_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const sock = net.connect(target(socket));
    let out = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new HaError('ECONTROL', `${socket}: no answer within ${timeoutMs} ms`));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.end(`${line}\n`));
    sock.on('data', (c: string) => (out += c));
    sock.on('error', (err: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      const why = err.code === 'ENOENT' || err.code === 'ECONNREFUSED' ? 'proxy not running (no stats socket)' : err.message;
      reject(new HaError('ECONTROL', `${socket}: ${why}`));
    });
    sock.on('close', () => {
      clearTimeout(timer);
      resolve(out);
    });
  });
}

export async function main(argv: string[]): Promise<number> {
  const a = parseCtlArgs(argv);
  const socket = a.socket ?? (a.configs.length ? await socketFromConfig(a.configs) : undefined) ?? path.join(a.runDir ?? defaultRunDir(), 'proxy.sock');
  const out = await sendCommand(socket, a.command, a.timeoutMs);
  process.stdout.write(out);
  return 0;
}
