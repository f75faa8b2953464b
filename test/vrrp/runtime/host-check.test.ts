// Start-up/reload interface check (pure): a missing instance interface or VIP device is refused with ENOIFACE
// naming the config line; a missing track_interface is not (it counts as down).
import test from 'ava';
import { isHaError } from '../../../src/core/errors.js';
import { checkInterfaces, parseIpAddrJson } from '../../../src/vrrp/netstate.js';
import { load } from '../../helpers/kaconf.js';

const HOST = parseIpAddrJson(
  JSON.stringify([
    { ifindex: 1, ifname: 'lo', flags: ['LOOPBACK', 'UP', 'LOWER_UP'], addr_info: [{ family: 'inet', local: '127.0.0.1', prefixlen: 8 }] },
    { ifindex: 2, ifname: 'eth0', flags: ['UP', 'LOWER_UP'], addr_info: [{ family: 'inet', local: '198.18.0.11', prefixlen: 24 }] },
  ]),
  0,
);

const inst = (body: string) => `vrrp_instance VI_1 {\n  virtual_router_id 51\n${body}\n}\n`;

const ROWS: readonly { name: string; conf: string; error?: RegExp }[] = [
  { name: 'interface and VIP on existing devices', conf: inst('  interface eth0\n  virtual_ipaddress {\n    198.18.0.100/24\n    198.18.0.101/24 dev lo\n  }') },
  { name: 'missing instance interface', conf: inst('  interface eth9\n  virtual_ipaddress {\n    198.18.0.100/24\n  }'), error: /^k\.conf:1: vrrp_instance VI_1: interface 'eth9' does not exist \(this host has: lo, eth0\)$/ },
  { name: 'VIP on a missing device', conf: inst('  interface eth0\n  virtual_ipaddress {\n    198.18.0.100/24\n    198.18.0.102/24 dev dum0\n  }'), error: /^k\.conf:6: VIP 198\.18\.0\.102\/24 of VI_1: interface 'dum0' does not exist/ },
  { name: 'excluded VIP on a missing device', conf: inst('  interface eth0\n  virtual_ipaddress {\n    198.18.0.100/24\n  }\n  virtual_ipaddress_excluded {\n    198.18.0.103/24 dev eth7\n  }'), error: /^k\.conf:8: VIP 198\.18\.0\.103\/24 of VI_1: interface 'eth7'/ },
  { name: 'missing track_interface is not refused (it counts as down)', conf: inst('  interface eth0\n  track_interface {\n    eth5\n  }\n  virtual_ipaddress {\n    198.18.0.100/24\n  }') },
];

for (const row of ROWS) {
  test(`checkInterfaces: ${row.name}`, (t) => {
    const r = load(row.conf);
    t.truthy(r.config, JSON.stringify(r.diagnostics));
    let err: unknown;
    try {
      checkInterfaces(HOST, r.config!.instances);
    } catch (e) {
      err = e;
    }
    if (!row.error) return void t.is(err, undefined);
    t.true(isHaError(err) && err.code === 'ENOIFACE', String(err));
    t.regex((err as Error).message, row.error);
  });
}
