// Builds the demo's stage: the namespace lab, the files of each node, and the processes (webs, mail, proxies, vrrp).
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Lab } from '../lab/index.js';
import { haproxyCfg, keepalivedConf, launcherScript, type LbPaths } from './configs.js';
import { DemoProc, type LogLine } from './procs.js';
import { CLIENT, DEMO_LAB_PREFIX, LBS, MAIL, SMTP_PORT, WEBS, WEB_PORT, type LbName, type LbSpec } from './topology.js';

const here = path.dirname(fileURLToPath(import.meta.url)); // <out>/src/demo
export const CLI_MAIN = path.join(here, '..', 'cli', 'main.js');
const script = (name: string) => path.join(here, `${name}.js`);

/** Daemons log at info so every transition is in their log files (the demo reads them back for timestamps). */
const DAEMON_ENV = { HAPAIR_LOG_LEVEL: 'info' };

export interface LbFiles extends LbPaths {
  readonly dir: string;
  readonly runDir: string;
  readonly keepalivedConf: string;
}

export class Stage {
  readonly files: Readonly<Record<LbName, LbFiles>>;
  readonly logsDir: string;
  readonly proxies = new Map<LbName, DemoProc>();
  readonly vrrp = new Map<LbName, DemoProc>();
  readonly others: DemoProc[] = [];
  mail: DemoProc | undefined;

  private constructor(
    readonly lab: Lab,
    readonly dir: string,
    /** The load balancers of this run (LBS, or lb1 without nopreempt for `--preempt`). */
    readonly lbs: readonly LbSpec[],
  ) {
    this.logsDir = path.join(dir, 'logs');
    fs.mkdirSync(this.logsDir, { recursive: true });
    const launcher = path.join(dir, 'bin', 'hapair');
    fs.mkdirSync(path.dirname(launcher), { recursive: true });
    fs.writeFileSync(launcher, launcherScript(process.execPath, CLI_MAIN), { mode: 0o755 });
    const files = {} as Record<LbName, LbFiles>;
    for (const lb of lbs) files[lb.name] = writeNodeFiles(lb, path.join(dir, lb.name), launcher);
    this.files = files;
  }

  /** Creates the namespaces (the lab sweeps stale demo labs first) and writes every node's files under `dir`. */
  static async build(dir: string, onLab: (lab: Lab) => void, lbs: readonly LbSpec[] = LBS): Promise<Stage> {
    const lab = await Lab.create({ prefix: DEMO_LAB_PREFIX });
    onLab(lab);
    for (const h of [...lbs, ...WEBS, MAIL, CLIENT]) await lab.addNode({ name: h.name, ip: h.ip });
    return new Stage(lab, dir, lbs);
  }

  /** The spec of one load balancer in this run. */
  lb(name: LbName): LbSpec {
    const spec = this.lbs.find((l) => l.name === name);
    if (!spec) throw new Error(`no load balancer ${name}`);
    return spec;
  }

  private start(where: string, label: string, argv: readonly string[], env?: NodeJS.ProcessEnv): DemoProc {
    return DemoProc.start(this.lab, where, label, argv, path.join(this.logsDir, `${label}.log`), env);
  }

  /** Web backends and the mail server; resolves once all listen. */
  async startServices(): Promise<void> {
    const webs = WEBS.map((w) => this.start(w.name, w.name, [process.execPath, script('web'), w.name, w.ip, String(WEB_PORT)]));
    this.mail = this.start(MAIL.name, 'mail', [process.execPath, script('smtp'), MAIL.ip, String(SMTP_PORT)]);
    this.others.push(...webs, this.mail);
    await Promise.all([...webs, this.mail].map((p) => p.waitFor((l) => l.event === 'listening', 15_000, 'listening')));
  }

  /** `hapair proxy` on one node; resolves with its process once it logged 'started'. */
  async startProxy(lb: LbName, suffix = ''): Promise<DemoProc> {
    const f = this.files[lb];
    const p = this.start(lb, `${lb}-proxy${suffix}`, [process.execPath, CLI_MAIN, 'proxy', '-f', f.haproxyCfg, '--run-dir', f.runDir], DAEMON_ENV);
    this.proxies.set(lb, p);
    await p.waitFor((l) => l.event === 'started', 15_000, 'proxy start');
    return p;
  }

  /** `hapair vrrp` on one node (not awaited: callers wait for the transition they expect). */
  startVrrp(lb: LbName): DemoProc {
    const f = this.files[lb];
    const p = this.start(lb, `${lb}-vrrp`, [process.execPath, CLI_MAIN, 'vrrp', '-f', f.keepalivedConf, '--run-dir', f.runDir, '--log-level', 'info'], DAEMON_ENV);
    this.vrrp.set(lb, p);
    return p;
  }

  vrrpOf(lb: LbName): DemoProc {
    const p = this.vrrp.get(lb);
    if (!p) throw new Error(`vrrp of ${lb} not started`);
    return p;
  }

  /** Names of the load balancers whose eth0 carries `vip` right now (`ip addr` inside each namespace). */
  async vipHolders(vip: string): Promise<LbName[]> {
    const out: LbName[] = [];
    for (const lb of this.lbs) {
      const r = await this.lab.exec(lb.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', 'eth0'], { timeoutMs: 5000 });
      if (r.stdout.includes(` ${vip}/`)) out.push(lb.name);
    }
    return out;
  }

  /** Runs a short command inside a namespace (hapair CLI or the demo client) and returns its stdout. */
  async run(where: string, argv: readonly string[], timeoutMs = 10_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
    return this.lab.exec(where, argv, { timeoutMs, env: { ...process.env, HAPAIR_LOG_LEVEL: 'warn' } });
  }

  /** JSON lines printed by the demo client (`client.js get URL COUNT`). */
  async clientGet(url: string, count: number, body = false): Promise<LogLine[]> {
    const r = await this.run(CLIENT.name, [process.execPath, script('client'), 'get', url, String(count), ...(body ? ['--body'] : [])], 20_000);
    return r.stdout.split('\n').filter(Boolean).map((l) => JSON.parse(l) as LogLine);
  }

  /** The open-loop probe from the client namespace (stopped with `send('stop')`). */
  startProbe(url: string, everyMs: number, timeoutMs: number, maxMs: number): DemoProc {
    const p = this.start(CLIENT.name, 'client-probe', [process.execPath, script('client'), 'probe', url, String(everyMs), String(timeoutMs), String(maxMs)]);
    this.others.push(p);
    return p;
  }

  /** Graceful stop, in an order that sends no extra failover: the backup's vrrp first, mail server last. */
  async stopAll(): Promise<void> {
    const order: (DemoProc | undefined)[][] = [
      [this.vrrp.get('lb1')],
      [this.vrrp.get('lb2')],
      [...this.proxies.values(), ...this.others.filter((p) => p !== this.mail)],
      [this.mail],
    ];
    for (const group of order) await Promise.all(group.map((p) => p?.stop('SIGTERM', 4000)));
  }
}

function writeNodeFiles(lb: LbSpec, dir: string, launcher: string): LbFiles {
  const runDir = path.join(dir, 'run');
  const f: LbFiles = {
    dir,
    runDir,
    haproxyCfg: path.join(dir, 'haproxy.cfg'),
    keepalivedConf: path.join(dir, 'keepalived.conf'),
    statsSocket: path.join(runDir, 'proxy.sock'),
    spoolDir: path.join(dir, 'spool'),
    hapair: launcher,
  };
  fs.mkdirSync(runDir, { recursive: true });
  fs.mkdirSync(f.spoolDir, { recursive: true });
  fs.writeFileSync(f.haproxyCfg, haproxyCfg(lb, f));
  fs.writeFileSync(f.keepalivedConf, keepalivedConf(lb, f));
  return f;
}
