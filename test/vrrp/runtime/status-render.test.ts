// `hapair status` rendering (pure): table columns, trackers, counters, JSON sections.
import test from 'ava';
import { renderStatus, renderVrrpSection, renderTable } from '../../../src/vrrp/status-render.js';
import type { VrrpStatus } from '../../../src/vrrp/types.js';

const status: VrrpStatus = {
  routerId: 'lb1',
  pid: 42,
  configFile: '/etc/hapair/keepalived.conf',
  startedAt: '2026-01-01T00:00:00.000Z',
  instances: [
    {
      name: 'VI_1',
      state: 'MASTER',
      since: '2026-01-01T00:00:30.000Z',
      lastReason: 'master-down-timer',
      interface: 'eth0',
      vrid: 51,
      version: 2,
      basePriority: 150,
      effectivePriority: 90,
      nopreempt: true,
      masterSeen: { ip: '198.18.0.11', priority: 90 },
      vips: ['198.18.0.100/24'],
      vipsInstalled: true,
      trackers: [
        { kind: 'script', name: 'chk', ok: false, weight: -60, contribution: -60, lastResult: 'exit 1' },
        { kind: 'interface', name: 'eth0', ok: true, weight: 0, contribution: 0, lastResult: 'up' },
      ],
      counters: { rx: 3, tx: 10, rejected: { ttl: 2, checksum: 1 }, becameMaster: 1, releasedMaster: 0, priorityZeroRx: 0, priorityZeroTx: 0 },
    },
  ],
  unmatched: { eth0: { 'unknown-vrid': 4 } },
};

const expectations: [string, RegExp][] = [
  ['header names the router and pid', /router_id lb1 {2}pid 42/],
  ['state and since (relative to now)', /VI_1 +MASTER +30s +master-down-timer/],
  ['base->effective priority', /150->90/],
  ['master seen', /198\.18\.0\.11 \(90\)/],
  ['VIPs with installed flag', /198\.18\.0\.100\/24 \[installed\]/],
  ['failed weighted script', /script chk: FAILED \(exit 1\), weight -60, now -60/],
  ['interface tracker with fault weight', /interface eth0: ok \(up\), weight 0 \(fault\)/],
  ['counters with reasons', /rx 3 {2}tx 10 .*rejected: ttl=2 checksum=1/],
  ['nopreempt flag', /VI_1 nopreempt/],
  ['unclaimed packets', /unclaimed packets on eth0: unknown-vrid=4/],
];
for (const [what, re] of expectations) {
  test(`text status: ${what}`, (t) => {
    t.regex(renderVrrpSection(status, Date.parse('2026-01-01T00:01:00.000Z')), re);
  });
}

test('JSON status has one key per section and round-trips the VrrpStatus', (t) => {
  const out = renderStatus([{ name: 'vrrp', data: status, text: 'x' }, { name: 'proxy', data: undefined, text: 'y' }], true);
  t.deepEqual(JSON.parse(out), { vrrp: status, proxy: null });
  t.is(renderStatus([{ name: 'vrrp', data: status, text: 'a\n' }, { name: 'proxy', data: null, text: 'b\n' }], false), 'a\n\nb\n');
});

test('table columns are padded to the widest cell', (t) => {
  t.is(renderTable([['A', 'BB', 'C'], ['xxx', 'y', 'z']]), 'A    BB  C\nxxx  y   z');
});
