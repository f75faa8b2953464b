// Runs inside a lab namespace: sends raw IPv4 packets (hex, IP header included) out of an interface, then exits.
// Used to inject hostile VRRP packets; argv: IFACE DST HEX [HEX...]
import { execFileSync } from 'node:child_process';
import { VrrpSocket } from '../../src/vrrp/socket.js';

const [iface, dst, ...hexes] = process.argv.slice(2);
if (!iface || !dst || hexes.length === 0) {
  process.stderr.write('usage: lab-rawsend IFACE DST HEX...\n');
  process.exit(2);
}
const info = JSON.parse(execFileSync('ip', ['-j', 'link', 'show', 'dev', iface]).toString()) as { ifindex: number }[];
const sock = VrrpSocket.open({ iface, ifindex: info[0]!.ifindex, multicast: true }, () => undefined, (err) => {
  process.stderr.write(`${err.message}\n`);
  process.exit(1);
});
for (const h of hexes) {
  await sock.send(Buffer.from(h, 'hex'), dst);
  await new Promise((r) => setTimeout(r, 20));
}
sock.close();
process.stdout.write(`sent ${hexes.length}\n`);
