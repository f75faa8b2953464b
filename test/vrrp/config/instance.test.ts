// vrrp_instance semantics and defaults (keepalived v2.2.7, keepalived.md §1.5, §2.3, §3.2): table of rows.
import test from 'ava';
import type { InstanceConfig } from '../../../src/vrrp/types.js';
import { instance, load } from '../../helpers/kaconf.js';
import { rows } from '../../helpers/kaconf-rows.js';

const I = (c: { instances: readonly InstanceConfig[] }): InstanceConfig => c.instances[0]!;
const pick = <K extends keyof InstanceConfig>(...keys: K[]) => (c: { instances: readonly InstanceConfig[] }) =>
  Object.fromEntries(keys.map((k) => [k, I(c)[k]]));

test('instance defaults', (t) => {
  const r = load(instance(''));
  t.deepEqual(r.diagnostics, []);
  const i = r.config!.instances[0]!;
  t.deepEqual({ ...i, vips: undefined }, {
    name: 'VI_1',
    configuredState: 'BACKUP',
    interface: 'eth0',
    vrid: 51,
    basePriority: 100,
    advertIntMs: 1000,
    version: 2,
    nopreempt: false,
    preemptDelayMs: 0,
    vips: undefined,
    excludedVips: [],
    trackScripts: [],
    trackInterfaces: [],
    dontTrackPrimary: false,
    notify: {},
    smtpAlert: false,
    unicastPeers: [],
    unicastTtl: 255,
    garp: { masterDelaySec: 5, masterRepeat: 5, masterRefreshSec: 0, masterRefreshRepeat: 1, lowerPrioDelaySec: 5, lowerPrioRepeat: 5 },
    lowerPrioNoAdvert: false,
    higherPrioSendAdvert: false,
    downTimerAdverts: 3,
    where: { file: 'k.conf', line: 1 },
  });
  t.deepEqual(i.vips, [{ address: '198.18.0.10', prefix: 24, noTrack: false, where: { file: 'k.conf', line: 5 } }]);
});

rows('state/priority', [
  { name: 'state MASTER without priority => 255 (owner)', conf: instance('state MASTER'), codes: [], pick: pick('configuredState', 'basePriority'), want: { configuredState: 'MASTER', basePriority: 255 } },
  { name: 'state MASTER with priority keeps it', conf: instance('state MASTER\npriority 150'), codes: [], pick: pick('configuredState', 'basePriority'), want: { configuredState: 'MASTER', basePriority: 150 } },
  { name: 'no state, priority 255 => MASTER', conf: instance('priority 255'), codes: [], pick: pick('configuredState'), want: { configuredState: 'MASTER' } },
  { name: 'no state, priority 200 => BACKUP', conf: instance('priority 200'), codes: [], pick: pick('configuredState', 'basePriority'), want: { configuredState: 'BACKUP', basePriority: 200 } },
  { name: 'priority 255 with state BACKUP stays BACKUP', conf: instance('state BACKUP\npriority 255'), codes: [], pick: pick('configuredState'), want: { configuredState: 'BACKUP' } },
  { name: 'state is case-sensitive: Master => BACKUP', conf: instance('state Master'), codes: ['state-unknown'], pick: pick('configuredState', 'basePriority'), want: { configuredState: 'BACKUP', basePriority: 100 } },
  { name: 'BACKUP after MASTER is ignored', conf: instance('state MASTER\nstate BACKUP'), codes: ['duplicate-keyword'], pick: pick('configuredState'), want: { configuredState: 'MASTER' } },
  { name: 'priority abc is an error', conf: instance('priority abc'), codes: ['invalid-value'] },
  { name: 'priority 0 is an error', conf: instance('priority 0'), codes: ['invalid-value'] },
  { name: 'priority 256 is an error', conf: instance('priority 256'), codes: ['invalid-value'] },
  { name: 'priority without value', conf: instance('priority'), codes: ['missing-argument'] },
  { name: 'extra words are ignored with a warning', conf: instance('priority 100 200'), codes: ['extra-argument'], pick: pick('basePriority'), want: { basePriority: 100 } },
]);

rows('vrid/interface', [
  { name: 'virtual_router_id 300 is an error', conf: instance('', { base: 'interface eth0\nvirtual_router_id 300\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: ['invalid-value', 'missing-keyword'] },
  { name: 'virtual_router_id 0 is an error', conf: instance('', { base: 'interface eth0\nvirtual_router_id 0\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: ['invalid-value', 'missing-keyword'] },
  { name: 'missing virtual_router_id', conf: instance('', { base: 'interface eth0\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: ['missing-keyword'] },
  { name: 'missing interface', conf: instance('', { base: 'virtual_router_id 1\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: ['interface-required'] },
  { name: 'interface name too long', conf: instance('', { base: 'interface abcdefghijklmnopq\nvirtual_router_id 1\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: ['invalid-value', 'interface-required'] },
  { name: 'vrid 255 is valid', conf: instance('', { base: 'interface eth0\nvirtual_router_id 255\nvirtual_ipaddress {\n198.18.0.10\n}' }), codes: [], pick: pick('vrid'), want: { vrid: 255 } },
]);

rows('advert_int', [
  { name: 'whole seconds', conf: instance('advert_int 2'), codes: [], pick: pick('advertIntMs'), want: { advertIntMs: 2000 } },
  { name: 'v2 1.5 s rounds to 2 s', conf: instance('advert_int 1.5'), codes: ['advert-int-rounded'], pick: pick('advertIntMs'), want: { advertIntMs: 2000 } },
  { name: 'v2 2.4 s rounds to 2 s', conf: instance('advert_int 2.4'), codes: ['advert-int-rounded'], pick: pick('advertIntMs'), want: { advertIntMs: 2000 } },
  { name: 'v2 sub-second becomes 1 s', conf: instance('advert_int 0.5'), codes: ['v2-subsecond-advert'], pick: pick('advertIntMs'), want: { advertIntMs: 1000 } },
  { name: 'v2 0.4 s becomes 1 s (minimum)', conf: instance('advert_int 0.4'), codes: ['v2-subsecond-advert'], pick: pick('advertIntMs'), want: { advertIntMs: 1000 } },
  { name: 'v3 0.5 s kept', conf: instance('version 3\nadvert_int 0.5'), codes: [], pick: pick('advertIntMs', 'version'), want: { advertIntMs: 500, version: 3 } },
  { name: 'v3 rounds to 10 ms (0.123 -> 120)', conf: instance('version 3\nadvert_int 0.123'), codes: ['advert-int-rounded'], pick: pick('advertIntMs'), want: { advertIntMs: 120 } },
  { name: 'v3 rounds half up (0.125 -> 130)', conf: instance('version 3\nadvert_int 0.125'), codes: ['advert-int-rounded'], pick: pick('advertIntMs'), want: { advertIntMs: 130 } },
  { name: 'v3 minimum 10 ms', conf: instance('version 3\nadvert_int 0.01'), codes: [], pick: pick('advertIntMs'), want: { advertIntMs: 10 } },
  { name: 'v3 above 40.95 s is clamped', conf: instance('version 3\nadvert_int 41'), codes: ['advert-int-rounded'], pick: pick('advertIntMs'), want: { advertIntMs: 40950 } },
  { name: 'global vrrp_version 3 applies', conf: 'global_defs {\n vrrp_version 3\n}\n' + instance('advert_int 0.25'), codes: [], pick: pick('version', 'advertIntMs'), want: { version: 3, advertIntMs: 250 } },
  { name: 'instance version overrides global', conf: 'global_defs {\n vrrp_version 3\n}\n' + instance('version 2'), codes: [], pick: pick('version'), want: { version: 2 } },
  { name: 'advert_int -1 is an error', conf: instance('advert_int -1'), codes: ['invalid-value'] },
  { name: 'advert_int 0 is an error', conf: instance('advert_int 0'), codes: ['invalid-value'] },
  { name: 'advert_int 0.005 is below 10 ms', conf: instance('advert_int 0.005'), codes: ['invalid-value'] },
  { name: 'advert_int 256 is an error', conf: instance('advert_int 256'), codes: ['invalid-value'] },
  { name: 'advert_int 1s (unit) is an error', conf: instance('advert_int 1s'), codes: ['invalid-value'] },
  { name: 'version 4 is an error', conf: instance('version 4'), codes: ['invalid-value'] },
]);

rows('preempt', [
  { name: 'nopreempt with state BACKUP', conf: instance('state BACKUP\nnopreempt'), codes: [], pick: pick('nopreempt'), want: { nopreempt: true } },
  { name: 'nopreempt without state', conf: instance('nopreempt'), codes: [], pick: pick('nopreempt'), want: { nopreempt: true } },
  { name: 'state MASTER clears nopreempt', conf: instance('state MASTER\npriority 150\nnopreempt'), codes: ['state-master-nopreempt'], pick: pick('nopreempt'), want: { nopreempt: false } },
  { name: 'priority 255 clears nopreempt', conf: instance('priority 255\nnopreempt'), codes: ['owner-nopreempt'], pick: pick('nopreempt', 'configuredState'), want: { nopreempt: false, configuredState: 'MASTER' } },
  { name: 'preempt clears an earlier nopreempt', conf: instance('nopreempt\npreempt'), codes: [], pick: pick('nopreempt'), want: { nopreempt: false } },
  { name: 'preempt_delay in ms', conf: instance('preempt_delay 2.5'), codes: [], pick: pick('preemptDelayMs'), want: { preemptDelayMs: 2500 } },
  { name: 'state MASTER clears preempt_delay', conf: instance('state MASTER\npriority 100\npreempt_delay 10'), codes: ['preempt-delay-cleared'], pick: pick('preemptDelayMs'), want: { preemptDelayMs: 0 } },
  { name: 'nopreempt clears preempt_delay', conf: instance('nopreempt\npreempt_delay 10'), codes: ['preempt-delay-cleared'], pick: pick('preemptDelayMs', 'nopreempt'), want: { preemptDelayMs: 0, nopreempt: true } },
  { name: 'preempt_delay above 1000 s is an error', conf: instance('preempt_delay 1001'), codes: ['invalid-value'] },
  { name: 'nopreempt takes no value', conf: instance('nopreempt yes'), codes: ['extra-argument'], pick: pick('nopreempt'), want: { nopreempt: true } },
]);

rows('flags and counters', [
  { name: 'dont_track_primary', conf: instance('dont_track_primary'), codes: [], pick: pick('dontTrackPrimary'), want: { dontTrackPrimary: true } },
  { name: 'lower_prio_no_advert bare = true', conf: instance('lower_prio_no_advert'), codes: [], pick: pick('lowerPrioNoAdvert'), want: { lowerPrioNoAdvert: true } },
  { name: 'higher_prio_send_advert on', conf: instance('higher_prio_send_advert on'), codes: [], pick: pick('higherPrioSendAdvert'), want: { higherPrioSendAdvert: true } },
  { name: 'global vrrp_lower_prio_no_advert is the default', conf: 'global_defs {\n vrrp_lower_prio_no_advert\n}\n' + instance(''), codes: [], pick: pick('lowerPrioNoAdvert'), want: { lowerPrioNoAdvert: true } },
  { name: 'instance false beats global true', conf: 'global_defs {\n vrrp_higher_prio_send_advert true\n}\n' + instance('higher_prio_send_advert false'), codes: [], pick: pick('higherPrioSendAdvert'), want: { higherPrioSendAdvert: false } },
  { name: 'bad boolean', conf: instance('lower_prio_no_advert maybe'), codes: ['invalid-value'] },
  { name: 'down_timer_adverts', conf: instance('down_timer_adverts 5'), codes: [], pick: pick('downTimerAdverts'), want: { downTimerAdverts: 5 } },
  { name: 'global vrrp_down_timer_adverts', conf: 'global_defs {\n vrrp_down_timer_adverts 4\n}\n' + instance(''), codes: [], pick: pick('downTimerAdverts'), want: { downTimerAdverts: 4 } },
  { name: 'down_timer_adverts 101 is an error', conf: instance('down_timer_adverts 101'), codes: ['invalid-value'] },
  { name: 'garp overrides and global inheritance', conf: 'global_defs {\n vrrp_garp_master_delay 10\n vrrp_garp_master_refresh 60\n}\n' + instance('garp_master_repeat 2\ngarp_master_refresh_repeat 3'), codes: [],
    pick: pick('garp'), want: { garp: { masterDelaySec: 10, masterRepeat: 2, masterRefreshSec: 60, masterRefreshRepeat: 3, lowerPrioDelaySec: 10, lowerPrioRepeat: 5 } } },
  { name: 'garp lower prio explicit', conf: instance('garp_lower_prio_delay 0\ngarp_lower_prio_repeat 0'), codes: [], pick: (c) => [I(c).garp.lowerPrioDelaySec, I(c).garp.lowerPrioRepeat], want: [0, 0] },
  { name: 'global vrrp_garp_lower_prio_* are the instance defaults', conf: 'global_defs {\n vrrp_garp_lower_prio_repeat 2\n}\n' + instance(''), codes: [], pick: (c) => I(c).garp.lowerPrioRepeat, want: 2 },
  { name: 'garp_master_repeat 0 becomes 1', conf: instance('garp_master_repeat 0'), codes: ['value-coerced'], pick: (c) => I(c).garp.masterRepeat, want: 1 },
  { name: 'garp_master_delay abc is an error', conf: instance('garp_master_delay abc'), codes: ['invalid-value'] },
]);

rows('keywords and structure', [
  { name: 'unknown keyword with suggestion', conf: instance('priorty 100'), codes: ['unknown-keyword'] },
  { name: 'unsupported behaviour keyword is refused', conf: instance('use_vmac'), codes: ['unsupported-keyword'] },
  { name: 'harmless keepalived keyword is ignored with a warning', conf: instance('debug 2'), codes: ['unsupported-ignored'], pick: pick('basePriority'), want: { basePriority: 100 } },
  { name: 'block where none belongs', conf: instance('priority 100 {\n}'), codes: ['block-unexpected'] },
  { name: 'block expected', conf: instance('track_script chk'), codes: ['block-expected'] },
  { name: 'two keywords on one line are split', conf: instance('interface eth1 priority 150'), codes: ['stray-keyword'], pick: pick('interface', 'basePriority'), want: { interface: 'eth1', basePriority: 150 } },
  { name: 'quoted keyword-like word is not split', conf: instance('notify "/bin/n.sh priority"'), codes: [], pick: (c) => I(c).notify.generic?.argv, want: ['/bin/n.sh', 'priority'] },
  { name: 'duplicate instance name', conf: instance('') + instance(''), codes: ['duplicate-name'] },
  { name: 'instance without a name', conf: 'vrrp_instance {\n}\n', codes: ['invalid-value'] },
  { name: 'instance with two names', conf: 'vrrp_instance a b {\n}\n', codes: ['invalid-value'] },
  { name: 'unknown root keyword', conf: 'vrrp_instanse X {\n}\n', codes: ['unknown-keyword'] },
  { name: 'virtual_server is refused', conf: 'virtual_server 198.18.0.10 80 {\n}\n' + instance(''), codes: ['unsupported-keyword'] },
  { name: 'duplicate VRID on one interface', conf: instance('') + instance('', { name: 'VI_2', base: 'interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.0.20\n}' }), codes: ['vrid-duplicate'] },
  { name: 'same VRID on another interface is fine', conf: instance('') + instance('', { name: 'VI_2', base: 'interface eth1\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.1.10\n}' }), codes: [], pick: (c) => c.instances.length, want: 2 },
  { name: 'same VRID, multicast vs unicast are separate spaces', conf: instance('') + instance('unicast_peer {\n198.18.0.2\n}', { name: 'VI_2', base: 'interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.0.20\n}' }), codes: [], pick: (c) => c.instances.length, want: 2 },
  { name: 'same VRID, unicast with disjoint peers is fine', conf: instance('unicast_peer {\n198.18.0.3\n}') + instance('unicast_peer {\n198.18.0.2\n}', { name: 'VI_2', base: 'interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.0.20\n}' }), codes: [], pick: (c) => c.instances.length, want: 2 },
  { name: 'same VRID, unicast with a common peer collides', conf: instance('unicast_peer {\n198.18.0.2\n}') + instance('unicast_peer {\n198.18.0.2\n}', { name: 'VI_2', base: 'interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.0.20\n}' }), codes: ['vrid-duplicate'] },
  { name: 'strict_mode is accepted and explained', conf: instance('strict_mode'), codes: ['vrrp-strict-unsupported'], pick: pick('basePriority'), want: { basePriority: 100 } },
]);

test('unknown keyword message suggests the close keyword and names the block', (t) => {
  const r = load(instance('priorty 100'));
  t.regex(r.diagnostics[0]!.message, /unknown keyword 'priorty' in vrrp_instance \(did you mean 'priority'\?\)/);
  t.is(r.diagnostics[0]!.line, 7);
});

test('VRID duplicate names both instances with file:line', (t) => {
  const r = load(instance('') + instance('', { name: 'VI_2', base: 'interface eth0\nvirtual_router_id 51\nvirtual_ipaddress {\n198.18.0.20\n}' }));
  const d = r.diagnostics[0]!;
  t.is(d.line, 9);
  t.regex(d.message, /VI_2 .* like VI_1 \(k\.conf:1\)/);
});
