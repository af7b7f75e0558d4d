// Drives tests/support/llm_server.ts with the official Anthropic and OpenAI SDKs over real sockets, so
// the scripted server is known to speak each wire format the way the SDKs parse it.
import assert from "node:assert/strict";
import Anthropic, {
  APIError as AnthropicAPIError,
  AuthenticationError as AnthropicAuthenticationError,
  InternalServerError as AnthropicInternalServerError,
  OverloadedError,
  RateLimitError as AnthropicRateLimitError,
} from "@anthropic-ai/sdk";
import OpenAI, {
  APIError as OpenAIAPIError,
  AuthenticationError as OpenAIAuthenticationError,
  RateLimitError as OpenAIRateLimitError,
} from "openai";
import { type LlmServer, startLlmServer } from "./support/llm_server.ts";

const MODEL_ANTHROPIC = "claude-test-model";
const MODEL_OPENAI = "gpt-test-model";
// A stream that hangs instead of failing must fail the test rather than the whole run.
const HANG_GUARD_MS = 5_000;

async function withServer(body: (server: LlmServer) => Promise<void>): Promise<void> {
  const server = await startLlmServer();
  try {
    await body(server);
  } finally {
    await server.close();
  }
}

function anthropicClient(server: LlmServer, maxRetries = 0): Anthropic {
  return new Anthropic({ apiKey: "test", baseURL: server.anthropicBaseUrl, maxRetries });
}

function openaiClient(server: LlmServer, maxRetries = 0): OpenAI {
  return new OpenAI({ apiKey: "test", baseURL: server.openaiBaseUrl, maxRetries });
}

const anthropicParams = {
  model: MODEL_ANTHROPIC,
  max_tokens: 1024,
  messages: [{ role: "user" as const, content: "hello" }],
};

const openaiParams = {
  model: MODEL_OPENAI,
  messages: [{ role: "user" as const, content: "hello" }],
};

/** Rejects when `promise` has not settled in time, and always clears its timer (sanitizers). */
async function within<T>(promise: Promise<T>, ms = HANG_GUARD_MS): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const guard = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not settle within ${ms}ms (hang)`)), ms);
  });
  try {
    return await Promise.race([promise, guard]);
  } finally {
    clearTimeout(timer);
  }
}

Deno.test("llm_server anthropic: messages.stream yields thinking with signature, text, parsed tool input, usage and stop_reason", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      thinking: "The user greets me; I should list the files first.",
      text: "Hello! Let me look at the repository.",
      toolCalls: [
        {
          id: "toolu_01",
          name: "bash",
          input: { command: "ls -la", timeout: 30, nested: { list: [1, "two"] } },
        },
        { id: "toolu_02", name: "read_file", input: { path: "README.md" } },
      ],
      usage: { input: 120, output: 45, cacheRead: 300, cacheCreation: 50, reasoning: 12 },
    });
    const stream = anthropicClient(server).messages.stream(anthropicParams);
    const message = await within(stream.finalMessage());

    assert.equal(message.model, MODEL_ANTHROPIC, "model defaults to the requested one");
    assert.equal(message.role, "assistant");
    assert.equal(message.stop_reason, "tool_use", "stop_reason defaults to tool_use with tool calls");
    assert.equal(message.content.length, 4);
    const [thinking, text, bash, read] = message.content;
    assert.ok(thinking?.type === "thinking");
    assert.equal(thinking.thinking, "The user greets me; I should list the files first.");
    assert.ok(thinking.signature.length > 0, "signature_delta sets the signature");
    assert.ok(text?.type === "text");
    assert.equal(text.text, "Hello! Let me look at the repository.");
    assert.ok(bash?.type === "tool_use");
    assert.equal(bash.id, "toolu_01");
    assert.equal(bash.name, "bash");
    assert.deepEqual(bash.input, { command: "ls -la", timeout: 30, nested: { list: [1, "two"] } });
    assert.ok(read?.type === "tool_use");
    assert.deepEqual(read.input, { path: "README.md" });

    assert.equal(message.usage.input_tokens, 120);
    assert.equal(message.usage.output_tokens, 45, "message_delta's output_tokens is the final count");
    assert.equal(message.usage.cache_read_input_tokens, 300);
    assert.equal(message.usage.cache_creation_input_tokens, 50);
    assert.equal(message.usage.output_tokens_details?.thinking_tokens, 12);
    assert.equal(stream.request_id, "req_llmserver_0001");

    assert.equal(server.requests.length, 1);
    const recorded = server.requests[0];
    assert.ok(recorded);
    assert.equal(recorded.provider, "anthropic");
    assert.equal(recorded.path, "/v1/messages");
    // SDK 1.11 sends the API key as a bearer token, not as x-api-key.
    assert.equal(recorded.headers.get("authorization"), "Bearer test");
    assert.ok(recorded.headers.get("anthropic-version"));
    assert.equal(recorded.body["stream"], true);
    assert.equal(recorded.body["model"], MODEL_ANTHROPIC);
    assert.equal(server.pending(), 0);
  });
});

Deno.test("llm_server anthropic: create({stream: true}) delivers the documented event order with split deltas", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      text: "Four score and seven years ago",
      toolCalls: [
        { id: "toolu_9", name: "grep", input: { pattern: "fn main", glob: "**/*.rs" } },
      ],
    });
    const events = await anthropicClient(server).messages.create({ ...anthropicParams, stream: true });
    const types: string[] = [];
    const textPieces: string[] = [];
    const jsonPieces: string[] = [];
    for await (const event of events) {
      types.push(event.type === "content_block_delta" ? `delta:${event.delta.type}` : event.type);
      if (event.type === "content_block_delta" && event.delta.type === "text_delta") {
        textPieces.push(event.delta.text);
      }
      if (event.type === "content_block_delta" && event.delta.type === "input_json_delta") {
        jsonPieces.push(event.delta.partial_json);
      }
    }
    const collapsed = types.filter((type, i) => type !== types[i - 1]);
    assert.deepEqual(collapsed, [
      "message_start",
      "content_block_start",
      "delta:text_delta",
      "content_block_stop",
      "content_block_start",
      "delta:input_json_delta",
      "content_block_stop",
      "message_delta",
      "message_stop",
    ]);
    assert.ok(textPieces.length >= 3, "text arrives in several text_delta pieces");
    assert.equal(textPieces.join(""), "Four score and seven years ago");
    assert.ok(jsonPieces.length >= 3, "tool input arrives in several input_json_delta pieces");
    assert.ok(jsonPieces.some((piece) => piece !== "" && !isJson(piece)), "pieces are not JSON on their own");
    assert.deepEqual(JSON.parse(jsonPieces.join("")), { pattern: "fn main", glob: "**/*.rs" });
  });
});

Deno.test("llm_server anthropic: the raw SSE wire carries event lines, a ping and the request-id header", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "hi" });
    const response = await fetch(`${server.anthropicBaseUrl}/v1/messages`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ ...anthropicParams, stream: true }),
    });
    assert.equal(response.status, 200);
    assert.match(response.headers.get("content-type") ?? "", /^text\/event-stream/);
    assert.equal(response.headers.get("request-id"), "req_llmserver_0001");
    const wire = await response.text();
    const names = [...wire.matchAll(/^event: (\w+)$/gm)].map((match) => match[1]);
    assert.deepEqual(names.slice(0, 3), ["message_start", "ping", "content_block_start"]);
    assert.deepEqual(names.slice(-2), ["message_delta", "message_stop"]);
    for (const block of wire.split("\n\n").filter((part) => part !== "")) {
      assert.match(
        block,
        /^event: \w+\ndata: \{.*\}$/,
        "every frame is an event line and one JSON data line",
      );
    }
  });
});

Deno.test("llm_server anthropic: scripted id, model and max_tokens stop reason override the defaults; end_turn without tools", async () => {
  await withServer(async (server) => {
    server.enqueue(
      {
        kind: "message",
        id: "msg_custom",
        model: "claude-other",
        text: "cut short",
        stopReason: "max_tokens",
      },
      { kind: "message", text: "done" },
    );
    const client = anthropicClient(server);
    const first = await within(client.messages.stream(anthropicParams).finalMessage());
    assert.equal(first.id, "msg_custom");
    assert.equal(first.model, "claude-other");
    assert.equal(first.stop_reason, "max_tokens");
    const second = await within(client.messages.stream(anthropicParams).finalMessage());
    assert.equal(second.stop_reason, "end_turn");
    assert.deepEqual(second.content.map((block) => block.type), ["text"]);
    assert.equal(server.requests.length, 2);
  });
});

Deno.test("llm_server openai: streamed chunks accumulate content, tool call arguments, finish_reason and the include_usage chunk", async () => {
  await withServer(async (server) => {
    server.enqueue({
      kind: "message",
      text: "Let me check both files.",
      toolCalls: [
        { id: "call_a", name: "read_file", input: { path: "src/main.ts", lines: [1, 40] } },
        { id: "call_b", name: "bash", input: { command: "deno test" } },
      ],
      usage: { input: 200, output: 30, cacheRead: 128, reasoning: 7 },
    });
    const client = openaiClient(server);
    const { data: stream, request_id } = await client.chat.completions
      .create({ ...openaiParams, stream: true, stream_options: { include_usage: true } })
      .withResponse();
    assert.equal(request_id, "req_llmserver_0001", "x-request-id is the SDK's request_id");

    let role: string | undefined;
    let content = "";
    let finishReason: string | null = null;
    const calls: { id: string; name: string; args: string; argDeltas: number }[] = [];
    let usage: OpenAI.CompletionUsage | null | undefined;
    let usageChunkChoices = -1;
    let chunksBeforeUsage = 0;
    for await (const chunk of stream) {
      assert.equal(chunk.object, "chat.completion.chunk");
      assert.equal(chunk.model, MODEL_OPENAI);
      if (chunk.usage) {
        usage = chunk.usage;
        usageChunkChoices = chunk.choices.length;
        continue;
      }
      assert.equal(chunk.usage, null, "with include_usage the other chunks carry usage: null");
      chunksBeforeUsage += 1;
      const choice = chunk.choices[0];
      assert.ok(choice);
      role ??= choice.delta.role;
      content += choice.delta.content ?? "";
      finishReason = choice.finish_reason ?? finishReason;
      for (const delta of choice.delta.tool_calls ?? []) {
        if (delta.id !== undefined) {
          assert.equal(delta.type, "function");
          calls[delta.index] = { id: delta.id, name: delta.function?.name ?? "", args: "", argDeltas: 0 };
        }
        const call = calls[delta.index];
        assert.ok(call, "the first delta for an index carries its id");
        if (delta.function?.arguments) {
          call.args += delta.function.arguments;
          call.argDeltas += 1;
        }
      }
    }
    assert.ok(chunksBeforeUsage > 3);
    assert.equal(role, "assistant");
    assert.equal(content, "Let me check both files.");
    assert.equal(finishReason, "tool_calls");
    assert.equal(calls.length, 2);
    assert.deepEqual(calls.map((call) => [call.id, call.name]), [["call_a", "read_file"], [
      "call_b",
      "bash",
    ]]);
    assert.ok(calls.every((call) => call.argDeltas >= 3), "arguments arrive split across several deltas");
    assert.deepEqual(JSON.parse(calls[0]?.args ?? ""), { path: "src/main.ts", lines: [1, 40] });
    assert.deepEqual(JSON.parse(calls[1]?.args ?? ""), { command: "deno test" });

    assert.equal(usageChunkChoices, 0, "the usage chunk has empty choices");
    assert.equal(usage?.prompt_tokens, 200);
    assert.equal(usage?.completion_tokens, 30);
    assert.equal(usage?.total_tokens, 230);
    assert.equal(usage?.prompt_tokens_details?.cached_tokens, 128);
    assert.equal(usage?.completion_tokens_details?.reasoning_tokens, 7);

    const recorded = server.requests[0];
    assert.ok(recorded);
    assert.equal(recorded.provider, "openai");
    assert.equal(recorded.path, "/v1/chat/completions");
    assert.equal(recorded.headers.get("authorization"), "Bearer test");
    assert.deepEqual(recorded.body["stream_options"], { include_usage: true });
  });
});

Deno.test("llm_server openai: without include_usage there is no usage chunk, and the stream helper's final completion matches", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "message", text: "plain answer" },
      { kind: "message", text: "truncated", stopReason: "max_tokens" },
    );
    const client = openaiClient(server);
    const stream = await client.chat.completions.create({ ...openaiParams, stream: true });
    let sawUsage = false;
    let finish: string | null = null;
    for await (const chunk of stream) {
      if ("usage" in chunk) sawUsage = true;
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    assert.equal(sawUsage, false);
    assert.equal(finish, "stop");

    const helper = client.chat.completions.stream({ ...openaiParams, stream: true });
    const completion = await within(helper.finalChatCompletion());
    assert.equal(completion.choices[0]?.message.content, "truncated");
    assert.equal(completion.choices[0]?.finish_reason, "length");
  });
});

Deno.test("llm_server faults: 429 with retry-after surfaces as each SDK's RateLimitError carrying the header", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "error", status: 429, retryAfterSeconds: 7, message: "slow down" },
      { kind: "error", status: 429, retryAfterSeconds: 3 },
    );
    const anthropicError = await anthropicClient(server).messages.create({ ...anthropicParams, stream: true })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(anthropicError instanceof AnthropicRateLimitError);
    assert.equal(anthropicError.status, 429);
    assert.equal(anthropicError.headers?.get("retry-after"), "7");
    assert.equal(anthropicError.type, "rate_limit_error");
    assert.equal(anthropicError.requestID, "req_llmserver_0001");
    assert.match(anthropicError.message, /slow down/);

    const openaiError = await openaiClient(server).chat.completions.create({ ...openaiParams, stream: true })
      .then(() => undefined, (error: unknown) => error);
    assert.ok(openaiError instanceof OpenAIRateLimitError);
    assert.equal(openaiError.status, 429);
    assert.equal(openaiError.headers?.get("retry-after"), "3");
    assert.equal(openaiError.code, "rate_limit_exceeded");
    assert.equal(openaiError.requestID, "req_llmserver_0002");
    assert.equal(server.pending(), 0);
  });
});

Deno.test("llm_server faults: 401 surfaces as AuthenticationError in both SDKs", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "error", status: 401 }, { kind: "error", status: 401 });
    await assert.rejects(
      anthropicClient(server).messages.stream(anthropicParams).finalMessage(),
      (error: unknown) =>
        error instanceof AnthropicAuthenticationError && error.type === "authentication_error",
    );
    await assert.rejects(
      openaiClient(server).chat.completions.create({ ...openaiParams, stream: true }),
      (error: unknown) => error instanceof OpenAIAuthenticationError && error.status === 401,
    );
  });
});

Deno.test("llm_server faults: anthropic 529 surfaces as OverloadedError; with retries the SDK honours retry-after-ms and succeeds", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "error", status: 529, retryAfterSeconds: 1 });
    const error = await anthropicClient(server).messages.stream(anthropicParams).finalMessage()
      .then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof OverloadedError);
    assert.equal(error.status, 529);
    assert.equal(error.type, "overloaded_error");
    assert.equal(error.headers?.get("retry-after"), "1");

    server.enqueue({ kind: "error", status: 529, retryAfterMs: 10 }, { kind: "message", text: "recovered" });
    const started = performance.now();
    const message = await within(anthropicClient(server, 2).messages.stream(anthropicParams).finalMessage());
    assert.ok(performance.now() - started < 1_000, "retry-after-ms keeps the SDK's retry fast");
    assert.deepEqual(message.content, [{ type: "text", text: "recovered" }]);
    assert.equal(server.requests.length, 3);
    assert.equal(server.requests[2]?.headers.get("x-stainless-retry-count"), "1");
  });
});

Deno.test("llm_server faults: a cut connection makes both SDKs' stream iteration reject instead of hanging", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "cut", text: "This answer will never finish" }, {
      kind: "cut",
      text: "Nor this one",
    });

    const anthropicStream = anthropicClient(server).messages.stream(anthropicParams);
    let anthropicText = "";
    anthropicStream.on("text", (delta) => {
      anthropicText += delta;
    });
    await assert.rejects(within(anthropicStream.finalMessage()), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.doesNotMatch(error.message, /hang/);
      return true;
    });
    assert.ok(anthropicText.length > 0, "part of the text arrived before the cut");
    assert.ok("This answer will never finish".startsWith(anthropicText));

    const openaiStream = await openaiClient(server).chat.completions.create({
      ...openaiParams,
      stream: true,
    });
    let openaiText = "";
    const consume = async () => {
      for await (const chunk of openaiStream) openaiText += chunk.choices[0]?.delta.content ?? "";
    };
    await assert.rejects(within(consume()), (error: unknown) => {
      assert.ok(error instanceof Error);
      assert.doesNotMatch(error.message, /hang/);
      return true;
    });
    assert.ok(openaiText.length > 0 && "Nor this one".startsWith(openaiText));
  });
});

Deno.test("llm_server faults: an in-stream error event becomes an APIError in both SDKs", async () => {
  await withServer(async (server) => {
    server.enqueue(
      { kind: "streamError", text: "partial", errorType: "overloaded_error", message: "Overloaded" },
      { kind: "streamError", text: "partial" },
    );
    await assert.rejects(
      within(anthropicClient(server).messages.stream(anthropicParams).finalMessage()),
      (error: unknown) => error instanceof AnthropicAPIError && error.type === "overloaded_error",
    );
    const stream = await openaiClient(server).chat.completions.create({ ...openaiParams, stream: true });
    await assert.rejects(
      within((async () => {
        for await (const _chunk of stream) { /* drain */ }
      })()),
      (error: unknown) => error instanceof OpenAIAPIError && error.type === "server_error",
    );
  });
});

Deno.test("llm_server script: an exhausted script answers 500 saying so, and the SDK does not retry it", async () => {
  await withServer(async (server) => {
    const error = await anthropicClient(server, 2).messages.create({ ...anthropicParams, stream: true })
      .then(() => undefined, (caught: unknown) => caught);
    assert.ok(error instanceof AnthropicInternalServerError);
    assert.match(error.message, /script ran out/);
    assert.equal(server.requests.length, 1, "x-should-retry: false stops the SDK's retries");
  });
});

Deno.test("llm_server script: a non-streaming request gets a 400 and consumes no reply", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "kept" });
    const response = await fetch(`${server.openaiBaseUrl}/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(openaiParams),
    });
    assert.equal(response.status, 400);
    const body: unknown = await response.json();
    assert.match(JSON.stringify(body), /only streaming requests/);
    assert.equal(server.pending(), 1);
    assert.equal(server.requests.length, 1);
  });
});

Deno.test("llm_server script: delayMs holds back the first byte and chunkDelayMs paces the events", async () => {
  await withServer(async (server) => {
    server.enqueue({ kind: "message", text: "slow", delayMs: 150 }, {
      kind: "message",
      text: "paced",
      chunkDelayMs: 20,
    });
    const client = anthropicClient(server);
    let started = performance.now();
    await within(client.messages.stream(anthropicParams).finalMessage());
    assert.ok(performance.now() - started >= 140, "the response waited for delayMs");

    started = performance.now();
    await within(client.messages.stream(anthropicParams).finalMessage());
    // message_start, ping, block start, 3+ deltas, block stop, message_delta, message_stop: 8+ gaps.
    assert.ok(performance.now() - started >= 8 * 20 - 10, "events were paced by chunkDelayMs");
  });
});

Deno.test("llm_server lifecycle: close() ends a paused stream and a pending delay without waiting them out", async () => {
  const server = await startLlmServer();
  server.enqueue({ kind: "message", text: "never", delayMs: 60_000 });
  const request = fetch(`${server.anthropicBaseUrl}/v1/messages`, {
    method: "POST",
    body: JSON.stringify({ ...anthropicParams, stream: true }),
  });
  // Let the request reach the handler before closing.
  while (server.requests.length === 0) await new Promise((resolve) => setTimeout(resolve, 5));
  const started = performance.now();
  await within(server.close());
  assert.ok(performance.now() - started < 2_000);
  const response = await within(request);
  await response.body?.cancel();
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
