/**
 * withSpan sets the status and records the exception in one place. A tracer provider with an
 * in-memory exporter is registered globally, which is why this test has a file of its own.
 */
import assert from "node:assert/strict";
import { SpanStatusCode, trace } from "@opentelemetry/api";
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from "@opentelemetry/sdk-trace-base";
import { failSpan, SpanKind, withSpan } from "../../lib/telemetry/mod.ts";

const memory = new InMemorySpanExporter();
trace.setGlobalTracerProvider(new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(memory)] }));

function finished(name: string) {
  const span = memory.getFinishedSpans().find((candidate) => candidate.name === name);
  assert.ok(span, `no finished span named ${name}`);
  return span;
}

Deno.test("withSpan ends the span with status OK and returns what fn returned", async () => {
  const value = await withSpan("ok.span", () => 42, { attributes: { "a.b": "c" }, kind: SpanKind.CLIENT });
  assert.equal(value, 42);
  const span = finished("ok.span");
  assert.equal(span.status.code, SpanStatusCode.OK);
  assert.equal(span.kind, SpanKind.CLIENT);
  assert.equal(span.attributes["a.b"], "c");
  assert.ok(span.ended);
});

Deno.test("withSpan records a thrown error, sets ERROR with error.type and rethrows", async () => {
  class QuotaError extends Error {
    override readonly name = "QuotaError";
  }
  await assert.rejects(
    withSpan("failing.span", () => Promise.reject(new QuotaError("out of quota"))),
    QuotaError,
  );
  const span = finished("failing.span");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.status.message, "out of quota");
  assert.equal(span.attributes["error.type"], "QuotaError");
  assert.equal(span.events[0]?.name, "exception");
  assert.equal(span.events[0]?.attributes?.["exception.message"], "out of quota");
});

Deno.test("withSpan uses an error's string code as error.type", async () => {
  const error = Object.assign(new Error("refused"), { code: "ECONNREFUSED" });
  await assert.rejects(withSpan("coded.span", () => Promise.reject(error)));
  assert.equal(finished("coded.span").attributes["error.type"], "ECONNREFUSED");
});

Deno.test("withSpan keeps the ERROR status set by failSpan instead of overwriting it with OK", async () => {
  await withSpan("soft.failure", (span) => failSpan(span, "tool_error", "file not found"));
  const span = finished("soft.failure");
  assert.equal(span.status.code, SpanStatusCode.ERROR);
  assert.equal(span.status.message, "file not found");
  assert.equal(span.attributes["error.type"], "tool_error");
});
