// A loopback TCP port a test can write into a config and bind later. Chosen at random BELOW the kernel's ephemeral
// range (ip_local_port_range, 32768-60999 by default) and checked bindable: a port from bind(0) lies inside that
// range, where any outgoing connection of a test running in parallel may take it before the proxy binds it (CI saw
// "cannot bind 127.0.0.1:40939: EADDRINUSE"). Below the range only another explicit bind can collide.
import fs from 'node:fs';
import net from 'node:net';

const LOW = 10_000;
/** Ports this worker already handed out (a test may ask for several before binding any). */
const handedOut = new Set<number>();

function ephemeralStart(): number {
  try {
    const first = Number(fs.readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/)[0]);
    return Number.isInteger(first) && first > LOW + 1000 ? first : 32_768;
  } catch {
    return 32_768;
  }
}
const HIGH = ephemeralStart();

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.once('error', () => resolve(false));
    s.listen(port, host, () => s.close(() => resolve(true)));
  });
}

export async function freePort(host = '127.0.0.1'): Promise<number> {
  for (let i = 0; i < 200; i++) {
    const port = LOW + Math.floor(Math.random() * (HIGH - LOW));
    if (handedOut.has(port) || !(await bindable(port, host))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port in ${LOW}-${HIGH - 1} after 200 tries`);
}
