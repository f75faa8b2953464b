// timeout client-fin / server-fin against the real haproxy 2.6 (same config, same four half-close scenarios, run
// side by side): which timeout closes a half-closed tunnel and which side the termination state blames.
// haproxy: after the CLIENT's FIN only the server may still talk, so `timeout server-fin` bounds the wait (sD);
// after the SERVER's FIN `timeout client-fin` bounds the client (cD). Measured here, not assumed.
import test from 'ava';
import net from 'node:net';
import { freePort } from '../../helpers/proxy-harness.js';
import { startRawServer, misbehave } from '../../helpers/proxy-servers.js';
import { sideBySide, logParts } from '../../helpers/haproxy-side-by-side.js';

const SHORT = 200;
const LONG = 1300;

interface Case {
  readonly name: string;
  readonly clientFin: number;
  readonly serverFin: number;
  /** true: the client sends FIN to a silent server; false: the server sends FIN to a silent client. */
  readonly clientCloses: boolean;
}
const CASES: Case[] = [
  { name: 'a', clientFin: SHORT, serverFin: LONG, clientCloses: true },
  { name: 'b', clientFin: SHORT, serverFin: LONG, clientCloses: false },
  { name: 'c', clientFin: LONG, serverFin: SHORT, clientCloses: true },
  { name: 'd', clientFin: LONG, serverFin: SHORT, clientCloses: false },
];

/** Opens a half-open client: FIN at once (clientCloses) or one byte and silence; destroyed after `holdMs`. */
function halfOpen(port: number, clientCloses: boolean, holdMs: number): Promise<void> {
  return new Promise((resolve) => {
    const s = net.connect({ port, host: '127.0.0.1', allowHalfOpen: true }, () => (clientCloses ? s.end('x') : s.write('x')));
    s.on('data', () => undefined);
    s.on('error', () => undefined);
    const timer = setTimeout(() => s.destroy(), holdMs);
    s.on('close', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

test('client-fin / server-fin: the same timeout closes each half-closed case as in haproxy 2.6', async (t) => {
  const hang = await startRawServer(misbehave.hang);
  const finFirst = await startRawServer((s) => {
    s.on('error', () => undefined);
    s.resume();
    s.end('bye');
  });
  t.teardown(() => Promise.all([hang.close(), finFirst.close()]));
  const ports = await Promise.all(CASES.map(() => freePort()));
  const text = (logPort: number): string => [
    'global', `  log 127.0.0.1:${logPort} local0`,
    'defaults', '  mode tcp', '  log global', '  option tcplog', '  timeout connect 1s', '  timeout client 5s', '  timeout server 5s',
    ...CASES.flatMap((c, i) => [
      `listen ${c.name}`, `  bind 127.0.0.1:${ports[i]}`, `  timeout client-fin ${c.clientFin}ms`, `  timeout server-fin ${c.serverFin}ms`,
      `  server s 127.0.0.1:${c.clientCloses ? hang.port : finFirst.port}`,
    ]),
    '',
  ].join('\n');
  const logs = await sideBySide(text, ports[0]!, () => Promise.all(CASES.map((c, i) => halfOpen(ports[i]!, c.clientCloses, LONG + 400))).then(() => undefined), CASES.length);
  const summary = (lines: string[]): Record<string, string> => Object.fromEntries(lines.map((l) => {
    const p = logParts(l);
    const tt = p.timers[p.timers.length - 1]!;
    return [p.proxy, `${tt < (SHORT + LONG) / 2 ? 'short' : 'long'} ${p.term}`];
  }));
  const ha = summary(logs.haproxy);
  // What haproxy 2.6 does (the oracle itself is checked so a changed haproxy cannot pass silently).
  t.deepEqual(ha, { a: 'long sD', b: 'short cD', c: 'short sD', d: 'long cD' }, logs.haproxy.join('\n'));
  t.deepEqual(summary(logs.hapair), ha, `hapair:\n${logs.hapair.join('\n')}`);
});
