// Public surface of the network-namespace lab (tests, demo, benchmarks).
export { Lab, type LabNode, type LabNodeSpec, type LabOptions } from './lab.js';
export { Capture, type CaptureOptions } from './capture.js';
export { CLEANUP_SIGNALS, sweepStaleLabs, teardownSync, type Teardownable } from './cleanup.js';
export { exec, execOk, type ExecResult } from './exec.js';
export * from './pcap.js';
export { macFor, parseLabName, DEFAULT_LAB_PREFIX } from './names.js';
