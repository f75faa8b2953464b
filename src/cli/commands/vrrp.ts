// `hapair vrrp -f FILE`: runs the VRRP daemon in the foreground; signals: TERM/INT stop, HUP reload, USR1 dump.
import { parseArgs } from 'node:util';
import { HaError, errorMessage, isHaError } from '../../core/errors.js';
import { ConfigError, formatDiagnostic } from '../../core/diagnostics.js';
import { createLogger } from '../../core/logger.js';
import { DEFAULT_KEEPALIVED_CONF, defaultRunDir } from '../../core/paths.js';

export const usage = `usage: hapair vrrp [-f FILE] [--run-dir DIR] [--log-level LEVEL] [--dont-release-vips]

Runs the VRRP advertiser (keepalived-compatible) for the vrrp_instances of FILE
(default ${DEFAULT_KEEPALIVED_CONF}). Needs root (or CAP_NET_RAW + CAP_NET_ADMIN).

  -f, --config FILE       keepalived.conf to run
  --run-dir DIR           control socket (vrrp.sock), pid file and state dumps (default ${defaultRunDir()})
  --log-level LEVEL       pino level: trace, debug, info, warn, error (default info)
  --dont-release-vips     leave VIPs in place on stop (keepalived -V)

Signals: SIGTERM/SIGINT stop (masters send priority 0 and remove VIPs), SIGHUP reloads the
configuration (errors keep the running one), SIGUSR1 writes <run-dir>/vrrp-state.json.`;

/** Handled from the first moment (see main): stop requests are deferred, the others ignored until started. */
const SIGNALS: readonly NodeJS.Signals[] = ['SIGTERM', 'SIGINT', 'SIGHUP', 'SIGUSR1'];

/** pino's levels: anything else would make pino throw at logger creation (a stack trace instead of usage). */
const LOG_LEVELS: readonly string[] = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'];

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        config: { type: 'string', short: 'f' },
        'run-dir': { type: 'string' },
        'log-level': { type: 'string' },
        'dont-release-vips': { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new HaError('EUSAGE', `${errorMessage(err)}\n${usage}`);
  }
  const level = values['log-level'];
  if (level !== undefined && !LOG_LEVELS.includes(level)) {
    throw new HaError('EUSAGE', `--log-level must be one of ${LOG_LEVELS.join(', ')} (got '${level}')\n${usage}`);
  }
  const configFile = values.config ?? DEFAULT_KEEPALIVED_CONF;
  const runDir = values['run-dir'] ?? defaultRunDir();
  const logger = createLogger({ name: 'vrrp', ...(level ? { level } : {}) });
  // One listener per signal for the whole life of the process: a signal queued while a listener is swapped would
  // be lost. While the daemon starts, a stop is remembered and done once it runs (priority 0, VIPs removed, STOP
  // notify, like keepalived) instead of SIGTERM's default action (by then stale VIPs may be gone and an owner
  // already MASTER); HUP/USR1 are ignored until the daemon can serve them.
  let running: { stop(signal: NodeJS.Signals): void; hup(): void; usr1(): void } | undefined;
  let pendingStop: NodeJS.Signals | undefined;
  const onSignal = (signal: NodeJS.Signals): void => {
    const stop = signal === 'SIGTERM' || signal === 'SIGINT';
    if (running) {
      if (stop) running.stop(signal);
      else if (signal === 'SIGHUP') running.hup();
      else running.usr1();
      return;
    }
    if (stop) pendingStop ??= signal;
    logger.info({ event: 'signal', signal }, stop ? 'stop requested during start-up' : 'signal ignored during start-up');
  };
  for (const s of SIGNALS) process.on(s, onSignal);
  // The daemon (and the native socket addon) is loaded only once arguments are known to be fine.
  const { VrrpDaemon } = await import('../../vrrp/daemon.js');
  let daemon;
  try {
    daemon = await VrrpDaemon.start({ configFile, runDir, logger, dontReleaseVips: values['dont-release-vips'] === true });
  } catch (err) {
    for (const s of SIGNALS) process.off(s, onSignal);
    if (err instanceof ConfigError) {
      for (const d of err.diagnostics) process.stderr.write(formatDiagnostic(d) + '\n');
      logger.error({ event: 'config-error', code: 'ECONFIG', file: configFile }, 'configuration has errors; nothing started');
      return 1;
    }
    const code = isHaError(err) ? err.code : 'EUNEXPECTED';
    logger.error({ event: 'start-failed', code, err: errorMessage(err) }, 'hapair vrrp could not start');
    process.stderr.write(`hapair vrrp: ${errorMessage(err)} [${code}]\n`);
    setTimeout(() => process.exit(1), 300).unref();
    return 1;
  }
  const d = daemon;
  // A bug must not crash the advertiser and strand VIPs: log it and keep serving (instances fault themselves).
  process.on('uncaughtException', (err) => logger.error({ event: 'uncaught', err: errorMessage(err), stack: err.stack }, 'unexpected error'));
  process.on('unhandledRejection', (err) => logger.error({ event: 'uncaught', err: errorMessage(err) }, 'unhandled rejection'));
  return new Promise<number>((resolve) => {
    let stopping = false;
    running = {
      stop: (signal) => {
        logger.info({ event: 'signal', signal }, stopping ? 'already stopping' : 'stopping');
        if (stopping) return;
        stopping = true;
        // Exit even if a stray handle (a lingering arping) would keep the loop alive.
        const exit = (code: number) => {
          resolve(code);
          setTimeout(() => process.exit(code), 300).unref();
        };
        d.stop().then(
          () => exit(0),
          (err) => {
            logger.error({ event: 'stop-failed', err: errorMessage(err) }, 'stop failed');
            exit(1);
          },
        );
      },
      hup: () => {
        logger.info({ event: 'signal', signal: 'SIGHUP' }, 'reloading configuration');
        d.reload().catch((err) => logger.error({ event: 'reload-failed', err: errorMessage(err) }, 'reload failed'));
      },
      usr1: () => {
        try {
          d.writeStateDump();
        } catch (err) {
          logger.error({ event: 'state-dump-failed', err: errorMessage(err) }, 'cannot write state dump');
        }
      },
    };
    if (pendingStop) running.stop(pendingStop);
  });
}
