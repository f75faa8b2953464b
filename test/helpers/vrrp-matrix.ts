// Issue-2 interop matrix timeline: one two-node failover story run for every {hapair, keepalived} pairing, both
// priority orders, multicast and unicast, v2 or v3; asserts VIP holders, ARP, notify order and transition logs.
import type { ExecutionContext } from 'ava';
import fs from 'node:fs';
import { Lab, type LabNode } from '../../src/lab/index.js';
import { instanceStatus, restart, vipHolders, waitHolders, waitUntil, type VrrpNode } from './lab-vrrp.js';
import { VIP, clientReaches, conf, nodeFiles, notifyLines, start, type NodeFiles } from './lab-timeline.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface MatrixCell {
  readonly high: 'hapair' | 'keepalived';
  readonly low: 'hapair' | 'keepalived';
  readonly unicast: boolean;
  readonly authPass?: string;
  readonly version?: 2 | 3;
  readonly advertInt?: number; // seconds; default 1
}

/** One node of the pair with every incarnation it had (restarts), so logs of killed runs are kept. */
interface Side {
  readonly lab: LabNode;
  readonly files: NodeFiles;
  readonly runs: VrrpNode[];
}

const current = (s: Side): VrrpNode => s.runs[s.runs.length - 1]!;

/** `ip maddr` inside the node: a multicast instance must have joined 224.0.0.18 on eth0, a unicast one must not. */
async function joinedGroup(lab: Lab, node: LabNode): Promise<boolean> {
  const out = await lab.execOk(node.name, ['ip', '-4', 'maddr', 'show', 'dev', node.iface]);
  return /inet\s+224\.0\.0\.18\b/.test(out);
}

/**
 * hapair's `{event:'transition'}` lines over every run of a node: the fields of the issue ({instance, from, to,
 * reason, priority}), `from` chaining to the previous `to` within a run, and exactly one line per notified state.
 */
function checkTransitionLog(t: ExecutionContext, s: Side, prio: number): void {
  const notified: string[] = [];
  for (const run of s.runs) {
    let prev = 'INIT';
    for (const l of run.daemon.lines.filter((x) => x.event === 'transition')) {
      t.is(l.instance, 'VI_1');
      t.is(l.from, prev, `${s.lab.name}: transition chain ${JSON.stringify(l)}`);
      t.is(typeof l.reason, 'string');
      t.is(typeof l.to, 'string');
      t.is(l.priority, prio);
      prev = String(l.to);
      if (l.to !== 'INIT') notified.push(`INSTANCE VI_1 ${String(l.to)} ${prio}`);
    }
  }
  t.deepEqual(notified, notifyLines(s.files), `${s.lab.name}: one transition log line per notify, same order`);
}

/**
 * Node a = priority 150 (high), b = 100 (low), client c. Steps: one holder after start (+ multicast membership, client
 * ARP); graceful stop of the master; restart and preempt back; weight-0 health FAULT and recovery; master crash by
 * partition, then healing to one master; SIGKILL of a hapair node while it holds the VIP, restart removes the stale
 * VIP and joins as BACKUP; stop both (VIPs removed, exit 0); notify order and transition logs on every hapair node.
 */
export async function failoverMatrix(t: ExecutionContext, o: MatrixCell): Promise<void> {
  const lab = await Lab.create();
  t.teardown(() => lab.teardown());
  const na = await lab.addNode({ name: 'a', ip: '198.18.0.11' });
  const nb = await lab.addNode({ name: 'b', ip: '198.18.0.12' });
  await lab.addNode({ name: 'c', ip: '198.18.0.50' });
  const extra = { unicast: o.unicast, ...(o.authPass ? { authPass: o.authPass } : {}), ...(o.version ? { version: o.version } : {}), ...(o.advertInt ? { advertInt: o.advertInt } : {}) };
  const side = (node: LabNode, peer: LabNode, kind: 'hapair' | 'keepalived', prio: number): Side => {
    const files = nodeFiles();
    return { lab: node, files, runs: [start(lab, kind, node, conf(node, peer, prio, files, extra), files.dir)] };
  };
  const a = side(na, nb, o.high, 150);
  const b = side(nb, na, o.low, 100);
  const nodes = () => [current(a), current(b)];
  const again = (s: Side) => s.runs.push(restart(lab, current(s)));
  // Protocol bound of b's takeover (3 x advert + skew) plus generous slack for a loaded 2-core machine.
  const advertMs = (o.advertInt ?? 1) * 1000;
  const downB = 3 * advertMs + ((256 - 100) * (o.version === 3 ? advertMs : 1000)) / 256;

  // 1. Exactly one VIP holder after start: the higher priority, and it stays that way.
  await waitHolders(lab, nodes(), VIP, ['a'], 10_000);
  await sleep(Math.max(1500, advertMs * 1.5));
  t.deepEqual(await vipHolders(lab, nodes(), VIP), ['a'], 'one holder after start');
  for (const s of [a, b]) if (current(s).kind === 'hapair') t.is(await joinedGroup(lab, s.lab), !o.unicast, `${s.lab.name}: 224.0.0.18 membership`);
  const before = await clientReaches(lab, 'c', VIP);
  t.true(before.ping);
  t.is(before.mac, na.mac);

  // Priority-0 adverts seen by a hapair b so far (graceful stop and MASTER -> FAULT must each add some).
  const zeroRx = async () => (current(b).kind === 'hapair' ? (await instanceStatus(current(b))).counters.priorityZeroRx : 0);
  const zero0 = await zeroRx();

  // 2. Graceful stop of the master: priority 0, b takes over within its skew time (plus scheduling slack).
  await current(a).daemon.stop('SIGTERM');
  const tookOver = await waitHolders(lab, nodes(), VIP, ['b'], 4000);
  t.true(tookOver < 2000, `takeover after graceful stop in ${tookOver} ms`);
  const zero1 = await zeroRx();
  if (current(b).kind === 'hapair') t.true(zero1 > zero0, 'b received the priority-0 stop advert');
  await waitUntil(async () => (await clientReaches(lab, 'c', VIP)).mac === nb.mac, 3000, 'client ARP entry repointed to b by GARP');
  t.true((await clientReaches(lab, 'c', VIP)).ping, 'client reaches the VIP after failover');

  // 3. The higher-priority node comes back and preempts (preempt is the default).
  again(a);
  await waitHolders(lab, nodes(), VIP, ['a'], 9000);

  // 4. Health script failure, weight 0 -> FAULT on a; b takes over; a recovers and preempts.
  fs.unlinkSync(a.files.flag);
  await waitHolders(lab, nodes(), VIP, ['b'], 5000);
  // MASTER -> FAULT sends priority 0 (keepalived.md §2.7), so b takes over after its skew, not a down interval.
  if (current(a).kind === 'hapair') {
    const st = await instanceStatus(current(a));
    t.like(st, { state: 'FAULT', lastReason: 'tracker-fault' });
    t.true(st.counters.priorityZeroTx >= 1, `a sent priority 0 on FAULT (${st.counters.priorityZeroTx})`);
  }
  if (current(b).kind === 'hapair') t.true((await zeroRx()) > zero1, 'b received the priority-0 FAULT advert');
  fs.writeFileSync(a.files.flag, '');
  await waitHolders(lab, nodes(), VIP, ['a'], 9000);

  // 5. Master crash seen from b (a's switch port cut): b takes the VIP within its down interval (a keeps it too).
  await lab.cutLink('a');
  const crash = await waitHolders(lab, nodes(), VIP, ['a', 'b'], 8000);
  t.true(crash < downB + 3000, `b took the VIP ${crash} ms after the cut (bound ${Math.round(downB)} ms + slack)`);
  const killB = current(a).kind === 'keepalived' && current(b).kind === 'hapair';
  if (killB) {
    // 6b. SIGKILL the hapair node while it holds the VIP: it stays behind until the restart removes it.
    await current(b).daemon.stop('SIGKILL');
    t.deepEqual(await vipHolders(lab, nodes(), VIP), ['a', 'b'], 'SIGKILL leaves the VIP behind');
  }
  await lab.restoreLink('a');
  if (killB) {
    again(b);
    await current(b).daemon.waitFor((l) => l.event === 'stale-vips-removed', 8000, 'stale VIP removal');
    t.like(await current(b).daemon.waitFor((l) => l.event === 'transition', 8000, 'first transition'), { from: 'INIT', to: 'BACKUP' });
  }
  // After the partition heals exactly one master remains (a, higher priority).
  await waitHolders(lab, nodes(), VIP, ['a'], 5000);
  await sleep(Math.max(1200, advertMs * 1.2));
  t.deepEqual(await vipHolders(lab, nodes(), VIP), ['a'], 'one master after the partition healed');

  // 6a. SIGKILL the hapair master: its VIP is left behind; a restart removes it and joins as BACKUP first.
  if (current(a).kind === 'hapair') {
    await current(a).daemon.stop('SIGKILL');
    await waitHolders(lab, nodes(), VIP, ['a', 'b'], 8000);
    again(a);
    await current(a).daemon.waitFor((l) => l.event === 'stale-vips-removed', 8000, 'stale VIP removal');
    t.like(await current(a).daemon.waitFor((l) => l.event === 'transition', 8000, 'first transition'), { from: 'INIT', to: 'BACKUP' });
    await waitHolders(lab, nodes(), VIP, ['a'], 9000);
  }

  // Backup first, so it cannot take over in between (its notify sequence ends BACKUP, STOP).
  await current(b).daemon.stop('SIGTERM');
  await current(a).daemon.stop('SIGTERM');
  t.deepEqual(await vipHolders(lab, nodes(), VIP), [], 'VIPs removed on stop');

  // Notify: the generic script got `INSTANCE VI_1 STATE PRIO`, in transition order (hapair nodes only).
  const hiKilled = current(a).kind === 'hapair';
  const hiWant = ['BACKUP', 'MASTER', 'STOP', 'BACKUP', 'MASTER', 'FAULT', 'BACKUP', 'MASTER', ...(hiKilled ? ['BACKUP', 'MASTER'] : []), 'STOP'];
  // b: ... MASTER during the partition, then BACKUP (healed, or its restart after SIGKILL), [MASTER, BACKUP around a's SIGKILL], STOP.
  const loWant = ['BACKUP', 'MASTER', 'BACKUP', 'MASTER', 'BACKUP', 'MASTER', 'BACKUP', ...(hiKilled ? ['MASTER', 'BACKUP'] : []), 'STOP'];
  await sleep(300);
  if (current(a).kind === 'hapair') t.deepEqual(notifyLines(a.files), hiWant.map((s) => `INSTANCE VI_1 ${s} 150`), 'notify order on a');
  if (current(b).kind === 'hapair') t.deepEqual(notifyLines(b.files), loWant.map((s) => `INSTANCE VI_1 ${s} 100`), 'notify order on b');
  for (const [s, prio] of [[a, 150], [b, 100]] as const) {
    if (current(s).kind !== 'hapair') continue;
    t.deepEqual(await current(s).daemon.exited, { code: 0, signal: null });
    checkTransitionLog(t, s, prio);
  }
}
