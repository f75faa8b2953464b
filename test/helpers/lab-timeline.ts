// Two-node lab pieces shared by the VRRP integration tests: the VIP, per-node files, node configs, start, client reach.
import fs from 'node:fs';
import path from 'node:path';
import type { ExecutionContext } from 'ava';
import { Lab, type LabNode } from '../../src/lab/index.js';
import { keepalivedConf, startHapair, startKeepalived, type NodeConf, type VrrpNode } from './lab-vrrp.js';
import { tmpDir } from './paths.js';

export const VIP = '198.18.0.100';

/** Per-node files: the health flag checked by the vrrp_script and the notify log the generic notify script appends to. */
export interface NodeFiles {
  readonly dir: string;
  readonly flag: string;
  readonly notifyLog: string;
  readonly notifyScript: string;
}

export function nodeFiles(): NodeFiles {
  const dir = tmpDir('hapair-lab-');
  const flag = path.join(dir, 'healthy');
  const notifyLog = path.join(dir, 'notify.log');
  const notifyScript = path.join(dir, 'notify.sh');
  fs.writeFileSync(flag, '');
  fs.writeFileSync(notifyScript, '#!/bin/sh\nlog="$1"; shift; echo "$*" >> "$log"\n', { mode: 0o755 });
  return { dir, flag, notifyLog, notifyScript };
}

export function notifyLines(f: NodeFiles): string[] {
  try {
    return fs.readFileSync(f.notifyLog, 'utf8').trim().split('\n').filter(Boolean);
  } catch {
    return [];
  }
}

export function conf(node: LabNode, peer: LabNode, prio: number, files: NodeFiles, o: Partial<NodeConf> & { unicast: boolean }): string {
  return keepalivedConf({
    routerId: node.name,
    priority: prio,
    vips: [`${VIP}/24`],
    healthFile: files.flag,
    notifyScript: `"${files.notifyScript} ${files.notifyLog}"`,
    ...(o.unicast ? { unicastPeers: [peer.ip], unicastSrc: node.ip } : {}),
    ...o,
  });
}

/** The two-node lab most VRRP integration tests start from: a (198.18.0.11) and b (198.18.0.12) with their files,
 *  torn down with the test. Tests add further nodes (client, mail host) to `lab` themselves. */
export async function pairLab(t: ExecutionContext): Promise<{ lab: Lab; a: LabNode; b: LabNode; fa: NodeFiles; fb: NodeFiles }> {
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  return { lab, a, b, fa: nodeFiles(), fb: nodeFiles() };
}

export function start(lab: Lab, kind: 'hapair' | 'keepalived', node: LabNode, text: string, dir: string): VrrpNode {
  return kind === 'hapair' ? startHapair(lab, node, text, dir) : startKeepalived(lab, node, text, dir);
}

/** ping from the client + its ARP entry for the VIP, to prove the new master's GARP repointed it. */
export async function clientReaches(lab: Lab, client: string, vip: string): Promise<{ ping: boolean; mac: string | undefined }> {
  const r = await lab.exec(client, ['ping', '-c', '1', '-W', '1', vip], { timeoutMs: 4000 });
  const neigh = await lab.execOk(client, ['ip', 'neigh', 'show', vip]);
  return { ping: r.code === 0, mac: /lladdr ([0-9a-f:]+)/.exec(neigh)?.[1] };
}
