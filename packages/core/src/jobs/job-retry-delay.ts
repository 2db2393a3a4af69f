/**
 * The wait before retrying a job, the way pg-boss 10 computes it in SQL, so a
 * job behaves the same on `MemoryJobQueue` and `PgBossJobQueue`:
 * - without backoff: `retryDelaySeconds`;
 * - with backoff: `d·2^min(16, n)/2 · (1 + random())` seconds for retry n
 *   (1-based), d = `retryDelaySeconds` but at least 1 — so retry 1 waits
 *   between d and 2d, retry 2 between 2d and 4d, and so on.
 */
export function jobRetryDelayMs(
  retry: number,
  options: { retryDelaySeconds: number; retryBackoff: boolean },
  random: () => number,
): number {
  if (!options.retryBackoff) return options.retryDelaySeconds * 1000;
  const base = Math.max(options.retryDelaySeconds, 1);
  const half = (base * 2 ** Math.min(16, retry)) / 2;
  return Math.round((half + half * random()) * 1000);
}
