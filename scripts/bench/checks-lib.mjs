// Shared setup of the health-check benchmarks (checks.mjs, checks-profile.mjs): a scratch dir, processes started in
// their own process group (optionally pinned to a core) and stopped by group, /proc CPU ticks, port helpers, and
// the generated configs (N servers over M backends with check + agent every 2 s; nginx as the web server).
import fs from 'node:fs';
import os from 'node:os';
import net from 'node:net';
import path from 'node:path';
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
/** The compiled CLI under test: dist/, or $HAPAIR_OUT (another build dir). */
export const cli = path.join(process.env.HAPAIR_OUT ? path.resolve(repo, process.env.HAPAIR_OUT) : path.join(repo, 'dist'), 'src/cli/main.js');

/** A numeric `--name N` command-line option, or `def`. */
export function numArg(name, def) {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : def;
}

export const CLK = 100; // USER_HZ: /proc/<pid>/stat times are in these ticks
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

/** A currently free loopback port. */
export function freePort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = s.address().port;
      s.close(() => resolve(p));
    });
  });
}

export async function waitPort(port, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    const ok = await new Promise((r) => {
      const s = net.connect(port, '127.0.0.1', () => (s.destroy(), r(true)));
      s.on('error', () => r(false));
    });
    if (ok) return;
    await sleep(100);
  }
  throw new Error(`port ${port} never opened`);
}

/** [utime, stime] of `pid` in CLK ticks (for taskset-started processes the pid is the exec'd program itself). */
export function procTicks(pid) {
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return [Number(f[11]), Number(f[12])];
}

/** Ends `child`'s whole process group (nginx workers, agent script children); falls back to the child alone. */
export function stop(child, sig = 'SIGTERM') {
  if (child.exitCode === null && child.signalCode === null) {
    try {
      process.kill(-child.pid, sig);
    } catch {
      child.kill(sig);
    }
  }
}

/** A scratch dir and the processes started in it (logs to <dir>/<name>.log); `core` pins with taskset. */
export function benchDir(prefix) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), prefix));
  const children = [];
  return {
    dir,
    children,
    start(cmd, args, name, core) {
      const full = core === undefined ? [cmd, args] : ['taskset', ['-c', String(core), cmd, ...args]];
      const child = spawn(full[0], full[1], { stdio: ['ignore', 'pipe', 'pipe'], detached: true, cwd: dir });
      const log = fs.createWriteStream(path.join(dir, `${name}.log`));
      child.stdout.pipe(log);
      child.stderr.pipe(log);
      children.push(child);
      return child;
    },
    /** Stops everything started here and removes the dir. */
    cleanup() {
      for (const c of children) stop(c);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** haproxy.cfg for both proxies: `servers` servers over `backends` backends, with check + agent every 2 s or none. */
export function proxyConfig({ servers, backends, fePort, webPort, agentPort, checks, statsSocket }) {
  let cfg = `global\n${statsSocket ? `    stats socket ${statsSocket} level admin\n` : ''}    maxconn 20000\ndefaults\n    mode http\n    timeout connect 2s\n    timeout client 10s\n    timeout server 10s\n`;
  cfg += `frontend fe\n    bind 127.0.0.1:${fePort}\n    default_backend b1\n`;
  const per = Math.ceil(servers / backends);
  let n = 0;
  for (let b = 1; b <= backends; b++) {
    cfg += `backend b${b}\n`;
    for (let s = 1; s <= per && n < servers; s++, n++) {
      cfg += `    server s${s} 127.0.0.1:${webPort}${checks ? ` check inter 2000 agent-check agent-port ${agentPort} agent-inter 2000` : ''}\n`;
    }
  }
  return cfg;
}

/** nginx answering 200 "ok" on `port`, its files in `dir`. */
export function nginxConfig(dir, port) {
  return `worker_processes 1;\nerror_log ${dir}/nginx-error.log;\npid ${dir}/nginx.pid;\nevents { worker_connections 4096; }\n` +
    `http { access_log off; keepalive_requests 100000; server { listen 127.0.0.1:${port} backlog=4096; location / { return 200 "ok\\n"; } } }\n`;
}
