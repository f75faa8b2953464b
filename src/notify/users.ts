// Resolves notify script `username [groupname]` to uid/gid from /etc/passwd and /etc/group (Node has no getpwnam).
import fs from 'node:fs';

export interface Ids {
  readonly uid: number;
  readonly gid: number;
}

/** Parses `name:pw:id:...` lines into name -> [id, gid?]; malformed lines are ignored. */
export function parseIdFile(text: string): Map<string, readonly [number, number | undefined]> {
  const out = new Map<string, readonly [number, number | undefined]>();
  for (const line of text.split('\n')) {
    if (line.startsWith('#')) continue;
    const f = line.split(':');
    const id = Number(f[2]);
    if (!f[0] || f.length < 3 || !Number.isInteger(id)) continue;
    const gid = f[3] !== undefined && /^\d+$/.test(f[3]) ? Number(f[3]) : undefined;
    out.set(f[0], [id, gid]);
  }
  return out;
}

function readOrEmpty(file: string): string {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch {
    return '';
  }
}

/**
 * uid/gid for `user` (name or number) and optional `group`; the group defaults to the user's primary
 * group, as keepalived does for `script_user`. Returns a string describing the problem when unknown.
 */
export function resolveIds(user: string, group?: string, files = { passwd: '/etc/passwd', group: '/etc/group' }): Ids | string {
  const users = parseIdFile(readOrEmpty(files.passwd));
  const entry = users.get(user);
  const uid = /^\d+$/.test(user) ? Number(user) : entry?.[0];
  if (uid === undefined) return `unknown user '${user}'`;
  let gid = entry?.[1];
  if (group !== undefined) {
    gid = /^\d+$/.test(group) ? Number(group) : parseIdFile(readOrEmpty(files.group)).get(group)?.[0];
    if (gid === undefined) return `unknown group '${group}'`;
  }
  if (gid === undefined) return `no primary group known for user '${user}'`;
  return { uid, gid };
}
