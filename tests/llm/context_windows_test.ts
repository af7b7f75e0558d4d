/** The context-window table covers the price table and answers for unknown and suffixed models. */
import assert from "node:assert/strict";
import {
  CONTEXT_WINDOWS,
  contextWindowOf,
  DEFAULT_CONTEXT_WINDOW,
  modelsWithoutWindow,
} from "../../lib/llm/context_windows.ts";
import { PRICES } from "../../lib/llm/pricing.ts";

Deno.test("every priced model has a context window, and every window a price", () => {
  assert.deepEqual(modelsWithoutWindow(), [], "add these models to lib/llm/context_windows.ts");
  assert.deepEqual(Object.keys(CONTEXT_WINDOWS).filter((id) => !Object.hasOwn(PRICES, id)), []);
});

Deno.test("every context window is a sane whole number", () => {
  assert.ok(Object.isFrozen(CONTEXT_WINDOWS));
  for (const [id, window] of Object.entries(CONTEXT_WINDOWS)) {
    assert.ok(Number.isInteger(window) && window >= 4096 && window <= 2_000_000, `${id}: ${window}`);
  }
});

Deno.test("context windows: known, dated, unknown, and the configured override", () => {
  assert.equal(contextWindowOf("claude-sonnet-5-5"), 1_000_000);
  assert.equal(contextWindowOf("claude-haiku-4-5"), 200_000);
  assert.equal(contextWindowOf("gpt-4"), 8_192);
  assert.equal(contextWindowOf("gpt-4-32k-0613"), 32_768);
  assert.equal(contextWindowOf("claude-sonnet-5-5-20261001"), 1_000_000, "dated ids use their base");
  assert.equal(contextWindowOf("gpt-4o-mini-2099-01-01"), 128_000, "the longest prefix wins");
  assert.equal(contextWindowOf("llama3.2:8b"), DEFAULT_CONTEXT_WINDOW);
  assert.equal(contextWindowOf("gpt-4o-minix"), DEFAULT_CONTEXT_WINDOW, "a prefix counts only before '-'");
  assert.equal(contextWindowOf("claude-sonnet-5-5", 50_000), 50_000, "context.window wins");
  assert.ok(DEFAULT_CONTEXT_WINDOW <= 128_000, "unknown models get a conservative window");
});
