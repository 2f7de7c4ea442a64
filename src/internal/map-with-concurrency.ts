/**
 * Maps `items` with at most `limit` calls in flight; the results keep the items' order. After a failure no new
 * call starts, and the first error is thrown only once every call in flight has settled, so that the caller's
 * clean-up never races a write still going on.
 */
export async function mapWithConcurrency<T, R>(items: readonly T[], limit: number, fn: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  let failed = false;
  const lane = async (): Promise<void> => {
    while (!failed && next < items.length) {
      const i = next++;
      try {
        results[i] = await fn(items[i]!);
      } catch (error) {
        failed = true;
        throw error;
      }
    }
  };
  const settled = await Promise.allSettled(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, lane));
  const rejection = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
  if (rejection !== undefined) throw rejection.reason;
  return results;
}
