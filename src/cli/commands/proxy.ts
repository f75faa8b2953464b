// `hapair proxy -f FILE [-f FILE] [--run-dir DIR]`: runs the haproxy-compatible proxy in the foreground.
import { HaError } from '../../core/errors.js';

export const usage = `usage: hapair proxy -f FILE [-f FILE ...] [--run-dir DIR]

Runs the proxy from one or more haproxy.cfg files (loaded in order, like haproxy -f).
  -f, --config FILE   configuration file (repeatable)
  --run-dir DIR       pid file (unless 'pidfile' is set) and default runtime API socket (proxy.sock)
Signals: SIGHUP reloads in place, SIGUSR1 stops softly (finish requests), SIGTERM/SIGINT stop now.`;

export function parseArgs(argv: readonly string[]): { files: string[]; runDir?: string } {
  const files: string[] = [];
  let runDir: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new HaError('EUSAGE', `${a} needs a value\n${usage}`);
      return v;
    };
    if (a === '-f' || a === '--config') files.push(value());
    else if (a.startsWith('--config=')) files.push(a.slice('--config='.length));
    else if (a === '--run-dir') runDir = value();
    else if (a.startsWith('--run-dir=')) runDir = a.slice('--run-dir='.length);
    else throw new HaError('EUSAGE', `unknown option '${a}'\n${usage}`);
  }
  if (files.length === 0) throw new HaError('EUSAGE', `no configuration file (-f FILE)\n${usage}`);
  return { files, runDir };
}

export async function main(argv: string[]): Promise<number> {
  const args = parseArgs(argv);
  const { runProxyDaemon } = await import('../../proxy/daemon.js');
  return runProxyDaemon({ files: args.files, runDir: args.runDir });
}
