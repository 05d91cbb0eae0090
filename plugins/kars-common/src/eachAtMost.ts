/**
 * Runs `fn` on every item, at most `limit` at a time, in the items' order; rejects with the first
 * failure (the items already started still run).
 *
 * @public
 */
export async function eachAtMost<T>(
  limit: number,
  items: readonly T[],
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) await fn(items[next++]);
    }),
  );
}
