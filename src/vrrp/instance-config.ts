// The pure part of setting up a vrrp_instance: its FSM configuration, and whether it is held in FAULT for want of peers.
import type { FsmConfig, InstanceConfig } from './types.js';

/**
 * keepalived 2.2.7 `unicast_fault_no_peer`: an instance meant to be unicast but configured without peers is held in
 * FAULT instead of silently advertising to 224.0.0.18 (keepalived.md §6.5). The fault lasts until a reload adds peers.
 */
export const NO_PEER_FAULT = 'unicast_fault_no_peer';
export function noPeerFault(cfg: InstanceConfig): boolean {
  return cfg.unicastFaultNoPeer === true && cfg.unicastPeers.length === 0;
}

export function fsmConfigFor(cfg: InstanceConfig, srcIp: string): FsmConfig {
  return {
    name: cfg.name,
    vrid: cfg.vrid,
    version: cfg.version,
    basePriority: cfg.basePriority,
    advertIntMs: cfg.advertIntMs,
    nopreempt: cfg.nopreempt,
    preemptDelayMs: cfg.preemptDelayMs,
    configuredState: cfg.configuredState,
    downTimerAdverts: cfg.downTimerAdverts,
    lowerPrioNoAdvert: cfg.lowerPrioNoAdvert,
    higherPrioSendAdvert: cfg.higherPrioSendAdvert,
    garp: cfg.garp,
    srcIp,
    ...(cfg.syncGroup ? { syncGroup: cfg.syncGroup } : {}),
    noTrackVips: cfg.vips.filter((v) => v.noTrack).map((v) => v.address),
  };
}
