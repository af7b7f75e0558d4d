/**
 * Prompt caching: Anthropic requests carry breakpoints on the tools, the system prompt and the last two
 * user messages, so that each turn reads the turns before it from the cache; OpenAI requests keep the
 * prefix stable (and name the conversation as the cache key on api.openai.com).
 */
import assert from "node:assert/strict";
import { anthropicParams } from "../../lib/llm/anthropic.ts";
import { openAiParams } from "../../lib/llm/openai.ts";
import type { LlmRequest, Message } from "../../lib/llm/mod.ts";
import { startLlmServer } from "../support/llm_server.ts";
import { PromptCache } from "../support/prompt_cache.ts";
import { runKodelet } from "../support/run_kodelet.ts";
import { fixture } from "./_fixture.ts";

const messages: Message[] = [
  { role: "user", content: [{ type: "text", text: "list the files" }] },
  { role: "assistant", content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "ls" } }] },
  { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "a.ts", isError: false }] },
  { role: "assistant", content: [{ type: "text", text: "There is a.ts." }] },
  { role: "user", content: [{ type: "text", text: "and now?" }] },
];

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: "claude-sonnet-5-5",
    system: "system prompt",
    messages,
    tools: [{ name: "bash", description: "runs", inputSchema: { type: "object" } }],
    maxTokens: 1000,
    temperature: undefined,
    thinkingBudgetTokens: 0,
    ...overrides,
  };
}

/** Where the breakpoints are: "tools", "system", and "message N" for each message block carrying one. */
function breakpoints(body: Record<string, unknown>): string[] {
  const found: string[] = [];
  const has = (value: unknown) =>
    typeof value === "object" && value !== null && "cache_control" in value &&
    value.cache_control !== undefined;
  if ((body.tools as unknown[] | undefined)?.some(has)) found.push("tools");
  if ((body.system as unknown[]).some(has)) found.push("system");
  (body.messages as { content: unknown[] }[]).forEach((message, index) => {
    message.content.forEach((block) => has(block) && found.push(`message ${index}`));
  });
  return found;
}

Deno.test("anthropic requests put breakpoints on the tools, the system prompt and the last two user messages", () => {
  const body = anthropicParams(request()) as unknown as Record<string, unknown>;
  assert.deepEqual(breakpoints(body), ["tools", "system", "message 2", "message 4"]);
  // One user message: three breakpoints; the API allows four.
  const first = anthropicParams(request({ messages: messages.slice(0, 1) })) as unknown as Record<
    string,
    unknown
  >;
  assert.deepEqual(breakpoints(first), ["tools", "system", "message 0"]);
});

Deno.test("the prompt cache model: the second turn reads the first from the cache only with message breakpoints", () => {
  const cache = new PromptCache();
  const turn1 = anthropicParams(request({ messages: messages.slice(0, 1) })) as unknown as Record<
    string,
    unknown
  >;
  const turn2 = anthropicParams(request({ messages: messages.slice(0, 3) })) as unknown as Record<
    string,
    unknown
  >;
  const first = cache.usageFor(turn1);
  const second = cache.usageFor(turn2);
  assert.equal(first.cacheRead, 0);
  assert.equal(
    second.cacheRead,
    first.input + first.cacheRead + first.cacheCreation,
    "all of turn 1 is read",
  );

  // The same requests with breakpoints on the tools and system prompt only, as kodelet sent before.
  const strip = (body: Record<string, unknown>) => ({
    ...body,
    messages: (body.messages as { role: string; content: Record<string, unknown>[] }[]).map((message) => ({
      ...message,
      content: message.content.map(({ cache_control: _drop, ...block }) => block),
    })),
  });
  const old = new PromptCache();
  const oldFirst = old.usageFor(strip(turn1));
  const oldSecond = old.usageFor(strip(turn2));
  assert.ok(oldSecond.cacheRead < oldFirst.input + oldFirst.cacheRead + oldFirst.cacheCreation);
});

Deno.test("openai requests name the conversation as the prompt cache key on api.openai.com only", () => {
  const official = openAiParams(request({ cacheKey: "conv-1" }), true) as unknown as Record<string, unknown>;
  assert.equal(official.prompt_cache_key, "conv-1");
  const local = openAiParams(request({ cacheKey: "conv-1" }), false) as unknown as Record<string, unknown>;
  assert.equal("prompt_cache_key" in local, false, "compatible servers may refuse unknown parameters");
});

Deno.test("two-turn run: the second request reports cache reads covering the whole first request", async () => {
  await using f = await fixture();
  const llm = await startLlmServer({ promptCache: true });
  try {
    llm.enqueue(
      {
        kind: "message",
        text: "Looking.",
        toolCalls: [{ id: "t1", name: "bash", input: { command: "echo hi" } }],
      },
      { kind: "message", text: "Done." },
    );
    const result = await runKodelet(["run", "say", "hi"], {
      env: f.env({ ANTHROPIC_BASE_URL: llm.anthropicBaseUrl }),
      cwd: f.work,
    });
    assert.equal(result.code, 0, result.stderr);
    const spans = await f.receiver.waitForSpans(4);
    const chats = spans.filter((span) => span.name.startsWith("chat ")).sort((a, b) =>
      Number(a.startTimeUnixNano - b.startTimeUnixNano)
    );
    assert.equal(chats.length, 2);
    const [first, second] = chats.map((chat) => ({
      total: Number(chat.attributes["gen_ai.usage.input_tokens"]),
      read: Number(chat.attributes["gen_ai.usage.cache_read.input_tokens"]),
      written: Number(chat.attributes["gen_ai.usage.cache_creation.input_tokens"]),
    }));
    assert.ok(first && second);
    assert.equal(first.read, 0);
    assert.equal(first.written, first.total, "the first request writes all of itself to the cache");
    assert.equal(second.read, first.total, "the second reads everything the first sent");
    assert.ok(second.written > 0, "the new turn is written for the next request to read");
  } finally {
    await llm.close();
  }
});

Deno.test("openai: the second request starts with exactly what the first sent (a stable prefix)", async () => {
  await using f = await fixture();
  f.llm.enqueue(
    {
      kind: "message",
      text: "Looking.",
      toolCalls: [{ id: "t1", name: "bash", input: { command: "echo hi" } }],
    },
    { kind: "message", text: "Done." },
  );
  const result = await runKodelet(["run", "--provider", "openai", "say", "hi"], {
    env: f.env({ OPENAI_BASE_URL: f.llm.openaiBaseUrl, OPENAI_API_KEY: "sk-test-openai-000000" }),
    cwd: f.work,
  });
  assert.equal(result.code, 0, result.stderr);
  const [one, two] = f.llm.requests.map((item) => item.body as { messages: unknown[]; tools: unknown });
  assert.ok(one && two);
  assert.deepEqual(two.messages.slice(0, one.messages.length), one.messages);
  assert.deepEqual(two.tools, one.tools);
});
