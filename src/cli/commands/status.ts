// `hapair status [--run-dir DIR] [--proxy-config FILE] [--proxy-socket S] [--json]`: both local daemons at a glance.
import fs from 'node:fs';
import { parseArgs } from 'node:util';
import { HaError, errorMessage } from '../../core/errors.js';
import { controlRequest } from '../../core/control.js';
import { DEFAULT_HAPROXY_CFG, defaultRunDir, proxyControlSocket, vrrpControlSocket } from '../../core/paths.js';
import { proxyStatus, renderProxySection } from '../../core/proxy-status.js';
import { renderStatus, type StatusSection } from '../../core/status-text.js';
import type { VrrpStatus } from '../../vrrp/types.js';
import { renderVrrpSection } from '../../vrrp/status-render.js';
import type { DeliveryHealth } from '../../notify/report.js';
import { renderAlertsSection } from '../../notify/status-render.js';

export const usage = `usage: hapair status [--run-dir DIR] [--proxy-config FILE] [--proxy-socket SOCKET] [--json]

Shows this host's two daemons:
  VRRP    instances: state (since, reason), base/effective priority, the master seen, VIPs (installed
          or not), trackers and rx/tx/rejected counters (from <run-dir>/vrrp.sock);
  PROXY   per backend its servers: state (UP/DOWN/MAINT/DRAIN/NOLB) with the last check, weight,
          sessions cur/max, queue, and the backend's status (runtime API "show stat");
  ALERTS  alert mail delivery: spool queue length, oldest pending alert, relay reachable.

  --run-dir DIR          where the daemons' sockets live (default ${defaultRunDir()})
  --proxy-config FILE    haproxy.cfg whose first 'stats socket' is the proxy's runtime API (default
                         ${DEFAULT_HAPROXY_CFG} when it exists; without one: <run-dir>/proxy.sock)
  --proxy-socket SOCKET  the proxy's runtime API socket (unix path or host:port), overrides the above
  --json                 machine-readable output ({"vrrp": ..., "proxy": ..., "alerts": ...})

A daemon that does not answer is shown as not running. Exit status: 0 if both daemons answered, 1 if not.`;

interface StatusOptions {
  readonly runDir: string;
  readonly proxyConfigs: readonly string[];
  readonly proxySocket?: string;
}

type Collected = StatusSection & { ok: boolean };

const down = (name: string, title: string, err: unknown): Collected => ({ name, data: { error: errorMessage(err) }, text: `${title}: ${errorMessage(err)}\n`, ok: false });

/** Where the proxy's runtime API listens: explicit socket, else the config's first `stats socket`, else run-dir. */
async function proxySocket(o: StatusOptions): Promise<string> {
  if (o.proxySocket) return o.proxySocket;
  const files = o.proxyConfigs.length > 0 ? o.proxyConfigs : fs.existsSync(DEFAULT_HAPROXY_CFG) ? [DEFAULT_HAPROXY_CFG] : [];
  if (files.length > 0) {
    // Loaded lazily: a host without a proxy config never loads the proxy's config code.
    const { loadProxyConfigOrThrow } = await import('../../proxy/config/load.js');
    const sock = loadProxyConfigOrThrow(files).config.global.statsSockets[0]?.path;
    if (sock) return sock;
  }
  return proxyControlSocket(o.runDir); // what `hapair proxy` listens on without a stats socket line
}

/** Section collectors, in display order. Each one answers for its daemon and never throws. */
const SECTIONS: readonly ((o: StatusOptions) => Promise<Collected>)[] = [
  async (o) => {
    try {
      const data = (await controlRequest(vrrpControlSocket(o.runDir), 'status')) as VrrpStatus;
      return { name: 'vrrp', data, text: renderVrrpSection(data), ok: true };
    } catch (err) {
      return down('vrrp', 'VRRP', err);
    }
  },
  async (o) => {
    let socket = '';
    try {
      socket = await proxySocket(o);
      const { sendCommand } = await import('./ctl.js');
      const [stat, info] = await Promise.all([sendCommand(socket, 'show stat', 3000), sendCommand(socket, 'show info', 3000)]);
      if (!stat.startsWith('#')) throw new HaError('ECONTROL', `${socket}: unexpected answer to "show stat": ${stat.trim().split('\n')[0] ?? '(empty)'}`);
      const data = proxyStatus(socket, stat, info);
      return { name: 'proxy', data, text: renderProxySection(data), ok: true };
    } catch (err) {
      return down('proxy', 'PROXY', err);
    }
  },
  async (o) => {
    try {
      const data = (await controlRequest(vrrpControlSocket(o.runDir), 'delivery', { probe: true }, 4000)) as DeliveryHealth | null;
      // The VRRP section already says whether the daemon runs: this one does not count towards the exit status.
      return { name: 'alerts', data, text: renderAlertsSection(data), ok: true };
    } catch (err) {
      return { ...down('alerts', 'ALERTS', err), ok: true };
    }
  },
];

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: { 'run-dir': { type: 'string' }, 'proxy-config': { type: 'string', multiple: true }, 'proxy-socket': { type: 'string' }, json: { type: 'boolean' } },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new HaError('EUSAGE', `${errorMessage(err)}\n${usage}`);
  }
  const opts: StatusOptions = {
    runDir: values['run-dir'] ?? defaultRunDir(),
    proxyConfigs: values['proxy-config'] ?? [],
    ...(values['proxy-socket'] ? { proxySocket: values['proxy-socket'] } : {}),
  };
  const sections = await Promise.all(SECTIONS.map((s) => s(opts)));
  process.stdout.write(renderStatus(sections, values.json === true));
  return sections.every((s) => s.ok) ? 0 : 1;
}
