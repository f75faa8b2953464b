// Two-node VRRP lab helpers: keepalived.conf generation, hapair / keepalived daemons inside lab namespaces, VIP holders.
import fs from 'node:fs';
import path from 'node:path';
import { Lab, type LabNode } from '../../src/lab/index.js';
import { controlRequest } from '../../src/core/control.js';
import type { VrrpStatus, InstanceStatus } from '../../src/vrrp/types.js';
import { Daemon } from './proc.js';
import { cliMain, tmpDir } from './paths.js';

export interface NodeConf {
  readonly routerId: string;
  readonly iface?: string;
  readonly vrid?: number;
  readonly priority: number;
  readonly state?: 'MASTER' | 'BACKUP';
  readonly advertInt?: number; // seconds (decimal for v3)
  readonly version?: 2 | 3;
  readonly nopreempt?: boolean;
  readonly preemptDelay?: number;
  readonly vips: readonly string[]; // "198.18.0.100/24"
  readonly unicastPeers?: readonly string[];
  readonly unicastSrc?: string;
  readonly authPass?: string;
  /** vrrp_script checking this node's own flag file (PIDs are shared across namespaces: never pgrep). */
  readonly healthFile?: string;
  readonly healthWeight?: number;
  readonly healthInterval?: number;
  readonly healthFall?: number;
  readonly healthRise?: number;
  /** Generic notify script: receives argv `... INSTANCE VI_1 STATE PRIO`, appended to a log. */
  readonly notifyScript?: string;
  readonly notifyMaster?: string;
  readonly extra?: readonly string[]; // more lines inside vrrp_instance
}

/** keepalived.conf text both hapair and keepalived 2.2.7 accept. */
export function keepalivedConf(c: NodeConf): string {
  const lines: string[] = ['global_defs {', `    router_id ${c.routerId}`, '    enable_script_security', '    script_user root', '}'];
  if (c.healthFile) {
    lines.push(
      'vrrp_script chk_health {',
      `    script "/usr/bin/test -e ${c.healthFile}"`,
      `    interval ${c.healthInterval ?? 1}`,
      `    fall ${c.healthFall ?? 1}`,
      `    rise ${c.healthRise ?? 1}`,
      `    weight ${c.healthWeight ?? 0}`,
      '}',
    );
  }
  lines.push('vrrp_instance VI_1 {');
  if (c.state) lines.push(`    state ${c.state}`);
  lines.push(`    interface ${c.iface ?? 'eth0'}`, `    virtual_router_id ${c.vrid ?? 51}`, `    priority ${c.priority}`, `    advert_int ${c.advertInt ?? 1}`);
  if (c.version) lines.push(`    version ${c.version}`);
  if (c.nopreempt) lines.push('    nopreempt');
  if (c.preemptDelay) lines.push(`    preempt_delay ${c.preemptDelay}`);
  if (c.authPass) lines.push('    authentication {', '        auth_type PASS', `        auth_pass ${c.authPass}`, '    }');
  if (c.unicastPeers?.length) {
    if (c.unicastSrc) lines.push(`    unicast_src_ip ${c.unicastSrc}`);
    lines.push('    unicast_peer {', ...c.unicastPeers.map((p) => `        ${p}`), '    }');
  }
  lines.push('    virtual_ipaddress {', ...c.vips.map((v) => `        ${v}`), '    }');
  if (c.healthFile) lines.push('    track_script {', '        chk_health', '    }');
  if (c.notifyScript) lines.push(`    notify ${c.notifyScript}`);
  if (c.notifyMaster) lines.push(`    notify_master ${c.notifyMaster}`);
  for (const e of c.extra ?? []) lines.push(`    ${e}`);
  lines.push('}', '');
  return lines.join('\n');
}

/** A VRRP node of either implementation, running inside its lab namespace. */
export interface VrrpNode {
  readonly kind: 'hapair' | 'keepalived';
  readonly node: LabNode;
  readonly dir: string;
  readonly confFile: string;
  readonly daemon: Daemon;
}

/** Writes the config and starts `hapair vrrp` inside the node's namespace (its own run dir). */
export function startHapair(lab: Lab, node: LabNode, conf: string, dir: string = tmpDir('hapair-node-')): VrrpNode {
  const confFile = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(confFile, conf);
  const daemon = new Daemon('ip', ['netns', 'exec', node.ns, process.execPath, cliMain, 'vrrp', '-f', confFile, '--run-dir', path.join(dir, 'run'), '--log-level', 'info'], {
    env: { ...process.env, HAPAIR_LOG_LEVEL: 'info' },
  });
  lab.track(daemon.child);
  return { kind: 'hapair', node, dir, confFile, daemon };
}

/** Starts Debian's keepalived 2.2.7 (VRRP only, foreground, console log) with its own pid files. */
export function startKeepalived(lab: Lab, node: LabNode, conf: string, dir: string = tmpDir('keepalived-node-')): VrrpNode {
  const confFile = path.join(dir, 'keepalived.conf');
  fs.writeFileSync(confFile, conf);
  const args = ['netns', 'exec', node.ns, 'keepalived', '-n', '-l', '-D', '-P', '-f', confFile, '-p', path.join(dir, 'k.pid'), '-r', path.join(dir, 'v.pid')];
  const daemon = new Daemon('ip', args);
  lab.track(daemon.child);
  return { kind: 'keepalived', node, dir, confFile, daemon };
}

/** Restarts a node with the same config (same implementation, same run dir). */
export function restart(lab: Lab, n: VrrpNode): VrrpNode {
  const conf = fs.readFileSync(n.confFile, 'utf8');
  return n.kind === 'hapair' ? startHapair(lab, n.node, conf, n.dir) : startKeepalived(lab, n.node, conf, n.dir);
}

export async function hasVip(lab: Lab, node: LabNode, vip: string): Promise<boolean> {
  const out = await lab.execOk(node.name, ['ip', '-4', '-o', 'addr', 'show', 'dev', node.iface]);
  return out.includes(` ${vip}/`);
}

/** Names of nodes that currently hold `vip`. */
export async function vipHolders(lab: Lab, nodes: readonly VrrpNode[], vip: string): Promise<string[]> {
  const out: string[] = [];
  for (const n of nodes) if (await hasVip(lab, n.node, vip)) out.push(n.node.name);
  return out;
}

/** Polls `cond` every 50 ms until true or `timeoutMs` (bounded); returns the elapsed ms or throws naming `what`. */
export async function waitUntil(cond: () => Promise<boolean> | boolean, timeoutMs: number, what: string): Promise<number> {
  const start = Date.now();
  for (let i = 0; i < 10_000; i++) {
    if (await cond()) return Date.now() - start;
    if (Date.now() - start > timeoutMs) break;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
}

/** Waits until exactly the listed nodes hold the VIP. */
export function waitHolders(lab: Lab, nodes: readonly VrrpNode[], vip: string, expected: readonly string[], timeoutMs: number): Promise<number> {
  const want = [...expected].sort().join(',');
  return waitUntil(async () => (await vipHolders(lab, nodes, vip)).sort().join(',') === want, timeoutMs, `VIP ${vip} held by [${want}]`);
}

export async function status(n: VrrpNode): Promise<VrrpStatus> {
  return (await controlRequest(path.join(n.dir, 'run', 'vrrp.sock'), 'status')) as VrrpStatus;
}

export async function instanceStatus(n: VrrpNode, name = 'VI_1'): Promise<InstanceStatus> {
  const s = await status(n);
  const i = s.instances.find((x) => x.name === name);
  if (!i) throw new Error(`no instance ${name} on ${n.node.name}`);
  return i;
}

/** Waits for hapair's structured transition line to `to` (optionally after index `fromLine`). */
export function waitTransition(n: VrrpNode, to: string, timeoutMs = 15_000, after = 0): Promise<Record<string, unknown>> {
  let seen = 0;
  return n.daemon.waitFor((l) => l.event === 'transition' && l.to === to && seen++ >= after, timeoutMs, `${n.node.name} transition to ${to}`);
}

/** keepalived console lines (stdout/stderr) containing `text`. */
export function keepalivedSaid(n: VrrpNode, text: string): boolean {
  return n.daemon.rawStdout.some((l) => l.includes(text)) || n.daemon.stderr.includes(text);
}
