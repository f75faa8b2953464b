// SIGHUP while a notify script is still running: the next transition's script (from the new config) runs after it,
// not beside it (the daemon reloads its one notifier instead of replacing it).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import { requireRoot } from '../helpers/root.js';
import { tmpDir } from '../helpers/paths.js';
import { keepalivedConf, startHapair, waitUntil } from '../helpers/lab-vrrp.js';

test.serial('notify scripts keep their order across a SIGHUP reload', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const dir = tmpDir('hapair-notify-reload-');
  const log = path.join(dir, 'notify.log');
  const flag = path.join(dir, 'healthy');
  fs.writeFileSync(flag, '');
  const write = (name: string, body: string) => {
    const p = path.join(dir, name);
    fs.writeFileSync(p, `#!/bin/sh\n${body}\n`, { mode: 0o755 });
    return p;
  };
  const slowMaster = write('master-old.sh', `sleep 2.5; echo "master old" >> ${log}`);
  const faultOld = write('fault-old.sh', `echo "fault old" >> ${log}`);
  const faultNew = write('fault-new.sh', `echo "fault new" >> ${log}`);
  const conf = (fault: string) =>
    keepalivedConf({ routerId: 'a', priority: 200, version: 3, advertInt: 0.2, vips: ['198.18.0.100/24'], healthFile: flag, healthInterval: 1, notifyMaster: slowMaster, extra: [`notify_fault ${fault}`] });
  const n = startHapair(lab, a, conf(faultOld), dir);
  await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'MASTER', 8000);

  // The MASTER script sleeps 2.5 s. Reload with a new notify_fault, then fail the health check right away.
  fs.writeFileSync(n.confFile, conf(faultNew));
  n.daemon.child.kill('SIGHUP');
  await n.daemon.waitFor((l) => l.event === 'reloaded', 5000);
  fs.unlinkSync(flag);
  const fault = await n.daemon.waitFor((l) => l.event === 'transition' && l.to === 'FAULT', 5000);
  t.is(fault.reason, 'tracker-fault');
  await waitUntil(() => fs.existsSync(log) && fs.readFileSync(log, 'utf8').trim().split('\n').length >= 2, 8000, 'both scripts ran');
  t.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['master old', 'fault new']);
  await n.daemon.stop();
});
