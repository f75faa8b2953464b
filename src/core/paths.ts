// Default filesystem locations (run dir for control sockets, spool, configs); every one overridable.
import path from 'node:path';

/** Control sockets and pid files live here. Tests give each node its own via HAPAIR_RUN_DIR or --run-dir. */
export function defaultRunDir(): string {
  return process.env.HAPAIR_RUN_DIR ?? '/run/hapair';
}

export function vrrpControlSocket(runDir: string = defaultRunDir()): string {
  return path.join(runDir, 'vrrp.sock');
}

export function proxyControlSocket(runDir: string = defaultRunDir()): string {
  return path.join(runDir, 'proxy.sock');
}

export const DEFAULT_KEEPALIVED_CONF = '/etc/hapair/keepalived.conf';
export const DEFAULT_HAPROXY_CFG = '/etc/hapair/haproxy.cfg';
export const DEFAULT_SPOOL_DIR = '/var/spool/hapair';
