// `hapair agent` as seen by the real thing: Debian's haproxy 2.6 agent-checks it (seed 000's server line) and its
// own stats socket reports what the agent answered, as the script changes its mind.
import test from 'ava';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { startAgent } from '../../../src/proxy/agent/responder.js';
import { silentLogger } from '../../../src/core/logger.js';
import { sendCommand } from '../../../src/cli/commands/ctl.js';
import { tmpDir } from '../../helpers/paths.js';
import { freePort } from '../../helpers/check-proxy.js';

test('haproxy 2.6 agent-check against hapair agent: up, then drain, then down with a reason', async (t) => {
  const dir = tmpDir('hapair-interop-');
  const reply = path.join(dir, 'reply');
  fs.writeFileSync(reply, 'up\n');
  const script = path.join(dir, 'chk.sh');
  fs.writeFileSync(script, `#!/bin/sh\ncat ${reply}\n`, { mode: 0o755 });
  const agent = await startAgent({ port: 0, addr: '127.0.0.1', cacheMs: 0, timeoutMs: 1000, command: script, args: [], logger: silentLogger() });
  const app = net.createServer((s) => s.end());
  await new Promise<void>((r) => app.listen(0, '127.0.0.1', r));
  const appPort = (app.address() as net.AddressInfo).port;
  const sock = path.join(dir, 'haproxy.sock');
  const cfg = path.join(dir, 'haproxy.cfg');
  fs.writeFileSync(cfg, `global
    stats socket ${sock} level admin
    maxconn 100
defaults
    timeout connect 1s
    timeout client 5s
    timeout server 5s
listen p80
    bind 127.0.0.1:${await freePort()}
    mode tcp
    server app1 127.0.0.1:${appPort} check agent-check addr 127.0.0.1 agent-port ${agent.port} agent-inter 300 inter 2000 rise 2 fall 3
`);
  const hap = spawn('haproxy', ['-db', '-f', cfg], { stdio: 'ignore' });
  t.teardown(async () => {
    hap.kill('SIGTERM');
    await agent.close();
    app.close();
  });
  const field = async (name: string) => {
    const out = await sendCommand(sock, 'show stat').catch(() => '');
    const lines = out.split('\n');
    const names = (lines[0] ?? '').slice(2).split(',');
    const row = lines.find((l) => l.startsWith('p80,app1,'))?.split(',') ?? [];
    return row[names.indexOf(name)];
  };
  const until = async (name: string, want: string) => {
    for (let i = 0; i < 80; i++) {
      if ((await field(name)) === want) return;
      await new Promise((r) => setTimeout(r, 100));
    }
    t.fail(`${name} never became '${want}' (is '${await field(name)}')`);
  };
  await until('last_agt', 'via agent : up');
  fs.writeFileSync(reply, 'drain\n');
  await until('status', 'DRAIN (agent)');
  fs.writeFileSync(reply, 'ready down # planned reboot\n');
  await until('status', 'DOWN (agent)');
  t.is(await field('last_agt'), 'via agent : down (planned reboot)');
});
