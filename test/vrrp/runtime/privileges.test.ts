// Start-up capability check (pure parts + the thrown error): CapEff parsing, missing capabilities named with why.
import test from 'ava';
import { isHaError } from '../../../src/core/errors.js';
import { checkPrivileges, effectiveCaps, missingCaps } from '../../../src/vrrp/privileges.js';

const status = (capEff: string) => `Name:\tnode\nCapInh:\t0000000000000000\nCapPrm:\t${capEff}\nCapEff:\t${capEff}\nCapBnd:\t000001ffffffffff\n`;

const ROWS: readonly [string, string, string[]][] = [
  ['root (all)', '000001ffffffffff', []],
  ['NET_ADMIN and NET_RAW only', '0000000000003000', []],
  ['NET_RAW only', '0000000000002000', ['CAP_NET_ADMIN']],
  ['NET_ADMIN only', '0000000000001000', ['CAP_NET_RAW']],
  ['root with net_admin dropped (setpriv --bounding-set -net_admin)', '000001fffeffefff', ['CAP_NET_ADMIN']],
  ['unprivileged user', '0000000000000000', ['CAP_NET_ADMIN', 'CAP_NET_RAW']],
];
for (const [name, eff, missing] of ROWS) {
  test(`capabilities: ${name}`, (t) => {
    t.deepEqual(missingCaps(effectiveCaps(status(eff))!), missing);
    if (missing.length === 0) return void t.notThrows(() => checkPrivileges(() => status(eff)));
    const err = t.throws(() => checkPrivileges(() => status(eff)));
    t.true(isHaError(err, 'ENOTROOT'));
    for (const m of missing) t.true(err!.message.includes(m), err!.message);
    t.regex(err!.message, /run it as root, or grant CAP_NET_ADMIN and CAP_NET_RAW/);
  });
}

test('no procfs or no CapEff line: nothing to check here (the raw socket open still reports ENOTROOT)', (t) => {
  t.is(effectiveCaps('Name:\tx\n'), undefined);
  t.notThrows(() => checkPrivileges(() => 'Name:\tx\n'));
  t.notThrows(() => checkPrivileges(() => {
    throw new Error('ENOENT');
  }));
});
