/** The delivery ledger: which spans reached the OTLP endpoint, and the one warning line about the rest. */
import assert from "node:assert/strict";
import { type ExportResult, ExportResultCode } from "@opentelemetry/core";
import type { ReadableLogRecord } from "@opentelemetry/sdk-logs";
import type { ReadableSpan, SpanExporter } from "@opentelemetry/sdk-trace-base";
import {
  DeliveryTracker,
  describeExportError,
  TrackedExporter,
  TrackingProcessor,
} from "../../lib/telemetry/delivery.ts";
import { deliveryWarning } from "../../lib/telemetry/mod.ts";
import { SignalLedger, TrackedLogExporter } from "../../lib/telemetry/signal_delivery.ts";
import { reportedDestination } from "../../lib/telemetry/redact.ts";
import { makeSpans } from "./_spans.ts";

/** An exporter that answers every export with the given result. */
function answering(result: ExportResult): SpanExporter {
  return {
    export: (_spans, done) => done(result),
    shutdown: () => Promise.resolve(),
  };
}

function exportThrough(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}

Deno.test("TrackingProcessor puts every sampled span that ends on the ledger", async () => {
  const tracker = new DeliveryTracker();
  await makeSpans([{ name: "a" }, { name: "b" }], [new TrackingProcessor(tracker)]);
  assert.deepEqual(tracker.undelivered().map((span) => span.name), ["a", "b"]);
});

Deno.test("TrackingProcessor ignores spans the sampler dropped", async () => {
  const tracker = new DeliveryTracker();
  await makeSpans([{ name: "dropped", sampled: false }], [new TrackingProcessor(tracker)]);
  assert.equal(tracker.undelivered().length, 0);
});

Deno.test("TrackedExporter takes spans off the ledger when their export succeeds", async () => {
  const tracker = new DeliveryTracker();
  const spans = await makeSpans([{ name: "a" }, { name: "b" }], [new TrackingProcessor(tracker)]);
  const result = await exportThrough(
    new TrackedExporter(answering({ code: ExportResultCode.SUCCESS }), tracker),
    spans,
  );
  assert.equal(result.code, ExportResultCode.SUCCESS);
  assert.equal(tracker.undelivered().length, 0);
  assert.equal(tracker.deliveredCount, 2);
});

Deno.test("TrackedExporter leaves spans on the ledger and records why when an export fails", async () => {
  const tracker = new DeliveryTracker();
  const spans = await makeSpans([{ name: "a" }], [new TrackingProcessor(tracker)]);
  const failure = Object.assign(new Error("Service Unavailable"), { code: 503 });
  const result = await exportThrough(
    new TrackedExporter(answering({ code: ExportResultCode.FAILED, error: failure }), tracker),
    spans,
  );
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.equal(tracker.undelivered().length, 1);
  assert.equal(tracker.lastFailure, "HTTP 503");
});

Deno.test("TrackedExporter turns an exporter that throws into a failed export", async () => {
  const tracker = new DeliveryTracker();
  const spans = await makeSpans([{ name: "a" }], [new TrackingProcessor(tracker)]);
  const throwing: SpanExporter = {
    export: () => {
      throw new Error("connect ECONNREFUSED 127.0.0.1:4318");
    },
    shutdown: () => Promise.resolve(),
  };
  const result = await exportThrough(new TrackedExporter(throwing, tracker), spans);
  assert.equal(result.code, ExportResultCode.FAILED);
  assert.equal(tracker.lastFailure, "connection refused");
});

Deno.test("describeExportError says what failed in plain words", () => {
  assert.equal(describeExportError(Object.assign(new Error("Too Many Requests"), { code: 429 })), "HTTP 429");
  assert.equal(
    describeExportError(Object.assign(new Error("x"), { code: "ECONNREFUSED" })),
    "connection refused",
  );
  assert.equal(describeExportError(new Error("getaddrinfo ENOTFOUND collector")), "host not found");
  assert.equal(describeExportError(new Error("Request timed out")), "timed out");
  assert.equal(describeExportError(new Error("socket hang up")), "connection reset");
  assert.equal(describeExportError("not an error"), "export failed");
});

/** Whether the promise has settled once the microtasks queued so far have run. */
async function settledNow(promise: Promise<unknown>): Promise<boolean> {
  let settled = false;
  void promise.then(() => settled = true);
  for (let turn = 0; turn < 5; turn++) await Promise.resolve();
  return settled;
}

Deno.test("a ledger is settled with no export on the wire, and again when the last one answers", async () => {
  // The hand-over at exit waits on settled() (bounded by a grace), so with nothing on the wire the
  // exit does not wait at all.
  const ledger = new SignalLedger<ReadableLogRecord>();
  assert.equal(await settledNow(ledger.settled()), true);
  const answers: ((result: ExportResult) => void)[] = [];
  const exporter = new TrackedLogExporter({
    export: (_logs, done) => void answers.push(done),
    shutdown: () => Promise.resolve(),
    forceFlush: () => Promise.resolve(),
  }, ledger);
  const record = {} as ReadableLogRecord;
  const results: ExportResult[] = [];
  exporter.export([record], (result) => results.push(result));
  exporter.export([record], (result) => results.push(result));
  const waiting = ledger.settled();
  assert.equal(await settledNow(waiting), false, "two exports are on the wire");
  answers[0]?.({ code: ExportResultCode.SUCCESS });
  assert.equal(await settledNow(waiting), false, "one export is still on the wire");
  answers[1]?.({ code: ExportResultCode.FAILED, error: new Error("HTTP 503") });
  assert.equal(await settledNow(waiting), true);
  assert.deepEqual(results.map((result) => result.code), [ExportResultCode.SUCCESS, ExportResultCode.FAILED]);
});

Deno.test("deliveryWarning says nothing when every span arrived", () => {
  assert.equal(deliveryWarning(undefined), undefined);
  assert.equal(deliveryWarning({ undelivered: 0, destination: "x", reason: "y", spooled: 0 }), undefined);
});

Deno.test("a delivery report names its endpoint only when something was not delivered, and safely", () => {
  assert.equal(reportedDestination(0, "https://user:pw@collector.example/v1/traces?key=abc"), "");
  assert.equal(
    reportedDestination(2, "https://user:pw@collector.example/v1/traces?key=abc"),
    "https://collector.example/v1/traces",
  );
});

Deno.test("deliveryWarning is one line with the count, the destination and the reason", () => {
  const one = deliveryWarning({
    undelivered: 1,
    destination: "http://127.0.0.1:4318/v1/traces",
    reason: "connection refused",
    spooled: 0,
  });
  assert.equal(
    one,
    "kodelet: 1 span could not be delivered to http://127.0.0.1:4318/v1/traces (connection refused)",
  );
  const many = deliveryWarning({ undelivered: 3, destination: "d", reason: "HTTP 500", spooled: 3 });
  assert.equal(
    many,
    "kodelet: 3 spans could not be delivered to d (HTTP 500); 3 kept in the spool for the next run",
  );
});

Deno.test("describeExportError explains the exporter's 'retryable status' as a busy collector", () => {
  assert.equal(
    describeExportError(new Error("Export failed with retryable status")),
    "the collector is busy or unavailable (HTTP 429, 502, 503 or 504)",
  );
});
