// vrrp_instance blocks: VIPs (every field, every syntax error naming the field), track_script/track_interface,
// unicast peers, authentication, notify scripts, smtp_alert resolution.
import test from 'ava';
import type { InstanceConfig } from '../../../src/vrrp/types.js';
import { instance, load } from '../../helpers/kaconf.js';
import { rows } from '../../helpers/kaconf-rows.js';

const I = (c: { instances: readonly InstanceConfig[] }): InstanceConfig => c.instances[0]!;
const NOVIP = 'interface eth0\nvirtual_router_id 51';
const vipInst = (lines: string) => instance(`virtual_ipaddress {\n${lines}\n}`, { base: NOVIP });
const vipFields = (c: { instances: readonly InstanceConfig[] }) => I(c).vips.map(({ where: _w, ...v }) => v);
const SCRIPT = 'vrrp_script chk {\n script "/bin/true"\n weight -20\n}\n';

rows('virtual_ipaddress', [
  { name: 'address alone is /32', conf: vipInst('198.18.0.10'), codes: [], pick: vipFields, want: [{ address: '198.18.0.10', prefix: 32, noTrack: false }] },
  { name: 'every option', conf: vipInst('198.18.0.10/24 brd 198.18.0.255 dev eth1 scope link label eth1:1 no_track'), codes: [],
    pick: vipFields, want: [{ address: '198.18.0.10', prefix: 24, brd: '198.18.0.255', dev: 'eth1', scope: 'link', label: 'eth1:1', noTrack: true }] },
  { name: 'broadcast alias and brd +', conf: vipInst('198.18.0.10/24 broadcast +\n198.18.1.10/23 brd -'), codes: [], pick: (c) => I(c).vips.map((v) => v.brd), want: ['198.18.0.255', '198.18.0.0'] },
  { name: 'numeric scope', conf: vipInst('198.18.0.10 scope 200'), codes: [], pick: (c) => I(c).vips[0]!.scope, want: '200' },
  { name: 'several VIPs keep their order and lines', conf: vipInst('198.18.0.11\n198.18.0.12'), codes: [], pick: (c) => I(c).vips.map((v) => `${v.address}@${v.where.line}`), want: ['198.18.0.11@5', '198.18.0.12@6'] },
  { name: 'excluded VIPs', conf: instance('virtual_ipaddress_excluded {\n198.18.5.1/24 dev eth2\n}'), codes: [], pick: (c) => I(c).excludedVips.map((v) => `${v.address}/${v.prefix} ${v.dev}`), want: ['198.18.5.1/24 eth2'] },
  { name: 'duplicate address keeps the first', conf: vipInst('198.18.0.10/24 dev eth0\n198.18.0.10/32'), codes: ['vip-duplicate'], pick: (c) => I(c).vips.map((v) => `${v.address}/${v.prefix}`), want: ['198.18.0.10/24'] },
  { name: 'bad address', conf: vipInst('198.18.0.300/24'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'bad prefix', conf: vipInst('198.18.0.10/33'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'dev without a value', conf: vipInst('198.18.0.10/24 dev'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'dev twice', conf: vipInst('198.18.0.10 dev eth0 dev eth1'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'unknown scope', conf: vipInst('198.18.0.10 scope planet'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'bad broadcast', conf: vipInst('198.18.0.10/24 brd 1.2.3'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'brd + on a /31', conf: vipInst('198.18.0.10/31 brd +'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'long label', conf: vipInst('198.18.0.10 label eth0:abcdefghijklm'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'unsupported option', conf: vipInst('198.18.0.10 peer 198.18.0.11'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'unknown option (typo)', conf: vipInst('198.18.0.10 devv eth0'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'IPv6 refused', conf: vipInst('fe80::1/64'), codes: ['vip-invalid', 'vip-none'] },
  { name: 'empty block warns', conf: instance('virtual_ipaddress {\n}', { base: NOVIP }), codes: ['vip-none', 'vip-none'], pick: (c) => I(c).vips, want: [] },
  { name: 'no VIP with v3 is an error', conf: instance('version 3', { base: NOVIP }), codes: ['vip-none'] },
  { name: 'more than 255 VIPs: the rest become excluded', conf: vipInst(Array.from({ length: 257 }, (_, k) => `198.18.${Math.floor(k / 200)}.${(k % 200) + 1}`).join('\n')), codes: ['vip-excess'],
    pick: (c) => [I(c).vips.length, I(c).excludedVips.length], want: [255, 2] },
]);

test('VIP errors name the field and the line', (t) => {
  const r = load(vipInst('198.18.0.10/33\n198.18.0.11 scope planet'));
  const errs = r.diagnostics.filter((d) => d.code === 'vip-invalid');
  t.deepEqual(errs.map((d) => d.line), [5, 6]);
  t.regex(errs[0]!.message, /^virtual_ipaddress: prefix length in '198\.18\.0\.10\/33'/);
  t.regex(errs[1]!.message, /scope 'planet'/);
});

rows('track_script', [
  { name: 'script weight applies when not overridden', conf: SCRIPT + instance('track_script {\nchk\n}'), codes: [], pick: (c) => I(c).trackScripts.map(({ where: _w, ...t }) => t), want: [{ name: 'chk' }] },
  { name: 'weight override and reverse', conf: SCRIPT + instance('track_script {\nchk weight 10 reverse\n}'), codes: [], pick: (c) => I(c).trackScripts.map(({ where: _w, ...t }) => t), want: [{ name: 'chk', weight: 10, reverse: true }] },
  { name: 'noreverse', conf: SCRIPT + instance('track_script {\nchk weight 10 noreverse\n}'), codes: [], pick: (c) => I(c).trackScripts[0]!.reverse, want: false },
  { name: '+254 is coerced to 253', conf: SCRIPT + instance('track_script {\nchk weight 254\n}'), codes: ['value-coerced'], pick: (c) => I(c).trackScripts[0]!.weight, want: 253 },
  { name: '-254 is coerced to -253', conf: SCRIPT + instance('track_script {\nchk weight -254\n}'), codes: ['value-coerced'], pick: (c) => I(c).trackScripts[0]!.weight, want: -253 },
  { name: 'weight 0 override (FAULT semantics) is kept as 0', conf: SCRIPT + instance('track_script {\nchk weight 0\n}'), codes: [], pick: (c) => I(c).trackScripts[0]!.weight, want: 0 },
  { name: 'weight 255 is an error', conf: SCRIPT + instance('track_script {\nchk weight 255\n}'), codes: ['invalid-value', 'script-unused'] },
  { name: 'weight without value', conf: SCRIPT + instance('track_script {\nchk weight\n}'), codes: ['invalid-value', 'script-unused'] },
  { name: 'unknown option', conf: SCRIPT + instance('track_script {\nchk wieght 5\n}'), codes: ['invalid-value', 'script-unused'] },
  { name: 'unknown weight option', conf: SCRIPT + instance('track_script {\nchk weight 5 inverse\n}'), codes: ['invalid-value', 'script-unused'] },
  { name: 'unknown script is an error', conf: SCRIPT + instance('track_script {\nchk\nchk_other\n}'), codes: ['track-script-unknown'] },
  { name: 'listed twice', conf: SCRIPT + instance('track_script {\nchk\nchk weight 5\n}'), codes: ['track-duplicate'], pick: (c) => I(c).trackScripts.length, want: 1 },
  { name: 'script defined after use works but warns (keepalived would miss it)', conf: instance('track_script {\nchk\n}') + SCRIPT, codes: ['track-script-forward-ref'], pick: (c) => I(c).trackScripts.map((t) => t.name), want: ['chk'] },
]);

rows('track_interface', [
  { name: 'unweighted and weighted', conf: instance('track_interface {\neth1\neth2 weight -30 reverse\n}'), codes: [],
    pick: (c) => I(c).trackInterfaces.map(({ where: _w, ...t }) => t), want: [{ name: 'eth1' }, { name: 'eth2', weight: -30, reverse: true }] },
  { name: 'own interface is dropped', conf: instance('track_interface {\neth0\neth1\n}'), codes: ['track-own-interface'], pick: (c) => I(c).trackInterfaces.map((t) => t.name), want: ['eth1'] },
  { name: '254 coerced', conf: instance('track_interface {\neth1 weight 254\n}'), codes: ['value-coerced'], pick: (c) => I(c).trackInterfaces[0]!.weight, want: 253 },
  { name: 'noreverse is a track_script-only option', conf: instance('track_interface {\neth1 weight 5 noreverse\n}'), codes: ['invalid-value'] },
]);

rows('unicast', [
  { name: 'src and peers with ttl options', conf: instance('unicast_src_ip 198.18.0.1\nunicast_peer {\n198.18.0.2\n198.18.0.3 min_ttl 250 max_ttl 255\n}\nunicast_ttl 10'), codes: [],
    pick: (c) => [I(c).unicastSrcIp, I(c).unicastPeers.map(({ where: _w, ...p }) => p), I(c).unicastTtl],
    want: ['198.18.0.1', [{ address: '198.18.0.2' }, { address: '198.18.0.3', minTtl: 250, maxTtl: 255 }], 10] },
  { name: 'mcast_src_ip', conf: instance('mcast_src_ip 198.18.0.1'), codes: [], pick: (c) => I(c).mcastSrcIp, want: '198.18.0.1' },
  { name: 'unicast_src_ip without peers falls back to multicast with a warning', conf: instance('unicast_src_ip 198.18.0.1'), codes: ['unicast-no-peers'], pick: (c) => I(c).unicastPeers, want: [] },
  { name: 'unicast_ttl without peers is ignored', conf: instance('unicast_ttl 5'), codes: ['unicast-ttl-no-peers'], pick: (c) => I(c).unicastTtl, want: 255 },
  { name: 'bad peer address', conf: instance('unicast_peer {\n198.18.0.256\n}'), codes: ['invalid-value', 'unicast-no-peers'] },
  { name: 'bad src address', conf: instance('unicast_src_ip eth0'), codes: ['invalid-value'] },
  { name: 'min_ttl above max_ttl', conf: instance('unicast_peer {\n198.18.0.2 min_ttl 200 max_ttl 100\n}'), codes: ['peer-ttl-range', 'unicast-no-peers'] },
  { name: 'unknown peer option', conf: instance('unicast_peer {\n198.18.0.2 ttl 1\n}'), codes: ['invalid-value', 'unicast-no-peers'] },
  { name: 'duplicate peer', conf: instance('unicast_peer {\n198.18.0.2\n198.18.0.2\n}'), codes: ['track-duplicate'], pick: (c) => I(c).unicastPeers.length, want: 1 },
  { name: 'check_unicast_src is honoured', conf: instance('check_unicast_src\nunicast_peer {\n198.18.0.2\n}'), codes: [], pick: (c) => I(c).checkUnicastSrc, want: true },
  { name: 'global vrrp_check_unicast_src is every instance\'s default', conf: 'global_defs {\n  vrrp_check_unicast_src\n}\n' + instance('unicast_peer {\n198.18.0.2\n}'), codes: [], pick: (c) => [c.global.checkUnicastSrc, I(c).checkUnicastSrc], want: [true, true] },
  { name: 'no source check unless asked', conf: instance('unicast_peer {\n198.18.0.2\n}'), codes: [], pick: (c) => [c.global.checkUnicastSrc, I(c).checkUnicastSrc], want: [undefined, undefined] },
  { name: 'check_unicast_src alone is a unicast keyword (keepalived: multicast fallback)', conf: instance('check_unicast_src'), codes: ['unicast-no-peers'], pick: (c) => I(c).unicastPeers, want: [] },
  { name: 'unicast_fault_no_peer with peers: set, no warning', conf: instance('unicast_fault_no_peer\nunicast_peer {\n198.18.0.2\n}'), codes: [], pick: (c) => I(c).unicastFaultNoPeer, want: true },
  { name: 'unicast_fault_no_peer without peers: FAULT instead of multicast (warning at its line)', conf: instance('unicast_src_ip 198.18.0.1\nunicast_fault_no_peer'), codes: ['unicast-fault-no-peer'],
    pick: (c) => [I(c).unicastFaultNoPeer, I(c).unicastPeers.length], want: [true, 0] },
  { name: 'check_unicast_src takes no argument', conf: instance('check_unicast_src yes\nunicast_peer {\n198.18.0.2\n}'), codes: ['extra-argument'] },
]);

rows('authentication', [
  { name: 'PASS', conf: instance('authentication {\nauth_type PASS\nauth_pass 1111\n}'), codes: [], pick: (c) => I(c).auth, want: { type: 'PASS', pass: '1111' } },
  { name: 'one-line block', conf: instance('authentication { auth_type AH auth_pass k }'), codes: ['stray-keyword'], pick: (c) => I(c).auth, want: { type: 'AH', pass: 'k' } },
  { name: 'long password truncated to 8', conf: instance('authentication {\nauth_type PASS\nauth_pass 123456789\n}'), codes: ['auth-pass-truncated'], pick: (c) => I(c).auth?.pass, want: '12345678' },
  { name: 'ignored for v3', conf: instance('version 3\nauthentication {\nauth_type PASS\nauth_pass 1111\n}'), codes: ['auth-v3-ignored'], pick: (c) => I(c).auth, want: undefined },
  { name: 'type without pass', conf: instance('authentication {\nauth_type PASS\n}'), codes: ['auth-no-pass'] },
  { name: 'pass without type', conf: instance('authentication {\nauth_pass 1111\n}'), codes: ['auth-pass-without-type'], pick: (c) => I(c).auth, want: undefined },
  { name: 'type is case-sensitive', conf: instance('authentication {\nauth_type pass\nauth_pass 1111\n}'), codes: ['invalid-value'] },
  { name: 'AH forces BACKUP for a non-owner state MASTER', conf: instance('state MASTER\npriority 100\nauthentication {\nauth_type AH\nauth_pass k\n}'), codes: ['auth-ah-master'], pick: (c) => I(c).configuredState, want: 'BACKUP' },
  { name: 'non-ASCII password refused', conf: instance('authentication {\nauth_type PASS\nauth_pass pässwort\n}'), codes: ['invalid-value', 'auth-no-pass'] },
]);

rows('notify and smtp_alert', [
  { name: 'all notify scripts split into argv', conf: instance('notify_master "/bin/m.sh a \'b c\'"\nnotify_backup /bin/b.sh\nnotify_fault "/bin/f.sh" root wheel\nnotify_stop /bin/s.sh\nnotify "/bin/n.sh x"'), codes: [],
    pick: (c) => Object.fromEntries(Object.entries(I(c).notify).map(([k, v]) => [k, [v.argv, v.user ?? null, v.group ?? null]])),
    want: { master: [['/bin/m.sh', 'a', 'b c'], null, null], backup: [['/bin/b.sh'], null, null], fault: [['/bin/f.sh'], 'root', 'wheel'], stop: [['/bin/s.sh'], null, null], generic: [['/bin/n.sh', 'x'], null, null] } },
  { name: 'global script_user is the default user', conf: 'global_defs {\n script_user hapair hapair\n}\n' + instance('notify_master /bin/m.sh\nnotify_backup /bin/b.sh nobody'), codes: [],
    pick: (c) => [I(c).notify.master?.user, I(c).notify.master?.group, I(c).notify.backup?.user, I(c).notify.backup?.group], want: ['hapair', 'hapair', 'nobody', undefined] },
  { name: 'a repeated notify keeps the first', conf: instance('notify_master /bin/one\nnotify_master /bin/two'), codes: ['duplicate-keyword'], pick: (c) => I(c).notify.master?.argv, want: ['/bin/one'] },
  { name: 'unterminated quote in a command', conf: instance('notify_master "/bin/x'), codes: ['unterminated-quote', 'invalid-value'] },
  { name: 'empty command', conf: instance('notify_master ""'), codes: ['invalid-value'] },
  { name: 'instance smtp_alert', conf: instance('smtp_alert'), codes: ['smtp-alert-no-server'], pick: (c) => I(c).smtpAlert, want: true },
  { name: 'instance smtp_alert false beats global', conf: 'global_defs {\n smtp_alert\n}\n' + instance('smtp_alert false'), codes: [], pick: (c) => I(c).smtpAlert, want: false },
  { name: 'global smtp_alert is the default', conf: 'global_defs {\n smtp_alert yes\n}\n' + instance(''), codes: ['smtp-alert-no-server'], pick: (c) => I(c).smtpAlert, want: true },
  { name: 'smtp_alert_vrrp wins over smtp_alert', conf: 'global_defs {\n smtp_alert true\n smtp_alert_vrrp false\n}\n' + instance(''), codes: [], pick: (c) => I(c).smtpAlert, want: false },
]);
