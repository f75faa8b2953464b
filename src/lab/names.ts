// Lab naming (pure): unique namespace/port names that embed the creating PID so stale labs can be swept.
import crypto from 'node:crypto';

/** Default prefix of every namespace a lab creates; the demo/benchmarks may pass their own. */
export const DEFAULT_LAB_PREFIX = 'hpl';

/** Linux interface names are limited to IFNAMSIZ-1 = 15 bytes. */
export const IFNAME_MAX = 15;

/** `<prefix><pid>-<hex6>`: unique per process and per lab, parseable back to the PID by `parseLabName`. */
export function newLabBase(prefix: string = DEFAULT_LAB_PREFIX, pid: number = process.pid): string {
  if (!/^[a-z]{2,8}$/.test(prefix)) throw new Error(`lab prefix must be 2-8 lower-case letters, got '${prefix}'`);
  return `${prefix}${pid}-${crypto.randomBytes(3).toString('hex')}`;
}

/** Namespace name of one lab member (`sw` is the bridge namespace). */
export function nsName(base: string, member: string): string {
  if (!/^[a-z0-9]{1,12}$/.test(member)) throw new Error(`lab member name must be 1-12 of [a-z0-9], got '${member}'`);
  return `${base}-${member}`;
}

/** Bridge-side veth name of node number `index`, unique inside the bridge namespace. */
export function portName(index: number, node: string): string {
  return `p${index}-${node}`.slice(0, IFNAME_MAX);
}

export interface ParsedLabName {
  readonly prefix: string;
  readonly pid: number;
  readonly base: string;
  readonly member: string;
}

/** Parses a namespace name made by `nsName(newLabBase(prefix))`; undefined for anything else. */
export function parseLabName(name: string, prefix: string = DEFAULT_LAB_PREFIX): ParsedLabName | undefined {
  const m = /^([a-z]{2,8}?)(\d+)-([0-9a-f]{6})-([a-z0-9]{1,12})$/.exec(name);
  if (!m || m[1] !== prefix) return undefined;
  return { prefix, pid: Number(m[2]), base: `${m[1]}${m[2]}-${m[3]}`, member: m[4]! };
}

/** Locally administered MAC derived from the node's IPv4 (02:c6:12:00:00:0b for 198.18.0.11), like the reference capture. */
export function macFor(ip: string): string {
  const o = ip.split('.').map((x) => Number(x));
  const hex = (n: number | undefined) => (n ?? 0).toString(16).padStart(2, '0');
  return ['02', hex(o[0]), hex(o[1]), '00', hex(o[2]), hex(o[3])].join(':');
}
