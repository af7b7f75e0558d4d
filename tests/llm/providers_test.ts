/**
 * anthropicClient and openAiClient against the scripted LLM server over real sockets: streaming,
 * content blocks, usage, finish reasons, errors, cancellation, and the request bodies the server
 * recorded; anthropicParams and openAiParams as pure functions. A tracer provider is registered
 * globally (to show the Anthropic SDK's own spans stay off), which is why this file stands alone.
 */
import assert from "node:assert/strict";
import Anthropic from "@anthropic-ai/sdk";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { anthropicClient, anthropicParams } from "../../lib/llm/anthropic.ts";
import { openAiClient, openAiParams } from "../../lib/llm/openai.ts";
import { withChatSpans } from "../../lib/llm/traced_client.ts";
import { type LlmClient, LlmError, type LlmRequest, type Message } from "../../lib/llm/types.ts";
import type { ToolSchema } from "../../lib/llm/mod.ts";
import { type LlmServer, startLlmServer } from "../support/llm_server.ts";

const memory = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }));

const ANTHROPIC_KEY = "sk-ant-test-providers-0000000000";
const OPENAI_KEY = "sk-test-providers-000000000000000000";

const TOOLS: ToolSchema[] = [
  {
    name: "bash",
    description: "Runs a command.",
    inputSchema: { type: "object", properties: { command: { type: "string" } }, required: ["command"] },
  },
  {
    name: "file_read",
    description: "Reads a file.",
    inputSchema: { type: "object", properties: { path: { type: "string" } }, required: ["path"] },
  },
  {
    name: "glob_tool",
    description: "Finds files.",
    inputSchema: { type: "object", properties: { pattern: { type: "string" } }, required: ["pattern"] },
  },
];

function request(overrides: Partial<LlmRequest> = {}): LlmRequest {
  return {
    model: "claude-sonnet-5-5",
    system: "You are kodelet, under test.",
    messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
    tools: [],
    maxTokens: 2048,
    temperature: undefined,
    thinkingBudgetTokens: 0,
    ...overrides,
  };
}

/** A conversation after one round of tool use: thinking, text, two calls, two results (one failed). */
const AFTER_TOOLS: Message[] = [
  { role: "user", content: [{ type: "text", text: "list the files" }] },
  {
    role: "assistant",
    content: [
      { type: "thinking", thinking: "I should run ls.", signature: "sig-round-trip" },
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls" } },
      { type: "tool_use", id: "toolu_2", name: "file_read", input: { path: "missing.txt" } },
    ],
  },
  {
    role: "user",
    content: [
      { type: "tool_result", toolUseId: "toolu_1", content: "a.ts\nb.ts", isError: false },
      {
        type: "tool_result",
        toolUseId: "toolu_2",
        content: "Error (not_found): no such file",
        isError: true,
      },
    ],
  },
];

async function withServer(fn: (server: LlmServer) => Promise<void>): Promise<void> {
  const server = await startLlmServer();
  try {
    await fn(server);
  } finally {
    await server.close();
  }
}

function anthropicOn(server: LlmServer): LlmClient {
  return anthropicClient({ apiKey: ANTHROPIC_KEY, baseUrl: server.anthropicBaseUrl });
}

function openAiOn(server: LlmServer): LlmClient {
  return openAiClient({ apiKey: OPENAI_KEY, baseUrl: server.openaiBaseUrl });
}

/** A fetch that sends every request to the test server, whatever host the SDK aimed at. */
function fetchTo(server: LlmServer): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : String(input));
    return fetch(`${server.url}${url.pathname}${url.search}`, init);
  };
}

const never = () => new AbortController().signal;

// ---------------------------------------------------------------------------------------------
// Anthropic

Deno.test("anthropicClient streams text to onText in order, after onFirstChunk, and returns it whole", async () => {
  await withServer(async (server) => {
    const text = "Hello! Here is a longer answer that the server splits into many deltas. ✓ done";
    server.enqueue({ kind: "message", text });
    const log: string[] = [];
    const response = await anthropicOn(server).stream(request(), {
      onFirstChunk: () => log.push("<first>"),
      onText: (piece) => log.push(piece),
    }, never());
    assert.equal(log[0], "<first>");
    assert.equal(log.filter((entry) => entry === "<first>").length, 1);
    const pieces = log.slice(1);
    assert.ok(pieces.length > 1, "streamed in pieces");
    assert.equal(pieces.join(""), text);
    assert.deepEqual(response.content, [{ type: "text", text }]);
    assert.equal(response.finishReason, "stop");
    assert.equal(response.model, "claude-sonnet-5-5");
    assert.match(response.id, /^msg_/);
  });
});

Deno.test("anthropicClient streams thinking before text, and returns the thinking block with its signature, text, and parsed tool_use inputs", async () => {
  await withServer(async (server) => {
    const input = { command: "ls -la", timeout: 30, nested: { list: [1, "two", null] } };
    server.enqueue({
      kind: "message",
      thinking: "The user wants the files; bash it is.",
      signature: "EqQBCkYIARgCIkBsignature==",
      text: "Let me look.",
      toolCalls: [
        { id: "toolu_a", name: "bash", input },
        { id: "toolu_b", name: "file_read", input: { path: "README.md" } },
      ],
    });
    const heard: string[] = [];
    const response = await anthropicOn(server).stream(request({ tools: TOOLS }), {
      onThinking: (text) => heard.push(`thinking:${text}`),
      onText: (text) => heard.push(`text:${text}`),
    }, never());
    const thinking = heard.filter((event) => event.startsWith("thinking:"));
    assert.ok(thinking.length > 1, "thinking arrives in pieces, as it streams");
    assert.equal(
      thinking.map((event) => event.slice("thinking:".length)).join(""),
      "The user wants the files; bash it is.",
    );
    assert.ok(
      heard.findIndex((event) => event.startsWith("text:")) > heard.lastIndexOf(thinking.at(-1) ?? ""),
    );
    assert.deepEqual(response.content, [
      {
        type: "thinking",
        thinking: "The user wants the files; bash it is.",
        signature: "EqQBCkYIARgCIkBsignature==",
      },
      { type: "text", text: "Let me look." },
      { type: "tool_use", id: "toolu_a", name: "bash", input },
      { type: "tool_use", id: "toolu_b", name: "file_read", input: { path: "README.md" } },
    ]);
    assert.equal(response.finishReason, "tool_call");
  });
});

Deno.test("anthropicClient maps usage with input excluding cache reads and writes, and thinking tokens as reasoning", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      text: "ok",
      usage: { input: 120, output: 45, cacheRead: 300, cacheCreation: 50, reasoning: 12 },
    });
    const response = await anthropicOn(server).stream(request(), {}, never());
    assert.deepEqual(response.usage, {
      input: 120,
      output: 45,
      cacheRead: 300,
      cacheWrite: 50,
      reasoning: 12,
    });
  });
});

Deno.test("anthropicClient maps stop reasons: end_turn stop, tool_use tool_call, max_tokens length", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "message", text: "a" },
      { kind: "message", toolCalls: [{ id: "t", name: "bash", input: { command: "x" } }] },
      { kind: "message", text: "truncat", stopReason: "max_tokens" },
    );
    const client = anthropicOn(server);
    const reasons = [];
    for (let i = 0; i < 3; i++) reasons.push((await client.stream(request(), {}, never())).finishReason);
    assert.deepEqual(reasons, ["stop", "tool_call", "length"]);
  });
});

Deno.test("anthropicClient measures the time to the first chunk", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "late", delayMs: 80 });
    const started = performance.now();
    const response = await anthropicOn(server).stream(request(), {}, never());
    const elapsed = performance.now() - started;
    assert.equal(typeof response.timeToFirstChunkMs, "number");
    const ttfc = response.timeToFirstChunkMs ?? -1;
    assert.ok(ttfc >= 70, `waited for the delayed first byte: ${ttfc}`);
    assert.ok(ttfc <= elapsed, `${ttfc} <= ${elapsed}`);
  });
});

Deno.test("anthropicClient sends tool_result blocks, thinking with signature, cached system and tools", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "done" });
    await anthropicOn(server).stream(
      request({ messages: AFTER_TOOLS, tools: TOOLS, temperature: 0.2 }),
      {},
      never(),
    );
    const [recorded] = server.requests;
    assert.ok(recorded);
    assert.equal(recorded.path, "/v1/messages");
    const body = recorded.body;
    assert.equal(body.stream, true);
    assert.equal(body.model, "claude-sonnet-5-5");
    assert.equal(body.max_tokens, 2048);
    assert.equal("temperature" in body, false, "the Messages API of this SDK has no temperature");
    // Sonnet 5.5 always thinks; kodelet asks for the summary, which it would otherwise omit.
    assert.deepEqual(body.thinking, { type: "adaptive", display: "summarized" });
    assert.deepEqual(body.system, [
      { type: "text", text: "You are kodelet, under test.", cache_control: { type: "ephemeral" } },
    ]);
    // Breakpoints on the last two user messages, so the next request reads this one from the cache.
    assert.deepEqual(body.messages, [
      {
        role: "user",
        content: [{ type: "text", text: "list the files", cache_control: { type: "ephemeral" } }],
      },
      {
        role: "assistant",
        content: [
          { type: "thinking", thinking: "I should run ls.", signature: "sig-round-trip" },
          { type: "text", text: "Let me look." },
          { type: "tool_use", id: "toolu_1", name: "bash", input: { command: "ls" } },
          { type: "tool_use", id: "toolu_2", name: "file_read", input: { path: "missing.txt" } },
        ],
      },
      {
        role: "user",
        content: [
          { type: "tool_result", tool_use_id: "toolu_1", content: "a.ts\nb.ts", is_error: false },
          {
            type: "tool_result",
            tool_use_id: "toolu_2",
            content: "Error (not_found): no such file",
            is_error: true,
            cache_control: { type: "ephemeral" },
          },
        ],
      },
    ]);
    const tools = body.tools as Record<string, unknown>[];
    assert.deepEqual(tools.map((tool) => tool.name), ["bash", "file_read", "glob_tool"]);
    assert.deepEqual(tools.map((tool) => tool.cache_control), [undefined, undefined, { type: "ephemeral" }]);
    assert.deepEqual(tools[0]?.input_schema, TOOLS[0]?.inputSchema);
  });
});

Deno.test("anthropicClient reports server.address and port of its base URL", () => {
  assert.deepEqual(anthropicClient({ apiKey: "k", baseUrl: undefined }).server, {
    address: "api.anthropic.com",
    port: 443,
  });
  assert.deepEqual(anthropicClient({ apiKey: "k", baseUrl: "http://127.0.0.1:8089" }).server, {
    address: "127.0.0.1",
    port: 8089,
  });
});

// ---------------------------------------------------------------------------------------------
// OpenAI

Deno.test("openAiClient streams text to onText in order, after onFirstChunk, and returns it whole", async () => {
  await withServer(async (server) => {
    const text = "Hello from an OpenAI-compatible server, in several chunks. ✓";
    server.enqueue({ kind: "message", text, model: "gpt-5.5-2026-01-01" });
    const log: string[] = [];
    const response = await openAiOn(server).stream(request({ model: "gpt-5.5" }), {
      onFirstChunk: () => log.push("<first>"),
      onText: (piece) => log.push(piece),
    }, never());
    assert.equal(log[0], "<first>");
    assert.equal(log.filter((entry) => entry === "<first>").length, 1);
    assert.ok(log.length > 2);
    assert.equal(log.slice(1).join(""), text);
    assert.deepEqual(response.content, [{ type: "text", text }]);
    assert.equal(response.model, "gpt-5.5-2026-01-01");
    assert.match(response.id, /^chatcmpl-/);
    assert.equal(response.finishReason, "stop");
    assert.equal(typeof response.timeToFirstChunkMs, "number");
  });
});

Deno.test("openAiClient shows a compatible server's reasoning_content as thinking and keeps it out of the answer and the next request", async () => {
  await withServer(async (server) => {
    const thinking = "The user greets me; a short greeting back will do.";
    server.enqueue({ kind: "message", thinking, text: "Hello!" }, { kind: "message", text: "Again." });
    const heard: string[] = [];
    const client = openAiOn(server);
    const response = await client.stream(request({ model: "deepseek-reasoner" }), {
      onThinking: (piece) => heard.push(piece),
    }, never());
    assert.ok(heard.length > 1);
    assert.equal(heard.join(""), thinking);
    assert.deepEqual(response.content, [{ type: "text", text: "Hello!" }]);
    await client.stream(
      request({
        model: "deepseek-reasoner",
        messages: [
          { role: "user", content: [{ type: "text", text: "hello" }] },
          { role: "assistant", content: response.content },
          { role: "user", content: [{ type: "text", text: "again" }] },
        ],
      }),
      {},
      never(),
    );
    assert.equal(JSON.stringify(server.requests[1]?.body).includes("greeting back"), false);
  });
});

Deno.test("openAiClient assembles streamed tool_calls into tool_use blocks with parsed inputs, in order", async () => {
  await withServer(async (server) => {
    const input = { command: "grep -rn 'x' .", nested: { a: [1, 2, { b: true }] } };
    server.enqueue({
      kind: "message",
      text: "Checking.",
      toolCalls: [
        { id: "call_1", name: "bash", input },
        { id: "call_2", name: "file_read", input: { path: "deno.json" } },
      ],
    });
    const response = await openAiOn(server).stream(request({ model: "gpt-5.5", tools: TOOLS }), {}, never());
    assert.deepEqual(response.content, [
      { type: "text", text: "Checking." },
      { type: "tool_use", id: "call_1", name: "bash", input },
      { type: "tool_use", id: "call_2", name: "file_read", input: { path: "deno.json" } },
    ]);
    assert.equal(response.finishReason, "tool_call");
  });
});

Deno.test("openAiClient maps usage: input is prompt_tokens minus cached, cached is cacheRead, reasoning kept", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      text: "ok",
      usage: { input: 40, output: 7, cacheRead: 10, reasoning: 3 },
    });
    const response = await openAiOn(server).stream(request({ model: "gpt-5.5" }), {}, never());
    assert.deepEqual(response.usage, { input: 30, output: 7, cacheRead: 10, cacheWrite: 0, reasoning: 3 });
  });
});

Deno.test("openAiClient maps finish reasons: stop, tool_calls tool_call, length", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "message", text: "a" },
      { kind: "message", toolCalls: [{ id: "c", name: "bash", input: { command: "x" } }] },
      { kind: "message", text: "truncat", stopReason: "max_tokens" },
    );
    const client = openAiOn(server);
    const reasons = [];
    for (let i = 0; i < 3; i++) {
      reasons.push((await client.stream(request({ model: "gpt-5.5" }), {}, never())).finishReason);
    }
    assert.deepEqual(reasons, ["stop", "tool_call", "length"]);
  });
});

Deno.test("openAiClient sends the system prompt first, tool results as role tool, max_tokens and include_usage to a compatible server", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "done" });
    await openAiOn(server).stream(
      request({ model: "gpt-5.5", messages: AFTER_TOOLS, tools: TOOLS, temperature: 0.4 }),
      {},
      never(),
    );
    const [recorded] = server.requests;
    assert.ok(recorded);
    assert.equal(recorded.path, "/v1/chat/completions");
    const body = recorded.body;
    assert.equal(body.stream, true);
    assert.deepEqual(body.stream_options, { include_usage: true });
    assert.equal(body.max_tokens, 2048);
    assert.equal(body.max_completion_tokens, undefined);
    assert.equal(body.temperature, 0.4);
    assert.deepEqual(body.messages, [
      { role: "system", content: "You are kodelet, under test." },
      { role: "user", content: "list the files" },
      {
        role: "assistant",
        content: "Let me look.",
        tool_calls: [
          { id: "toolu_1", type: "function", function: { name: "bash", arguments: '{"command":"ls"}' } },
          {
            id: "toolu_2",
            type: "function",
            function: { name: "file_read", arguments: '{"path":"missing.txt"}' },
          },
        ],
      },
      { role: "tool", tool_call_id: "toolu_1", content: "a.ts\nb.ts" },
      { role: "tool", tool_call_id: "toolu_2", content: "Error (not_found): no such file" },
    ]);
    const tools = body.tools as { type: string; function: { name: string; parameters: unknown } }[];
    assert.deepEqual(tools.map((tool) => [tool.type, tool.function.name]), [
      ["function", "bash"],
      ["function", "file_read"],
      ["function", "glob_tool"],
    ]);
    assert.deepEqual(tools[1]?.function.parameters, TOOLS[1]?.inputSchema);
  });
});

Deno.test("openAiClient sends max_completion_tokens to api.openai.com (default and explicit base URL)", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "one" }, { kind: "message", text: "two" });
    for (const baseUrl of [undefined, "https://api.openai.com/v1"]) {
      const client = openAiClient({ apiKey: OPENAI_KEY, baseUrl, fetch: fetchTo(server) });
      assert.deepEqual(client.server, { address: "api.openai.com", port: 443 });
      await client.stream(request({ model: "gpt-5.5" }), {}, never());
    }
    for (const recorded of server.requests) {
      assert.equal(recorded.body.max_completion_tokens, 2048);
      assert.equal(recorded.body.max_tokens, undefined);
    }
    assert.equal(server.requests.length, 2);
  });
});

// ---------------------------------------------------------------------------------------------
// Both providers: errors, no SDK retries, cancellation, no SDK spans

const CLIENTS: [string, (server: LlmServer) => LlmClient, string][] = [
  ["anthropicClient", anthropicOn, "claude-sonnet-5-5"],
  ["openAiClient", openAiOn, "gpt-5.5"],
];

for (const [name, make, model] of CLIENTS) {
  Deno.test(`${name} throws a classified LlmError and leaves retrying to kodelet (the SDK does not retry)`, async () => {
    await withServer(async (server) => {
      server.enqueue({ kind: "error", status: 529, retryAfterMs: 1 }, { kind: "message", text: "unused" });
      await assert.rejects(
        make(server).stream(request({ model }), {}, never()),
        (error) => error instanceof LlmError && error.kind === "overloaded" && error.status === 529,
      );
      assert.equal(server.pending(), 1, "the SDK made no second request");
      assert.equal(server.requests.length, 1);
    });
  });

  Deno.test(`${name} cancelled mid-stream throws LlmError cancelled instead of returning a partial answer`, async () => {
    await withServer(async (server) => {
      server.enqueue({
        kind: "message",
        text: "a slow answer that the user interrupts after the first piece arrives",
        chunkDelayMs: 40,
      });
      const controller = new AbortController();
      const seen: string[] = [];
      await assert.rejects(
        make(server).stream(request({ model }), {
          onText: (text) => {
            seen.push(text);
            controller.abort();
          },
        }, controller.signal),
        (error) => error instanceof LlmError && error.kind === "cancelled",
      );
      assert.equal(seen.length, 1, "nothing streamed after the abort");
    });
  });

  Deno.test(`${name} with a tracer provider registered makes no spans of its own; kodelet's chat span is the only one`, async () => {
    await withServer(async (server) => {
      memory.reset();
      server.enqueue({ kind: "message", text: "traced" }, { kind: "message", text: "untraced" });
      const traced = withChatSpans(make(server), {
        conversationId: "conv-providers",
        captureContent: false,
        captureMaxBytes: 1024,
        redact: (text) => text,
      });
      await traced.stream(request({ model }), {}, never());
      await make(server).stream(request({ model }), {}, never());
      const spans = memory.getFinishedSpans();
      assert.deepEqual(spans.map((span) => `${span.instrumentationScope.name}: ${span.name}`), [
        `kodelet: chat ${model}`,
      ]);
    });
  });
}

Deno.test("the Anthropic SDK left to itself does trace, so the no-extra-spans test can see SDK spans", async () => {
  await withServer(async (server) => {
    memory.reset();
    server.enqueue({ kind: "message", text: "sdk-traced" });
    const sdk = new Anthropic({ apiKey: ANTHROPIC_KEY, baseURL: server.anthropicBaseUrl, maxRetries: 0 });
    await sdk.messages.stream({
      model: "claude-sonnet-5-5",
      max_tokens: 16,
      messages: [{ role: "user", content: "x" }],
    })
      .finalMessage();
    assert.ok(memory.getFinishedSpans().length > 0, "the SDK's default OpenTelemetry made spans");
    assert.ok(memory.getFinishedSpans().every((span) => span.instrumentationScope.name !== "kodelet"));
  });
});

// ---------------------------------------------------------------------------------------------
// Request bodies as pure functions

Deno.test("anthropicParams caches the system prompt and only the last tool", () => {
  const params = anthropicParams(request({ tools: TOOLS }));
  assert.deepEqual(params.system, [
    { type: "text", text: "You are kodelet, under test.", cache_control: { type: "ephemeral" } },
  ]);
  const tools = (params.tools ?? []) as { name: string; cache_control?: unknown }[];
  assert.equal(tools.length, 3);
  assert.deepEqual(tools.map((tool) => "cache_control" in tool), [false, false, true]);
  assert.deepEqual(tools[2]?.cache_control, { type: "ephemeral" });
  assert.equal("tools" in anthropicParams(request()), false, "no tools key without tools");
});

Deno.test("anthropicParams asks each model for thinking its own way and never sends temperature", () => {
  // Read through a plain record: the SDK's 2026-10-21 request type has no temperature field.
  const extendedOff: Record<string, unknown> = {
    ...anthropicParams(request({ model: "claude-haiku-4-5", temperature: 0.7, thinkingBudgetTokens: 0 })),
  };
  assert.equal("temperature" in extendedOff, false);
  assert.equal("thinking" in extendedOff, false, "extended-thinking models think only when asked");

  const extended = anthropicParams(
    request({
      model: "claude-sonnet-4-5-20250929",
      temperature: 0.7,
      thinkingBudgetTokens: 4096,
      maxTokens: 16_000,
    }),
  );
  assert.deepEqual(extended.thinking, { type: "enabled", budget_tokens: 4096 });
  assert.equal("temperature" in extended, false, "the API rejects temperature with thinking");
  assert.equal(extended.max_tokens, 16_000);
  // A budget that leaves no room for the answer is not sent (the API would refuse it).
  const tooBig = anthropicParams(
    request({ model: "claude-haiku-4-5", thinkingBudgetTokens: 4096, maxTokens: 2048 }),
  );
  assert.equal(tooBig.thinking, undefined);

  // Adaptive models: no budget_tokens (4.7+ refuse "enabled"); the summary is asked for, since
  // their default display omits the thinking text.
  const adaptive = anthropicParams(request({ model: "claude-opus-4-7", thinkingBudgetTokens: 4096 }));
  assert.deepEqual(adaptive.thinking, { type: "adaptive", display: "summarized" });
  const adaptiveOff = anthropicParams(request({ model: "claude-sonnet-5", thinkingBudgetTokens: 0 }));
  assert.deepEqual(adaptiveOff.thinking, { type: "disabled" });
  // Always-on models refuse "disabled": they think anyway, and the summary is still asked for.
  const alwaysOn = anthropicParams(request({ model: "claude-sonnet-5-5", thinkingBudgetTokens: 0 }));
  assert.deepEqual(alwaysOn.thinking, { type: "adaptive", display: "summarized" });

  // A model kodelet does not know gets no thinking parameter: it cannot be refused for it.
  const unknown = anthropicParams(
    request({ model: "claude-test", thinkingBudgetTokens: 4096, maxTokens: 16_000 }),
  );
  assert.equal(unknown.thinking, undefined);
});

Deno.test("openAiParams uses max_completion_tokens for api.openai.com and max_tokens elsewhere, with include_usage", () => {
  const official = openAiParams(request({ model: "gpt-5.5", tools: TOOLS }), true);
  assert.equal(official.max_completion_tokens, 2048);
  assert.equal("max_tokens" in official, false);
  assert.equal(official.stream, true);
  assert.deepEqual(official.stream_options, { include_usage: true });
  assert.equal(official.tools?.length, 3);

  const compatible = openAiParams(request({ model: "llama3", temperature: 0 }), false);
  assert.equal(compatible.max_tokens, 2048);
  assert.equal("max_completion_tokens" in compatible, false);
  assert.equal(compatible.temperature, 0, "temperature 0 is sent, not dropped");
  assert.deepEqual(compatible.stream_options, { include_usage: true });
  assert.equal("tools" in compatible, false);
  assert.deepEqual(compatible.messages[0], { role: "system", content: "You are kodelet, under test." });
});

Deno.test("anthropicParams joins consecutive user messages (tool results, then a new question)", () => {
  const params = anthropicParams(request({
    messages: [
      { role: "user", content: [{ type: "text", text: "loop" }] },
      {
        role: "assistant",
        content: [{ type: "tool_use", id: "t1", name: "bash", input: { command: "true" } }],
      },
      { role: "user", content: [{ type: "tool_result", toolUseId: "t1", content: "", isError: false }] },
      { role: "user", content: [{ type: "text", text: "and then?" }] },
    ],
  }));
  assert.deepEqual(params.messages.map((message) => message.role), ["user", "assistant", "user"]);
  assert.equal((params.messages[2]?.content as unknown[]).length, 2);
});
