/**
 * A bound on how many tool calls of one response run at once: a model that asks for 200 `sleep`s
 * (or 200 greps over a big tree) in one turn must not start 200 processes together.
 */

/** Tool calls of one response that run at the same time; the rest wait for a free slot. */
export const MAX_PARALLEL_TOOL_CALLS = 8;

/** Maps items through fn with at most `limit` calls in flight, keeping the results in item order. */
export async function mapConcurrent<T, R>(
  items: readonly T[],
  limit: number,
  fn: (item: T, index: number) => Promise<R>,
): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const index = next++;
      results[index] = await fn(items[index] as T, index);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, worker));
  return results;
}
