// Guard for tests that need root (network namespaces, raw sockets): fail loudly with what is missing.
import type { ExecutionContext } from 'ava';

export function isRoot(): boolean {
  return typeof process.getuid === 'function' && process.getuid() === 0;
}

/** Fails the test (never skips it) when not root, naming the requirement. Returns false if failed. */
export function requireRoot(t: ExecutionContext): boolean {
  if (isRoot()) return true;
  t.fail('this test needs root (network namespaces and raw VRRP sockets); run the suite as root: sudo npm test');
  return false;
}
