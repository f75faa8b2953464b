// One hapair node facing bad input: root without CAP_NET_ADMIN (refused, naming it), an interface without IPv4
// address (ENOADDR, FAULT no-address until one appears), unicast_fault_no_peer (FAULT, never multicast),
// check_unicast_src (a non-peer's advert is dropped and counted), a VIP whose device disappears (FAULT with reason
// runtime-error in logs, notify and status) and a reload naming a missing interface (refused, old config runs on).
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab } from '../../src/lab/index.js';
import { encodeIpv4Packet, makeAdvert } from '../../src/vrrp/codec.js';
import type { InstanceStatus, VrrpStatus } from '../../src/vrrp/types.js';
import { requireRoot } from '../helpers/root.js';
import { cliMain, outDir, tmpDir } from '../helpers/paths.js';
import { runCli } from '../helpers/proc.js';
import { startHapair, status, waitUntil } from '../helpers/lab-vrrp.js';
import { nodeFiles, notifyLines } from '../helpers/lab-timeline.js';

const instance = (name: string, vrid: number, lines: readonly string[]) =>
  [`vrrp_instance ${name} {`, `    virtual_router_id ${vrid}`, '    version 3', '    advert_int 0.2', ...lines.map((l) => `    ${l}`), '}'].join('\n');

function conf(notify: string): string {
  return [
    'global_defs {', '    router_id a', '    enable_script_security', '    script_user root', '}',
    instance('VI_DEV', 52, ['interface eth0', 'priority 200', 'virtual_ipaddress {', '    198.18.0.102/24 dev dum0', '}', `notify ${notify}`]),
    instance('VI_NOPEER', 53, ['interface eth0', 'priority 100', 'unicast_src_ip 198.18.0.11', 'unicast_fault_no_peer', 'virtual_ipaddress {', '    198.18.0.103/24', '}', `notify ${notify}`]),
    instance('VI_SRC', 54, ['interface eth0', 'priority 100', 'check_unicast_src', 'unicast_src_ip 198.18.0.11', 'unicast_peer {', '    198.18.0.12', '}', 'virtual_ipaddress {', '    198.18.0.104/24', '}']),
    instance('VI_NOADDR', 55, ['interface eth1', 'priority 100', 'virtual_ipaddress {', '    198.18.1.105/24', '}']),
    '',
  ].join('\n');
}

const byName = (s: VrrpStatus, name: string): InstanceStatus => s.instances.find((i) => i.name === name)!;

test.serial('bad input: no CAP_NET_ADMIN, no IPv4 address, unicast_fault_no_peer, check_unicast_src, a VIP device that vanishes, a reload naming a missing interface', async (t) => {
  if (!requireRoot(t)) return;
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  await lab.addNode({ name: 'evil', ip: '198.18.0.66' });
  // Two veth pairs that live only inside a's namespace (no dummy module here): dum0 carries a VIP, eth1 has no IPv4.
  for (const [dev, peer] of [['dum0', 'dum0p'], ['eth1', 'eth1p']] as const) {
    await lab.ip(a.ns, ['link', 'add', dev, 'type', 'veth', 'peer', 'name', peer]);
    await lab.ip(a.ns, ['link', 'set', dev, 'up']);
    await lab.ip(a.ns, ['link', 'set', peer, 'up']);
  }
  const files = nodeFiles();
  const confText = conf(`"${files.notifyScript} ${files.notifyLog}"`);

  // Root without CAP_NET_ADMIN (CAP_NET_RAW alone would win elections, then fail to add VIPs at every takeover).
  const capsDir = tmpDir('hapair-caps-');
  fs.writeFileSync(path.join(capsDir, 'keepalived.conf'), confText);
  const noAdmin = await lab.exec('a', ['setpriv', '--bounding-set', '-net_admin', '--inh-caps', '-net_admin', process.execPath, cliMain, 'vrrp', '-f', path.join(capsDir, 'keepalived.conf'), '--run-dir', path.join(capsDir, 'run')]);
  t.is(noAdmin.code, 1);
  t.regex(noAdmin.stderr, /lacks CAP_NET_ADMIN \(to add and remove the VIPs\).*\[ENOTROOT\]/);
  t.false(/CAP_NET_RAW \(to/.test(noAdmin.stderr), 'only the missing capability is named');
  t.false(fs.existsSync(path.join(capsDir, 'run', 'vrrp.sock')), 'nothing started');

  const n = startHapair(lab, a, confText, files.dir);
  const to = (name: string, state: string, reason?: string) =>
    n.daemon.waitFor((l) => l.event === 'transition' && l.instance === name && l.to === state && (reason === undefined || l.reason === reason), 8000, `${name} -> ${state} ${reason ?? ''}`);

  // No IPv4 address on eth1: a clear error naming the cause, the instance waits in FAULT (keepalived.md §1.1).
  const noaddr = await n.daemon.waitFor((l) => l.event === 'no-address', 5000);
  t.like(noaddr, { code: 'ENOADDR', instance: 'VI_NOADDR', iface: 'eth1' });
  t.like(await to('VI_NOADDR', 'FAULT'), { reason: 'no-address' });
  // unicast_fault_no_peer: FAULT from the start instead of advertising to 224.0.0.18.
  t.like(await to('VI_NOPEER', 'FAULT'), { reason: 'unicast-no-peer' });
  await to('VI_DEV', 'MASTER');
  await to('VI_SRC', 'MASTER');

  // check_unicast_src: a better advert from a non-peer is dropped and counted; without the check it would win.
  const evil = makeAdvert({ version: 3, vrid: 54, priority: 250, vips: ['198.18.0.104'], advertIntMs: 200 });
  const hex = encodeIpv4Packet(evil, { src: '198.18.0.66', dst: '198.18.0.11', id: 9 }).toString('hex');
  t.regex(await lab.execOk('evil', [process.execPath, path.join(outDir, 'test/helpers/lab-rawsend.js'), 'eth0', '198.18.0.11', hex]), /sent 1/);
  await waitUntil(async () => (byName(await status(n), 'VI_SRC').counters.rejected['unicast-src-not-peer'] ?? 0) >= 1, 3000, 'non-peer advert counted');
  t.is(byName(await status(n), 'VI_SRC').state, 'MASTER');

  // The VIP's device disappears while MASTER: the VIP is gone, re-adding it fails -> FAULT runtime-error (not tracker-fault).
  await lab.ip(a.ns, ['link', 'del', 'dum0']);
  const fault = await to('VI_DEV', 'FAULT', 'runtime-error');
  t.regex(String(fault.detail), /addVips failed: .*198\.18\.0\.102\/24 dev dum0/);
  const dev = byName(await status(n), 'VI_DEV');
  t.like(dev, { state: 'FAULT', lastReason: 'runtime-error' });
  t.regex(dev.lastDetail ?? '', /dum0/);
  await waitUntil(() => notifyLines(files).some((l) => l === 'INSTANCE VI_DEV FAULT 200'), 3000, 'notify script told FAULT');
  const text = await runCli(['status', '--run-dir', path.join(files.dir, 'run')], { env: { HAPAIR_RUN_DIR: path.join(files.dir, 'none') } });
  t.regex(text.stdout, /VI_DEV\s+FAULT\s+\S+\s+runtime-error/);
  t.regex(text.stdout, /last: runtime-error: runtime: addVips failed: could not add 198\.18\.0\.102\/24 dev dum0: ipv4: Device not found\.\n/);

  // An address appears on eth1: the fault clears and the instance takes its VIP.
  await lab.ip(a.ns, ['addr', 'add', '198.18.1.11/24', 'dev', 'eth1']);
  await to('VI_NOADDR', 'MASTER');
  await waitUntil(async () => (await lab.execOk('a', ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth1'])).includes(' 198.18.1.105/24'), 4000, 'VIP on eth1');

  const st = await status(n);
  t.like(byName(st, 'VI_NOPEER'), { state: 'FAULT', lastReason: 'unicast-no-peer', counters: { tx: 0 } });

  // A reload naming a missing interface is refused with the cause; the running configuration stays.
  fs.writeFileSync(n.confFile, confText.replace(' dev dum0', '').replace('interface eth1', 'interface eth9'));
  n.daemon.child.kill('SIGHUP');
  const refused = await n.daemon.waitFor((l) => l.event === 'reload-failed', 5000);
  t.regex(String(refused.err), /vrrp_instance VI_NOADDR: interface 'eth9' does not exist/);
  t.like(byName(await status(n), 'VI_NOADDR'), { state: 'MASTER', interface: 'eth1' });
  t.true(fs.existsSync(path.join(files.dir, 'run', 'vrrp.sock')));
  t.is(n.daemon.child.exitCode, null, 'daemon still running');
  await n.daemon.stop();
});
