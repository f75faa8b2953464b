// Bounded waiting: resolve when `p` settles or after `ms`, whichever is first, leaving no timer behind.

/** True if `p` settled within `ms`; never rejects (a rejection counts as settled). */
export async function within(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<false>((r) => (timer = setTimeout(() => r(false), Math.max(0, ms))));
  try {
    return await Promise.race([p.then(() => true, () => true), expired]);
  } finally {
    clearTimeout(timer);
  }
}
