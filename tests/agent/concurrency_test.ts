/** mapConcurrent: at most `limit` tool calls in flight, results in call order. */
import assert from "node:assert/strict";
import { mapConcurrent, MAX_PARALLEL_TOOL_CALLS } from "../../lib/agent/concurrency.ts";

Deno.test("mapConcurrent never runs more than the limit at once and keeps the order", async () => {
  let running = 0;
  let most = 0;
  const items = Array.from({ length: 200 }, (_, i) => i);
  const results = await mapConcurrent(items, MAX_PARALLEL_TOOL_CALLS, async (item) => {
    running++;
    most = Math.max(most, running);
    await new Promise((resolve) => setTimeout(resolve, item % 3));
    running--;
    return item * 2;
  });
  assert.equal(most, MAX_PARALLEL_TOOL_CALLS);
  assert.deepEqual(results, items.map((item) => item * 2));
});

Deno.test("mapConcurrent handles no items and fewer items than the limit", async () => {
  assert.deepEqual(await mapConcurrent([], 8, (item: number) => Promise.resolve(item)), []);
  assert.deepEqual(await mapConcurrent([1, 2], 8, (item) => Promise.resolve(item + 1)), [2, 3]);
});
