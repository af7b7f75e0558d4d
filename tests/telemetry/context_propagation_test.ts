/**
 * Parent/child links survive await, async generators, Promise.all and timers. The tracing runtime is
 * built as main.ts builds it (loadConfig + startTelemetry, exporting to a real receiver), which
 * registers the OpenTelemetry globals; that is why this test has a file of its own (each test file
 * runs in its own isolate).
 */
import assert from "node:assert/strict";
import { loadConfig } from "../../lib/config/mod.ts";
import { startTelemetry, withSpan } from "../../lib/telemetry/mod.ts";
import { type ReceivedSpan, startOtlpReceiver } from "../support/otlp_receiver.ts";

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Yields three values, each produced inside its own span, with real waits in between. */
async function* produce(): AsyncGenerator<number> {
  for (let i = 0; i < 3; i++) {
    await sleep(1);
    yield await withSpan(`gen.item.${i}`, () => i);
  }
}

/** A nested, concurrent workload; returns the parent each span must have, by span name. */
async function workload(): Promise<Map<string, string>> {
  const expected = new Map<string, string>();
  await withSpan("root", async () => {
    await Promise.all([0, 1, 2].map((i) =>
      withSpan(`parallel.${i}`, async () => {
        expected.set(`parallel.${i}`, "root");
        // Finish in the reverse order of starting, so that the contexts interleave.
        await sleep(6 - 2 * i);
        await withSpan(`parallel.${i}.child`, async () => {
          expected.set(`parallel.${i}.child`, `parallel.${i}`);
          await sleep(1);
        });
      })
    ));
    await withSpan("generator", async () => {
      expected.set("generator", "root");
      for await (const i of produce()) expected.set(`gen.item.${i}`, "generator");
    });
    await withSpan("timers", async () => {
      expected.set("timers", "root");
      await new Promise<void>((resolve) => {
        setTimeout(() => {
          withSpan("timers.callback", () => expected.set("timers.callback", "timers")).then(() => resolve());
        }, 2);
      });
      await new Promise<void>((resolve) =>
        queueMicrotask(() => {
          withSpan("timers.microtask", () => expected.set("timers.microtask", "timers")).then(() =>
            resolve()
          );
        })
      );
    });
  });
  expected.set("root", "");
  return expected;
}

Deno.test("parent/child links survive await, async generators, Promise.all and timers", async () => {
  const receiver = await startOtlpReceiver();
  try {
    const config = await loadConfig({
      env: {
        OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url,
        OTEL_EXPORTER_OTLP_PROTOCOL: "http/json",
        KODELET_TRACING_DELIVERY: "wait",
      },
      flags: {},
      cwd: "/nonexistent-kodelet-test-dir",
      home: "/nonexistent-kodelet-test-dir",
    });
    const telemetry = await startTelemetry(config, { writeErr: () => {} });
    assert.equal(telemetry.enabled, true);

    const expected = await workload();
    const report = await telemetry.shutdown();
    assert.equal(report?.undelivered, 0);

    const spans = await receiver.waitForSpans(expected.size);
    assert.equal(spans.length, expected.size);
    const byId = new Map<string, ReceivedSpan>(spans.map((span) => [span.spanId, span]));
    const traceIds = new Set(spans.map((span) => span.traceId));
    assert.equal(traceIds.size, 1, "every span belongs to the one trace");
    for (const span of spans) {
      const parentName = span.parentSpanId === "" ? "" : byId.get(span.parentSpanId)?.name;
      assert.equal(parentName, expected.get(span.name), `parent of ${span.name}`);
    }
  } finally {
    await receiver.close();
  }
});
