// Syslog targets against the real haproxy 2.6.12: the same config and the same requests through haproxy and through
// hapair, each logging to its own UDP listeners and unix datagram socket; the datagrams must be identical once the
// values that legitimately differ are masked (times, timers, pids, client ports).
import test from 'ava';
import dgram from 'node:dgram';
import fs from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { namedServers } from '../../helpers/backend-haproxy.js';
import { freePort, startInProcess, until } from '../../helpers/proxy-harness.js';
import { request, rawExchange } from '../../helpers/proxy-client.js';
import { tmpDir } from '../../helpers/paths.js';
import { startHaproxy } from '../../helpers/haproxy-side-by-side.js';

interface Listener {
  readonly port: number;
  readonly got: string[];
  close(): void;
}

async function udpListener(): Promise<Listener> {
  const sock = dgram.createSocket('udp4');
  const got: string[] = [];
  sock.on('message', (m) => got.push(m.toString('latin1')));
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', r));
  return { port: sock.address().port, got, close: () => sock.close() };
}

/** Receives unix datagrams with socat (Node cannot bind AF_UNIX SOCK_DGRAM). */
async function unixListener(p: string): Promise<{ got: () => string; close: () => void }> {
  const child = spawn('socat', ['-u', `UNIX-RECV:${p},unlink-early`, 'STDOUT'], { stdio: ['ignore', 'pipe', 'ignore'] });
  let out = '';
  child.stdout.on('data', (c: Buffer) => (out += c.toString('latin1')));
  await until(() => fs.existsSync(p), 3000, 'socat unix socket');
  return { got: () => out, close: () => child.kill('SIGTERM') };
}

/**
 * Masks what may differ between two runs: times, timers, pids, client ports, and two data-plane differences that
 * are not about syslog framing (reported to the data plane's owner): haproxy counts %B from its internal HTX
 * message (fewer bytes than sent), and it counts the connections after releasing the server connection but
 * before closing the client one (hapair: HTTP beconn/srv_conn one higher; TCP actconn/feconn 0 and beconn/srv_conn 1).
 */
function mask(line: string): string {
  return line
    .replace(/\w{3} [ \d]\d \d\d:\d\d:\d\d/, 'MMM DD TIME')
    .replace(/\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}[+-]\d\d:\d\d/, 'ISO')
    .replace(/haproxy\[\d+\]/, 'haproxy[PID]')
    .replace(/ haproxy \d+ /, ' haproxy PID ')
    .replace(/127\.0\.0\.1:\d+ \[\d\d\/\w{3}\/\d{4}:\d\d:\d\d:\d\d\.\d{3}\]/, 'CLIENT [DATE]')
    // httplog: TR/Tw/Tc/Tr/Ta status bytes - - term actconn/feconn/beconn/srv_conn/retries
    .replace(/\] (\S+ \S+) (-?\d+\/){4}-?\d+ (\d{3}) \d+ (- - \S{4}) (\d+\/\d+)\/\d+\/\d+\//, '] $1 TIMERS $3 BYTES $4 $5/BE/SRV/')
    // tcplog: Tw/Tc/Tt bytes term conns
    .replace(/\] (\S+ \S+) (-?\d+\/){2}-?\d+ (\d+ \S{2}) \d+\/\d+\/\d+\/\d+\//, '] $1 TIMERS $3 CONNS/');
}

/** With `len`, the cut point moves with pid/port/timer widths: compare lengths and the masked head only. */
function cut(line: string): string {
  return `${line.length} ${mask(line).split(/CLIENT|127\.0\.0\.1:/)[0]}`;
}

// One `log` line per format; `len` cuts inside the text. A notice-only target must get nothing (lines are info).
const TARGETS = ['', 'format rfc3164', 'format rfc5424', 'format priority', 'format short', 'format timed', 'format iso', 'format raw', 'len 100', 'len 90 format rfc5424', 'local2 info debug #'];

function config(ports: { http: number; tcp: number; server: number }, logPorts: number[], unixPath: string, mutePort: number): string {
  return [
    'global',
    ...TARGETS.map((opts, i) => (opts.endsWith('#') ? `  log 127.0.0.1:${logPorts[i]} ${opts.slice(0, -1)}` : `  log 127.0.0.1:${logPorts[i]} ${opts} local2`)),
    `  log ${unixPath} local0 info`,
    `  log 127.0.0.1:${mutePort} local2 notice`,
    'defaults', '  mode http', '  log global', '  option httplog', '  option dontlognull', '  timeout connect 2s', '  timeout client 5s', '  timeout server 5s',
    'frontend fe', `  bind 127.0.0.1:${ports.http}`, '  default_backend app',
    'backend app', `  server s1 127.0.0.1:${ports.server}`,
    'listen tcpx', '  mode tcp', '  option tcplog', `  bind 127.0.0.1:${ports.tcp}`, `  server s1 127.0.0.1:${ports.server}`,
    '',
  ].join('\n');
}

async function startHapair(text: string): Promise<() => Promise<void>> {
  const px = await startInProcess(text);
  return () => px.close();
}

test('syslog datagrams: hapair = haproxy 2.6 for every format, len, level filters and a unix target', async (t) => {
  const be = await namedServers(1);
  t.teardown(() => be.close());
  const dir = tmpDir('hapair-syslog-');
  t.teardown(() => fs.rmSync(dir, { recursive: true, force: true }));
  const results: Record<string, { udp: string[][]; unix: string; muted: number }> = {};
  for (const name of ['haproxy', 'hapair'] as const) {
    const ls = await Promise.all(TARGETS.map(() => udpListener()));
    const mute = await udpListener();
    const sockPath = path.join(dir, `${name}.sock`);
    const ux = await unixListener(sockPath);
    const ports = { http: await freePort(), tcp: await freePort(), server: be.ports[0]! };
    const text = config(ports, ls.map((l) => l.port), sockPath, mute.port);
    let stop = async (): Promise<void> => {};
    try {
      stop = name === 'haproxy' ? await startHaproxy(text, ports.http) : await startHapair(text);
      await request(ports.http, '/some/path?x=1');
      await rawExchange(ports.http, ['GET /a"b#c\x7f HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n'], { waitMs: 300 });
      await new Promise<void>((resolve, reject) => {
        const s = net.connect(ports.tcp, '127.0.0.1', () => s.end('GET / HTTP/1.0\r\n\r\n'));
        s.on('error', reject);
        s.on('close', () => resolve());
        s.resume();
      });
      await until(() => ls.every((l) => l.got.length >= 3) && (ux.got().match(/\n/g)?.length ?? 0) >= 3, 5000, `${name} datagrams`);
      await new Promise((r) => setTimeout(r, 150));
      results[name] = { udp: ls.map((l) => [...l.got]), unix: ux.got(), muted: mute.got.length };
    } finally {
      await stop();
      ls.forEach((l) => l.close());
      mute.close();
      ux.close();
    }
  }
  const [ha, me] = [results.haproxy!, results.hapair!];
  // Lines are written when sessions end: compare them as sets (sorted), and show the raw lines on a mismatch.
  const same = (mine: string[], theirs: string[], f: (l: string) => string, what: string) =>
    t.deepEqual(mine.map(f).sort(), theirs.map(f).sort(), `${what}\nhapair:  ${JSON.stringify(mine)}\nhaproxy: ${JSON.stringify(theirs)}`);
  TARGETS.forEach((opts, i) => same(me.udp[i]!, ha.udp[i]!, opts.includes('len') ? cut : mask, `log 127.0.0.1:port ${opts}`));
  same(me.unix.split('\n'), ha.unix.split('\n'), mask, 'unix datagram target');
  t.is(ha.muted, 0);
  t.is(me.muted, 0, 'a notice target gets no info lines');
  t.regex(me.udp[0]![0]!, /^<150>\w{3} [ \d]\d \d\d:\d\d:\d\d haproxy\[\d+\]: 127\.0\.0\.1:\d+ \[.*\] fe app\/s1 [-\d/]+ 200 \d+ - - ---- 1\/1\/\d\/\d\/0 0\/0 "GET \/some\/path\?x=1 HTTP\/1\.1"\n$/);
  t.regex(me.udp[1]![2]!, /^<150>\w{3} [ \d]\d \d\d:\d\d:\d\d localhost haproxy\[\d+\]: .* tcpx tcpx\/s1 /);
  t.true(me.udp[8]!.every((l) => l.length === 101), 'len 100: 100 characters and the LF');
  t.regex(me.udp[10]![0]!, /^<151>/, 'minlevel debug raises info lines to debug');
  t.regex(me.unix, /^<134>/, 'local0.info on the unix target');
});
