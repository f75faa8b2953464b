// The room an HTTP request or response head may use, as haproxy computes it: tune.bufsize (default 16384) minus
// tune.maxrewrite (default 1024, and at most half the buffer: haproxy lowers it at start-up), i.e. 15360 bytes.
import type { GlobalConfig } from '../types.js';

export const DEFAULT_BUFSIZE = 16384;
export const DEFAULT_MAXREWRITE = 1024;

export function headLimit(g: Pick<GlobalConfig, 'tuneBufsize' | 'tuneMaxrewrite'>): number {
  const bufsize = g.tuneBufsize ?? DEFAULT_BUFSIZE;
  const maxrewrite = Math.min(g.tuneMaxrewrite ?? DEFAULT_MAXREWRITE, bufsize / 2);
  return bufsize - maxrewrite;
}
