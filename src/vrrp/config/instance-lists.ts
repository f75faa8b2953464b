// vrrp_instance value blocks: virtual_ipaddress[_excluded], track_script, track_interface, unicast_peer,
// authentication. Shared with vrrp_sync_group for the group-level track_* blocks.
import type { ConfNode } from './ast.js';
import type { Reporter } from './codes.js';
import type { InstanceDraft, Mutable, TrackScriptDraft } from './drafts.js';
import type { TrackInterfaceRef, VipConfig } from '../types.js';
import { whereOf } from './drafts.js';
import { parseVip } from './vip.js';
import { parseIPv4, parseInteger } from './values.js';
import { applyBlock, type BlockSpec } from './table.js';

/** Each line of a value block as words: keyword + args (keepalived's alloc_value_block). */
function lines(node: ConfNode): { words: string[]; at: ConfNode }[] {
  return (node.children ?? []).map((c) => ({ words: [c.keyword, ...c.args], at: c }));
}

export function vipBlock(node: ConfNode, list: VipConfig[], rep: Reporter): void {
  if (lines(node).length === 0) rep.warn(node, 'vip-none', `empty ${node.keyword} block`, `list one address per line, e.g. 198.18.0.10/24 dev eth0`);
  for (const { words, at } of lines(node)) {
    if (at.children) rep.error(at, 'block-unexpected', `${node.keyword}: '${at.keyword}' does not take a { ... } block`);
    const r = parseVip(words, whereOf(at), node.keyword);
    if (!r.ok) {
      rep.error(at, 'vip-invalid', r.error);
    } else if (list.some((v) => v.address === r.vip.address)) {
      // The second add would fail with EEXIST (or silently replace the first's options): keep the first.
      rep.warn(at, 'vip-duplicate', `${r.vip.address} is listed twice in ${node.keyword}: the second entry is ignored`, 'list each address once');
    } else {
      list.push(r.vip);
    }
  }
}

/**
 * `NAME [weight W [reverse|noreverse]]` (keepalived.md §4.3, [vrrp_track.c] `alloc_track_script`/`alloc_track_if`):
 * weight range -254..254, with ±254 coerced to ±253 and a warning. keepalived falls back to the script's own
 * weight on a bad value; hapair refuses the config (the VIP placement would rest on a guess).
 */
function trackWeight(at: ConfNode, words: string[], rep: Reporter, allowNoreverse: boolean): { weight?: number; reverse?: boolean } | null {
  if (words.length === 1) return {};
  if (words[1] !== 'weight') {
    rep.error(at, 'invalid-value', `track entry '${words[0]}': unknown option '${words[1]}' (expected 'weight N')`);
    return null;
  }
  const w = parseInteger(words[2] ?? '', -254, 254);
  if (!w.ok) {
    rep.error(at, 'invalid-value', `track entry '${words[0]}': weight ${words[2] === undefined ? 'needs a value' : w.reason}`);
    return null;
  }
  let weight = w.value;
  if (Math.abs(weight) === 254) {
    weight = weight > 0 ? 253 : -253;
    rep.warn(at, 'value-coerced', `weight for ${words[0]} cannot be ±254: using ${weight} (as keepalived)`, `write 'weight ${weight}'`);
  }
  const opt = words[3];
  if (opt !== undefined && opt !== 'reverse' && !(allowNoreverse && opt === 'noreverse')) {
    rep.error(at, 'invalid-value', `track entry '${words[0]}': unknown weight option '${opt}'`);
    return null;
  }
  if (words.length > 4) rep.warn(at, 'extra-argument', `'${words.slice(4).join(' ')}' after track entry '${words[0]}' is ignored`, 'one tracked object per line');
  return { weight, ...(opt !== undefined ? { reverse: opt === 'reverse' } : {}) };
}

export function trackScriptBlock(node: ConfNode, list: TrackScriptDraft[], seq: number, rep: Reporter): void {
  for (const { words, at } of lines(node)) {
    if (list.some((t) => t.name === words[0])) {
      rep.warn(at, 'track-duplicate', `track_script ${words[0]} is listed twice: the second is ignored (as keepalived)`, 'list each script once');
      continue;
    }
    const w = trackWeight(at, words, rep, true);
    if (w) list.push({ name: words[0]!, ...w, where: whereOf(at), seq });
  }
}

export function trackInterfaceBlock(node: ConfNode, list: Mutable<TrackInterfaceRef>[], rep: Reporter): void {
  for (const { words, at } of lines(node)) {
    if (list.some((t) => t.name === words[0])) {
      rep.warn(at, 'track-duplicate', `track_interface ${words[0]} is listed twice: the second is ignored (as keepalived)`, 'list each interface once');
      continue;
    }
    const w = trackWeight(at, words, rep, false);
    if (w) list.push({ name: words[0]!, ...w, where: whereOf(at) });
  }
}

/** `IP [min_ttl N] [max_ttl N]` ([vrrp_data.c] `alloc_vrrp_unicast_peer`). */
export function unicastPeerBlock(node: ConfNode, inst: InstanceDraft, rep: Reporter): void {
  for (const { words, at } of lines(node)) {
    const ip = parseIPv4(words[0]!);
    if (!ip.ok) {
      rep.error(at, 'invalid-value', `unicast_peer: ${ip.reason}`);
      continue;
    }
    const ttl: { minTtl?: number; maxTtl?: number } = {};
    let ok = true;
    for (let i = 1; i < words.length && ok; i += 2) {
      const key = words[i]!;
      const v = parseInteger(words[i + 1] ?? '', 0, 255);
      if (key !== 'min_ttl' && key !== 'max_ttl') {
        rep.error(at, 'invalid-value', `unicast_peer ${words[0]}: unknown option '${key}' (expected min_ttl or max_ttl)`);
        ok = false;
      } else if (!v.ok) {
        rep.error(at, 'invalid-value', `unicast_peer ${words[0]}: ${key} ${words[i + 1] === undefined ? 'needs a value' : v.reason}`);
        ok = false;
      } else {
        ttl[key === 'min_ttl' ? 'minTtl' : 'maxTtl'] = v.value;
      }
    }
    if (!ok) continue;
    // keepalived: "min_ttl > max_ttl - all packets will be discarded" and runs anyway; that cannot be meant.
    if ((ttl.minTtl ?? 0) > (ttl.maxTtl ?? 255)) {
      rep.error(at, 'peer-ttl-range', `unicast_peer ${words[0]}: min_ttl ${ttl.minTtl ?? 0} > max_ttl ${ttl.maxTtl ?? 255} would discard every advert`);
      continue;
    }
    if (inst.unicastPeers.some((p) => p.address === ip.value)) {
      rep.warn(at, 'track-duplicate', `unicast_peer ${ip.value} is listed twice`, 'list each peer once');
      continue;
    }
    inst.unicastPeers.push({ address: ip.value, ...ttl, where: whereOf(at) });
  }
}

/** authentication { auth_type PASS|AH; auth_pass SECRET } ([vrrp_parser.c] `vrrp_auth_*`; keepalived.md §6.7). */
const AUTH_BLOCK: BlockSpec<InstanceDraft> = {
  name: 'authentication',
  splitStray: true,
  table: {
    auth_type: {
      minArgs: 1,
      maxArgs: 1,
      handle: (node, inst, rep) => {
        const t = node.args[0];
        if (t === 'PASS' || t === 'AH') inst.auth!.type = t;
        else {
          rep.error(node, 'invalid-value', `auth_type: unknown authentication type '${t}' (PASS or AH, upper case)`);
          inst.auth!.type = 'invalid';
        }
      },
    },
    auth_pass: {
      minArgs: 1,
      maxArgs: 1,
      handle: (node, inst, rep) => {
        let pass = node.args[0]!;
        if (!/^[\x21-\x7e]+$/.test(pass)) {
          rep.error(node, 'invalid-value', 'auth_pass: use printable ASCII characters only (the advert carries raw bytes)');
          return;
        }
        // The advert carries 8 bytes of authentication data (RFC 2338 §5.3.8): keepalived truncates.
        if (pass.length > 8) {
          const cut = pass.slice(0, 8);
          rep.warn(node, 'auth-pass-truncated', `auth_pass is longer than 8 characters: only '${cut}' is used (as keepalived)`,
            'use at most 8 characters, the same on both nodes (a peer that does not truncate the same way rejects every advert)');
          pass = cut;
        }
        inst.auth!.pass = pass;
        inst.auth!.passWhere = whereOf(node);
      },
    },
  },
};

export function authBlock(node: ConfNode, inst: InstanceDraft, rep: Reporter): void {
  inst.auth = { where: whereOf(node) };
  applyBlock(node.children ?? [], AUTH_BLOCK, inst, rep);
}
