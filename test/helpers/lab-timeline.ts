// Failover timeline shared by the two-node integration tests: start, stop, health FAULT, partition, SIGKILL restart.
import type { ExecutionContext } from 'ava';
import fs from 'node:fs';
import path from 'node:path';
import { Lab, type LabNode } from '../../src/lab/index.js';
import { keepalivedConf, restart, startHapair, startKeepalived, vipHolders, waitHolders, waitUntil, instanceStatus, type NodeConf, type VrrpNode } from './lab-vrrp.js';
import { tmpDir } from './paths.js';

export const VIP = '198.18.0.100';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface TimelineOptions {
  readonly high: 'hapair' | 'keepalived';
  readonly low: 'hapair' | 'keepalived';
  readonly unicast: boolean;
  readonly authPass?: string;
}

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

export function start(lab: Lab, kind: 'hapair' | 'keepalived', node: LabNode, text: string, dir: string): VrrpNode {
  return kind === 'hapair' ? startHapair(lab, node, text, dir) : startKeepalived(lab, node, text, dir);
}

/** ping from the client + its ARP entry for the VIP, to prove the new master's GARP repointed it. */
export async function clientReaches(lab: Lab, client: string, vip: string): Promise<{ ping: boolean; mac: string | undefined }> {
  const r = await lab.exec(client, ['ping', '-c', '1', '-W', '1', vip], { timeoutMs: 4000 });
  const neigh = await lab.execOk(client, ['ip', 'neigh', 'show', vip]);
  return { ping: r.code === 0, mac: /lladdr ([0-9a-f:]+)/.exec(neigh)?.[1] };
}

/**
 * The common two-node timeline on advert_int 1 (v2), node a = priority 150 (high), node b = 100 (low).
 * Every step asserts the VIP holder set; timings are bounded generously (keepalived.md §2.2 worked values).
 */
export async function failoverTimeline(t: ExecutionContext, o: TimelineOptions): Promise<void> {
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const a = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const b = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  await lab.addNode({ name: 'c', ip: '198.18.0.50' });
  const fa = nodeFiles();
  const fb = nodeFiles();
  const extra = o.authPass ? { authPass: o.authPass } : {};
  let hi = start(lab, o.high, a, conf(a, b, 150, fa, { unicast: o.unicast, ...extra }), fa.dir);
  const lo = start(lab, o.low, b, conf(b, a, 100, fb, { unicast: o.unicast, ...extra }), fb.dir);
  const nodes = () => [hi, lo];

  // 1. Exactly one VIP holder after start: the higher priority, and it stays that way.
  await waitHolders(lab, nodes(), VIP, ['a'], 10_000);
  await sleep(1500);
  t.deepEqual(await vipHolders(lab, nodes(), VIP), ['a'], 'one holder after start');
  const before = await clientReaches(lab, 'c', VIP);
  t.true(before.ping);
  t.is(before.mac, a.mac);

  // 2. Graceful stop of the master: priority 0, the backup takes over within its skew time (0.61 s for 100).
  await hi.daemon.stop('SIGTERM');
  const tookOver = await waitHolders(lab, nodes(), VIP, ['b'], 4000);
  t.true(tookOver < 2000, `takeover after graceful stop in ${tookOver} ms`);
  await waitUntil(async () => (await clientReaches(lab, 'c', VIP)).mac === b.mac, 3000, 'client ARP entry repointed to b by GARP');
  t.true((await clientReaches(lab, 'c', VIP)).ping, 'client reaches the VIP after failover');

  // 3. The higher-priority node comes back and preempts (preempt is the default).
  hi = restart(lab, hi);
  await waitHolders(lab, nodes(), VIP, ['a'], 9000);

  // 4. Health script failure, weight 0 -> FAULT on a; b takes over.
  fs.unlinkSync(fa.flag);
  await waitHolders(lab, nodes(), VIP, ['b'], 5000);
  if (hi.kind === 'hapair') t.is((await instanceStatus(hi)).state, 'FAULT');
  fs.writeFileSync(fa.flag, '');
  await waitHolders(lab, nodes(), VIP, ['a'], 9000);

  // 5. Partition a: both become MASTER (a keeps carrier); after healing exactly one master remains (a, higher).
  await lab.cutLink('a');
  await waitHolders(lab, nodes(), VIP, ['a', 'b'], 8000);
  await lab.restoreLink('a');
  await waitHolders(lab, nodes(), VIP, ['a'], 5000);
  await sleep(1200);
  t.deepEqual(await vipHolders(lab, nodes(), VIP), ['a'], 'one master after the partition healed');

  // 6. SIGKILL the hapair master: its VIP is left behind; a restart removes it and joins as BACKUP first.
  if (hi.kind === 'hapair') {
    await hi.daemon.stop('SIGKILL');
    await waitHolders(lab, nodes(), VIP, ['a', 'b'], 8000);
    hi = restart(lab, hi);
    await hi.daemon.waitFor((l) => l.event === 'stale-vips-removed', 8000, 'stale VIP removal');
    const first = await hi.daemon.waitFor((l) => l.event === 'transition', 8000, 'first transition');
    t.like(first, { from: 'INIT', to: 'BACKUP' });
    await waitHolders(lab, nodes(), VIP, ['a'], 9000);
  }

  // Backup first, so it cannot take over in between (its notify sequence ends BACKUP, STOP).
  await lo.daemon.stop('SIGTERM');
  await hi.daemon.stop('SIGTERM');
  t.deepEqual(await vipHolders(lab, nodes(), VIP), [], 'VIPs removed on stop');

  // Notify: the generic script got `INSTANCE VI_1 STATE PRIO`, in transition order (hapair nodes only).
  const hiWant = ['BACKUP', 'MASTER', 'STOP', 'BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER', ...(hi.kind === 'hapair' ? ['BACKUP', 'MASTER'] : []), 'STOP'];
  const loWant = ['BACKUP', 'MASTER', 'BACKUP', 'MASTER', 'BACKUP', 'MASTER', 'BACKUP', ...(hi.kind === 'hapair' ? ['MASTER', 'BACKUP'] : []), 'STOP'];
  await sleep(300);
  if (hi.kind === 'hapair') t.deepEqual(notifyLines(fa), hiWant.map((s) => `INSTANCE VI_1 ${s} 150`), 'notify order on a');
  if (lo.kind === 'hapair') t.deepEqual(notifyLines(fb), loWant.map((s) => `INSTANCE VI_1 ${s} 100`), 'notify order on b');
  for (const n of nodes()) if (n.kind === 'hapair') t.deepEqual(await n.daemon.exited, { code: 0, signal: null });
}
