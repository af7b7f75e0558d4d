/** The pure parts of compaction: where a conversation may be cut, what stays, and what a refusal looks like. */
import assert from "node:assert/strict";
import { ContextWindow, isPromptTooLong } from "../../lib/agent/compaction.ts";
import { estimateTokens, fitForSummary, isCutPoint, recentCut } from "../../lib/agent/context_cut.ts";
import { LlmError, type Message } from "../../lib/llm/types.ts";

const user = (text: string): Message => ({ role: "user", content: [{ type: "text", text }] });
const call = (id: string): Message => ({
  role: "assistant",
  content: [{ type: "tool_use", id, name: "bash", input: { command: id } }],
});
const result = (id: string, content = "ok"): Message => ({
  role: "user",
  content: [{ type: "tool_result", toolUseId: id, content, isError: false }],
});
const answer = (text: string): Message => ({ role: "assistant", content: [{ type: "text", text }] });

Deno.test("recentCut keeps the two newest model turns and never starts at tool results", () => {
  const messages = [user("q"), call("a"), result("a"), call("b"), result("b"), call("c"), result("c")];
  assert.equal(recentCut(messages, 0, 1_000_000), 3);
  assert.ok(!isCutPoint(messages, 2) && isCutPoint(messages, 3) && isCutPoint(messages, 0));
  // The question that opened the older of the two kept turns stays with it.
  const chat = [user("1"), answer("a1"), user("2"), answer("a2"), user("3"), answer("a3"), user("4")];
  assert.equal(recentCut(chat, 0, 1_000_000), 2);
  // After an earlier compaction only messages after it count; the message at `from` may go.
  assert.equal(recentCut(chat, 4, 1_000_000), 5);
  assert.equal(recentCut(chat, 6, 1_000_000), 6, "nothing new to summarise");
});

Deno.test("recentCut keeps fewer turns when they do not fit, but always the newest cut point", () => {
  const big = "x".repeat(40_000);
  const messages = [user("q"), call("a"), result("a", big), call("b"), result("b", big)];
  const one = estimateTokens(messages.slice(3));
  assert.equal(recentCut(messages, 0, one), 3, "one turn fits");
  assert.equal(recentCut(messages, 0, 10), 3, "the newest turn stays even when too big");
});

Deno.test("fitForSummary shortens long tool results, then drops the oldest messages at cut points", () => {
  const big = "y".repeat(100_000);
  const messages = [user("q"), call("a"), result("a", big), call("b"), result("b", big), answer("done")];
  assert.deepEqual(fitForSummary(messages, 1_000_000), messages, "unchanged when it fits");
  const shortened = fitForSummary(messages, 5_000);
  assert.equal(shortened.length, messages.length);
  assert.match(JSON.stringify(shortened), /characters left out for the summary/);
  const dropped = fitForSummary(messages, 1_000);
  assert.equal(dropped[0]?.role, "user");
  assert.match(JSON.stringify(dropped[0]), /left out to fit the context window/);
  assert.ok(estimateTokens(dropped) <= 1_200, `${estimateTokens(dropped)}`);
  assert.ok(isCutPoint(dropped, 1), "what is kept starts where a conversation may start");
});

Deno.test("isPromptTooLong knows both providers' refusals and nothing else", () => {
  const bad = (message: string) => new LlmError("bad_request", message, 400);
  assert.ok(
    isPromptTooLong(
      bad("Anthropic refused the request (HTTP 400): prompt is too long: 1 tokens > 0 maximum"),
    ),
  );
  assert.ok(
    isPromptTooLong(
      bad("OpenAI refused the request (HTTP 400): This model's maximum context length is 128000 tokens"),
    ),
  );
  assert.ok(!isPromptTooLong(bad("OpenAI refused the request (HTTP 400): invalid tool schema")));
  assert.ok(!isPromptTooLong(new LlmError("server", "prompt is too long", 500)));
  assert.ok(!isPromptTooLong(new Error("prompt is too long")));
});

Deno.test("ContextWindow counts input, cache reads and writes and output against the ratio", () => {
  const window = new ContextWindow({ window: 1000, compactRatio: 0.8 });
  assert.equal(window.shouldCompact(), false);
  window.record({ input: 500, cacheRead: 200, cacheWrite: 50, output: 49, reasoning: 0 });
  assert.equal(window.shouldCompact(), false);
  window.record({ input: 500, cacheRead: 200, cacheWrite: 50, output: 50, reasoning: 0 });
  assert.equal(window.shouldCompact(), true);
  assert.equal(window.usedRatio, 0.8);
  const resumed = new ContextWindow({
    window: 1000,
    compactRatio: 0.8,
    resumed: { summary: "S", keptFrom: 2 },
  });
  const view = resumed.view([user("1"), answer("a"), user("2")]);
  assert.equal(view.length, 2);
  assert.match(JSON.stringify(view[0]), /<summary>\\nS\\n<\/summary>/);
  assert.deepEqual(view[1], user("2"));
});
