// Upgrade (WebSocket, 101) and CONNECT become raw tunnels governed by `timeout tunnel`; frames are hand-rolled
// (RFC 6455 §5.2) against a real node:http upgrade handler.
import test from 'ava';
import net from 'node:net';
import crypto from 'node:crypto';
import http from 'node:http';
import { startInProcess, trafficLogs, until } from '../../helpers/proxy-harness.js';

/** RFC 6455 §5.2 text frame; masked when sent by a client. */
function frame(text: string, mask: boolean): Buffer {
  const payload = Buffer.from(text);
  const head = [0x81, (mask ? 0x80 : 0) | payload.length];
  if (!mask) return Buffer.concat([Buffer.from(head), payload]);
  const key = crypto.randomBytes(4);
  const masked = Buffer.from(payload.map((b, i) => b ^ key[i % 4]!));
  return Buffer.concat([Buffer.from(head), key, masked]);
}

/** Decodes one short frame (payload < 126 bytes). */
function unframe(buf: Buffer): { text: string; masked: boolean; rest: Buffer } | undefined {
  if (buf.length < 2) return undefined;
  const masked = (buf[1]! & 0x80) !== 0;
  const len = buf[1]! & 0x7f;
  const off = masked ? 6 : 2;
  if (buf.length < off + len) return undefined;
  let payload = buf.subarray(off, off + len);
  if (masked) payload = Buffer.from(payload.map((b, i) => b ^ buf[2 + (i % 4)]!));
  return { text: payload.toString(), masked, rest: buf.subarray(off + len) };
}

async function wsBackend(): Promise<{ port: number; close(): Promise<void> }> {
  const socks = new Set<net.Socket>();
  const srv = http.createServer((_req, res) => res.end('plain'));
  srv.on('upgrade', (req: http.IncomingMessage, sock: net.Socket) => {
    socks.add(sock);
    const accept = crypto.createHash('sha1').update(`${req.headers['sec-websocket-key']}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    sock.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    let buf: Buffer = Buffer.alloc(0);
    sock.on('data', (c: Buffer) => {
      buf = Buffer.concat([buf, c]);
      for (let f = unframe(buf); f; f = unframe(buf)) {
        buf = f.rest;
        sock.write(frame(`echo:${f.text}:${f.masked ? 'masked' : 'plain'}`, false));
      }
    });
    sock.on('end', () => sock.end());
    sock.on('error', () => undefined);
  });
  srv.on('connect', (_req: http.IncomingMessage, sock: net.Socket, head: Buffer) => {
    socks.add(sock);
    sock.write('HTTP/1.1 200 Connection Established\r\n\r\n');
    if (head.length) sock.write(head);
    sock.pipe(sock);
    sock.on('error', () => undefined);
  });
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  return {
    port: (srv.address() as net.AddressInfo).port,
    close: () => new Promise<void>((r) => {
      for (const s of socks) s.destroy();
      srv.close(() => r());
    }),
  };
}

const cfg = (port: number) => `
defaults
  mode http
  timeout connect 1s
  timeout client 300ms
  timeout server 300ms
  timeout tunnel 1500ms
frontend fe
  bind 127.0.0.1:@PORT
  log stdout local0
  option httplog
  default_backend ws
backend ws
  server s1 127.0.0.1:${port}
`;

test('WebSocket upgrade: 101 passes through, frames round-trip, tunnel outlives timeout client', async (t) => {
  const be = await wsBackend();
  const px = await startInProcess(cfg(be.port));
  try {
    const key = crypto.randomBytes(16).toString('base64');
    const result = await new Promise<{ head: string; replies: string[]; idleSurvived: boolean }>((resolve, reject) => {
      const s = net.connect(px.port('fe'), '127.0.0.1');
      let buf: Buffer = Buffer.alloc(0);
      let head = '';
      const replies: string[] = [];
      s.on('error', reject);
      s.on('connect', () => s.write(`GET /chat HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: ${key}\r\nSec-WebSocket-Version: 13\r\n\r\n`));
      s.on('data', (c: Buffer) => {
        buf = Buffer.concat([buf, c]);
        if (!head) {
          const end = buf.indexOf('\r\n\r\n');
          if (end < 0) return;
          head = buf.subarray(0, end).toString();
          buf = buf.subarray(end + 4);
          s.write(frame('hello', true));
          // Idle longer than timeout client/server (300ms) but shorter than timeout tunnel (1500ms).
          setTimeout(() => s.write(frame('after-idle', true)), 700);
        }
        for (let f = unframe(buf); f; f = unframe(buf)) {
          buf = f.rest;
          replies.push(f.text);
          if (replies.length === 2) {
            s.destroy();
            resolve({ head, replies, idleSurvived: true });
          }
        }
      });
      s.on('close', () => resolve({ head, replies, idleSurvived: false }));
    });
    t.regex(result.head, /^HTTP\/1\.1 101 Switching Protocols\r\n/);
    const accept = crypto.createHash('sha1').update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest('base64');
    t.true(result.head.includes(`Sec-WebSocket-Accept: ${accept}`));
    t.deepEqual(result.replies, ['echo:hello:masked', 'echo:after-idle:masked']);
    t.true(result.idleSurvived);
    await until(() => trafficLogs(px.logs).length > 0, 3000);
    t.is(trafficLogs(px.logs)[0]!.status, 101);
  } finally {
    await px.close();
    await be.close();
  }
});

test('an idle WebSocket is closed by timeout tunnel', async (t) => {
  const be = await wsBackend();
  const px = await startInProcess(cfg(be.port));
  try {
    const ms = await new Promise<number>((resolve) => {
      const start = Date.now();
      const s = net.connect(px.port('fe'), '127.0.0.1', () =>
        s.write('GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n'));
      s.on('data', () => undefined);
      s.on('error', () => undefined);
      s.on('close', () => resolve(Date.now() - start));
    });
    t.true(ms >= 1400 && ms < 3500, `closed after ${ms} ms (timeout tunnel 1500ms)`);
  } finally {
    await px.close();
    await be.close();
  }
});

test('CONNECT: 200 then raw bytes both ways', async (t) => {
  const be = await wsBackend();
  const px = await startInProcess(cfg(be.port));
  try {
    const got = await new Promise<string>((resolve) => {
      let data = '';
      const s = net.connect(px.port('fe'), '127.0.0.1', () => s.write('CONNECT example.com:443 HTTP/1.1\r\nHost: example.com:443\r\n\r\n'));
      s.on('data', (c: Buffer) => {
        data += c.toString('latin1');
        if (data.endsWith('\r\n\r\n') && !data.includes('raw')) s.write(Buffer.from('raw\x00\xffbytes', 'latin1'));
        if (data.includes('raw\x00\xffbytes')) s.destroy();
      });
      s.on('close', () => resolve(data));
    });
    t.is(got, 'HTTP/1.1 200 Connection Established\r\n\r\nraw\x00\xffbytes');
  } finally {
    await px.close();
    await be.close();
  }
});
