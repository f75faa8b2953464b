// Pure parts of the runtime adapters: ip -j parsing, link views, VIP batch lines, reload matching, socket helpers.
import test from 'ava';
import { parseIpAddrJson, primaryIpv4 } from '../../../src/vrrp/netstate.js';
import { linkView, LinkMonitor } from '../../../src/vrrp/link-monitor.js';
import { batchLine, ipErrorText, missingVips, resolveVips } from '../../../src/vrrp/vip.js';
import { instanceKey, planReload } from '../../../src/vrrp/reload.js';
import { ipMreqn, socketError } from '../../../src/vrrp/socket.js';
import type { InstanceConfig, KeepalivedConfig, VipConfig } from '../../../src/vrrp/types.js';

const where = { file: 'k.conf', line: 1 };
const IPJ = JSON.stringify([
  { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], operstate: 'UNKNOWN', addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
  {
    ifindex: 2,
    ifname: 'eth0',
    flags: ['BROADCAST', 'MULTICAST', 'UP', 'LOWER_UP'],
    operstate: 'UP',
    address: '02:c6:12:00:00:0b',
    addr_info: [
      { family: 'inet', local: '198.18.0.100', prefixlen: 24, secondary: false },
      { family: 'inet', local: '198.18.0.11', prefixlen: 24, secondary: true },
      { family: 'inet6', local: 'fe80::1', prefixlen: 64 },
    ],
  },
  { ifindex: 3, ifname: 'eth1', flags: ['BROADCAST', 'NO-CARRIER', 'UP'], operstate: 'DOWN', addr_info: [] },
  { ifindex: 4, ifname: 'eth2', flags: ['BROADCAST'], operstate: 'DOWN', addr_info: [] },
]);

test('ip -j addr show is parsed into links and IPv4 addresses', (t) => {
  const snap = parseIpAddrJson(IPJ, 5);
  const eth0 = snap.ifaces.get('eth0')!;
  t.is(snap.takenAt, 5);
  t.is(eth0.ifindex, 2);
  t.true(eth0.up);
  t.is(eth0.mac, '02:c6:12:00:00:0b');
  t.deepEqual(eth0.ipv4.map((a) => `${a.address}/${a.prefix}${a.secondary ? 's' : ''}`), ['198.18.0.100/24', '198.18.0.11/24s']);
  // A VIP that happens to be listed first is never our source address.
  t.is(primaryIpv4(snap, 'eth0', new Set(['198.18.0.100'])), '198.18.0.11');
  t.is(primaryIpv4(snap, 'eth0', new Set()), '198.18.0.100');
  t.is(primaryIpv4(snap, 'eth1', new Set()), undefined);
});

const LINKS: [string, boolean | null, string | undefined][] = [
  ['eth0', true, 'up'],
  ['eth1', false, 'carrier down'],
  ['eth2', false, 'admin down'],
  ['eth9', false, 'interface missing'],
];
for (const [iface, up, detail] of LINKS) {
  test(`link view of ${iface}: ${detail}`, (t) => {
    t.deepEqual(linkView(parseIpAddrJson(IPJ, 0), iface), { up, detail });
  });
}

test('the link monitor reports changes only', (t) => {
  const seen: string[] = [];
  const m = new LinkMonitor((i, v) => seen.push(`${i}:${v.up}`));
  m.watch(['eth0', 'eth1']);
  const snap = parseIpAddrJson(IPJ, 0);
  m.update(snap);
  m.update(snap);
  t.deepEqual(seen, ['eth0:true', 'eth1:false']);
});

const vip = (address: string, extra: Partial<VipConfig> = {}): VipConfig => ({ address, prefix: 24, noTrack: false, where, ...extra });

test('VIP batch lines: replace (idempotent add) with options, del without', (t) => {
  const [a, b] = resolveVips([vip('198.18.0.100', { label: 'eth0:1', scope: 'global', brd: '198.18.0.255' }), vip('198.18.0.101', { dev: 'eth1' })], 'eth0');
  t.is(batchLine('add', a!), 'address replace 198.18.0.100/24 dev eth0 brd 198.18.0.255 scope global label eth0:1');
  t.is(batchLine('del', a!), 'address del 198.18.0.100/24 dev eth0');
  t.is(batchLine('add', b!), 'address replace 198.18.0.101/24 dev eth1');
});

const IP_ERRORS: readonly [string, string][] = [
  ['Error: ipv4: Device not found.\nCommand failed -:7\nObject\n', 'ipv4: Device not found.'],
  ['Error: ipv4: Device not found.\nCommand failed -:1\nError: ipv4: Device not found.\nCommand failed -:2\n', 'ipv4: Device not found.'],
  ['RTNETLINK answers: Operation not permitted\nCommand failed -:1\n', 'RTNETLINK answers: Operation not permitted'],
  ['', 'iproute2 reported an error'],
];
for (const [stderr, want] of IP_ERRORS) test(`ipErrorText: ${JSON.stringify(stderr)} -> one line`, (t) => t.is(ipErrorText(stderr), want));

test('missing VIPs ignore no_track ones', (t) => {
  const snap = parseIpAddrJson(IPJ, 0);
  const vips = resolveVips([vip('198.18.0.100'), vip('198.18.0.150'), vip('198.18.0.151', { noTrack: true })], 'eth0');
  t.deepEqual(missingVips(snap, vips).map((v) => v.address), ['198.18.0.150']);
});

function inst(name: string, vrid: number, extra: Partial<InstanceConfig> = {}): InstanceConfig {
  return { name, vrid, interface: 'eth0', unicastPeers: [], ...extra } as InstanceConfig;
}

test('reload matches instances by VRID + interface + unicast, not by name', (t) => {
  const running = [inst('VI_1', 51), inst('VI_2', 52), inst('U', 53, { unicastPeers: [{ address: '198.18.0.12', where }], unicastSrcIp: '198.18.0.11' })].map((cfg) => ({ cfg }));
  const next = {
    instances: [inst('WEB', 51), inst('VI_2', 52, { interface: 'eth1' }), inst('U2', 53, { unicastPeers: [{ address: '198.18.0.13', where }], unicastSrcIp: '198.18.0.11' }), inst('NEW', 60)],
  } as unknown as KeepalivedConfig;
  const plan = planReload(running, next);
  t.deepEqual(plan.kept.map((k) => `${k.old.cfg.name}->${k.next.name}`), ['VI_1->WEB', 'U->U2']);
  t.deepEqual(plan.removed.map((r) => r.cfg.name), ['VI_2']);
  t.deepEqual(plan.added.map((a) => a.name), ['VI_2', 'NEW']);
  t.not(instanceKey(inst('a', 51)), instanceKey(inst('a', 51, { unicastPeers: [{ address: '1.2.3.4', where }] })));
});

test('ip_mreqn layout and socket error codes', (t) => {
  const m = ipMreqn('224.0.0.18', 7);
  t.is(m.length, 12);
  t.is(m.subarray(0, 8).toString('hex'), 'e000001200000000');
  t.is(m.readInt32LE(8), 7);
  t.is(socketError('open', 'eth0', new Error('Operation not permitted')).code, 'ENOTROOT');
  t.regex(socketError('open', 'eth0', new Error('Operation not permitted')).message, /CAP_NET_RAW/);
  t.is(socketError('bind', 'eth9', new Error('No such device')).code, 'ENOIFACE');
  t.is(socketError('send', 'eth0', new Error('Network is unreachable')).code, 'EVRRP_SOCKET');
});
