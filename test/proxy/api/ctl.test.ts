// `hapair ctl` reaches TCP stats sockets written the ways the loader accepts them: [v6]:port, family prefixes and
// host names (the old IPv4/localhost-only regex treated those as unix paths and failed with ENOENT).
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { startRuntimeApi } from '../../../src/proxy/api/server.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { startChecks } from '../../../src/proxy/check/index.js';
import { silentLogger } from '../../../src/core/logger.js';
import { realClock } from '../../../src/core/clock.js';
import { FakeRuntime, section, serverConfig } from '../../helpers/check-fixtures.js';
import { runCli } from '../../helpers/proc.js';
import { tmpDir } from '../../helpers/paths.js';

const where = { file: 't.cfg', line: 1 };

function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function api(t: import('ava').ExecutionContext, listen: string) {
  const rt = FakeRuntime.of([section({ name: 'be', servers: [serverConfig({ name: 'a1', port: 9 })] })]);
  const checks = startChecks(rt, { logger: silentLogger(), clock: realClock });
  const srv = await startRuntimeApi(rt, checks, [{ path: listen, level: 'admin', where }], { logger: silentLogger() });
  t.teardown(async () => {
    checks.stop();
    await srv.close();
  });
}

test('sendCommand dials [v6]:port, ipv6@ and ipv4@ prefixes and host names', async (t) => {
  const p6 = await freePort('::1');
  await api(t, `[::1]:${p6}`);
  const p4 = await freePort('127.0.0.1');
  await api(t, `127.0.0.1:${p4}`);
  const rows: string[] = [`[::1]:${p6}`, `ipv6@::1:${p6}`, `ipv4@127.0.0.1:${p4}`, `127.0.0.1:${p4}`, `LocalHost:${p4}`];
  for (const target of rows) t.is(await sendCommand(target, 'show backend', 5_000), '# name\nbe\n\n', target);
});

test('hapair ctl -f finds a [::1]:port stats socket in the config, -S takes the same forms', async (t) => {
  const port = await freePort('::1');
  await api(t, `[::1]:${port}`);
  const dir = tmpDir('hapair-ctl-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, `global\n  stats socket ipv6@[::1]:${port} level admin\n\nlisten web\n  mode http\n  bind 127.0.0.1:1\n  server a1 127.0.0.1:9\n`);
  const viaCfg = await runCli(['ctl', '-f', cfg, 'get weight be/a1'], { timeoutMs: 20_000 });
  t.is(viaCfg.code, 0, viaCfg.stderr);
  t.is(viaCfg.stdout, '1 (initial 1)\n\n');
  const viaS = await runCli(['ctl', '-S', `[::1]:${port}`, 'show backend'], { timeoutMs: 20_000 });
  t.is(viaS.code, 0, viaS.stderr);
  t.is(viaS.stdout, '# name\nbe\n\n');
});
