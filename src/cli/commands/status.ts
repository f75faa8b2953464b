// `hapair status [--run-dir DIR] [--json]`: asks the local daemons over their control sockets and prints their state.
import { parseArgs } from 'node:util';
import { HaError, errorMessage } from '../../core/errors.js';
import { controlRequest } from '../../core/control.js';
import { defaultRunDir, vrrpControlSocket } from '../../core/paths.js';
import type { VrrpStatus } from '../../vrrp/types.js';
import { renderStatus, renderVrrpSection, type StatusSection } from '../../vrrp/status-render.js';

export const usage = `usage: hapair status [--run-dir DIR] [--json]

Shows this host's VRRP instances: state (since, reason), base/effective priority, the master seen,
VIPs (installed or not), trackers and rx/tx/rejected counters.

  --run-dir DIR   where the daemons' control sockets live (default ${defaultRunDir()})
  --json          machine-readable output ({"vrrp": VrrpStatus})

Exit status: 0 if every daemon answered, 1 if one is not running.`;

/** Section collectors; the proxy issue adds its own entry here (and its renderer beside status-render.ts). */
const SECTIONS: readonly ((runDir: string) => Promise<StatusSection & { ok: boolean }>)[] = [
  async (runDir) => {
    try {
      const data = (await controlRequest(vrrpControlSocket(runDir), 'status')) as VrrpStatus;
      return { name: 'vrrp', data, text: renderVrrpSection(data), ok: true };
    } catch (err) {
      return { name: 'vrrp', data: { error: errorMessage(err) }, text: `VRRP: ${errorMessage(err)}\n`, ok: false };
    }
  },
];

export async function main(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({ args: argv, options: { 'run-dir': { type: 'string' }, json: { type: 'boolean' } }, strict: true, allowPositionals: false }));
  } catch (err) {
    throw new HaError('EUSAGE', `${errorMessage(err)}\n${usage}`);
  }
  const runDir = values['run-dir'] ?? defaultRunDir();
  const sections = await Promise.all(SECTIONS.map((s) => s(runDir)));
  process.stdout.write(renderStatus(sections, values.json === true));
  return sections.every((s) => s.ok) ? 0 : 1;
}
