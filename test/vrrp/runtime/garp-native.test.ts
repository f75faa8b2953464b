// In-process GARP (AF_PACKET addon): keepalived's exact frame, the whole burst on the takeover turn, no helper
// processes; NOARP / non-Ethernet links skipped, a missing device logged once; the arping path stays the fallback.
import test from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { garpFrame } from '../../../src/vrrp/garp-frame.js';
import { nativePacket } from '../../../src/vrrp/packet-native.js';
import { Lab, Capture, arpFrames, isKeepalivedGarp } from '../../../src/lab/index.js';
import { requireRoot } from '../../helpers/root.js';
import { outDir, repoRoot } from '../../helpers/paths.js';

const VIP = '198.18.0.100';
const mac = (s: string): Buffer => Buffer.from(s.split(':').map((h) => parseInt(h, 16)));

test('garpFrame is byte for byte the GARP keepalived 2.2.7 sent (reference capture, frame 8)', (t) => {
  // ../shared/reference/vrrp-capture-keepalived.txt, "one gratuitous ARP sent by the new master".
  const keepalived = Buffer.from('ffffffffffff02c61200000b08060001080006040001' + '02c61200000bc612000a' + 'ffffffffffffc612000a', 'hex');
  t.deepEqual(garpFrame(mac('02:c6:12:00:00:0b'), '198.18.0.10'), keepalived);
});

test('garpFrame refuses what is not an Ethernet MAC or an IPv4 address, naming the value', (t) => {
  t.throws(() => garpFrame(Buffer.alloc(8), VIP), { instanceOf: RangeError, message: /6-byte Ethernet MAC, got 8/ });
  t.throws(() => garpFrame(mac('02:00:00:00:00:01'), 'fe80::1'), { instanceOf: RangeError, message: /IPv4 address, got 'fe80::1'/ });
});

test('the addon is built by npm ci (CI requires it) and reports interfaces with errno codes', (t) => {
  const { sender, why } = nativePacket();
  if (!sender) {
    if (process.env.CI) t.fail(`native sender missing in CI: ${why}`);
    else t.pass(`skipped: ${why}`);
    return;
  }
  const lo = sender.interfaceInfo('lo');
  t.true(lo.index > 0);
  t.is(lo.mac, null, 'loopback is not Ethernet');
  t.throws(() => sender.interfaceInfo('no-such-if0'), { code: 'ENODEV', message: /no-such-if0: No such device/ });
  t.throws(() => sender.interfaceInfo('x'.repeat(16)), { code: 'EINVAL' });
  t.throws(() => sender.sendFrame(lo.index, Buffer.alloc(4)), { code: 'EINVAL', message: /Ethernet frame/ });
  t.throws(() => sender.sendFrame(0, garpFrame(mac('02:00:00:00:00:01'), VIP)), { code: 'EINVAL', message: /ifindex/ });
});

/** Runs a GarpSender inside node a's namespace (frames must never leave from the root namespace). */
const CHILD = `
const { GarpSender } = await import(process.argv[2] + '/src/vrrp/garp.js');
const lines = [];
const logger = { info: (o) => lines.push(o), warn: (o) => lines.push(o), error: (o) => lines.push(o), debug() {} };
const g = new GarpSender({ logger, bin: '/nonexistent/arping' });
const vip = (address, dev) => ({ address, prefix: 24, dev, noTrack: false });
g.prepare([vip('${VIP}', 'eth0')]);
const armed = g.armedCount;
g.burst([vip('${VIP}', 'eth0'), vip('198.18.0.101', 'noarp0'), vip('198.18.0.102', 'lo'), vip('198.18.0.103', 'missing0'), vip('198.18.0.104', 'missing0')], 5);
const sync = { sent: g.sent, failed: g.failed, pending: g.pending };
g.burst([vip('198.18.0.103', 'missing0')], 1);
console.log(JSON.stringify({ method: g.method, armed, sync, failed: g.failed, lines }));
`;

test.serial('a burst leaves on the takeover turn: 5 keepalived GARPs per VIP, no process; NOARP/lo skipped; a missing device logged once', async (t) => {
  if (!requireRoot(t)) return;
  if (!nativePacket().sender) {
    if (process.env.CI) t.fail(`native sender missing in CI: ${nativePacket().why}`);
    else t.pass(`skipped: ${nativePacket().why}`);
    return;
  }
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  await lab.execOk('a', ['ip', 'link', 'add', 'noarp0', 'type', 'veth', 'peer', 'name', 'noarp1']);
  await lab.execOk('a', ['ip', 'link', 'set', 'noarp0', 'arp', 'off', 'up']);
  const cap = await Capture.start(lab, { filter: ['arp'] });
  const script = path.join(repoRoot, 'test-artifacts', `garp-native-${process.pid}.mjs`);
  fs.mkdirSync(path.dirname(script), { recursive: true });
  fs.writeFileSync(script, CHILD);
  t.teardown(() => fs.rmSync(script, { force: true }));
  const r = await lab.execOk('a', [process.execPath, script, outDir], { timeoutMs: 15_000 });
  const out = JSON.parse(r.trim().split('\n').pop()!) as { method: string; armed: number; sync: { sent: number; failed: number; pending: { queued: number; running: number } }; failed: number; lines: Record<string, unknown>[] };
  t.is(out.method, 'af_packet');
  t.is(out.armed, 0, 'no idle arping helper is kept when frames go out in-process');
  t.deepEqual(out.sync, { sent: 5, failed: 2, pending: { queued: 0, running: 0 } }, 'all sent before burst() returned; nothing queued for arping');
  t.is(out.failed, 3);
  const errors = out.lines.filter((l) => l.event === 'garp-error');
  t.is(errors.length, 2, 'once per missing address, not per failure');
  t.like(errors[0], { vip: '198.18.0.103', dev: 'missing0', code: 'ENODEV' });
  t.deepEqual(out.lines.filter((l) => l.event === 'garp-skipped').map((l) => l.dev), ['noarp0', 'lo']);
  await new Promise((res) => setTimeout(res, 300));
  const frames = await cap.stop();
  const garps = frames.filter((f) => arpFrames([f]).some((g) => isKeepalivedGarp(g, VIP)));
  t.is(garps.length, 5);
  const want = garpFrame(mac(a.mac), VIP);
  t.true(garps.every((f) => f.data.subarray(0, 42).equals(want)), 'the frame on the wire is the one built');
  t.true(garps[4]!.ts - garps[0]!.ts < 0.05, 'back to back');
  t.is(arpFrames(frames).filter((g) => g.senderIp !== '198.18.0.11' && g.senderIp !== '198.18.0.12' && g.senderIp !== VIP).length, 0, 'nothing sent for skipped or missing links');
});
