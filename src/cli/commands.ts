// Table of `hapair` sub-commands: name -> summary + lazily loaded module (one file per command).
import type { CommandSpec } from './types.js';

export const COMMANDS: readonly CommandSpec[] = [
  { name: 'vrrp', summary: 'run the VRRP advertiser from a keepalived.conf (-f FILE)', load: () => import('./commands/vrrp.js') },
  { name: 'proxy', summary: 'run the proxy core from an haproxy.cfg (-f FILE)', load: () => import('./commands/proxy.js') },
  { name: 'check', summary: 'validate keepalived.conf / haproxy.cfg files and lint known traps (-f FILE)', load: () => import('./commands/check.js') },
  { name: 'status', summary: 'show VRRP instances and proxy backends of this host', load: () => import('./commands/status.js') },
  { name: 'ctl', summary: 'send a runtime API command to the proxy (like socat on the stats socket)', load: () => import('./commands/ctl.js') },
  { name: 'agent', summary: 'serve haproxy agent-check replies from a script (--port N -- CMD...)', load: () => import('./commands/agent.js') },
  { name: 'proxy-alive', summary: 'exit 0 if this node\'s proxy answers (namespace-safe vrrp_script health check)', load: () => import('./commands/proxy-alive.js') },
  { name: 'notify-mail', summary: 'queue a state-change alert mail (drop-in for notify_master/backup/fault scripts)', load: () => import('./commands/notify-mail.js') },
  { name: 'mail-test', summary: 'send a test alert and report the SMTP result', load: () => import('./commands/mail-test.js') },
];
