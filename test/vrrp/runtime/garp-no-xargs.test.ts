// Without xargs (HAPAIR_XARGS_BIN pointing at nothing) armed helpers cannot start: every GARP falls back to a
// spawned arping, none is lost. Own file: XARGS_BIN is read when garp-armed.ts loads.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { tmpDir } from '../../helpers/paths.js';
import { createLogger } from '../../../src/core/logger.js';

test('no xargs: GARPs still go out through spawned arping processes', async (t) => {
  process.env.HAPAIR_XARGS_BIN = path.join(tmpDir(), 'no-such-xargs');
  const { GarpSender } = await import('../../../src/vrrp/garp.js');
  const dir = tmpDir('hapair-garp-noxargs-');
  const log = path.join(dir, 'log');
  const bin = path.join(dir, 'arping');
  fs.writeFileSync(bin, `#!/bin/sh\necho "start $*" >> ${log}\n`, { mode: 0o755 });
  const g = new GarpSender({ logger: createLogger({ name: 't', level: 'silent' }), native: null, bin });
  t.teardown(() => g.stop());
  g.prepare([{ address: '198.18.0.100', prefix: 24, dev: 'eth0', noTrack: false }]);
  await new Promise((r) => setTimeout(r, 100)); // the failed spawn is noticed (error event) and forgotten
  g.burst([{ address: '198.18.0.100', prefix: 24, dev: 'eth0', noTrack: false }], 2);
  for (let i = 0; i < 250 && g.sent < 2; i++) await new Promise((r) => setTimeout(r, 20));
  t.is(g.sent, 2);
  t.deepEqual(fs.readFileSync(log, 'utf8').trim().split('\n'), ['start -U -q -c 1 -I eth0 198.18.0.100', 'start -U -q -c 1 -I eth0 198.18.0.100']);
});
