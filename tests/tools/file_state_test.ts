import assert from "node:assert/strict";
import { InMemoryFileReadTracker } from "../../lib/tools/file_state.ts";

Deno.test("the in-memory file tracker remembers the last read per path and hands out copies", () => {
  const tracker = new InMemoryFileReadTracker();
  assert.equal(tracker.lastRead("/a"), undefined);
  tracker.recordRead("/a", { mtimeMs: 1, size: 10 });
  tracker.recordRead("/a", { mtimeMs: 2, size: 20 });
  tracker.recordRead("/b", { mtimeMs: 3, size: 30 });
  const state = tracker.lastRead("/a");
  assert.deepEqual(state, { mtimeMs: 2, size: 20 });
  state!.size = 0;
  assert.deepEqual(tracker.lastRead("/a"), { mtimeMs: 2, size: 20 });
  assert.deepEqual(tracker.lastRead("/b"), { mtimeMs: 3, size: 30 });
});
