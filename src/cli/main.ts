// `hapair` entry point: dispatches to the command table; prints help; maps errors to exit codes.
import { COMMANDS } from './commands.js';
import { HaError, errorMessage } from '../core/errors.js';

const VERSION = '0.1.0';

function help(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return [
    'hapair - VRRP failover + haproxy-compatible proxy for a pair of load-balancer hosts',
    '',
    'usage: hapair <command> [options]     (hapair <command> --help for details)',
    '',
    'commands:',
    ...lines,
    '',
  ].join('\n');
}

export async function run(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(help());
    return name === undefined ? 2 : 0;
  }
  if (name === '--version' || name === '-v') {
    process.stdout.write(`hapair ${VERSION}\n`);
    return 0;
  }
  const spec = COMMANDS.find((c) => c.name === name);
  if (!spec) {
    process.stderr.write(`hapair: unknown command '${name}'\n\n${help()}`);
    return 2;
  }
  const mod = await spec.load();
  if (rest.includes('--help') || rest.includes('-h')) {
    process.stdout.write(mod.usage.endsWith('\n') ? mod.usage : mod.usage + '\n');
    return 0;
  }
  return mod.main(rest);
}

run(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    const code = err instanceof HaError ? err.code : 'EUNEXPECTED';
    process.stderr.write(`hapair: ${errorMessage(err)} [${code}]\n`);
    if (!(err instanceof HaError) && err instanceof Error && err.stack) process.stderr.write(err.stack + '\n');
    process.exitCode = err instanceof HaError && err.code === 'EUSAGE' ? 2 : 1;
  },
);
