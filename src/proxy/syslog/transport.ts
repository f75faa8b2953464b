// Datagram senders for syslog targets: UDP (node:dgram, one unconnected socket per family, shared) and unix datagram
// sockets such as /dev/log. Node has no AF_UNIX SOCK_DGRAM, so a unix target is served by a small perl child
// (perl-base is Essential on Debian) that sends each stdin line as one datagram. Never blocks, never throws: a line
// that cannot leave now (name unresolved, too many in flight, helper down, send error) is dropped and counted,
// like haproxy's dropped_logs (it sends with MSG_DONTWAIT).
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { spawn, type ChildProcess } from 'node:child_process';

export interface DatagramSender {
  /** Queues one datagram; false when it was dropped. */
  send(datagram: string): boolean;
}

let dropped = 0;
/** Log lines dropped by every sender of this process (`show info` DroppedLogs). */
export function droppedLogLines(): number {
  return dropped;
}
const drop = (): false => {
  dropped++;
  return false;
};

/** Sends whose callback has not run yet, per socket; beyond this the kernel is not keeping up: drop. */
const MAX_IN_FLIGHT = 1024;
/** Bytes waiting in a unix helper's stdin pipe beyond which lines are dropped. */
const MAX_PIPE_BYTES = 256 * 1024;
/** Wait before re-resolving a name or restarting a dead helper. */
const RETRY_MS = 5000;

const sockets = new Map<'udp4' | 'udp6', { sock: dgram.Socket; inFlight: number }>();
function udpSocket(type: 'udp4' | 'udp6'): { sock: dgram.Socket; inFlight: number } {
  let s = sockets.get(type);
  if (!s) {
    const sock = dgram.createSocket(type);
    sock.on('error', () => {}); // per-send errors arrive in the send callbacks
    sock.unref(); // logging never keeps the process alive
    s = { sock, inFlight: 0 };
    sockets.set(type, s);
  }
  return s;
}

/** UDP target `host:port`; a host name is resolved once (again after a failure, at most every RETRY_MS). */
export function udpSender(host: string, port: number): DatagramSender {
  let addr = net.isIP(host) ? host : undefined;
  let resolving = false;
  let lastTry = 0;
  const resolve = (): void => {
    if (resolving || Date.now() - lastTry < RETRY_MS) return;
    resolving = true;
    lastTry = Date.now();
    dns.lookup(host, (err, a) => {
      resolving = false;
      if (!err) addr = a;
    });
  };
  return {
    send(datagram) {
      if (addr === undefined) {
        resolve();
        return drop();
      }
      const s = udpSocket(net.isIPv6(addr) ? 'udp6' : 'udp4');
      if (s.inFlight >= MAX_IN_FLIGHT) return drop();
      s.inFlight++;
      try {
        s.sock.send(Buffer.from(datagram, 'latin1'), port, addr, (err) => {
          s.inFlight--;
          if (err) dropped++;
        });
      } catch {
        s.inFlight--;
        return drop();
      }
      return true;
    },
  };
}

/** The helper: one datagram per stdin line (LF kept, as haproxy sends it), to the socket path in ARGV[0]. */
const UNIX_HELPER = 'use Socket; socket(my $s, PF_UNIX, SOCK_DGRAM, 0) or exit 1; my $to = pack_sockaddr_un($ARGV[0]); '
  + 'while (my $l = <STDIN>) { send($s, $l, MSG_DONTWAIT, $to); }';

/** Unix datagram target (e.g. /dev/log). The helper starts on first use and is restarted after RETRY_MS if it dies. */
export function unixSender(path: string): DatagramSender {
  let child: ChildProcess | undefined;
  let diedAt = 0;
  const start = (): ChildProcess | undefined => {
    if (Date.now() - diedAt < RETRY_MS) return undefined;
    try {
      const c = spawn('perl', ['-e', UNIX_HELPER, path], { stdio: ['pipe', 'ignore', 'ignore'] });
      const gone = (): void => {
        if (child === c) child = undefined;
        diedAt = Date.now();
      };
      c.on('error', gone);
      c.on('exit', gone);
      c.stdin!.on('error', gone);
      c.unref();
      (c.stdin as unknown as { unref?: () => void }).unref?.();
      return c;
    } catch {
      diedAt = Date.now();
      return undefined;
    }
  };
  return {
    send(datagram) {
      child ??= start();
      const stdin = child?.stdin;
      if (!stdin || stdin.destroyed || stdin.writableLength > MAX_PIPE_BYTES) return drop();
      stdin.write(datagram, 'latin1');
      return true;
    },
  };
}
