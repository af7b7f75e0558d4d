/** The thinking table covers every priced Anthropic model and answers for dated and unknown ids. */
import assert from "node:assert/strict";
import { PRICES } from "../../lib/llm/pricing.ts";
import { THINKING_MODELS, thinkingParam, thinkingSupportOf } from "../../lib/llm/thinking_models.ts";

Deno.test("every priced Anthropic model says how it thinks", () => {
  const missing = Object.keys(PRICES).filter((id) => id.startsWith("claude-") && !thinkingSupportOf(id));
  assert.deepEqual(missing, [], "add these models to lib/llm/thinking_models.ts");
  assert.ok(THINKING_MODELS.every((id) => id.startsWith("claude-")));
});

Deno.test("thinkingSupportOf: exact, dated, the longest family, unknown", () => {
  assert.deepEqual(thinkingSupportOf("claude-haiku-4-5-20251001"), { mode: "extended" });
  assert.deepEqual(thinkingSupportOf("claude-sonnet-5-5-20261001"), { mode: "adaptive", canDisable: false });
  assert.deepEqual(thinkingSupportOf("claude-sonnet-5-20260601"), { mode: "adaptive", canDisable: true });
  assert.equal(thinkingSupportOf("claude-sonnet-5x"), undefined, "a family counts only before '-'");
  assert.equal(thinkingSupportOf("gpt-5.5"), undefined);
});

Deno.test("thinkingParam: off, budget, room for the answer, adaptive display", () => {
  assert.equal(thinkingParam("claude-opus-4-5", 0, 8192), undefined);
  assert.deepEqual(thinkingParam("claude-opus-4-5", 4096, 8192), { type: "enabled", budget_tokens: 4096 });
  assert.equal(
    thinkingParam("claude-opus-4-5", 8192, 8192),
    undefined,
    "budget_tokens must be below max_tokens",
  );
  assert.deepEqual(thinkingParam("claude-opus-4-6", 1, 100), { type: "adaptive", display: "summarized" });
  assert.deepEqual(thinkingParam("claude-opus-4-6", 0, 100), { type: "disabled" });
  assert.deepEqual(thinkingParam("claude-fable-5", 0, 100), { type: "adaptive", display: "summarized" });
  assert.equal(thinkingParam("my-proxy-model", 4096, 16_000), undefined);
});
