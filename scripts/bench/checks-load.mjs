#!/usr/bin/env node
// Open-loop HTTP load for scripts/bench/checks.mjs: RATE requests/s spread over CONNS keep-alive connections for
// SECS seconds; latency measured from each request's scheduled time (no coordinated omission), the first
// second excluded as warm-up. Prints JSON.
// usage: node checks-load.mjs PORT RATE SECS CONNS
import net from 'node:net';

const [port, rate, secs, conns] = process.argv.slice(2).map(Number);
const interval = (1000 * conns) / rate; // per connection
const lat = [];
let errors = 0;

function connection(offset) {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.setNoDelay(true);
    const start = performance.now() + offset;
    const end = start + secs * 1000;
    let k = 0;
    let due = start;
    let buf = '';
    let waiting = false;
    let base = 0;
    const send = () => {
      const now = performance.now();
      if (now >= end) return sock.end();
      waiting = true;
      base = Math.min(due, now); // late sends count from the due time (no coordinated omission); early ones from now
      sock.write('GET / HTTP/1.1\r\nHost: bench\r\n\r\n');
    };
    const next = () => {
      k++;
      due = start + k * interval;
      const wait = due - performance.now();
      if (wait > 0) setTimeout(send, wait);
      else send();
    };
    sock.setEncoding('latin1');
    sock.on('connect', () => setTimeout(send, Math.max(0, due - performance.now())));
    sock.on('data', (d) => {
      buf += d;
      for (;;) {
        const h = buf.indexOf('\r\n\r\n');
        if (h < 0) return;
        const m = /content-length:\s*(\d+)/i.exec(buf.slice(0, h));
        const len = m ? Number(m[1]) : 0;
        if (buf.length < h + 4 + len) return;
        if (!buf.startsWith('HTTP/1.1 200')) errors++;
        buf = buf.slice(h + 4 + len);
        if (waiting) {
          waiting = false;
          if (due >= start + 1000) lat.push(performance.now() - base); // first second = warm-up
          next();
        }
      }
    });
    sock.on('error', () => {
      errors++;
      resolve();
    });
    sock.on('close', () => resolve());
  });
}

await Promise.all(Array.from({ length: conns }, (_, i) => connection((i * interval) / conns)));
lat.sort((a, b) => a - b);
const q = (p) => lat[Math.min(lat.length - 1, Math.floor(p * lat.length))] ?? NaN;
console.log(JSON.stringify({ n: lat.length, errors, p50: q(0.5), p99: q(0.99), p999: q(0.999), max: lat.at(-1) }));
