// keepalived v2.2.7 keywords hapair does not implement. 'error': the feature changes what the pair does (VIP
// placement, packets on the wire, tracking), so running without it would be a guess; 'warning': tuning, other
// subsystems or outputs hapair does not have, safe to run without. Anything in neither table nor the keyword
// tables is an unknown keyword (error).
import type { UnsupportedTable } from './table.js';

const IPVS = 'hapair has no IPVS/LVS; balance with `hapair proxy` and an haproxy.cfg instead';
const TRACK = 'track this with a vrrp_script instead';
const VMAC = 'hapair uses the interface MAC like keepalived\'s default (no macvlan/ipvlan)';
const SCHED = 'process scheduling/resource tuning is not configurable in hapair';
const OTHER = 'another keepalived subsystem (checker/BFD/SNMP/DBus) that hapair does not have';

export const ROOT_UNSUPPORTED: UnsupportedTable = {
  virtual_server: { level: 'error', why: IPVS },
  virtual_server_group: { level: 'error', why: IPVS },
  vrrp_track_file: { level: 'error', why: TRACK },
  track_file: { level: 'error', why: TRACK },
  vrrp_track_process: { level: 'error', why: TRACK },
  track_group: { level: 'error', why: 'static track groups are not supported' },
  static_ipaddress: { level: 'error', why: 'static addresses are not managed by hapair; configure them with the OS' },
  static_routes: { level: 'error', why: 'static routes are not managed by hapair; configure them with the OS' },
  static_rules: { level: 'error', why: 'static rules are not managed by hapair; configure them with the OS' },
  bfd_instance: { level: 'error', why: OTHER },
  garp_group: { level: 'warning', why: 'GARP pacing per interface group is not configurable' },
  linkbeat_interfaces: { level: 'warning', why: 'hapair follows link state itself (`ip monitor` plus a 1 s poll of `ip -j addr`)' },
  interface_up_down_delays: { level: 'warning', why: 'interface up/down debouncing is not configurable' },
  net_namespace: { level: 'error', why: 'run hapair inside the namespace instead (ip netns exec)' },
};

const GLOBAL_EXPLICIT: UnsupportedTable = {
  vrrp_mcast_group4: { level: 'error', why: 'hapair always uses 224.0.0.18 (RFC 5798 §5.1.1.2); peers with another group would never hear it' },
  vrrp_mcast_group6: { level: 'warning', why: 'hapair supports IPv4 only' },
  net_namespace: { level: 'error', why: 'run hapair inside the namespace instead (ip netns exec)' },
  notify_fifo: { level: 'error', why: 'notify FIFOs are not supported; use notify scripts (hapair runs them in transition order)' },
  notify_fifo_script: { level: 'error', why: 'notify FIFOs are not supported; use notify scripts' },
  vrrp_notify_fifo: { level: 'error', why: 'notify FIFOs are not supported; use notify scripts' },
  vrrp_notify_fifo_script: { level: 'error', why: 'notify FIFOs are not supported; use notify scripts' },
  vrrp_startup_delay: { level: 'warning', why: 'a startup delay is not implemented; start hapair after the network is up (systemd After=network-online.target)' },
  no_email_faults: { level: 'warning', why: 'hapair mails every state change including FAULT' },
  vrrp_min_garp: { level: 'warning', why: 'GARP counts come from vrrp_garp_master_repeat / vrrp_garp_master_delay' },
  vrrp_garp_interval: { level: 'warning', why: 'GARPs are sent back to back (no pacing)' },
  vrrp_gna_interval: { level: 'warning', why: 'IPv6 is not supported' },
  vrrp_garp_extra_if: { level: 'warning', why: VMAC },
  vrrp_vmac_garp_intvl: { level: 'warning', why: VMAC },
  vrrp_skip_check_adv_addr: { level: 'warning', why: 'hapair always checks the address list of adverts' },
  vrrp_iptables: { level: 'warning', why: 'hapair never installs firewall rules (accept mode is always on)' },
  vrrp_ipsets: { level: 'warning', why: 'hapair never installs firewall rules' },
  nftables: { level: 'warning', why: 'hapair never installs firewall rules' },
  smtp_alert_checker: { level: 'warning', why: OTHER },
  checker_log_all_failures: { level: 'warning', why: OTHER },
  no_checker_emails: { level: 'warning', why: OTHER },
  rs_init_notifies: { level: 'warning', why: OTHER },
  enable_traps: { level: 'warning', why: OTHER },
  enable_snmp_vrrp: { level: 'warning', why: OTHER },
  enable_snmp_keepalived: { level: 'warning', why: OTHER },
  enable_snmp_rfc: { level: 'warning', why: OTHER },
  enable_snmp_rfcv2: { level: 'warning', why: OTHER },
  enable_snmp_rfcv3: { level: 'warning', why: OTHER },
  enable_snmp_checker: { level: 'warning', why: OTHER },
  snmp_socket: { level: 'warning', why: OTHER },
  enable_dbus: { level: 'warning', why: OTHER },
  lvs_id: { level: 'warning', why: IPVS },
  lvs_sync_daemon: { level: 'warning', why: IPVS },
  lvs_timeouts: { level: 'warning', why: IPVS },
  lvs_flush: { level: 'warning', why: IPVS },
  vrrp_priority: { level: 'warning', why: SCHED },
  vrrp_no_swap: { level: 'warning', why: SCHED },
  vrrp_rt_priority: { level: 'warning', why: SCHED },
  vrrp_cpu_affinity: { level: 'warning', why: SCHED },
  checker_priority: { level: 'warning', why: SCHED },
  checker_no_swap: { level: 'warning', why: SCHED },
  max_auto_priority: { level: 'warning', why: SCHED },
  log_unknown_vrids: { level: 'warning', why: 'adverts for unknown VRIDs are counted in `hapair status`, not logged' },
  dynamic_interfaces: { level: 'warning', why: 'interfaces are looked up when hapair starts' },
  vrrp_notify_priority_changes: { level: 'warning', why: 'priority changes are logged, not sent to notify scripts' },
  fifo_write_vrrp_states_on_reload: { level: 'warning', why: 'notify FIFOs are not supported' },
  vrrp_netlink_cmd_rcv_bufs: { level: 'warning', why: SCHED },
  vrrp_netlink_monitor_rcv_bufs: { level: 'warning', why: SCHED },
  vrrp_rx_bufs_policy: { level: 'warning', why: SCHED },
  vrrp_rx_bufs_multiplier: { level: 'warning', why: SCHED },
  vmac_prefix: { level: 'warning', why: VMAC },
  vmac_addr_prefix: { level: 'warning', why: VMAC },
  process_names: { level: 'warning', why: 'process names are fixed' },
  umask: { level: 'warning', why: 'hapair creates files with the service umask' },
  default_interface: { level: 'warning', why: 'hapair requires `interface` in each vrrp_instance' },
  disable_local_igmp: { level: 'warning', why: 'hapair does not change IGMP settings' },
  reload_check_config: { level: 'warning', why: 'hapair always checks a new config before applying it (SIGHUP)' },
  startup_script: { level: 'warning', why: 'run it from the service manager (ExecStartPre)' },
  shutdown_script: { level: 'warning', why: 'run it from the service manager (ExecStopPost)' },
};

/** The remaining keepalived v2.2.7 global_defs keywords: process, reload and other-subsystem tuning. */
const GLOBAL_OTHER: readonly string[] = [
  'bfd_cpu_affinity', 'bfd_no_swap', 'bfd_priority', 'bfd_process_name', 'bfd_rlimit_rtime',
  'bfd_rlimit_rttime', 'bfd_rt_priority', 'checker_cpu_affinity', 'checker_process_name',
  'checker_rlimit_rtime', 'checker_rlimit_rttime', 'checker_rt_priority', 'child_wait_time', 'config_save_dir',
  'data_use_instance', 'dbus_service_name', 'include_check', 'instance', 'lvs_flush_on_stop',
  'lvs_flush_onstop', 'lvs_netlink_cmd_rcv_bufs', 'lvs_netlink_cmd_rcv_bufs_force',
  'lvs_netlink_monitor_rcv_bufs', 'lvs_netlink_monitor_rcv_bufs_force', 'lvs_notify_fifo',
  'lvs_notify_fifo_script', 'lvs_process_name', 'min_auto_priority_delay', 'namespace_with_ipsets',
  'net_namespace_ipvs', 'nftables_counters', 'nftables_ifindex', 'nftables_ipvs', 'nftables_ipvs_priority',
  'nftables_ipvs_start_fwmark', 'nftables_priority', 'process_monitor_rcv_bufs',
  'process_monitor_rcv_bufs_force', 'process_name', 'random_seed', 'reload_file', 'reload_repeat',
  'reload_time_file', 'shutdown_script_timeout', 'startup_script_timeout', 'tmp_config_directory',
  'use_pid_dir', 'vrrp_netlink_cmd_rcv_bufs_force', 'vrrp_netlink_monitor_rcv_bufs_force', 'vrrp_process_name',
  'vrrp_rlimit_rtime', 'vrrp_rlimit_rttime', 'linkbeat_use_polling',
];

export const GLOBAL_UNSUPPORTED: UnsupportedTable = {
  ...Object.fromEntries(GLOBAL_OTHER.map((name) => [name, { level: 'warning', why: 'keepalived process/subsystem tuning not used by hapair' }] as const)),
  ...GLOBAL_EXPLICIT,
};

/** Shared by vrrp_instance; the sync group reuses the relevant entries. */
export const INSTANCE_UNSUPPORTED: UnsupportedTable = {
  use_vmac: { level: 'error', why: VMAC },
  use_vmac_addr: { level: 'error', why: VMAC },
  vmac_xmit_base: { level: 'error', why: VMAC },
  use_ipvlan: { level: 'error', why: VMAC },
  vrf: { level: 'error', why: 'VRF binding is not supported' },
  native_ipv6: { level: 'error', why: 'hapair supports IPv4 only' },
  mcast_dst_ip: { level: 'error', why: 'hapair always sends to 224.0.0.18; peers with another group would never hear it' },
  track_file: { level: 'error', why: TRACK },
  track_process: { level: 'error', why: TRACK },
  track_bfd: { level: 'error', why: OTHER },
  virtual_routes: { level: 'error', why: 'virtual routes are not managed by hapair' },
  virtual_rules: { level: 'error', why: 'virtual rules are not managed by hapair' },
  use_vmac_garp: { level: 'error', why: VMAC },
  no_accept: { level: 'error', why: 'hapair never installs firewall DROP rules, so it cannot refuse traffic to the VIPs' },
  accept: { level: 'warning', why: 'accept mode is always on in hapair (it never installs DROP rules)' },
  notify_deleted: { level: 'warning', why: 'an instance removed by a reload is notified as STOP with reason reload (no DELETED state)' },
  notify_master_rx_lower_pri: { level: 'warning', why: 'this notify event is not implemented; the event is logged' },
  notify_priority_changes: { level: 'warning', why: 'priority changes are logged, not sent to notify scripts' },
  skip_check_adv_addr: { level: 'warning', why: 'hapair always checks the address list of adverts' },
  old_unicast_checksum: { level: 'warning', why: 'hapair always uses the RFC 5798 checksum for unicast VRRPv3' },
  promote_secondaries: { level: 'warning', why: 'secondary address promotion is left to the kernel setting' },
  track_src_ip: { level: 'warning', why: 'the source address is not tracked separately' },
  linkbeat_use_polling: { level: 'warning', why: 'link state comes from the kernel, no polling' },
  garp_extra_if: { level: 'warning', why: VMAC },
  vmac_garp_intvl: { level: 'warning', why: VMAC },
  kernel_rx_buf_size: { level: 'warning', why: SCHED },
  debug: { level: 'warning', why: 'use HAPAIR_LOG_LEVEL=debug' },
  lvs_sync_daemon_interface: { level: 'warning', why: IPVS },
};

export const GROUP_UNSUPPORTED: UnsupportedTable = {
  track_file: INSTANCE_UNSUPPORTED.track_file!,
  track_process: INSTANCE_UNSUPPORTED.track_process!,
  track_bfd: INSTANCE_UNSUPPORTED.track_bfd!,
  notify_priority_changes: INSTANCE_UNSUPPORTED.notify_priority_changes!,
};
