/** RedactingExporter: no exporter ever sees a known secret in an attribute, event or status message. */
import assert from "node:assert/strict";
import { ExportResultCode } from "@opentelemetry/core";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import { createRedactor } from "../../lib/telemetry/redact.ts";
import { RedactingExporter } from "../../lib/telemetry/redacting_exporter.ts";
import { makeSpans } from "./_spans.ts";

const SECRET = "plain-token-value";

function capturing(): { exporter: SpanExporter; seen: ReadableSpan[] } {
  const seen: ReadableSpan[] = [];
  return {
    seen,
    exporter: {
      export: (spans, done) => {
        seen.push(...spans);
        done({ code: ExportResultCode.SUCCESS });
      },
      shutdown: () => Promise.resolve(),
    },
  };
}

Deno.test("RedactingExporter redacts string and string-array attributes and leaves others alone", async () => {
  const [span] = await makeSpans([{
    attributes: {
      "kodelet.bash.command": `curl -H "X: ${SECRET}"`,
      list: ["a", SECRET],
      count: 3,
      flag: true,
    },
  }]);
  assert.ok(span);
  const { exporter, seen } = capturing();
  new RedactingExporter(exporter, createRedactor([SECRET])).export([span], () => {});
  const attributes = seen[0]?.attributes ?? {};
  assert.equal(attributes["kodelet.bash.command"], 'curl -H "X: [REDACTED]"');
  assert.deepEqual(attributes.list, ["a", "[REDACTED]"]);
  assert.equal(attributes.count, 3);
  assert.equal(attributes.flag, true);
});

Deno.test("RedactingExporter redacts event attributes and the status message", async () => {
  const [span] = await makeSpans([{
    event: { name: "exception", attributes: { "exception.message": `bad key ${SECRET}` } },
    error: `401 for ${SECRET}`,
  }]);
  assert.ok(span);
  const { exporter, seen } = capturing();
  new RedactingExporter(exporter, createRedactor([SECRET])).export([span], () => {});
  assert.equal(seen[0]?.events[0]?.attributes?.["exception.message"], "bad key [REDACTED]");
  assert.equal(seen[0]?.status.message, "401 for [REDACTED]");
});

Deno.test("RedactingExporter keeps the identity, timing and resource of the span", async () => {
  const [span] = await makeSpans([{ name: "cmd.version" }]);
  assert.ok(span);
  const { exporter, seen } = capturing();
  new RedactingExporter(exporter, createRedactor([])).export([span], () => {});
  const copy = seen[0];
  assert.ok(copy);
  assert.equal(copy.name, "cmd.version");
  assert.deepEqual(copy.spanContext(), span.spanContext());
  assert.deepEqual(copy.startTime, span.startTime);
  assert.deepEqual(copy.endTime, span.endTime);
  assert.equal(copy.resource, span.resource);
});
