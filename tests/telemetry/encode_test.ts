/**
 * Stored spans sent on: what the store kept (OTLP/JSON) goes to a real receiver in either encoding
 * and arrives with the same ids, parent, times, kind, status, attributes, events, resource and scope.
 */
import assert from "node:assert/strict";
import { SpanKind, SpanStatusCode } from "@opentelemetry/api";
import { JsonTraceSerializer } from "@opentelemetry/otlp-transformer";
import { encodeStoredSpans } from "../../lib/telemetry/encode.ts";
import { parseRequest } from "../../lib/trace_store/otlp_json.ts";
import { postOtlp } from "../../lib/telemetry/otlp_send.ts";
import { startOtlpReceiver } from "../support/otlp_receiver.ts";
import { makeSpan, randomHex } from "../trace_store/_spans.ts";

for (const protocol of ["http/protobuf", "http/json"] as const) {
  Deno.test(`stored spans reach an OTLP receiver unchanged (${protocol})`, async () => {
    const traceId = randomHex(16);
    const root = makeSpan({
      traceId,
      name: "cmd.run",
      attributes: { "command.name": "run", "args.count": 2 },
    });
    const child = {
      ...makeSpan({
        traceId,
        parentSpanId: root.spanContext().spanId,
        name: "chat m",
        error: "rate limited",
        attributes: {
          "gen_ai.usage.input_tokens": 42,
          "kodelet.cost.usd": 0.0125,
          "gen_ai.request.stream": true,
        },
      }),
      kind: SpanKind.CLIENT,
      events: [{
        name: "exception",
        time: [1_700_000_000, 5] as [number, number],
        attributes: { "exception.type": "E" },
      }],
    };
    const stored = parseRequest(
      new TextDecoder().decode(JsonTraceSerializer.serializeRequest([root, child])),
    );
    const receiver = await startOtlpReceiver();
    try {
      const target = {
        url: receiver.tracesUrl,
        headers: {},
        timeoutMs: 5000,
        compression: "gzip" as const,
        tls: {},
      };
      const outcome = await postOtlp(target, encodeStoredSpans(stored, protocol));
      assert.equal(outcome.kind, "delivered");
      assert.equal(receiver.requests[0]?.headers.get("content-encoding"), "gzip");
      const got = receiver.spans.find((span) => span.name === "chat m");
      assert.ok(got);
      assert.equal(got.traceId, traceId);
      assert.equal(got.spanId, child.spanContext().spanId);
      assert.equal(got.parentSpanId, root.spanContext().spanId);
      assert.equal(got.kind, 3, "CLIENT");
      assert.deepEqual(got.status, { code: SpanStatusCode.ERROR, message: "rate limited" });
      assert.deepEqual(got.attributes, {
        "gen_ai.usage.input_tokens": 42,
        "kodelet.cost.usd": 0.0125,
        "gen_ai.request.stream": true,
      });
      assert.equal(got.startTimeUnixNano, stored[1]?.startNs);
      assert.equal(got.endTimeUnixNano, stored[1]?.endNs);
      assert.deepEqual(got.events, [{
        name: "exception",
        timeUnixNano: 1_700_000_000_000_000_005n,
        attributes: { "exception.type": "E" },
      }]);
      assert.equal(got.resource["service.name"], "kodelet-test");
      assert.deepEqual(got.scope, { name: "kodelet-test", version: "1" });
      assert.equal(receiver.spans.find((span) => span.name === "cmd.run")?.parentSpanId, "");
    } finally {
      await receiver.close();
    }
  });
}
