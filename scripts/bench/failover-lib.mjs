// Helpers for scripts/bench/failover.mjs: pair of VRRP nodes (hapair or keepalived) + client probe in a namespace lab.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
export const repo = path.resolve(here, '../..');
export const dist = process.env.HAPAIR_OUT ? path.resolve(repo, process.env.HAPAIR_OUT) : path.join(repo, 'dist');
export const cli = path.join(dist, 'src/cli/main.js');
export const { Lab } = await import(path.join(dist, 'src/lab/index.js'));

export const VIP = '198.18.0.100';
export const PORT = 8080;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** keepalived.conf accepted by both implementations; health = `test -e FLAG` (node-local, weight 0 => FAULT). */
export function conf({ name, prio, version = 2, advertInt = 1, flag, scriptInterval = 1 }) {
  return `global_defs {
    router_id ${name}
    script_user root
}
vrrp_script chk {
    script "/usr/bin/test -e ${flag}"
    interval ${scriptInterval}
    fall 1
    rise 1
}
vrrp_instance VI_1 {
    state BACKUP
    interface eth0
    virtual_router_id 51
    priority ${prio}
    advert_int ${advertInt}
    version ${version}
    virtual_ipaddress {
        ${VIP}/24
    }
    track_script {
        chk
    }
}
`;
}

/** A VRRP daemon in a node namespace; `transitions` counts state changes it logged (spurious-transition check). */
export class Node {
  constructor(lab, node, kind, text) {
    this.lab = lab;
    this.node = node;
    this.kind = kind;
    this.dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-${kind}-`));
    this.flag = path.join(this.dir, 'healthy');
    this.conf = path.join(this.dir, 'keepalived.conf');
    fs.writeFileSync(this.flag, '');
    fs.writeFileSync(this.conf, text(this.flag));
    this.transitions = 0;
    this.transitionLines = [];
  }

  start() {
    const argv =
      this.kind === 'hapair'
        ? [process.execPath, cli, 'vrrp', '-f', this.conf, '--run-dir', path.join(this.dir, 'run'), '--log-level', 'info']
        : ['keepalived', '-n', '-l', '-D', '-P', '-f', this.conf, '-p', path.join(this.dir, 'k.pid'), '-r', path.join(this.dir, 'v.pid')];
    this.child = this.lab.spawn(this.node.name, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
    const count = (buf) => {
      for (const line of buf.toString().split('\n')) {
        if (this.kind === 'hapair' ? line.includes('"event":"transition"') : /Entering (MASTER|BACKUP|FAULT) STATE/.test(line)) {
          this.transitions += 1;
          this.transitionLines.push(line);
        }
      }
    };
    this.child.stdout.on('data', count);
    this.child.stderr.on('data', count);
    this.exited = new Promise((r) => this.child.once('exit', r));
  }

  async stop(signal = 'SIGTERM') {
    if (!this.child || this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill(signal);
    const t = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(t);
  }

  async hasVip() {
    const r = await this.lab.exec(this.node.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0']);
    return r.stdout.includes(` ${VIP}/`);
  }
}

export async function waitFor(cond, timeoutMs, what) {
  const start = Date.now();
  for (let i = 0; i < 100_000; i++) {
    if (await cond()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms: ${what}`);
    await sleep(25);
  }
  throw new Error(`gave up: ${what}`);
}

/** Server answering one byte on PORT, inside a node namespace. */
export function startServer(lab, name) {
  // A client reset must not kill the server: sockets get an error handler.
  const code = `require('net').createServer((s) => { s.on('error', () => {}); s.end('ok'); }).listen(${PORT}, '0.0.0.0'); setTimeout(() => process.exit(0), 3600e3);`;
  return lab.spawn(name, [process.execPath, '-e', code], { stdio: 'ignore' });
}

/**
 * Client probe: starts a TCP connect + 1-byte read to VIP:PORT every `periodMs`, without waiting for earlier ones
 * (each bounded by 200 ms), so a stale ARP entry cannot coarsen the resolution. On SIGINT it prints
 * {attempts, ok, maxGapMs}: maxGapMs is the longest time between two successful replies = the outage.
 */
const PROBE = `
const net = require('net');
const [vip, port, period] = process.argv.slice(1);
const okAt = [];
const startedAt = Date.now();
let attempts = 0;
const deadline = Date.now() + 600e3;
function attempt() {
  attempts++;
  const s = net.connect({ host: vip, port: Number(port) });
  const timer = setTimeout(() => s.destroy(), 200);
  s.on('data', () => { okAt.push(Date.now()); clearTimeout(timer); s.destroy(); });
  s.on('error', () => clearTimeout(timer));
}
const tick = setInterval(() => (Date.now() > deadline ? finish() : attempt()), Number(period));
function finish() {
  clearInterval(tick);
  okAt.sort((a, b) => a - b);
  // The window edges count too: a probe that could not reach the VIP from the start must not look outage-free.
  const edges = [startedAt, ...okAt, Date.now()];
  let maxGap = 0;
  for (let i = 1; i < edges.length; i++) maxGap = Math.max(maxGap, edges[i] - edges[i - 1]);
  process.stdout.write(JSON.stringify({ attempts, ok: okAt.length, maxGapMs: maxGap }) + '\\n');
  process.exit(0);
}
process.on('SIGINT', () => finish());
`;

export function startProbe(lab, name, periodMs = 10) {
  const child = lab.spawn(name, [process.execPath, '-e', PROBE, VIP, String(PORT), String(periodMs)], { stdio: ['ignore', 'pipe', 'inherit'] });
  let out = '';
  child.stdout.on('data', (c) => (out += c));
  const done = new Promise((r) => child.once('exit', () => r(out)));
  return {
    async stop() {
      child.kill('SIGINT');
      const t = setTimeout(() => child.kill('SIGKILL'), 5000);
      const text = await done;
      clearTimeout(t);
      return JSON.parse(text.trim().split('\n').pop() || '{}');
    },
  };
}

export function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/**
 * A fresh lab with nodes a (priority 150) and b (100) of one implementation, a TCP server on each, and a client c;
 * `vrrp` overrides conf() fields (version, advertInt). Returns once a is MASTER and b BACKUP (steady).
 */
export async function pair(kind, { prefix = 'hpb', vrrp = {} } = {}) {
  const lab = await Lab.create({ prefix });
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  await lab.addNode({ name: 'c', ip: '198.18.0.50' });
  startServer(lab, 'a');
  startServer(lab, 'b');
  const A = new Node(lab, a, kind, (flag) => conf({ name: 'a', prio: 150, flag, ...vrrp }));
  const B = new Node(lab, b, kind, (flag) => conf({ name: 'b', prio: 100, flag, ...vrrp }));
  B.start();
  A.start();
  await steady(A, B);
  return { lab, A, B, a, b };
}

/** Waits for a MASTER / b BACKUP, then lets the pair settle; every measured run starts from here. */
export async function steady(A, B) {
  await waitFor(async () => (await A.hasVip()) && !(await B.hasVip()), 20_000, 'a MASTER, b BACKUP');
  // After a healed partition a never left MASTER, so it re-announces the VIP only if one of b's adverts reaches it
  // before b yields (keepalived's lower-priority GARPs, both implementations): otherwise the client keeps b's MAC
  // and the next run would measure that stale entry (~1.2 s of neighbour probing), not the failover. Each run
  // starts with the client resolving the VIP afresh.
  await A.lab.execOk('c', ['ip', 'neigh', 'flush', 'to', VIP]);
  await sleep(1500);
}
