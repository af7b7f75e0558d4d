/**
 * classifyError against the errors the real SDKs throw: each SDK talks to the scripted LLM server
 * (or to a closed port) and the error it throws is classified into kind, status and retry-after,
 * with a one-line message that never contains the API key.
 */
import assert from "node:assert/strict";
import Anthropic, {
  APIConnectionError as AnthropicConnectionError,
  APIError as AnthropicApiError,
} from "@anthropic-ai/sdk";
import OpenAI, { APIConnectionError as OpenAiConnectionError, APIError as OpenAiApiError } from "openai";
import { classifyError, retryAfterMs } from "../../lib/llm/errors.ts";
import { LlmError, type LlmErrorKind } from "../../lib/llm/types.ts";
import { type LlmServer, type ScriptedReply, startLlmServer } from "../support/llm_server.ts";

const ANTHROPIC_KEY = "sk-ant-api03-SECRET-errors-test-0123456789abcdef";
const OPENAI_KEY = "sk-proj-SECRET-errors-test-0123456789abcdef";

type Provider = "anthropic" | "openai";
const PROVIDERS: Provider[] = ["anthropic", "openai"];

/** What the SDK of `provider` throws for one streaming request to baseUrl (the server's, or a closed port's). */
async function sdkError(provider: Provider, baseUrl: string, signal?: AbortSignal): Promise<unknown> {
  try {
    if (provider === "anthropic") {
      const client = new Anthropic({
        apiKey: ANTHROPIC_KEY,
        baseURL: baseUrl,
        maxRetries: 0,
        openTelemetry: false,
      });
      const stream = client.messages.stream({
        model: "claude-test",
        max_tokens: 64,
        messages: [{ role: "user", content: "hi" }],
      }, signal ? { signal } : {});
      stream.on("error", () => {});
      await stream.finalMessage();
    } else {
      const client = new OpenAI({ apiKey: OPENAI_KEY, baseURL: baseUrl, maxRetries: 0 });
      const stream = await client.chat.completions.create({
        model: "gpt-test",
        messages: [{ role: "user", content: "hi" }],
        stream: true,
      }, signal ? { signal } : {});
      for await (const _chunk of stream) {
        // Drain: faults in the stream surface while iterating.
      }
    }
  } catch (error) {
    return error;
  }
  throw new Error(`${provider}: the SDK did not fail`);
}

function baseUrlOf(server: LlmServer, provider: Provider): string {
  return provider === "anthropic" ? server.anthropicBaseUrl : server.openaiBaseUrl;
}

/** Runs one scripted fault through the real SDK and classifies what it threw. */
async function classifyFault(
  provider: Provider,
  reply: ScriptedReply,
): Promise<{ raw: unknown; error: LlmError }> {
  const server = await startLlmServer();
  try {
    server.enqueue(reply);
    const raw = await sdkError(provider, baseUrlOf(server, provider));
    return { raw, error: classifyError(raw, provider, new AbortController().signal) };
  } finally {
    await server.close();
  }
}

interface Expected {
  kind: LlmErrorKind;
  status: number | undefined;
  retryAfterMs: number | undefined;
  retryable: boolean;
  message: RegExp;
}

function assertClassified(error: LlmError, expected: Expected, provider: Provider): void {
  assert.ok(error instanceof LlmError);
  assert.equal(error.kind, expected.kind, error.message);
  assert.equal(error.status, expected.status);
  assert.equal(error.retryAfterMs, expected.retryAfterMs);
  assert.equal(error.retryable, expected.retryable);
  assert.match(error.message, expected.message);
  assert.ok(!error.message.includes("\n"), `one line: ${JSON.stringify(error.message)}`);
  assert.ok(!/[{}]/.test(error.message), `no JSON dump: ${error.message}`);
  const name = provider === "anthropic" ? "Anthropic" : "OpenAI";
  assert.ok(error.message.includes(name), `names the provider: ${error.message}`);
  for (const key of [ANTHROPIC_KEY, OPENAI_KEY, "SECRET-errors-test"]) {
    assert.ok(!error.message.includes(key), `the API key leaked into: ${error.message}`);
  }
}

interface Case {
  name: string;
  reply: ScriptedReply;
  expected: Expected;
}

const HTTP_CASES: Case[] = [
  {
    name: "401 is auth, not retryable, and tells the user to check the key",
    reply: { kind: "error", status: 401 },
    expected: {
      kind: "auth",
      status: 401,
      retryAfterMs: undefined,
      retryable: false,
      // Which setting to look at, as for an unreachable provider.
      message:
        /rejected the API key \(HTTP 401\): check (ANTHROPIC|OPENAI)_API_KEY \(or (anthropic|openai)\.api_key in config\.yaml\)$/,
    },
  },
  {
    name: "400 is bad_request with the server's own message",
    reply: { kind: "error", status: 400, message: "prompt is too long: 210000 tokens > 200000 maximum" },
    expected: {
      kind: "bad_request",
      status: 400,
      retryAfterMs: undefined,
      retryable: false,
      message: /refused the request \(HTTP 400\): prompt is too long: 210000 tokens > 200000 maximum$/,
    },
  },
  {
    name: "404 is not_found",
    reply: { kind: "error", status: 404, message: "model: claude-nonexistent" },
    expected: {
      kind: "not_found",
      status: 404,
      retryAfterMs: undefined,
      retryable: false,
      message: /\(HTTP 404\): model: claude-nonexistent$/,
    },
  },
  {
    name: "429 with retry-after (seconds) is rate_limited with the wait in ms",
    reply: { kind: "error", status: 429, retryAfterSeconds: 7 },
    expected: {
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 7000,
      retryable: true,
      message: /rate limit/,
    },
  },
  {
    name: "429 with retry-after-ms is rate_limited with that wait",
    reply: { kind: "error", status: 429, retryAfterMs: 1234 },
    expected: {
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 1234,
      retryable: true,
      message: /rate limit/,
    },
  },
  {
    name: "429 with both headers prefers retry-after-ms",
    reply: { kind: "error", status: 429, retryAfterSeconds: 30, retryAfterMs: 250 },
    expected: {
      kind: "rate_limited",
      status: 429,
      retryAfterMs: 250,
      retryable: true,
      message: /rate limit/,
    },
  },
  {
    name: "529 is overloaded and retryable",
    reply: { kind: "error", status: 529, retryAfterMs: 40 },
    expected: { kind: "overloaded", status: 529, retryAfterMs: 40, retryable: true, message: /overloaded/ },
  },
  {
    name: "500 is a retryable server error",
    reply: { kind: "error", status: 500, message: "internal failure" },
    expected: {
      kind: "server",
      status: 500,
      retryAfterMs: undefined,
      retryable: true,
      message: /server error \(HTTP 500\): internal failure$/,
    },
  },
  {
    name: "503 with retry-after is a server error with the wait",
    reply: { kind: "error", status: 503, retryAfterSeconds: 2 },
    expected: { kind: "server", status: 503, retryAfterMs: 2000, retryable: true, message: /HTTP 503/ },
  },
  {
    name: "a stream cut mid-message is stream_broken",
    reply: { kind: "cut", text: "a partial answer that is cut off half way" },
    expected: {
      kind: "stream_broken",
      status: undefined,
      retryAfterMs: undefined,
      retryable: false,
      message: /stream broke off/,
    },
  },
];

for (const provider of PROVIDERS) {
  for (const { name, reply, expected } of HTTP_CASES) {
    Deno.test(`classifyError ${provider}: ${name}`, async () => {
      const { raw, error } = await classifyFault(provider, reply);
      if (reply.kind === "error") {
        // The real SDK classes, not look-alikes.
        assert.ok(
          provider === "anthropic" ? raw instanceof AnthropicApiError : raw instanceof OpenAiApiError,
          `expected the SDK's APIError, got ${String(raw)}`,
        );
      }
      assertClassified(error, expected, provider);
      assert.equal(error.cause, raw, "the SDK error is kept as the cause");
    });
  }
}

Deno.test("classifyError anthropic: an in-stream overloaded_error event is overloaded (retryable), in one line", async () => {
  const { raw, error } = await classifyFault("anthropic", {
    kind: "streamError",
    text: "partial",
    errorType: "overloaded_error",
    message: "Overloaded",
  });
  assert.ok(raw instanceof AnthropicApiError);
  assertClassified(error, {
    kind: "overloaded",
    status: undefined,
    retryAfterMs: undefined,
    retryable: true,
    message: /Anthropic .*overloaded_error.*: Overloaded$/,
  }, "anthropic");
});

Deno.test("classifyError anthropic: an in-stream api_error event is a retryable server error", async () => {
  const { error } = await classifyFault("anthropic", {
    kind: "streamError",
    errorType: "api_error",
    message: "Internal server error",
  });
  assertClassified(error, {
    kind: "server",
    status: undefined,
    retryAfterMs: undefined,
    retryable: true,
    message: /api_error.*: Internal server error$/,
  }, "anthropic");
});

Deno.test("classifyError openai: an in-stream error payload is a retryable server error with its message", async () => {
  const { raw, error } = await classifyFault("openai", {
    kind: "streamError",
    text: "partial",
    errorType: "server_error",
    message: "The server had an error while processing your request",
  });
  assert.ok(raw instanceof OpenAiApiError);
  assertClassified(error, {
    kind: "server",
    status: undefined,
    retryAfterMs: undefined,
    retryable: true,
    message: /OpenAI .*server_error.*: The server had an error while processing your request$/,
  }, "openai");
});

for (const provider of PROVIDERS) {
  Deno.test(`classifyError ${provider}: connection refused on a closed port is a retryable connection error`, async () => {
    const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
    const port = listener.addr.port;
    listener.close();
    const base = provider === "anthropic" ? `http://127.0.0.1:${port}` : `http://127.0.0.1:${port}/v1`;
    const raw = await sdkError(provider, base);
    assert.ok(
      provider === "anthropic"
        ? raw instanceof AnthropicConnectionError
        : raw instanceof OpenAiConnectionError,
      `expected the SDK's APIConnectionError, got ${String(raw)}`,
    );
    const error = classifyError(raw, provider, new AbortController().signal);
    assertClassified(error, {
      kind: "connection",
      status: undefined,
      retryAfterMs: undefined,
      retryable: true,
      message: /^Cannot reach (Anthropic|OpenAI): /,
    }, provider);
  });

  Deno.test(`classifyError ${provider}: a request aborted by the signal is cancelled, whatever the SDK threw`, async () => {
    const server = await startLlmServer();
    try {
      server.enqueue({ kind: "message", text: "never sent" });
      const controller = new AbortController();
      controller.abort();
      const raw = await sdkError(provider, baseUrlOf(server, provider), controller.signal);
      const error = classifyError(raw, provider, controller.signal);
      assert.equal(error.kind, "cancelled");
      assert.equal(error.retryable, false);
      assert.equal(error.message, "Cancelled");
    } finally {
      await server.close();
    }
  });
}

Deno.test("classifyError passes an LlmError through unchanged", () => {
  const original = new LlmError("overloaded", "Anthropic is overloaded (HTTP 529)", 529, 10);
  assert.equal(classifyError(original, "anthropic", new AbortController().signal), original);
});

Deno.test("retryAfterMs reads retry-after-ms first, then retry-after seconds or an HTTP date", () => {
  const now = Date.parse("2025-01-01T00:00:00Z");
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "150", "retry-after": "9" }), now), 150);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "1.5" }), now), 1500);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "Wed, 01 Jan 2025 00:00:03 GMT" }), now), 3000);
  // A date in the past means "now", not a negative wait.
  assert.equal(retryAfterMs(new Headers({ "retry-after": "Tue, 31 Dec 2024 23:59:00 GMT" }), now), 0);
  assert.equal(retryAfterMs(new Headers({ "retry-after": "soon" }), now), undefined);
  assert.equal(retryAfterMs(new Headers({ "retry-after-ms": "junk", "retry-after": "2" }), now), 2000);
  assert.equal(retryAfterMs(new Headers(), now), undefined);
  assert.equal(retryAfterMs({ "retry-after": "4" }, now), 4000);
  assert.equal(retryAfterMs(undefined, now), undefined);
});
