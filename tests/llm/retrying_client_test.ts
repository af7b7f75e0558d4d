/**
 * withRetries around a fake LlmClient (an object implementing the interface), with an injected
 * sleep that records the delays. A tracer provider with an in-memory exporter and an
 * AsyncLocalStorage context manager are registered globally, which is why this file stands alone
 * (each test file runs in its own isolate).
 */
import assert from "node:assert/strict";
import { context, trace } from "@opentelemetry/api";
import { AsyncLocalStorageContextManager } from "@opentelemetry/context-async-hooks";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { abortableSleep, backoffDelay, withRetries } from "../../lib/llm/retrying_client.ts";
import { withChatSpans } from "../../lib/llm/traced_client.ts";
import {
  type LlmClient,
  LlmError,
  type LlmErrorKind,
  type LlmRequest,
  type LlmResponse,
  type StreamHandlers,
  zeroUsage,
} from "../../lib/llm/types.ts";
import { withSpan } from "../../lib/telemetry/mod.ts";

const memory = new InMemorySpanExporter();
context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }));

const REQUEST: LlmRequest = {
  model: "claude-sonnet-5-5",
  system: "You are a test.",
  messages: [{ role: "user", content: [{ type: "text", text: "hello" }] }],
  tools: [],
  maxTokens: 1024,
  temperature: undefined,
  thinkingBudgetTokens: 0,
};

function okResponse(text = "fine"): LlmResponse {
  return {
    id: "msg_fake",
    model: "claude-sonnet-5-5",
    content: [{ type: "text", text }],
    finishReason: "stop",
    usage: { ...zeroUsage(), input: 10, output: 2 },
    timeToFirstChunkMs: 1,
  };
}

function failure(kind: LlmErrorKind, status?: number, retryAfterMs?: number): LlmError {
  return new LlmError(kind, `fake ${kind}`, status, retryAfterMs);
}

/** One scripted outcome per call: an error to throw (after streaming `text`, if given) or a response. */
type Step = { error: unknown; text?: string } | { response: LlmResponse };

/** A fake provider that plays `steps`, one per call, and counts the calls. */
function fakeClient(steps: Step[]): LlmClient & { calls: number; signals: AbortSignal[] } {
  const client = {
    provider: "anthropic" as const,
    server: { address: "fake.invalid", port: 443 },
    calls: 0,
    signals: [] as AbortSignal[],
    stream(_request: LlmRequest, handlers: StreamHandlers, signal: AbortSignal): Promise<LlmResponse> {
      client.calls++;
      client.signals.push(signal);
      const step = steps.shift();
      if (step === undefined) return Promise.reject(new Error("fake client: no more steps"));
      if ("response" in step) {
        for (const block of step.response.content) if (block.type === "text") handlers.onText?.(block.text);
        return Promise.resolve(step.response);
      }
      if (step.text !== undefined) handlers.onText?.(step.text);
      return Promise.reject(step.error);
    },
  };
  return client;
}

/** An injected sleep that records each delay and returns at once. */
function recordingSleep(): { delays: number[]; sleep: (ms: number, signal: AbortSignal) => Promise<void> } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms, signal) => {
      delays.push(ms);
      return signal.aborted ? Promise.reject(new LlmError("cancelled", "Cancelled")) : Promise.resolve();
    },
  };
}

function spansNamed(name: string): ReadableSpan[] {
  return memory.getFinishedSpans().filter((span) => span.name === name);
}

function retryEvents(span: ReadableSpan) {
  return span.events.filter((event) => event.name === "retry");
}

const never = () => new AbortController().signal;

Deno.test("withRetries retries each retryable kind until it succeeds and returns that response", async () => {
  for (
    const [kind, status] of [["rate_limited", 429], ["overloaded", 529], ["server", 500], [
      "connection",
      undefined,
    ]] as const
  ) {
    const client = fakeClient([{ error: failure(kind, status) }, { error: failure(kind, status) }, {
      response: okResponse(kind),
    }]);
    const { delays, sleep } = recordingSleep();
    const response = await withRetries(client, { maxRetries: 3, sleep }).stream(REQUEST, {}, never());
    assert.equal(client.calls, 3, kind);
    assert.equal(delays.length, 2, kind);
    assert.deepEqual(response.content, [{ type: "text", text: kind }]);
  }
});

Deno.test("withRetries gives up after maxRetries retries and throws the last error", async () => {
  const errors = [failure("overloaded", 529), failure("overloaded", 529), failure("server", 503)];
  const client = fakeClient(errors.map((error) => ({ error })));
  const { delays, sleep } = recordingSleep();
  await assert.rejects(
    withRetries(client, { maxRetries: 2, sleep }).stream(REQUEST, {}, never()),
    (error) => error === errors[2],
  );
  assert.equal(client.calls, 3, "one try and two retries");
  assert.equal(delays.length, 2);
});

Deno.test("withRetries with maxRetries 0 tries once", async () => {
  const client = fakeClient([{ error: failure("rate_limited", 429, 10) }]);
  const { delays, sleep } = recordingSleep();
  await assert.rejects(withRetries(client, { maxRetries: 0, sleep }).stream(REQUEST, {}, never()), LlmError);
  assert.equal(client.calls, 1);
  assert.deepEqual(delays, []);
});

Deno.test("withRetries waits what retry-after asked, capped at maxDelayMs", async () => {
  const client = fakeClient([
    { error: failure("rate_limited", 429, 1234) },
    { error: failure("overloaded", 529, 90_000) },
    { error: failure("rate_limited", 429, 0) },
    { response: okResponse() },
  ]);
  const { delays, sleep } = recordingSleep();
  await withRetries(client, { maxRetries: 5, maxDelayMs: 20_000, sleep }).stream(REQUEST, {}, never());
  assert.deepEqual(delays, [1234, 20_000, 0]);
});

Deno.test("withRetries backs off exponentially with jitter when the server gives no retry-after", async () => {
  const client = fakeClient([
    { error: failure("server", 500) },
    { error: failure("server", 500) },
    { error: failure("server", 500) },
    { error: failure("server", 500) },
    { response: okResponse() },
  ]);
  const { delays, sleep } = recordingSleep();
  await withRetries(client, { maxRetries: 4, baseDelayMs: 100, maxDelayMs: 500, sleep }).stream(
    REQUEST,
    {},
    never(),
  );
  assert.equal(delays.length, 4);
  const [first = -1, second = -1, third = -1, fourth = -1] = delays;
  // Full jitter in the upper half of each doubling window: [base/2, base], capped at maxDelayMs.
  assert.ok(first >= 50 && first <= 100, `first ${first}`);
  assert.ok(second >= 100 && second <= 200, `second ${second}`);
  assert.ok(third >= 200 && third <= 400, `third ${third}`);
  assert.ok(fourth <= 500, `fourth ${fourth} capped`);
});

Deno.test("backoffDelay prefers retryAfterMs and otherwise stays within the window", () => {
  assert.equal(backoffDelay(3, failure("rate_limited", 429, 700), { maxRetries: 5 }), 700);
  for (let i = 0; i < 50; i++) {
    const delay = backoffDelay(1, failure("server", 500), { maxRetries: 5 });
    assert.ok(delay >= 250 && delay <= 500, `default base 500: ${delay}`);
  }
  assert.equal(backoffDelay(30, failure("server", 500), { maxRetries: 50 }), 30_000, "default cap 30 s");
});

Deno.test("withRetries does not retry auth, bad_request, not_found, stream_broken, cancelled or foreign errors", async () => {
  const errors: unknown[] = [
    failure("auth", 401),
    failure("bad_request", 400),
    failure("not_found", 404),
    failure("stream_broken"),
    failure("cancelled"),
    new TypeError("not an LlmError"),
  ];
  for (const error of errors) {
    const client = fakeClient([{ error }, { response: okResponse() }]);
    const { delays, sleep } = recordingSleep();
    await assert.rejects(
      withRetries(client, { maxRetries: 3, sleep }).stream(REQUEST, {}, never()),
      (thrown) => thrown === error,
    );
    assert.equal(client.calls, 1, String(error));
    assert.deepEqual(delays, []);
  }
});

Deno.test("withRetries does not retry once text has streamed to the user, and passes the text on", async () => {
  const error = failure("overloaded", 529);
  const client = fakeClient([{ error, text: "Half an ans" }, { response: okResponse("second try") }]);
  const { delays, sleep } = recordingSleep();
  const seen: string[] = [];
  await assert.rejects(
    withRetries(client, { maxRetries: 3, sleep }).stream(
      REQUEST,
      { onText: (text) => seen.push(text) },
      never(),
    ),
    (thrown) => thrown === error,
  );
  assert.equal(client.calls, 1, "retrying would print the answer twice");
  assert.deepEqual(delays, []);
  assert.deepEqual(seen, ["Half an ans"]);
});

Deno.test("withRetries stops waiting as soon as the signal aborts and does not call the provider again", async () => {
  const client = fakeClient([{ error: failure("rate_limited", 429, 60_000) }, { response: okResponse() }]);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), 20);
  const started = performance.now();
  try {
    await assert.rejects(
      // The real abortableSleep: a minute's retry-after must not hold up Ctrl-C.
      withRetries(client, { maxRetries: 3 }).stream(REQUEST, {}, controller.signal),
      (error) => error instanceof LlmError && error.kind === "cancelled",
    );
  } finally {
    clearTimeout(timer);
  }
  assert.ok(performance.now() - started < 2_000, "did not wait out retry-after");
  assert.equal(client.calls, 1);
});

Deno.test("withRetries makes no further attempt when the signal is already aborted", async () => {
  const controller = new AbortController();
  controller.abort();
  const client = fakeClient([{ error: failure("server", 500) }, { response: okResponse() }]);
  const { delays, sleep } = recordingSleep();
  await assert.rejects(
    withRetries(client, { maxRetries: 3, sleep }).stream(REQUEST, {}, controller.signal),
    (error) => error instanceof LlmError && error.kind === "cancelled",
  );
  assert.equal(client.calls, 1);
  assert.ok(delays.length <= 1, "at most the one sleep that rejects at once");
});

Deno.test("withRetries passes the caller's signal to every attempt", async () => {
  const controller = new AbortController();
  const client = fakeClient([{ error: failure("server", 502) }, { response: okResponse() }]);
  const { sleep } = recordingSleep();
  await withRetries(client, { maxRetries: 1, sleep }).stream(REQUEST, {}, controller.signal);
  assert.deepEqual(client.signals, [controller.signal, controller.signal]);
});

Deno.test("abortableSleep resolves after the delay and rejects as cancelled on abort", async () => {
  await abortableSleep(5, never());
  const controller = new AbortController();
  const pending = abortableSleep(60_000, controller.signal);
  controller.abort();
  await assert.rejects(pending, (error) => error instanceof LlmError && error.kind === "cancelled");
  await assert.rejects(
    abortableSleep(10, controller.signal),
    (error) => error instanceof LlmError && error.kind === "cancelled",
  );
});

Deno.test("withRetries inside a chat span sets kodelet.retries and adds one retry event per retry", async () => {
  memory.reset();
  const client = fakeClient([
    { error: failure("rate_limited", 429, 250) },
    { error: failure("overloaded", 529) },
    { response: okResponse() },
  ]);
  const { sleep } = recordingSleep();
  const traced = withChatSpans(withRetries(client, { maxRetries: 3, baseDelayMs: 10, sleep }), {
    conversationId: "conv-retry",
    captureContent: false,
    captureMaxBytes: 1024,
    redact: (text) => text,
  });
  await traced.stream(REQUEST, {}, never());
  const [chat] = spansNamed("chat claude-sonnet-5-5");
  assert.ok(chat);
  assert.equal(chat.attributes["kodelet.retries"], 2);
  const events = retryEvents(chat);
  assert.equal(events.length, 2);
  assert.deepEqual(events.map((event) => event.attributes?.["kodelet.retry.attempt"]), [1, 2]);
  assert.deepEqual(events.map((event) => event.attributes?.["error.type"]), ["429", "529"]);
  assert.equal(events[0]?.attributes?.["kodelet.retry.delay_ms"], 250);
  assert.equal(chat.status.code, 1, "the request succeeded in the end");
  assert.equal(memory.getFinishedSpans().length, 1, "retries are events, not spans");
});

Deno.test("withRetries on a span: no retry means kodelet.retries 0 and no events; giving up marks the span failed", async () => {
  memory.reset();
  const { sleep } = recordingSleep();
  await withSpan(
    "chat ok",
    () =>
      withRetries(fakeClient([{ response: okResponse() }]), { maxRetries: 2, sleep }).stream(
        REQUEST,
        {},
        never(),
      ),
  );
  const [ok] = spansNamed("chat ok");
  assert.equal(ok?.attributes["kodelet.retries"], 0);
  assert.equal(retryEvents(ok as ReadableSpan).length, 0);

  const traced = withChatSpans(
    withRetries(fakeClient([{ error: failure("server", 500) }, { error: failure("server", 500) }]), {
      maxRetries: 1,
      sleep,
    }),
    { conversationId: "conv-fail", captureContent: false, captureMaxBytes: 1024, redact: (text) => text },
  );
  await assert.rejects(traced.stream(REQUEST, {}, never()), LlmError);
  const [failed] = spansNamed("chat claude-sonnet-5-5");
  assert.ok(failed);
  assert.equal(failed.attributes["kodelet.retries"], 1);
  assert.equal(retryEvents(failed).length, 1);
  assert.equal(failed.status.code, 2);
  assert.equal(failed.attributes["error.type"], "500");
});
