/**
 * When the provider cannot be reached (issue 12): the error says which URL, why, and which setting to
 * look at; retries are events (for a status line), not warnings in the log.
 */
import assert from "node:assert/strict";
import { anthropicClient } from "../../lib/llm/anthropic.ts";
import { classifyError, retryReason } from "../../lib/llm/errors.ts";
import { proxyVariableFor } from "../../lib/llm/mod.ts";
import { openAiClient } from "../../lib/llm/openai.ts";
import { withRetries } from "../../lib/llm/retrying_client.ts";
import { type LlmClient, LlmError, type LlmRequest, type RetryNotice } from "../../lib/llm/types.ts";
import { closedPort } from "../support/run_kodelet.ts";

const REQUEST: LlmRequest = {
  model: "m",
  system: "",
  messages: [{ role: "user", content: [{ type: "text", text: "hi" }] }],
  tools: [],
  maxTokens: 16,
  temperature: undefined,
  thinkingBudgetTokens: 0,
};

async function failure(client: LlmClient): Promise<LlmError> {
  try {
    await client.stream(REQUEST, {}, new AbortController().signal);
  } catch (error) {
    assert.ok(error instanceof LlmError, String(error));
    return error;
  }
  assert.fail("the request succeeded");
}

Deno.test("an unreachable Anthropic names the URL, the reason and ANTHROPIC_BASE_URL", async () => {
  const base = `http://127.0.0.1:${closedPort()}`;
  const error = await failure(anthropicClient({ apiKey: "sk-ant-test", baseUrl: base }));
  assert.equal(error.kind, "connection");
  assert.equal(
    error.message,
    `Cannot reach Anthropic at ${base}: connection refused (nothing listens there); check ANTHROPIC_BASE_URL`,
  );
  assert.equal(retryReason(error), "connection refused");
});

Deno.test("an unreachable OpenAI-compatible server names OPENAI_BASE_URL and the proxy variable in force", async () => {
  const base = `http://127.0.0.1:${closedPort()}/v1`;
  const error = await failure(openAiClient({ apiKey: "k", baseUrl: base, proxyVariable: "HTTP_PROXY" }));
  assert.equal(
    error.message,
    `Cannot reach OpenAI at ${base}: connection refused (nothing listens there); ` +
      "check OPENAI_BASE_URL and the proxy in HTTP_PROXY",
  );
});

Deno.test("DNS, TLS and timeout failures are told apart in the message", () => {
  const endpoint = { baseUrl: "https://api.example.invalid" };
  const signal = new AbortController().signal;
  const cases: [Error, RegExp][] = [
    [
      new TypeError("fetch failed", { cause: new Error("dns error: failed to lookup address information") }),
      /: host name not found \(DNS\); check ANTHROPIC_BASE_URL$/,
    ],
    [
      new TypeError("fetch failed", { cause: new Error("invalid peer certificate: UnknownIssuer") }),
      /: TLS failed \(invalid peer certificate: UnknownIssuer\); check ANTHROPIC_BASE_URL$/,
    ],
    [new DOMException("Signal timed out.", "TimeoutError"), /: no answer \(timed out\); check/],
  ];
  for (const [raw, message] of cases) {
    const error = classifyError(raw, "anthropic", signal, endpoint);
    assert.equal(error.kind, "connection");
    assert.match(error.message, /^Cannot reach Anthropic at https:\/\/api\.example\.invalid: /);
    assert.match(error.message, message);
  }
});

Deno.test("the proxy variable is the one Deno's fetch uses for the URL's scheme, and only when set", () => {
  assert.equal(
    proxyVariableFor("https://api.anthropic.com", { HTTPS_PROXY: "http://p:3128" }),
    "HTTPS_PROXY",
  );
  assert.equal(
    proxyVariableFor("https://api.anthropic.com", { https_proxy: "http://p:3128" }),
    "https_proxy",
  );
  assert.equal(proxyVariableFor("https://api.anthropic.com", { HTTP_PROXY: "http://p:3128" }), undefined);
  assert.equal(proxyVariableFor("http://localhost:11434/v1", { HTTP_PROXY: "http://p:3128" }), "HTTP_PROXY");
  assert.equal(proxyVariableFor("http://localhost:11434/v1", { HTTP_PROXY: "" }), undefined);
});

Deno.test("a retry is announced to the stream handlers with the attempt, the wait and the reason", async () => {
  const failures = [
    new LlmError("overloaded", "overloaded", 529, 1500),
    new LlmError("rate_limited", "rate limit", 429, 20),
  ];
  const inner: LlmClient = {
    provider: "anthropic",
    server: { address: "x", port: 1 },
    stream: () => {
      const next = failures.shift();
      if (next) return Promise.reject(next);
      return Promise.resolve({
        id: "r",
        model: "m",
        content: [],
        finishReason: "stop",
        usage: { input: 0, output: 0, cacheRead: 0, cacheWrite: 0, reasoning: 0 },
        timeToFirstChunkMs: undefined,
      });
    },
  };
  const notices: RetryNotice[] = [];
  const client = withRetries(inner, { maxRetries: 4, sleep: () => Promise.resolve() });
  await client.stream(REQUEST, { onRetry: (retry) => notices.push(retry) }, new AbortController().signal);
  assert.deepEqual(notices, [
    { attempt: 2, attempts: 5, delayMs: 1500, reason: "529 overloaded" },
    { attempt: 3, attempts: 5, delayMs: 20, reason: "429 rate limited" },
  ]);
});
