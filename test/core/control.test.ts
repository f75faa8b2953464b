// Control socket: request/reply round trip, unknown command, handler error, daemon absent.
import test from 'ava';
import os from 'node:os';
import path from 'node:path';
import fs from 'node:fs';
import { startControlServer, controlRequest } from '../../src/core/control.js';
import { isHaError } from '../../src/core/errors.js';

function tmpSocket(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hapair-ctl-'));
  return path.join(dir, 'ctl.sock');
}

test('a handler result comes back as data', async (t) => {
  const sock = tmpSocket();
  const server = await startControlServer(sock, { echo: (args) => ({ got: args }) });
  t.teardown(() => server.close());
  t.deepEqual(await controlRequest(sock, 'echo', { a: 1 }), { got: { a: 1 } });
  t.is((fs.statSync(sock).mode & 0o777), 0o600);
});

test('unknown commands and throwing handlers are errors, not crashes', async (t) => {
  const sock = tmpSocket();
  const server = await startControlServer(sock, {
    boom: () => {
      throw new Error('kaboom');
    },
  });
  t.teardown(() => server.close());
  const unknown = await t.throwsAsync(controlRequest(sock, 'nope'));
  t.regex(unknown?.message ?? '', /unknown command 'nope'.*boom/);
  const boom = await t.throwsAsync(controlRequest(sock, 'boom'));
  t.regex(boom?.message ?? '', /kaboom/);
  t.deepEqual(await t.throwsAsync(controlRequest(sock, 'boom')).then((e) => isHaError(e, 'ECONTROL')), true);
});

test('a missing daemon is reported as not running', async (t) => {
  const err = await t.throwsAsync(controlRequest(tmpSocket(), 'status'));
  t.true(isHaError(err, 'ECONTROL'));
  t.regex(err?.message ?? '', /daemon not running/);
});
