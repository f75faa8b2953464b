// One virtual_ipaddress line -> VipConfig (pure): `addr[/prefix] [brd X|+|-] [dev X] [scope S] [label L] [no_track]`.
// Syntax and defaults: keepalived.md §6.1 ([vrrp_ipaddress.c] `alloc_ipaddress`, `parse_ipaddress`). keepalived
// skips a bad entry with a config error and runs without that VIP; hapair refuses the config, naming the field.
import type { SourceRef, VipConfig } from '../types.js';
import { parseIPv4, parseInteger } from './values.js';
import { ipv4ToNumber, numberToIpv4 } from '../../core/ipv4.js';

export type VipResult = { readonly ok: true; readonly vip: VipConfig } | { readonly ok: false; readonly error: string };

/** iproute2 scope names (/etc/iproute2/rt_scopes); a number 0..255 is accepted too. */
const SCOPES = new Set(['global', 'site', 'link', 'host', 'nowhere']);

/** keepalived address options hapair does not implement: refusing beats silently dropping them. */
const UNSUPPORTED_OPTIONS: Readonly<Record<string, number>> = {
  peer: 1, preferred_lft: 1, home: 0, '-nodad': 0, mngtmpaddr: 0, noprefixroute: 0, autojoin: 0, use_vmac: 0,
};

const IFNAMSIZ = 16;

/** Parses the words of one line (address first). `what` names the block for messages. */
export function parseVip(words: readonly string[], where: SourceRef, what = 'virtual_ipaddress'): VipResult {
  const fail = (error: string): VipResult => ({ ok: false, error: `${what}: ${error}` });
  const [spec, ...opts] = words;
  if (spec === undefined) return fail('empty entry');
  const slash = spec.indexOf('/');
  const addrText = slash < 0 ? spec : spec.slice(0, slash);
  const addr = parseIPv4(addrText);
  if (!addr.ok) return fail(`address ${addr.reason}`);
  let prefix = 32;
  if (slash >= 0) {
    const p = parseInteger(spec.slice(slash + 1), 0, 32);
    if (!p.ok) return fail(`prefix length in '${spec}': ${p.reason}`);
    prefix = p.value;
  }
  const vip: { -readonly [K in keyof VipConfig]: VipConfig[K] } = { address: addr.value, prefix, noTrack: false, where };
  for (let i = 0; i < opts.length; i++) {
    const opt = opts[i]!;
    const value = opts[i + 1];
    const needValue = (): string | null => {
      if (value === undefined) return null;
      i++;
      return value;
    };
    switch (opt) {
      case 'dev': {
        const v = needValue();
        if (v === null) return fail(`'dev' needs an interface name after ${spec}`);
        if (vip.dev !== undefined) return fail(`'dev' given twice for ${spec}`);
        if (v.length >= IFNAMSIZ) return fail(`dev '${v}' is longer than ${IFNAMSIZ - 1} characters`);
        vip.dev = v;
        break;
      }
      case 'scope': {
        const v = needValue();
        if (v === null) return fail(`'scope' needs a value after ${spec}`);
        if (!SCOPES.has(v) && !parseInteger(v, 0, 255).ok) return fail(`scope '${v}' is not one of ${[...SCOPES].join('|')} or 0..255`);
        vip.scope = v;
        break;
      }
      case 'brd':
      case 'broadcast': {
        const v = needValue();
        if (v === null) return fail(`'${opt}' needs an address, '+' or '-' after ${spec}`);
        const brd = broadcast(addr.value, prefix, v);
        if (!brd.ok) return fail(`${opt} ${brd.error}`);
        vip.brd = brd.value;
        break;
      }
      case 'label': {
        const v = needValue();
        if (v === null) return fail(`'label' needs a value after ${spec}`);
        if (v.length >= IFNAMSIZ) return fail(`label '${v}' is longer than ${IFNAMSIZ - 1} characters`);
        vip.label = v;
        break;
      }
      case 'no_track':
        vip.noTrack = true;
        break;
      default:
        if (Object.hasOwn(UNSUPPORTED_OPTIONS, opt)) return fail(`option '${opt}' of ${spec} is not supported by hapair`);
        return fail(`unknown option '${opt}' after ${spec} (expected dev, brd, scope, label or no_track)`);
    }
  }
  return { ok: true, vip };
}

/** `brd X`, or `+` / `-` = the subnet's broadcast / network address (keepalived: only for prefixes <= 30). */
function broadcast(address: string, prefix: number, v: string): { ok: true; value: string } | { ok: false; error: string } {
  if (v === '+' || v === '-') {
    if (prefix > 30) return { ok: false, error: `'${v}' needs a prefix of 30 or less (address has /${prefix})` };
    const hostMask = 2 ** (32 - prefix) - 1;
    const a = ipv4ToNumber(address) ?? 0; // validated by the caller
    const net = a - (a % (hostMask + 1));
    return { ok: true, value: numberToIpv4(v === '+' ? net + hostMask : net) };
  }
  const r = parseIPv4(v);
  return r.ok ? { ok: true, value: r.value } : { ok: false, error: r.reason };
}
